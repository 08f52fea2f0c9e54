"""Small building blocks shared by the networks."""
import torch
from torch import nn
from torch.nn.utils import spectral_norm


def make_norm(kind, channels):
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if kind == "group":
        return nn.GroupNorm(min(8, channels), channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm {kind!r}: use batch, instance, group or none")


class ConvNormAct(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, dilation=1, norm="batch"):
        padding = dilation * (kernel_size - 1) // 2
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                      bias=norm == "none"),
            make_norm(norm, out_channels),
            nn.ReLU(inplace=True),
        )


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with a skip; `dilation` widens the receptive field at no extra cost."""

    def __init__(self, channels, dilation=1, norm="batch"):
        super().__init__()
        padding = dilation
        self.body = nn.Sequential(
            ConvNormAct(channels, channels, dilation=dilation, norm=norm),
            nn.Conv2d(channels, channels, 3, padding=padding, dilation=dilation,
                      bias=norm == "none"),
            make_norm(norm, channels),
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(x + self.body(x))


class DownBlock(nn.Sequential):
    """Halve the resolution with a strided convolution, then refine."""

    def __init__(self, in_channels, out_channels, norm="batch"):
        super().__init__(
            ConvNormAct(in_channels, out_channels, stride=2, norm=norm),
            ResidualBlock(out_channels, norm=norm),
        )


class UpBlock(nn.Module):
    """Double the resolution (nearest + conv, no checkerboard), fuse the skip connection, refine."""

    def __init__(self, in_channels, skip_channels, out_channels, norm="batch"):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.fuse = ConvNormAct(in_channels + skip_channels, out_channels, norm=norm)
        self.refine = ResidualBlock(out_channels, norm=norm)

    def forward(self, x, skip):
        x = self.up(x)
        return self.refine(self.fuse(torch.cat([x, skip], dim=1)))


def sn_conv(in_channels, out_channels, kernel_size, stride, padding):
    return spectral_norm(nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding))
