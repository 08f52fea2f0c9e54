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
    `space_to_depth=f` runs the U-Net on f x f pixel blocks folded into channels (about f**2 times cheaper);
    a small full-resolution head then sees the unfolded features beside the input itself, so per-pixel
    detail (the vintage grain) and block seams are handled at full resolution.
    Inputs of any size work: they are padded to a multiple of `size_multiple` and cropped back.
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
        space_to_depth: int = 1,
    ):
        super().__init__()
        channels = list(channels)
        self.stem = ConvNormAct(in_channels * space_to_depth ** 2, channels[0], norm=norm)
        self.down = nn.ModuleList(DownBlock(c_in, c_out, norm) for c_in, c_out in zip(channels, channels[1:]))
        self.bottleneck = nn.Sequential(*(ResidualBlock(channels[-1], d, norm) for d in bottleneck_dilations))
        reversed_channels = channels[::-1]
        self.up = nn.ModuleList(
            UpBlock(c_in, c_skip, c_skip, norm) for c_in, c_skip in zip(reversed_channels, reversed_channels[1:])
        )
        if space_to_depth == 1:
            self.head = nn.Conv2d(channels[0], out_channels, 3, padding=1)
        else:
            if channels[0] % space_to_depth ** 2:
                raise ValueError(f"channels[0] must be a multiple of space_to_depth**2 = {space_to_depth ** 2}")
            self.head = nn.Sequential(
                ConvNormAct(channels[0] // space_to_depth ** 2 + in_channels, channels[0] // 2, norm=norm),
                nn.Conv2d(channels[0] // 2, out_channels, 3, padding=1),
            )
        if output_activation not in ("tanh", "none"):
            raise ValueError(f"output_activation must be 'tanh' or 'none' (logits), not {output_activation!r}")

    def load_state_with_new_bottleneck_blocks(self, state):
        """Load the weights of a U-Net with fewer bottleneck blocks (otherwise the same). The blocks it lacks
        start as the identity (the last normalisation, or convolution, of their residual branch zeroed), so the
        deeper network first computes exactly what the source did and training grows from there."""
        try:
            missing, unexpected = self.load_state_dict(state, strict=False)
        except RuntimeError as error:  # a tensor of another shape
            raise ValueError(f"not the same U-Net apart from extra bottleneck blocks: {error}") from None
        new_blocks = sorted({int(key.split(".")[1]) for key in missing if key.startswith("bottleneck.")})
        own_keys = self.state_dict().keys()
        whole_blocks = {key for i in new_blocks for key in own_keys  # torch never reports this one missing
                        if key.startswith(f"bottleneck.{i}.") and not key.endswith("num_batches_tracked")}
        if unexpected or set(missing) != whole_blocks:
            raise ValueError(f"not the same U-Net apart from extra bottleneck blocks: missing {sorted(missing)[:4]}, "
                             f"unexpected {sorted(unexpected)[:4]}")
        for index in new_blocks:
            body = self.bottleneck[index].body
            last = body[-1] if list(body[-1].parameters()) else body[-2]  # norm="none": the convolution
            for parameter in last.parameters():
                nn.init.zeros_(parameter)
        return new_blocks

    @property
    def size_multiple(self):
        return 2 ** (len(self.config.channels) - 1) * self.config.space_to_depth

    def forward(self, x):
        height, width = x.shape[-2:]
        m = self.size_multiple
        pad_h, pad_w = (-height) % m, (-width) % m
        if pad_h or pad_w:
            mode = "reflect" if pad_h < height and pad_w < width else "replicate"
            x = nn.functional.pad(x, (0, pad_w, 0, pad_h), mode=mode)
        fold = self.config.space_to_depth
        skips = [self.stem(nn.functional.pixel_unshuffle(x, fold) if fold > 1 else x)]
        for block in self.down:
            skips.append(block(skips[-1]))
        h = self.bottleneck(skips.pop())
        for block in self.up:
            h = block(h, skips.pop())
        if fold > 1:
            h = torch.cat([nn.functional.pixel_shuffle(h, fold), x], dim=1)
        out = self.head(h)
        if self.config.output_activation == "tanh":
            out = torch.tanh(out)
        return out[..., :height, :width]
