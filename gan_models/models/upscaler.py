"""A compact super-resolution network in the spirit of Real-ESRGAN's SRVGGNetCompact.

All convolutions run at the input's resolution; the last one predicts scale**2 sub-pixels per channel and a pixel
shuffle arranges them (no transposed convolutions, no checkerboard). The network learns only the residual over a
bilinear upsampling of its input, so an untrained or early network is already a plain resize.

With `unshuffle=2` (Real-ESRGAN's x2 models do the same) the input's 2x2 pixel blocks are stacked as channels first,
so the convolutions run at half the input's resolution: a quarter of the cost, with every input pixel still seen.
"""
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn


class CompactUpscaler(ModelMixin, ConfigMixin):
    """forward(RGB in [-1, 1], N x 3 x h x w) -> N x 3 x (scale h) x (scale w), in [-1, 1] (not clamped).

    `channels` wide, `num_convs` 3x3 convolutions with PReLU, at 1/`unshuffle` of the input's resolution; its
    receptive field reaches `receptive_radius` input pixels, which is what a tiled run must overlap to be seamless.
    """

    @register_to_config
    def __init__(self, scale: int = 4, channels: int = 32, num_convs: int = 8, unshuffle: int = 1):
        super().__init__()
        layers = [nn.Conv2d(3 * unshuffle * unshuffle, channels, 3, padding=1), nn.PReLU(channels)]
        for _ in range(num_convs):
            layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.PReLU(channels)]
        layers.append(nn.Conv2d(channels, 3 * (scale * unshuffle) ** 2, 3, padding=1))
        self.body = nn.Sequential(*layers)
        nn.init.zeros_(self.body[-1].weight)  # start as the bilinear resize
        nn.init.zeros_(self.body[-1].bias)

    @property
    def receptive_radius(self):
        return (self.config.num_convs + 2) * self.config.unshuffle

    def forward(self, x):
        scale, unshuffle = self.config.scale, self.config.unshuffle
        height, width = x.shape[-2:]
        base = F.interpolate(x, scale_factor=scale, mode="bilinear", align_corners=False)
        if unshuffle > 1:  # odd sizes: repeat the last row / column, then crop the result back
            x = F.pad(x, (0, -width % unshuffle, 0, -height % unshuffle), mode="replicate")
            x = F.pixel_unshuffle(x, unshuffle)
        detail = F.pixel_shuffle(self.body(x), scale * unshuffle)
        return base + detail[..., :height * scale, :width * scale]

    def load_state_grown(self, state):
        """Load weights; an x4 network's (no unshuffle) also load into an x2 one with `unshuffle=2`: its first
        convolution then sees the input averaged over 2x2 pixels, so the x2 network starts as the x4 network run on
        the input at half size, and `--init-from` fine-tunes from everything the x4 network learnt."""
        first, blocks = state["body.0.weight"], self.config.unshuffle ** 2
        if blocks > 1 and first.shape[1] * blocks == self.body[0].in_channels:
            # unshuffled channels are ordered (colour, dy, dx): each colour's pixels share its weights
            state = {**state, "body.0.weight": first.repeat_interleave(blocks, dim=1) / blocks}
        self.load_state_dict(state)
