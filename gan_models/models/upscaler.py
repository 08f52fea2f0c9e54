"""A compact super-resolution network in the spirit of Real-ESRGAN's SRVGGNetCompact.

All convolutions run at the input's resolution; the last one predicts scale**2 sub-pixels per channel and a pixel
shuffle arranges them (no transposed convolutions, no checkerboard). The network learns only the residual over a
bilinear upsampling of its input, so an untrained or early network is already a plain resize.
"""
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn


class CompactUpscaler(ModelMixin, ConfigMixin):
    """forward(RGB in [-1, 1], N x 3 x h x w) -> N x 3 x (scale h) x (scale w), in [-1, 1] (not clamped).

    `channels` wide, `num_convs` 3x3 convolutions with PReLU; its receptive field is 2 * num_convs + 3 pixels
    of the input, which is what a tiled run must overlap to be seamless.
    """

    @register_to_config
    def __init__(self, scale: int = 4, channels: int = 32, num_convs: int = 8):
        super().__init__()
        layers = [nn.Conv2d(3, channels, 3, padding=1), nn.PReLU(channels)]
        for _ in range(num_convs):
            layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.PReLU(channels)]
        layers.append(nn.Conv2d(channels, 3 * scale * scale, 3, padding=1))
        self.body = nn.Sequential(*layers)
        nn.init.zeros_(self.body[-1].weight)  # start as the bilinear resize
        nn.init.zeros_(self.body[-1].bias)

    @property
    def receptive_radius(self):
        return self.config.num_convs + 2

    def forward(self, x):
        base = F.interpolate(x, scale_factor=self.config.scale, mode="bilinear", align_corners=False)
        return base + F.pixel_shuffle(self.body(x), self.config.scale)
