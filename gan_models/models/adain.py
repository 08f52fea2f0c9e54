"""Arbitrary style transfer networks: a compact VGG-shaped encoder and a decoder, joined by AdaIN.

The encoder keeps VGG16's layout up to relu4_1 at a quarter of the width; it starts from the
ImageNet VGG16 filters with the largest L1 norm (`StyleEncoder.from_vgg16`) and is then trained
to match VGG16's features (distillation) while the decoder learns to invert them. At a quarter of
the width the pair costs ~1/16 of VGG16's multiply-adds, which is what makes 512x512 in well
under 300 ms on two CPU cores possible.
"""
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from .vgg import BGR_MEAN

# (name, index of the VGG16 conv it is cut from); a "pool" halves the resolution before the next layer
ENCODER_LAYOUT = [("relu1_1", 0), ("relu1_2", 1), "pool", ("relu2_1", 2), ("relu2_2", 3), "pool",
                  ("relu3_1", 4), ("relu3_2", 5), "pool", ("relu4_1", 7)]
STYLE_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")
SKIP_STAGES = {"relu3_1": 1, "relu2_1": 2, "relu1_1": 3}  # decoder stage (count of upsamplings) at that resolution


def channel_mean_std(features, eps=1e-5):
    """Per-channel mean and (unbiased) standard deviation of BxCxHxW features, in float32, shaped Bx C x1x1.
    Written with a norm rather than torch.var, which is several times slower on the CPU at the pipeline's sizes
    (32x256x256 values, one thread: 12 ms against 2 ms); the pipeline runs it on every level the decoder reads."""
    flat = features.float().flatten(2)
    mean = flat.mean(-1)
    var = torch.linalg.vector_norm(flat - mean[..., None], dim=-1).pow(2) / max(flat.shape[-1] - 1, 1)
    return mean[..., None, None], (var + eps).sqrt()[..., None, None]


def adain(content, style, eps=1e-5, strength=1.0):
    """Give each channel of `content` features the mean and std of the same channel in `style`; `strength` < 1
    moves the statistics only that far (0 = the content unchanged). One affine map per channel, one new tensor."""
    c_mean, c_std = channel_mean_std(content, eps)
    s_mean, s_std = channel_mean_std(style, eps)
    ratio = s_std / c_std
    scale, shift = strength * ratio + (1 - strength), strength * (s_mean - c_mean * ratio)
    return (content * scale.to(content.dtype)).add_(shift.to(content.dtype))


def symmetric_power(cov, power, floor=0.0):
    """cov ** power for symmetric positive semi-definite matrices (... x C x C), eigenvalues floored at `floor`
    (a number, or one per matrix) so that a direction with almost no variance is not blown up."""
    values, vectors = torch.linalg.eigh(cov)
    floor = torch.as_tensor(floor, dtype=values.dtype, device=values.device)
    values = values.clamp_min(floor[..., None] if floor.dim() else floor)
    return (vectors * values.pow(power).unsqueeze(-2)) @ vectors.transpose(-1, -2)


def whitening_coloring(content, style, strength=1.0, floor=1e-3):
    """WCT (Li et al., "Universal Style Transfer via Feature Transforms", 2017): decorrelate the content's channels
    (whitening), then give them the style's channel covariance and mean (colouring). AdaIN matches each channel's
    mean and spread alone; WCT also matches how channels vary together, which is where much of a flat, graphic
    style lives. Eigenvalues below `floor` x the mean eigenvalue are raised to it (nearly dead ReLU channels).
    `strength` blends as in `adain`. In training, gradients pass through the linear map but not through the
    eigendecompositions (whose gradients blow up where eigenvalues repeat, as those of dead channels do)."""
    def centred_covariance(features):
        flat = features.float().flatten(2)
        mean = flat.mean(-1, keepdim=True)
        centred = flat - mean
        with torch.no_grad():
            cov = centred @ centred.transpose(1, 2) / max(flat.shape[-1] - 1, 1)
        return mean, centred, cov, floor * cov.diagonal(dim1=1, dim2=2).mean(-1)

    _, centred, c_cov, c_floor = centred_covariance(content)
    s_mean, _, s_cov, s_floor = centred_covariance(style)
    with torch.no_grad():
        transform = symmetric_power(s_cov, 0.5, s_floor) @ symmetric_power(c_cov, -0.5, c_floor)
    out = (transform @ centred + s_mean).view_as(content).to(content.dtype)
    return out if strength == 1.0 else content + strength * (out - content)


