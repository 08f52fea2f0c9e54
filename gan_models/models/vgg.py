"""VGG16 convolutional feature extractor (ImageNet weights converted by scripts/convert_vgg16.py).

Used as the perceptual/style loss network, as the LPIPS-like metric, and as the style-transfer encoder.
"""
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

VGG16_LAYOUT = [(3, 64), (64, 64), "pool", (64, 128), (128, 128), "pool",
                (128, 256), (256, 256), (256, 256), "pool",
                (256, 512), (512, 512), (512, 512), "pool",
                (512, 512), (512, 512), (512, 512)]
LAYER_NAMES = ["relu1_1", "relu1_2", "relu2_1", "relu2_2", "relu3_1", "relu3_2", "relu3_3",
               "relu4_1", "relu4_2", "relu4_3", "relu5_1", "relu5_2", "relu5_3"]
# Keras VGG16 convention: BGR, 0..255, minus the ImageNet channel means.
BGR_MEAN = (103.939, 116.779, 123.68)


class VGG16Features(ModelMixin, ConfigMixin):
    """VGG16 conv layers up to `last_layer`; forward returns a dict of the requested ReLU outputs."""

    @register_to_config
    def __init__(self, last_layer: str = "relu5_3"):
        super().__init__()
        self.convs = nn.ModuleList()
        depth = LAYER_NAMES.index(last_layer) + 1
        for spec in VGG16_LAYOUT:
            if spec == "pool":
                continue
            if len(self.convs) == depth:
                break
            self.convs.append(nn.Conv2d(*spec, 3, padding=1))
        self.register_buffer("mean", torch.tensor(BGR_MEAN).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False)

    def preprocess(self, rgb):
        """[-1, 1] RGB -> Keras input (BGR, 0..255, mean-subtracted)."""
        return (rgb.flip(1) + 1) * 127.5 - self.mean.to(rgb.dtype)

    def forward(self, rgb, layers=("relu1_2", "relu2_2", "relu3_3", "relu4_3", "relu5_3")):
        x, out, conv_index = self.preprocess(rgb), {}, 0
        last = max(LAYER_NAMES.index(name) for name in layers)
        for spec in VGG16_LAYOUT:
            if spec == "pool":
                x = nn.functional.max_pool2d(x, 2)
                continue
            x = torch.relu(self.convs[conv_index](x))
            name = LAYER_NAMES[conv_index]
            if name in layers:
                out[name] = x
            if conv_index == last:
                break
            conv_index += 1
        return out
