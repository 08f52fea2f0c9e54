"""Colorization v2: a U-Net decoder over an ImageNet-pretrained EfficientNet-Lite0, predicting a colour distribution.

The encoder brings what 1.2 M ImageNet photos taught it about people, rooms and things; the decoder turns its
five stages back into chroma at a quarter of the input resolution (as Zhang et al.; the full-resolution
luminance carries the edges). Per pixel the network predicts a distribution over a
grid of ab bins (Zhang et al., "Colorful Image Colorization", 2016) rather than one ab value: the colour is the
"annealed mean" of that distribution. At temperature 1 it is the plain mean (muted where the network hesitates
between colours, like an L2 regression); towards 0 it is the most likely colour (vivid, sometimes wrong).
"""
import torch
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from ..color import AB_SCALE, gray_from_luminance
from .blocks import ConvNormAct, UpBlock
from .efficientnet import BN_EPS, FEATURE_CHANNELS, EfficientNetLite0


def ab_bin_centres(bins_per_axis):
    """(bins_per_axis ** 2, 2) ab values of the grid's nodes, a-major, spanning [-AB_SCALE, AB_SCALE]."""
    axis = torch.linspace(-AB_SCALE, AB_SCALE, bins_per_axis)
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([a.flatten(), b.flatten()], dim=1)


class GlobalContext(nn.Module):
    """The whole photo's scene, given to every pixel (Iizuka et al., "Let there be Color!", 2016, fused a scene
    classifier's features so that rooms stop getting skies). EfficientNet's own ImageNet head (1x1 to 1280 channels,
    pooled: what its classifier reads) -> a small MLP -> a per-channel scale and shift of the decoder's first
    features. The MLP's last layer starts at zero, so a trained colorizer given this branch computes what it did."""

    def __init__(self, in_channels, out_channels, hidden=1280, rank=64):
        super().__init__()
        self.head = nn.Conv2d(in_channels, hidden, 1, bias=False)
        self.norm = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self.film = nn.Sequential(nn.Linear(hidden, rank), nn.ReLU(inplace=True), nn.Linear(rank, 2 * out_channels))
        nn.init.zeros_(self.film[-1].weight)
        nn.init.zeros_(self.film[-1].bias)

    def forward(self, x, deepest):
        scene = F.relu6(self.norm(self.head(deepest))).mean(dim=(2, 3))
        scale, shift = self.film(scene)[:, :, None, None].chunk(2, dim=1)
        return x * (1 + scale) + shift


class ColorizationUNet(ModelMixin, ConfigMixin):
    """forward(L / 50 - 1, Nx1xHxW) -> ab / AB_SCALE, Nx2xHxW (the same convention as the v1 UNetGenerator).

    `decoder_channels` are the decoder's widths at strides 16, 8 and 4 (a fourth value adds a stage at stride 2);
    `temperature` is the default of the annealed mean; `global_context` adds the scene branch (GlobalContext).
    Any input size works (padded to a multiple of 32 and cropped back).
    """

    @register_to_config
    def __init__(self, bins_per_axis: int = 16, decoder_channels: tuple = (192, 96, 48),
                 temperature: float = 0.4, global_context: bool = False):
        super().__init__()
        self.encoder = EfficientNetLite0(num_classes=0)
        skips = FEATURE_CHANNELS[-2::-1]  # 112, 40, 24, 16
        self.bridge = ConvNormAct(FEATURE_CHANNELS[-1], decoder_channels[0])
        self.context = GlobalContext(FEATURE_CHANNELS[-1], decoder_channels[0]) if global_context else None
        widths = [decoder_channels[0], *decoder_channels]
        self.up = nn.ModuleList(UpBlock(c_in, c_skip, c_out) for c_in, c_skip, c_out in zip(widths, skips, widths[1:]))
        self.output_stride = 2 ** (4 - len(decoder_channels) + 1)
        self.head = nn.Conv2d(decoder_channels[-1], bins_per_axis ** 2, 1)
        self.register_buffer("bin_centres", ab_bin_centres(bins_per_axis) / AB_SCALE, persistent=False)

    def train(self, mode=True):
        """The encoder keeps its ImageNet batch statistics, frozen or fine-tuned: batches of a few gray crops would
        move them, and every feature the decoder has learnt to read with them."""
        super().train(mode)
        self.encoder.eval()
        for module in self.modules():  # a frozen layer keeps its statistics too: the scene branch's ImageNet head, or
            if isinstance(module, nn.BatchNorm2d) and not module.weight.requires_grad:  # a decoder held fixed
                module.eval()
        return self

    def load_state_grown(self, state):
        """Load a colorizer's weights; one saved without the scene branch leaves this one's branch as it is (its
        ImageNet head loaded, its MLP at zero), so the result first computes exactly what the saved one did."""
        missing, unexpected = self.load_state_dict(state, strict=False)
        if unexpected or any(not key.startswith("context.") for key in missing):
            raise ValueError(f"not this colorizer's weights: missing {missing}, unexpected {unexpected}")

    def logits(self, luminance):
        """Per-pixel bin logits at 1 / output_stride of the (padded) input size."""
        return self.logits_from_gray((gray_from_luminance((luminance.float() + 1) * 50) * 2 - 1).to(luminance.dtype))

    def logits_from_gray(self, gray):
        """`logits` from the luminance's sRGB gray in [-1, 1] (one channel), the encoder's view of a gray photo."""
        features = self.encoder(gray.expand(-1, 3, -1, -1))
        x = self.bridge(features[-1])
        if self.context is not None:
            x = self.context(x, features[-1])
        for block, skip in zip(self.up, features[-2::-1]):
            x = block(x, skip)
        return self.head(x)

    def annealed_mean(self, logits, temperature=None):
        """Bin logits (N x bins x h x w) -> ab / AB_SCALE (N x 2 x h x w)."""
        temperature = self.config.temperature if temperature is None else temperature
        probabilities = torch.softmax(logits.float() / temperature, dim=1)
        return torch.einsum("nkhw,kc->nchw", probabilities, self.bin_centres.float())

    def chroma(self, logits, height, width, temperature=None):
        """Bin logits of a padded input -> ab / AB_SCALE at the unpadded input size (height x width)."""
        return F.interpolate(self.annealed_mean(logits, temperature), scale_factor=self.output_stride,
                             mode="bilinear", align_corners=False)[..., :height, :width]

    def forward(self, luminance, temperature=None, return_logits=False):
        logits = self.logits(pad_to_multiple(luminance, 32))
        ab = self.chroma(logits, *luminance.shape[-2:], temperature)
        return (ab, logits) if return_logits else ab


def pad_to_multiple(x, multiple):
    """Replicate-pad the bottom and right of an NCHW tensor to a multiple of `multiple`."""
    pad_h, pad_w = -x.shape[-2] % multiple, -x.shape[-1] % multiple
    return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else x
