"""Arbitrary style transfer (AdaIN) plus bundled presets: paintings, and a learned "vintage photo" look."""
import glob
import io
import os

import torch
from PIL import Image
from torch import nn

from ..color import lab_to_rgb, rgb_to_lab
from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import PatchGANDiscriminator, StyleDecoder, StyleEncoder, UNetGenerator
from ..models.adain import FEATURE_TRANSFORMS, feature_transform, symmetric_power
from ..runtime import OnnxModule, check_runtime, require_onnxruntime, wants_onnxruntime
from .base import BasePipeline, ImagePipelineOutput, resolve_folder
from .resize import channels_last, fit_within, pil_to_tensor, tensor_to_pil
from .vintage import apply_vintage, to_full_size, working_tensor

VINTAGE_PRESETS = ("vintage", "retro")
MIN_STYLE_SIDE = 16


class StyleTransferPipeline(BasePipeline):
    """`pipe(image=content, style_image=style, strength=0.8, preserve_color=False).images[0]`

    - `style_image` any picture, or `preset=` one of `pipe.preset_names` (bundled paintings, "vintage").
    - `strength` 0..1 blends in feature space; 0 returns the content itself, 1 the full stylization.
    - `preserve_color` keeps the content's chroma and takes only the stylized luminance.
    With `color_transfer` (config, on by default) the decoded picture is given the style image's colour mean
    and covariance, in proportion to `strength`: the decoder alone under-shoots the palette.
    `feature_transform` (config) is how the style's statistics reach the content's relu4_1 features: "adain" (each
    channel's mean and spread, what the decoder was trained with) or "wct" (the whole channel covariance too:
    more of a graphic style's texture, a little less of the photo); with "wct", `wct_weight` < 1 blends its
    features with AdaIN's (0 = AdaIN).
    The content is processed at up to `max_size` on its longer side (larger photos are stylized at that
    size and upsampled, so memory stays bounded); a photo smaller than `min_size` (0: off) is stylized at
    that size and shrunk back; the style image is read at `style_size`.
    `from_pretrained(..., runtime="auto")` runs encoder and decoder through ONNX Runtime when it is installed and
    the pipeline is on the CPU in float32 (faster there); `runtime="torch"` keeps PyTorch (`use_onnxruntime`).
    """

    components = {"encoder": StyleEncoder, "decoder": StyleDecoder, "discriminator": PatchGANDiscriminator,
                  "vintage": UNetGenerator, "vintage_discriminator": PatchGANDiscriminator}
    optional_components = ("discriminator", "vintage", "vintage_discriminator")
    default_config = {"style_size": 256, "max_size": 1024, "color_transfer": True, "min_size": 0,
                      "feature_transform": "adain", "wct_weight": 1.0}

    def __init__(self, presets=None, **kwargs):
        super().__init__(**kwargs)
        self.presets = dict(presets or {})
        self._preset_files = {}  # name -> (image as loaded, its file's bytes)
        self.onnx = None  # {encoder layers (tuple): OnnxModule, "decoder": OnnxModule} once use_onnxruntime() ran

    def use_onnxruntime(self, enabled=True):
        """Run encoder and decoder through ONNX Runtime on the CPU (float32). The sessions are exported from the
        weights as they are now: call again after changing them."""
        if not enabled:
            self.onnx = None
            return self
        require_onnxruntime()
        downscale = {"relu1_1": 1, "relu2_1": 2, "relu3_1": 4, "relu4_1": 8}
        inputs = [torch.zeros(1, self.encoder.channels[name], 64 // downscale[name], 64 // downscale[name])
                  for name in self.decoder.input_layers]
        if self.decoder.modulation is not None:
            inputs.append(torch.zeros(1, self.decoder.film_size))
        image = (torch.zeros(1, 3, 64, 64),)
        self.onnx = {layers: OnnxModule(EncoderGraph(self.encoder, layers), image)
                     for layers in {self.decoder.input_layers, self.decoder.style_layers}}
        self.onnx["decoder"] = OnnxModule(DecoderGraph(self.decoder), tuple(inputs))
        return self

    def _onnx_ready(self):
        return self.onnx is not None and self.device.type == "cpu" and self.dtype == torch.float32

    @property
    def preset_names(self):
        return sorted(self.presets) + (list(VINTAGE_PRESETS[:1]) if self.vintage is not None else [])

    @torch.no_grad()
    def __call__(self, image, style_image=None, preset=None, strength=1.0, preserve_color=False, seed=0,
                 return_dict=True):
        strength = float(strength)
        if not 0.0 <= strength <= 1.0:
            raise InvalidInputError(f"strength must be between 0 and 1, got {strength}.")
        style = self._style(style_image, preset)
        outputs = []
        for item in self.as_list(image):
            content = check_size(to_rgb(item))
            if strength == 0.0:
                outputs.append(content.copy())
                continue
            if style is None:
                result = self.vintage_look(content, strength, seed)
            else:
                result = self.stylize(content, style, strength)
            if preserve_color:
                result = keep_chroma(result, content)
            outputs.append(result)
        return ImagePipelineOutput(images=outputs) if return_dict else (outputs,)

    def _style(self, style_image, preset):
        """The style as a working-size tensor, or None for the vintage generator."""
        if style_image is not None and preset:
            raise InvalidInputError("Give either a style image or a preset, not both.")
        if preset:
            if preset in VINTAGE_PRESETS and self.vintage is not None:
                return None
            if preset not in self.presets:
                raise InvalidInputError(f"Unknown preset {preset!r}; choose one of {self.preset_names}.")
            style_image = self.presets[preset]
        if style_image is None:
            raise InvalidInputError("No style given: pass style_image=... or preset=... "
                                    f"(one of {self.preset_names}).")
        style = to_rgb(style_image)
        if min(style.size) < MIN_STYLE_SIDE:
            raise InvalidInputError(f"The style image is {style.width}x{style.height}; it needs at least "
                                    f"{MIN_STYLE_SIDE} pixels per side to carry a texture.")
        size = fit_within(style.width, style.height, self.config["style_size"])
        return (pil_to_tensor(style.resize(size, Image.BICUBIC)) * 2 - 1).to(self.device, self.dtype)

    def _features(self, rgb, layers):
        """{layer: features} for `layers`: the decoder's `input_layers` for the content, its `style_layers` (all
        levels, for a style-modulated decoder) for the style."""
        if self._onnx_ready():
            return dict(zip(layers, self.onnx[layers](rgb)))  # EncoderGraph returns a tuple, even of one
        return self.encoder(channels_last(rgb), layers)

    def _decode(self, features, size, film=None):
        if self._onnx_ready():
            inputs = [features[name] for name in self.decoder.input_layers]
            if self.decoder.modulation is not None:  # the graph always takes one; zeros = no modulation
                inputs.append(film if film is not None else torch.zeros(1, self.decoder.film_size))
            return self.onnx["decoder"](*inputs)[..., :size[0], :size[1]]  # odd sizes: the pools rounded up
        features = {name: channels_last(features[name]) for name in self.decoder.input_layers}
        return self.decoder.decode(features, size, film)

    def stylize(self, content, style, strength):
        source = content
        if max(content.size) < self.config["min_size"]:
            # a small photo is stylized larger and shrunk back: finer texture, decoder artefacts averaged away
            scale = self.config["min_size"] / max(content.size)
            source = content.resize((round(content.width * scale), round(content.height * scale)), Image.BICUBIC)
        work, resized = working_tensor(source, self.config["max_size"], self.device, self.dtype)
        features = self._features(work, self.decoder.input_layers)
        style_features = self._features(style, self.decoder.style_layers)
        transform = self._feature_transform()
        # every level the decoder reads gets the style's statistics, blended by the strength
        blended = {name: transform(features[name], style_features[name], strength=strength)
                   for name in self.decoder.input_layers}
        film = None
        if self.decoder.modulation is not None:
            film = strength * self.decoder.film(style_features).to(work.dtype)
        size = work.shape[-2:]
        out = self._decode(blended, size, film)
        if strength < 1.0:  # what the decoder loses on the content alone is put back, so 0 -> content
            out = out + (1 - strength) * (work - self._decode(features, size))
        if self.config["color_transfer"]:
            out = match_color_statistics(out, style, strength)
        result = to_full_size(out, source, resized)
        return result if source is content else result.resize(content.size, Image.LANCZOS)

    def _feature_transform(self):
        name, weight = self.config["feature_transform"], float(self.config.get("wct_weight", 1.0))
        if name not in FEATURE_TRANSFORMS:
            raise InvalidInputError(f"feature_transform must be one of {sorted(FEATURE_TRANSFORMS)}, got {name!r}.")
        if not 0.0 <= weight <= 1.0:
            raise InvalidInputError(f"wct_weight must be between 0 and 1, got {weight}.")
        return feature_transform(name, weight)

    def vintage_look(self, content, strength, seed):
        return apply_vintage(self.vintage, content, strength, seed, self.config["max_size"])

    # ---- presets travel with the folder (styles/*.jpg) ------------------------------------------
    @classmethod
    def from_pretrained(cls, source, runtime="auto", **kwargs):
        check_runtime(runtime)
        pipe = super().from_pretrained(source, **kwargs)
        if wants_onnxruntime(runtime, pipe):
            pipe.use_onnxruntime()
        hub_kwargs = {k: v for k, v in kwargs.items() if k not in ("torch_dtype", "device", "variant",
                                                                      "load_discriminator")}
        folder = resolve_folder(str(source), **hub_kwargs)
        for path in sorted(glob.glob(os.path.join(folder, "styles", "*.jpg"))):
            name = os.path.splitext(os.path.basename(path))[0]
            with open(path, "rb") as f:
                encoded = f.read()
            pipe.presets[name] = Image.open(io.BytesIO(encoded)).convert("RGB")
            pipe._preset_files[name] = (pipe.presets[name], encoded)
        return pipe

    def save_pretrained(self, save_directory, variant=None, model_card=None):
        super().save_pretrained(save_directory, variant=variant, model_card=model_card)
        if self.presets:
            os.makedirs(os.path.join(save_directory, "styles"), exist_ok=True)
            for name, style in self.presets.items():
                path = os.path.join(save_directory, "styles", f"{name}.jpg")
                loaded, encoded = self._preset_files.get(name, (None, None))
                if loaded is style:  # unchanged since loading: copy the file; re-encoding a JPEG loses a little
                    with open(path, "wb") as f:
                        f.write(encoded)
                else:
                    style.save(path, quality=90)


class EncoderGraph(nn.Module):
    """The encoder with its dict output as a tuple of tensors (`layers`, in order): the form an ONNX graph takes."""

    def __init__(self, encoder, layers):
        super().__init__()
        self.encoder, self.layers = encoder, tuple(layers)

    def forward(self, rgb):
        features = self.encoder(rgb, self.layers)
        return tuple(features[name] for name in self.layers)


class DecoderGraph(nn.Module):
    """The decoder taking relu4_1, its skips and (style-modulated decoders) the FiLM vector as separate tensors."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, features, *rest):
        if self.decoder.modulation is None:
            return self.decoder(features, None, rest)
        return self.decoder(features, None, rest[:-1], rest[-1])


def keep_chroma(stylized, content):
    """Stylized luminance with the content's a/b channels (Lab), at the content's size."""
    lab_s = rgb_to_lab(pil_to_tensor(stylized))
    lab_c = rgb_to_lab(pil_to_tensor(content))
    return tensor_to_pil(lab_to_rgb(torch.cat([lab_s[:, :1], lab_c[:, 1:]], dim=1)))


def match_color_statistics(image, reference, amount=1.0, floor=1e-3):
    """Linear colour transfer: move `image` (1x3xHxW) towards the colour mean and covariance of `reference`.

    x -> C_ref^1/2 C_img^-1/2 (x - mean_img) + mean_ref, blended by `amount`. Eigenvalues of the image's
    covariance are floored at `floor` so a nearly flat picture is not blown up into noise.
    """
    x, ref = image.float().flatten(2)[0], reference.float().flatten(2)[0]
    mean_x, mean_ref = x.mean(1, keepdim=True), ref.mean(1, keepdim=True)
    transform = symmetric_power(torch.cov(ref), 0.5) @ symmetric_power(torch.cov(x), -0.5, floor)
    matched = transform @ (x - mean_x) + mean_ref
    out = x + amount * (matched - x)
    return out.clamp(-1, 1).view_as(image).to(image.dtype)
