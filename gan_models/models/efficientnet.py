"""EfficientNet-Lite0, an ImageNet-pretrained encoder (weights converted by scripts/convert_efficientnet_lite0.py).

Lite0 is EfficientNet-B0 made friendly to mobile CPUs: no squeeze-excitation, ReLU6, a fixed 32-channel stem
and 1280-channel head. Strided convolutions pad like TensorFlow's "SAME" (more on the bottom/right), as the
weights were trained that way.
"""
import torch
import torch.nn.functional as F
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

# (repeats, kernel, first stride, expansion, output channels) per stage, as in EfficientNet-B0.
LITE0_STAGES = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
                (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
BN_EPS = 1e-3
# After these blocks the resolution is about to halve (or the last block): the U-Net skips, strides 2..32.
FEATURE_BLOCKS = (0, 2, 4, 10, 15)
FEATURE_CHANNELS = (16, 24, 40, 112, 320)


class SamePadConv2d(nn.Conv2d):
    """A convolution padded like TensorFlow's "SAME": output = ceil(input / stride), extra padding at the end.

    With `divisible_input` set, the input's sides are promised to be multiples of the stride, so the padding is a
    constant: an exported graph then pads inside the convolution instead of computing pads from the input's shape.
    """

    divisible_input = False

    def forward(self, x):
        if self.divisible_input:
            pads = [amount for k, s in zip(self.kernel_size[::-1], self.stride[::-1])
                    for amount in (max(k - s, 0) // 2, max(k - s, 0) - max(k - s, 0) // 2)]
        else:
            pads = []
            for size, kernel, stride in zip(x.shape[:1:-1], self.kernel_size[::-1], self.stride[::-1]):
                total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
                pads += [total // 2, total - total // 2]
        if pads[0::2] == pads[1::2]:  # symmetric: the convolution pads (an exported graph then needs no Pad node)
            return F.conv2d(x, self.weight, self.bias, self.stride, pads[::-2], self.dilation, self.groups)
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand, depthwise k x k, 1x1 project; identity skip when the shape is kept."""

    def __init__(self, c_in, c_out, kernel, stride, expansion):
        super().__init__()
        hidden = c_in * expansion
        if expansion != 1:
            self._expand_conv = nn.Conv2d(c_in, hidden, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self._depthwise_conv = SamePadConv2d(hidden, hidden, kernel, stride, groups=hidden, bias=False)
        self._bn1 = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self._project_conv = nn.Conv2d(hidden, c_out, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(c_out, eps=BN_EPS)
        self.skip = stride == 1 and c_in == c_out

    def forward(self, x):
        y = F.relu6(self._bn0(self._expand_conv(x))) if hasattr(self, "_expand_conv") else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.skip else y


class EfficientNetLite0(ModelMixin, ConfigMixin):
    """forward(rgb in [-1, 1]) -> the five stage outputs (strides 2, 4, 8, 16, 32; 16/24/40/112/320 channels).

    With `num_classes` > 0 the ImageNet head is kept too, and `classify(rgb)` returns its logits.
    Parameter names follow the released checkpoint, so converted weights load as they are.
    """

    @register_to_config
    def __init__(self, num_classes: int = 0):
        super().__init__()
        self._conv_stem = SamePadConv2d(3, 32, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, eps=BN_EPS)
        blocks, c_in = [], 32
        for repeats, kernel, stride, expansion, c_out in LITE0_STAGES:
            for index in range(repeats):
                blocks.append(MBConv(c_in, c_out, kernel, stride if index == 0 else 1, expansion))
                c_in = c_out
        self._blocks = nn.ModuleList(blocks)
        if num_classes:
            self._conv_head = nn.Conv2d(c_in, 1280, 1, bias=False)
            self._bn1 = nn.BatchNorm2d(1280, eps=BN_EPS)
            self._fc = nn.Linear(1280, num_classes)

    @staticmethod
    def preprocess(rgb):
        """[-1, 1] RGB -> the network's input scale, (x * 255 - 127) / 128 on 0..255 pixels."""
        return ((rgb + 1) * 127.5 - 127.0) / 128.0

    def forward(self, rgb):
        x = F.relu6(self._bn0(self._conv_stem(self.preprocess(rgb))))
        features = []
        for index, block in enumerate(self._blocks):
            x = block(x)
            if index in FEATURE_BLOCKS:
                features.append(x)
        return features

    def classify(self, rgb):
        if not self.config.num_classes:
            raise ValueError("this EfficientNetLite0 was built without its ImageNet head (num_classes=0)")
        x = F.relu6(self._bn1(self._conv_head(self(rgb)[-1])))
        return self._fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
