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
from .efficientnet import FEATURE_CHANNELS, EfficientNetLite0


def ab_bin_centres(bins_per_axis):
    """(bins_per_axis ** 2, 2) ab values of the grid's nodes, a-major, spanning [-AB_SCALE, AB_SCALE]."""
    axis = torch.linspace(-AB_SCALE, AB_SCALE, bins_per_axis)
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([a.flatten(), b.flatten()], dim=1)


class ColorizationUNet(ModelMixin, ConfigMixin):
    """forward(L / 50 - 1, Nx1xHxW) -> ab / AB_SCALE, Nx2xHxW (the same convention as the v1 UNetGenerator).

    `decoder_channels` are the decoder's widths at strides 16, 8 and 4 (a fourth value adds a stage at stride 2);
    `temperature` is the default of the annealed mean. Any input size works (padded to a multiple of 32 and cropped back).
    """

    @register_to_config
    def __init__(self, bins_per_axis: int = 16, decoder_channels: tuple = (192, 96, 48),
                 temperature: float = 0.4):
        super().__init__()
        self.encoder = EfficientNetLite0(num_classes=0)
        skips = FEATURE_CHANNELS[-2::-1]  # 112, 40, 24, 16
        self.bridge = ConvNormAct(FEATURE_CHANNELS[-1], decoder_channels[0])
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
        return self

    def logits(self, luminance):
        """Per-pixel bin logits at 1 / output_stride of the (padded) input size."""
        return self.logits_from_gray((gray_from_luminance((luminance.float() + 1) * 50) * 2 - 1).to(luminance.dtype))

    def logits_from_gray(self, gray):
        """`logits` from the luminance's sRGB gray in [-1, 1] (one channel), the encoder's view of a gray photo."""
        features = self.encoder(gray.expand(-1, 3, -1, -1))
        x = self.bridge(features[-1])
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
