"""Automatic colorization: predict ab from L at a working resolution, re-attach full-resolution L."""
import copy

import cv2
import numpy as np
import torch
from PIL import Image

from ..color import denormalize_ab, gray_from_luminance, lab_array_to_rgb, luminance_array, normalize_l
from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import ColorizationUNet, PatchGANDiscriminator, UNetGenerator
from ..models.colorization_unet import pad_to_multiple
from ..models.efficientnet import SamePadConv2d
from ..runtime import OnnxModule, check_runtime, require_onnxruntime, wants_onnxruntime
from .base import BasePipeline, ImagePipelineOutput
from .resize import fit_within

STRIP_PIXELS = 1 << 20  # full-resolution Lab work is done a strip of about 1 MP at a time


class ColorizationPipeline(BasePipeline):
    """Black-and-white (or colour, converted to gray first) photo in, colour photo out, same size.

    The generator sees the luminance resized so its longer side is `working_size`; its chroma is
    upsampled to the input size and joined to the input's own full-resolution luminance, so fine
    detail is never blurred and memory stays bounded for any input size.

    The generator is a ColorizationUNet (v2: pretrained encoder, colour distribution; `temperature` sets how
    vivid its annealed mean is, None = the network's default) or a v1 UNetGenerator (direct ab regression).
    On the CPU in float32 a v2 network runs through ONNX Runtime when it is installed (`runtime="torch"` keeps
    PyTorch; see `gan_models.runtime`).
    """

    components = {"generator": (ColorizationUNet, UNetGenerator), "discriminator": PatchGANDiscriminator}
    default_config = {"working_size": 256, "chroma_gain": 1.0, "temperature": None, "chroma_smoothing": 0.0}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.onnx = None  # an OnnxModule of the v2 network's bin logits once use_onnxruntime() ran

    @classmethod
    def from_pretrained(cls, source, runtime="auto", **kwargs):
        check_runtime(runtime)
        pipe = super().from_pretrained(source, **kwargs)
        if isinstance(pipe.generator, ColorizationUNet) and wants_onnxruntime(runtime, pipe):
            pipe.use_onnxruntime()
        return pipe

    def use_onnxruntime(self, enabled=True):
        """Run the v2 network's logits through ONNX Runtime on the CPU (float32), exported from the weights as they
        are now: call again after changing them."""
        self.onnx = None
        if enabled:
            require_onnxruntime()
            self.onnx = OnnxModule(LogitsGraph(self.generator), (torch.zeros(1, 1, 64, 64),))
        return self

    @torch.no_grad()
    def __call__(self, image, chroma_gain=None, temperature=None, chroma_smoothing=None, return_dict=True):
        """`chroma_smoothing` (0 = off): the radius, as a share of the working size, of an edge-aware filter that
        evens out the colour within each surface (guided by the luminance), so a flat table the network paints in
        blotches of different colours comes out one muted colour."""
        gain = self.config["chroma_gain"] if chroma_gain is None else float(chroma_gain)
        temperature = self.config["temperature"] if temperature is None else float(temperature)
        smoothing = self.config["chroma_smoothing"] if chroma_smoothing is None else float(chroma_smoothing)
        if not 0.0 <= smoothing <= 1.0:
            raise InvalidInputError(f"chroma_smoothing must be between 0 and 1, got {smoothing}.")
        images = [self.colorize(to_rgb(item), gain, temperature, smoothing) for item in self.as_list(image)]
        return ImagePipelineOutput(images=images) if return_dict else (images,)

    def predict_ab(self, luminance, temperature=None):
        """L in [0, 100], 1x1xhxw -> ab (Lab units), 1x2xhxw, at the same size."""
        x = normalize_l(luminance).to(self.device, self.dtype)
        if self.onnx is not None and self.device.type == "cpu" and self.dtype == torch.float32:
            gray = gray_from_luminance(pad_to_multiple(luminance.float(), 32)) * 2 - 1
            ab = self.generator.chroma(self.onnx(gray), *x.shape[-2:], temperature)
        elif isinstance(self.generator, ColorizationUNet):
            ab = self.generator(x, temperature=temperature)
        else:
            ab = self.generator(x)
        return denormalize_ab(ab.float().cpu())

    def colorize(self, rgb, gain, temperature=None, smoothing=0.0):
        check_size(rgb)
        width, height = rgb.size
        small_size = fit_within(width, height, self.config["working_size"])
        small = rgb.resize(small_size, Image.BICUBIC) if small_size != rgb.size else rgb
        luminance = luminance_array(np.asarray(small))
        ab = self.predict_ab(torch.from_numpy(luminance)[None, None], temperature) * gain
        if smoothing > 0:
            radius = max(1, round(smoothing * max(small_size)))
            ab = torch.from_numpy(guided_filter(luminance / 100, ab[0].permute(1, 2, 0).numpy(), radius))
            ab = ab.permute(2, 0, 1)[None]
        return reattach_chroma(rgb, ab)


