"""U-Net generator: image-to-image translation for colorization and inpainting."""
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from .blocks import ConvNormAct, DownBlock, ResidualBlock, UpBlock


class UNetGenerator(ModelMixin, ConfigMixin):
    """Encoder-decoder with skip connections and a dilated residual bottleneck.

    The dilated bottleneck gives a receptive field that covers a 256-pixel input without
    going deeper, which is what both global colour decisions and large holes need.
    `output_activation="none"` returns logits (the damage detector's mask).
    Inputs of any size work: they are padded to a multiple of 2**len(channels) and cropped back.
    """

    @register_to_config
    def __init__(
        self,
        in_channels: int = 1,
        out_channels: int = 2,
        channels: tuple = (16, 32, 64, 128, 256),
        bottleneck_dilations: tuple = (1, 2, 4, 8),
        norm: str = "batch",
        output_activation: str = "tanh",
    ):
        super().__init__()
        channels = list(channels)
        self.stem = ConvNormAct(in_channels, channels[0], norm=norm)
        self.down = nn.ModuleList(DownBlock(c_in, c_out, norm) for c_in, c_out in zip(channels, channels[1:]))
        self.bottleneck = nn.Sequential(*(ResidualBlock(channels[-1], d, norm) for d in bottleneck_dilations))
        reversed_channels = channels[::-1]
        self.up = nn.ModuleList(
            UpBlock(c_in, c_skip, c_skip, norm) for c_in, c_skip in zip(reversed_channels, reversed_channels[1:])
        )
        self.head = nn.Conv2d(channels[0], out_channels, 3, padding=1)
        if output_activation not in ("tanh", "none"):
            raise ValueError(f"output_activation must be 'tanh' or 'none' (logits), not {output_activation!r}")

    @property
    def size_multiple(self):
        return 2 ** (len(self.config.channels) - 1)

    def forward(self, x):
        height, width = x.shape[-2:]
        m = self.size_multiple
        pad_h, pad_w = (-height) % m, (-width) % m
        if pad_h or pad_w:
            mode = "reflect" if pad_h < height and pad_w < width else "replicate"
            x = nn.functional.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        skips = [self.stem(x)]
        for block in self.down:
            skips.append(block(skips[-1]))
        h = self.bottleneck(skips.pop())
        for block in self.up:
            h = block(h, skips.pop())
        out = self.head(h)
        if self.config.output_activation == "tanh":
            out = torch.tanh(out)
        return out[..., :height, :width]
