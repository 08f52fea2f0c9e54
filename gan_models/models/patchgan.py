"""PatchGAN discriminator (pix2pix) with spectral normalization."""
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from .blocks import sn_conv


class PatchGANDiscriminator(ModelMixin, ConfigMixin):
    """Scores overlapping patches as real or fake; returns logits and, on request, features.

    Intermediate features feed the discriminator feature-matching loss.
    """

    @register_to_config
    def __init__(self, in_channels: int = 3, base_channels: int = 64, num_layers: int = 3):
        super().__init__()
        layers, c_in = [], in_channels
        for i in range(num_layers):
            c_out = base_channels * min(2 ** i, 8)
            layers.append(nn.Sequential(sn_conv(c_in, c_out, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)))
            c_in = c_out
        c_out = base_channels * min(2 ** num_layers, 8)
        layers.append(nn.Sequential(sn_conv(c_in, c_out, 4, 1, 1), nn.LeakyReLU(0.2, inplace=True)))
        self.features = nn.ModuleList(layers)
        self.head = sn_conv(c_out, 1, 4, 1, 1)

    def forward(self, x, return_features=False):
        feats = []
        for layer in self.features:
            x = layer(x)
            feats.append(x)
        logits = self.head(x)
        return (logits, feats) if return_features else logits