class LogitsGraph(torch.nn.Module):
    """What ONNX Runtime runs: the padded luminance's gray -> bin logits. The gray is computed before it and the
    annealed mean after it, in PyTorch (a few element-wise steps, where the temperature is a call argument); the
    input is a multiple of 32, so every "same" padding is a constant that ONNX Runtime folds into its convolution."""

    def __init__(self, network):
        super().__init__()
        self.network = copy.deepcopy(network)
        for module in self.network.modules():
            if isinstance(module, SamePadConv2d):
                module.divisible_input = True

    def forward(self, gray):
        return self.network.logits_from_gray(gray)


def guided_filter(guide, source, radius, eps=1e-3):
    """He et al.'s guided filter: `source` (HxWxC float32) smoothed over (2 radius + 1)-pixel boxes, except across
    edges of `guide` (HxW, values in 0..1) stronger than about sqrt(eps)."""
    box = lambda x: cv2.blur(x, (2 * radius + 1, 2 * radius + 1), borderType=cv2.BORDER_REFLECT)  # noqa: E731
    guide = guide.astype(np.float32)[..., None]
    mean_guide, mean_source = box(guide[..., 0])[..., None], box(source).reshape(source.shape)
    covariance = box(guide * source).reshape(source.shape) - mean_guide * mean_source
    variance = box(guide[..., 0] ** 2)[..., None] - mean_guide ** 2
    slope = covariance / (variance + eps)
    offset = mean_source - slope * mean_guide
    return (box(slope).reshape(source.shape) * guide + box(offset).reshape(source.shape)).astype(np.float32)


def reattach_chroma(rgb, ab):
    """Join low-resolution chroma `ab` (1x2xhxw) to the luminance of full-resolution `rgb` (PIL).

    The chroma is upsampled bilinearly, pixel centres aligned and edges replicated, one strip at a time; each strip
    is converted in place where it can be, as fresh full-size arrays per step cost more than the conversions.
    """
    width, height = rgb.size
    source = np.asarray(rgb)
    out = np.empty_like(source)
    chroma = np.ascontiguousarray(ab[0].float().permute(1, 2, 0).numpy())
    scale_x, scale_y = chroma.shape[1] / width, chroma.shape[0] / height
    rows_per_strip = max(1, STRIP_PIXELS // width)
    for top in range(0, height, rows_per_strip):
        bottom = min(height, top + rows_per_strip)
        # output pixel (x, top + y) reads the chroma at ((x + 0.5) scale_x - 0.5, (top + y + 0.5) scale_y - 0.5)
        to_chroma = np.float32([[scale_x, 0, 0.5 * scale_x - 0.5], [0, scale_y, (top + 0.5) * scale_y - 0.5]])
        strip_ab = cv2.warpAffine(chroma, to_chroma, (width, bottom - top), borderMode=cv2.BORDER_REPLICATE,
                                  flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
        lab = np.multiply(source[top:bottom], np.float32(1 / 255), dtype=np.float32)
        cv2.cvtColor(lab, cv2.COLOR_RGB2Lab, dst=lab)
        lab[..., 1:] = strip_ab.reshape(lab.shape[0], width, 2)
        lab_array_to_rgb(lab, out=out[top:bottom])
    return Image.fromarray(out)