FEATURE_TRANSFORMS = {"adain": adain, "wct": whitening_coloring}


def feature_transform(name, wct_weight=1.0):
    """The transform `name` of FEATURE_TRANSFORMS (KeyError if unknown). For "wct", a `wct_weight` below 1 blends its
    features with AdaIN's (0 = AdaIN): the blend keeps some of the photo's own channel correlations, so most of WCT's
    step towards the style comes at a fraction of its loss of content."""
    transform = FEATURE_TRANSFORMS[name]
    if name != "wct" or wct_weight >= 1.0:
        return transform

    def blended(content, style, strength=1.0):
        wct = whitening_coloring(content, style, strength=strength)
        return torch.lerp(adain(content, style, strength=strength).to(wct.dtype), wct, wct_weight)
    return blended


def statistics_distance(output, style):
    """Per image, the RMS over channels of the feature-mean difference plus that of the feature-std difference
    (BxCxN features), averaged over the batch: the style distance of one layer."""
    def rms(difference):
        return difference.pow(2).mean(-1).add(1e-8).sqrt().mean()

    return rms(output.mean(-1) - style.mean(-1)) + rms(output.std(-1) - style.std(-1))


def style_vector(features, layers=STYLE_LAYERS):
    """A style's summary: log(1 + mean) and log(1 + std) of each channel of each layer (B x 2*channels);
    the logarithm puts layers whose activations differ by orders of magnitude on one scale."""
    parts = []
    for name in layers:
        flat = features[name].float().flatten(2)
        parts += [flat.mean(-1).log1p(), flat.std(-1).log1p()]
    return torch.cat(parts, dim=1)


def conv3x3(in_channels, out_channels):
    return nn.Conv2d(in_channels, out_channels, 3, padding=1)


class StyleEncoder(ModelMixin, ConfigMixin):
    """RGB in [-1, 1] -> dict of ReLU features (relu1_1 ... relu4_1), VGG16 layout, `widths` per block."""

    @register_to_config
    def __init__(self, widths: tuple = (16, 32, 64, 128)):
        super().__init__()
        self.convs = nn.ModuleList()
        in_channels, block = 3, 0
        for spec in ENCODER_LAYOUT:
            if spec == "pool":
                block += 1
                continue
            self.convs.append(conv3x3(in_channels, widths[block]))
            in_channels = widths[block]
        self.register_buffer("mean", torch.tensor(BGR_MEAN).view(1, 3, 1, 1), persistent=False)

    @property
    def channels(self):
        return {name: conv.out_channels for (name, _), conv in
                zip([s for s in ENCODER_LAYOUT if s != "pool"], self.convs)}

    def forward(self, rgb, layers=STYLE_LAYERS):
        # the VGG16 input convention, so the filters cut from VGG16 see what they were trained on
        x = (rgb.flip(1) + 1) * 127.5 - self.mean.to(rgb.dtype)
        out, index = {}, 0
        last = max(i for i, spec in enumerate(ENCODER_LAYOUT) if spec != "pool" and spec[0] in layers)
        for position, spec in enumerate(ENCODER_LAYOUT):
            if spec == "pool":
                x = nn.functional.max_pool2d(x, 2, ceil_mode=True)
                continue
            x = torch.relu(self.convs[index](x))
            index += 1
            if spec[0] in layers:
                out[spec[0]] = x
            if position == last:
                break
        return out

    @classmethod
    def from_vgg16(cls, vgg, widths=(16, 32, 64, 128)):
        """Cut each layer from the matching VGG16 conv: keep the output filters with the largest L1
        norm and, for their inputs, the channels the previous layer kept."""
        encoder = cls(widths=tuple(widths))
        kept_inputs = torch.arange(3)
        for conv, (_, vgg_index) in zip(encoder.convs, [s for s in ENCODER_LAYOUT if s != "pool"]):
            source = vgg.convs[vgg_index]
            weight = source.weight.data
            if weight.shape[1] != len(kept_inputs) and kept_inputs.max() >= weight.shape[1]:
                kept_inputs = kept_inputs[kept_inputs < weight.shape[1]]
            out_channels = conv.out_channels
            kept = weight.abs().sum((1, 2, 3)).topk(out_channels).indices.sort().values
            conv.weight.data.copy_(weight[kept][:, kept_inputs])
            conv.bias.data.copy_(source.bias.data[kept])
            kept_inputs = kept
        return encoder


