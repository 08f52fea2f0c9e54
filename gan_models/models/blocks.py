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

    def start_as_identity(self):
        """Zero the residual branch's last layer: on a ReLU output (x >= 0) the block then returns x."""
        last = self.body[-1] if list(self.body[-1].parameters()) else self.body[-2]  # norm="none": the convolution
        for parameter in last.parameters():
            nn.init.zeros_(parameter)


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


class FourierUnit(nn.Module):
    """A 1x1 convolution in the frequency domain: every output pixel sees the whole feature map (LaMa's FFC)."""

    def __init__(self, channels, norm="batch"):
        super().__init__()
        self.conv = nn.Conv2d(2 * channels, 2 * channels, 1, bias=norm == "none")
        self.norm = make_norm(norm, 2 * channels)

    def forward(self, x):
        height, width = x.shape[-2:]
        spectrum = torch.fft.rfft2(x.float(), norm="ortho")
        y = torch.relu(self.norm(self.conv(torch.cat([spectrum.real, spectrum.imag], dim=1).to(x.dtype))))
        real, imag = y.float().chunk(2, dim=1)
        return torch.fft.irfft2(torch.complex(real, imag), s=(height, width), norm="ortho").to(x.dtype)


class FFCResidualBlock(nn.Module):
    """Two fast Fourier convolutions with a skip (Suvorov et al., LaMa, 2022). A `global_share` of the channels
    carries image-wide context through a FourierUnit; the rest is an ordinary 3x3 convolution; the two halves
    exchange information at every layer."""

    def __init__(self, channels, global_share=0.75, norm="batch"):
        super().__init__()
        self.global_channels = int(channels * global_share)
        self.layers = nn.ModuleList(FFCLayer(channels, self.global_channels, norm) for _ in range(2))

    def forward(self, x):
        y = x
        for index, layer in enumerate(self.layers):
            y = layer(y, activate=index == 0)
        return torch.relu(x + y)

    def start_as_identity(self):
        """Zero the second layer's output (its normalisations, or with norm="none" its convolutions): on a ReLU
        output the block then returns its input, so it can be grown into a trained network."""
        last = self.layers[-1]
        norms = [p for norm in (last.norm_local, last.norm_global) for p in norm.parameters()]
        convs = [conv.weight for conv in (last.local_to_local, last.global_to_local, last.local_to_global, last.expand)]
        for parameter in norms or convs:
            nn.init.zeros_(parameter)


class FFCLayer(nn.Module):
    def __init__(self, channels, global_channels, norm):
        super().__init__()
        local = channels - global_channels
        self.split = local
        self.local_to_local = nn.Conv2d(local, local, 3, padding=1, bias=False)
        self.global_to_local = nn.Conv2d(global_channels, local, 3, padding=1, bias=False)
        self.local_to_global = nn.Conv2d(local, global_channels, 3, padding=1, bias=False)
        self.reduce = nn.Sequential(nn.Conv2d(global_channels, global_channels // 2, 1, bias=False),
                                    make_norm(norm, global_channels // 2), nn.ReLU(inplace=True))
        self.fourier = FourierUnit(global_channels // 2, norm)
        self.expand = nn.Conv2d(global_channels // 2, global_channels, 1, bias=False)
        self.norm_local, self.norm_global = make_norm(norm, local), make_norm(norm, global_channels)

    def forward(self, x, activate=True):
        x_local, x_global = x[:, :self.split], x[:, self.split:]
        reduced = self.reduce(x_global)
        spectral = self.expand(reduced + self.fourier(reduced))
        out_local = self.norm_local(self.local_to_local(x_local) + self.global_to_local(x_global))
        out_global = self.norm_global(self.local_to_global(x_local) + spectral)
        out = torch.cat([out_local, out_global], dim=1)
        return torch.relu(out) if activate else out
