"""U-Net generator: image-to-image translation for colorization and inpainting."""
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from .blocks import ConvNormAct, DownBlock, FFCResidualBlock, ResidualBlock, UpBlock


class UNetGenerator(ModelMixin, ConfigMixin):
    """Encoder-decoder with skip connections and a dilated residual bottleneck.

    The dilated bottleneck gives a receptive field that covers a 256-pixel input without
    going deeper, which is what both global colour decisions and large holes need.
    `output_activation="none"` returns logits (the damage detector's mask).
    `space_to_depth=f` runs the U-Net on f x f pixel blocks folded into channels (about f**2 times cheaper);
    a small full-resolution head then sees the unfolded features beside the input itself, so per-pixel
    detail (the vintage grain) and block seams are handled at full resolution.
    `bottleneck_type="ffc"` makes the bottleneck blocks fast Fourier convolutions (LaMa): each sees the whole image at
    once (one block per entry of `bottleneck_dilations`, whose values are then unused). `ffc_blocks` appends that
    many FFC blocks after the dilated ones: grown into a trained dilated U-Net (`load_state_grown`) they start as the
    identity and add image-wide context to what it already computes.
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
        bottleneck_type: str = "dilated",
        ffc_blocks: int = 0,
    ):
        super().__init__()
        channels = list(channels)
        self.stem = ConvNormAct(in_channels * space_to_depth ** 2, channels[0], norm=norm)
        self.down = nn.ModuleList(DownBlock(c_in, c_out, norm) for c_in, c_out in zip(channels, channels[1:]))
        if bottleneck_type not in ("dilated", "ffc"):
            raise ValueError(f"bottleneck_type must be 'dilated' or 'ffc', not {bottleneck_type!r}")
        self.bottleneck = nn.Sequential(*(ResidualBlock(channels[-1], d, norm) if bottleneck_type == "dilated"
                                          else FFCResidualBlock(channels[-1], norm=norm) for d in bottleneck_dilations),
                                        *(FFCResidualBlock(channels[-1], norm=norm) for _ in range(ffc_blocks)))
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

    def load_state_grown(self, state):
        """Load the weights of a smaller U-Net of the same design: fewer bottleneck blocks and/or narrower levels.
        The grown network first computes exactly what the source did, and training grows from there: extra
        bottleneck blocks start as the identity (the last normalisation, or convolution, of their residual branch
        zeroed) and extra channels are read by no layer yet (their incoming weights are fresh, their outgoing ones
        zero; in the decoder's concatenated input the skip channels move up behind the widened ones).
        Returns the indices of the new bottleneck blocks."""
        old_channels, old_blocks = self._source_layout(state)
        own = self.state_dict()
        with torch.no_grad():
            for key, value in state.items():
                self._embed(own[key], value, key, old_channels)
            for index in range(old_blocks, len(self.bottleneck)):
                self.bottleneck[index].start_as_identity()
        return list(range(old_blocks, len(self.bottleneck)))

    def _source_layout(self, state):
        """The level widths and bottleneck depth of the U-Net `state` came from; refuses any other difference."""
        refusal = "not the same U-Net apart from extra bottleneck blocks or wider levels"
        levels = len(self.config.channels)
        try:
            old_channels = [state["stem.0.weight"].shape[0]] + [state[f"down.{i}.0.0.weight"].shape[0]
                                                               for i in range(levels - 1)]
        except KeyError as error:
            raise ValueError(f"{refusal}: no {error}") from None
        old_blocks = len({key.split(".")[1] for key in state if key.startswith("bottleneck.")})
        wider = any(o != n for o, n in zip(old_channels, self.config.channels))
        if any(o > n for o, n in zip(old_channels, self.config.channels)) or old_blocks > len(self.bottleneck):
            raise ValueError(f"{refusal}: the source has widths {old_channels} and {old_blocks} bottleneck blocks")
        if wider and self.config.space_to_depth > 1:
            raise ValueError("widening a space-to-depth U-Net is not supported")
        options = {key: value for key, value in self.config.items() if not key.startswith("_")}
        dilated = len(self.config.bottleneck_dilations)
        source = UNetGenerator(**{**options, "channels": old_channels,
                                  "bottleneck_dilations": self.config.bottleneck_dilations[:old_blocks],
                                  "ffc_blocks": max(old_blocks - dilated, 0)})
        expected = {key: tuple(value.shape) for key, value in source.state_dict().items()}
        if expected != {key: tuple(value.shape) for key, value in state.items()}:
            differences = sorted(set(expected.items()) ^ {(k, tuple(v.shape)) for k, v in state.items()})[:4]
            raise ValueError(f"{refusal}: {differences}")
        return old_channels, old_blocks

    def _embed(self, target, value, key, old_channels):
        """Copy a source tensor into the leading output channels of `target`; a convolution's weights are placed at
        the positions its old inputs now have, and the weights that read new input channels are zeroed."""
        if target.shape == value.shape:
            target.copy_(value)
            return
        outputs = torch.arange(value.shape[0])
        if value.ndim == 1:  # a bias or normalisation entry: the new channels keep their fresh values
            target[outputs] = value
            return
        inputs = torch.arange(value.shape[1])
        if key.startswith("up.") and key.endswith(".fuse.0.weight"):  # input: [upsampled level, skip]
            level = len(old_channels) - 1 - int(key.split(".")[1])
            upsampled_old, upsampled_new = old_channels[level], self.config.channels[level]
            inputs = torch.cat([inputs[:upsampled_old], inputs[upsampled_old:] - upsampled_old + upsampled_new])
        unread = torch.ones(target.shape[1], dtype=torch.bool)
        unread[inputs] = False
        target[:, unread] = 0
        target[outputs[:, None], inputs[None, :]] = value

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