class StyleDecoder(ModelMixin, ConfigMixin):
    """relu4_1-level features -> RGB in [-1, 1]: the encoder mirrored, nearest upsampling + 3x3 convs.

    `extra_layers` adds (conv 3x3 + ReLU) layers at the quarter-, half- and full-resolution stages.
    `skip_layers` (any of relu3_1, relu2_1, relu1_1) are shallower encoder features that enter the decoder
    where it reaches their resolution, each through a 1x1 convolution added to the upsampled stream
    (multi-level AdaIN: the pipeline gives them the style's statistics too). The 1x1 convolutions start at
    zero, so adding skips to a trained decoder does not change its output until training uses them.
    `style_modulation` adds a small network that reads the style image's feature statistics at every level
    (relu1_1..relu4_1, `style_vector`) and predicts a per-channel scale and shift for every ReLU output of the
    decoder (FiLM, as conditional instance norm does in Magenta's network): the decoder then hears about the
    style's fine textures directly, not only through relu4_1. Its last layer starts at zero (identity modulation).
    """

    @register_to_config
    def __init__(self, widths: tuple = (16, 32, 64, 128), extra_layers: tuple = (0, 0, 0), skip_layers: tuple = (),
                 style_modulation: bool = False, modulation_hidden: int = 128):
        super().__init__()
        w1, w2, w3, w4 = widths
        act = nn.ReLU(inplace=True)
        up = nn.Upsample(scale_factor=2, mode="nearest")

        def refine(width, count):
            return [layer for _ in range(count) for layer in (conv3x3(width, width), act)]

        quarter, half, full = extra_layers
        self.layers = nn.Sequential(
            conv3x3(w4, w3), act, up,
            conv3x3(w3, w3), act, *refine(w3, quarter), conv3x3(w3, w2), act, up,
            conv3x3(w2, w2), act, *refine(w2, half), conv3x3(w2, w1), act, up,
            conv3x3(w1, w1), act, *refine(w1, full), conv3x3(w1, 3),
        )
        unknown = set(skip_layers) - set(SKIP_STAGES)
        if unknown:
            raise ValueError(f"skip_layers must be among {list(SKIP_STAGES)}, got {sorted(unknown)}")
        width = {"relu3_1": w3, "relu2_1": w2, "relu1_1": w1}  # the encoder's there, and the decoder's after upsampling
        self.skips = nn.ModuleDict({name: nn.Conv2d(width[name], width[name], 1) for name in skip_layers})
        for conv in self.skips.values():
            nn.init.zeros_(conv.weight)
            nn.init.zeros_(conv.bias)
        self.modulation = None
        if style_modulation:
            self.modulation = nn.Sequential(nn.Linear(2 * sum(widths), modulation_hidden), nn.ReLU(),
                                            nn.Linear(modulation_hidden, self.film_size))
            nn.init.zeros_(self.modulation[-1].weight)
            nn.init.zeros_(self.modulation[-1].bias)

    @property
    def modulated_channels(self):
        """Channels of each ReLU output in `layers`, in order: what a FiLM vector scales and shifts."""
        channels, last = [], None
        for layer in self.layers:
            if isinstance(layer, nn.Conv2d):
                last = layer.out_channels
            elif isinstance(layer, nn.ReLU):
                channels.append(last)
        return channels

    @property
    def film_size(self):
        """Length of a FiLM vector: a scale and a shift per modulated channel."""
        return 2 * sum(self.modulated_channels)

    def film(self, style_features):
        """The scale/shift vector (B x film_size) for a style's {layer: features} (relu1_1..relu4_1)."""
        return self.modulation(style_vector(style_features).to(self.modulation[0].weight.dtype))

    def forward(self, features, size=None, skips=(), film=None):
        """`skips`: one tensor per `config.skip_layers`, in that order (encoder features at that level).
        `film`: from `film(style_features)`, possibly scaled (0 = no modulation); None skips the modulation."""
        by_stage = {SKIP_STAGES[name]: (self.skips[name], skip) for name, skip in zip(self.config.skip_layers, skips)}
        if film is not None:
            film = iter(film[..., None, None].split([c for c in self.modulated_channels for _ in (0, 1)], dim=1))
        x, stage = features, 0
        for layer in self.layers:
            x = layer(x)
            if film is not None and isinstance(layer, nn.ReLU):
                scale, shift = next(film), next(film)
                x = x * (1 + scale) + shift
            if isinstance(layer, nn.Upsample):
                stage += 1
                if stage in by_stage:
                    conv, skip = by_stage[stage]
                    # odd sizes: the encoder's pools rounded up, so the stream can be a row or column larger
                    x = x[..., :skip.shape[-2], :skip.shape[-1]] + conv(skip)
        out = torch.tanh(x)
        if size is not None and tuple(out.shape[-2:]) != tuple(size):
            out = out[..., :size[0], :size[1]]
        return out

    @property
    def input_layers(self):
        """The encoder features it decodes: relu4_1, then its skips."""
        return ("relu4_1",) + tuple(self.config.skip_layers)

    @property
    def style_layers(self):
        """The style image's encoder features it needs: all of STYLE_LAYERS with modulation, else `input_layers`."""
        if self.modulation is None:
            return self.input_layers
        return self.input_layers + tuple(name for name in STYLE_LAYERS if name not in self.input_layers)

    def decode(self, features, size=None, film=None):
        """Decode a {layer: features} dict holding at least `input_layers`."""
        return self(features["relu4_1"], size, tuple(features[name] for name in self.config.skip_layers), film)

    def stage_convs(self):
        """The convolutions grouped by resolution (1/8, 1/4, 1/2, full): split at the upsampling layers."""
        stages = [[]]
        for layer in self.layers:
            if isinstance(layer, nn.Upsample):
                stages.append([])
            elif isinstance(layer, nn.Conv2d):
                stages[-1].append(layer)
        return stages

    def deepened(self, extra_layers, skip_layers=(), style_modulation=False):
        """A deeper decoder (more layers, more skip inputs, style modulation) that computes exactly what this one
        does: each added layer starts as the identity (its input is a ReLU output, so ReLU(x) = x), each added skip
        and the modulation at zero, and training then puts them to use."""
        extra_layers = tuple(extra_layers)
        if any(new < old for new, old in zip(extra_layers, self.config.extra_layers)):
            raise ValueError(f"cannot remove layers: {tuple(self.config.extra_layers)} -> {extra_layers}")
        if set(self.config.skip_layers) - set(skip_layers):
            raise ValueError(f"cannot remove skips: {tuple(self.config.skip_layers)} -> {tuple(skip_layers)}")
        modulated = self.modulation is not None
        if modulated and not style_modulation:
            raise ValueError("cannot remove the style modulation")
        if modulated and extra_layers != tuple(self.config.extra_layers):
            raise ValueError("cannot add layers to a style-modulated decoder (its modulation has one output per layer)")
        deeper = StyleDecoder(tuple(self.config.widths), extra_layers, tuple(skip_layers), style_modulation,
                              self.config.modulation_hidden)
        for name, conv in self.skips.items():
            deeper.skips[name].load_state_dict(conv.state_dict())
        if modulated:
            deeper.modulation.load_state_dict(self.modulation.state_dict())
        for old, new in zip(self.stage_convs(), deeper.stage_convs()):
            kept, last = old[:-1], old[-1]  # a stage: its first conv, any extra layers, then the conv leaving it
            for source, target in zip(kept + [last], new[:len(kept)] + [new[-1]]):
                target.load_state_dict(source.state_dict())
            for added in new[len(kept):-1]:
                nn.init.zeros_(added.weight)
                nn.init.zeros_(added.bias)
                with torch.no_grad():
                    added.weight[:, :, 1, 1].copy_(torch.eye(added.out_channels))
        return deeper
