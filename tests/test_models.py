import numpy as np
import pytest
import torch

from gan_models import PatchGANDiscriminator, UNetGenerator, VGG16Features
from gan_models.training.losses import perceptual_distance


@pytest.mark.parametrize("space_to_depth", [1, 2])
@pytest.mark.parametrize("size", [(1, 1), (7, 13), (64, 64), (33, 100)])
def test_unet_keeps_any_input_size(size, space_to_depth):
    net = UNetGenerator(in_channels=1, out_channels=2, channels=(8, 16, 32), space_to_depth=space_to_depth).eval()
    with torch.no_grad():
        out = net(torch.randn(2, 1, *size))
    assert out.shape == (2, 2, *size)
    assert out.abs().max() <= 1.0


def test_unet_config_and_weights_round_trip(tmp_path):
    net = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16), bottleneck_dilations=(1, 2)).eval()
    net.save_pretrained(tmp_path)
    assert (tmp_path / "diffusion_pytorch_model.safetensors").exists()
    loaded = UNetGenerator.from_pretrained(tmp_path).eval()
    assert loaded.config.channels == [8, 16] or tuple(loaded.config.channels) == (8, 16)
    assert loaded.config.in_channels == 4
    x = torch.randn(1, 4, 40, 24)
    with torch.no_grad():
        assert torch.equal(net(x), loaded(x))


def test_space_to_depth_unet_sees_every_pixel_of_a_block():
    """Folded 2x2 blocks still give each output pixel its own value: changing one input pixel changes
    the output there (the vintage grain is per pixel)."""
    net = UNetGenerator(in_channels=1, out_channels=1, channels=(8, 16), space_to_depth=2).eval()
    x = torch.randn(1, 1, 16, 16)
    changed = x.clone()
    changed[0, 0, 5, 5] += 3
    with torch.no_grad():
        difference = (net(changed) - net(x)).abs()[0, 0]
    assert difference[5, 5] > 0
    assert not torch.equal(difference[4:6, 4:6], difference[4:6, 4:6].flatten()[0].expand(2, 2))


def test_fp16_variant_loads_close_to_fp32(tmp_path):
    net = UNetGenerator(channels=(8, 16)).eval()
    net.save_pretrained(tmp_path)
    net.to(torch.float16).save_pretrained(tmp_path, variant="fp16")
    assert (tmp_path / "diffusion_pytorch_model.fp16.safetensors").exists()
    half = UNetGenerator.from_pretrained(tmp_path, variant="fp16", torch_dtype=torch.float32).eval()
    full = UNetGenerator.from_pretrained(tmp_path).eval()
    x = torch.randn(1, 1, 32, 32)
    with torch.no_grad():
        assert (half(x) - full(x)).abs().max() < 1e-2


def test_patchgan_scores_patches_and_exposes_features():
    disc = PatchGANDiscriminator(in_channels=3, base_channels=8, num_layers=3)
    logits, feats = disc(torch.randn(2, 3, 64, 64), return_features=True)
    assert logits.shape[0] == 2 and logits.shape[1] == 1 and logits.shape[-1] > 1
    assert len(feats) == 4


def test_perceptual_distance_is_zero_for_identical_and_grows_with_change():
    torch.manual_seed(0)
    vgg = VGG16Features(last_layer="relu3_3").eval()
    a = torch.rand(1, 3, 48, 48) * 2 - 1
    same = perceptual_distance(vgg, a, a)
    slight = perceptual_distance(vgg, a, (a + 0.05 * torch.randn_like(a)).clamp(-1, 1))
    strong = perceptual_distance(vgg, a, torch.rand_like(a) * 2 - 1)
    assert same.item() == pytest.approx(0.0, abs=1e-6)
    assert 0 < slight.item() < strong.item()


def test_the_perceptual_metric_splits_its_distance_by_layer():
    from gan_models.evaluation import PerceptualMetric

    torch.manual_seed(0)
    metric = PerceptualMetric(VGG16Features().eval(), per_layer=True)
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
    noisy = np.clip(a + rng.normal(0, 20, a.shape), 0, 255).astype(np.uint8)
    scores = metric.scores(a, noisy)
    layers = [scores[f"lpips_{name}"] for name in PerceptualMetric.LAYERS]
    assert all(d > 0 for d in layers)
    assert scores["lpips_like"] == pytest.approx(np.mean(layers)) == pytest.approx(metric(a, noisy))
    assert metric.scores(a, a)["lpips_like"] == pytest.approx(0.0, abs=1e-6)
    assert set(PerceptualMetric(metric.vgg).scores(a, noisy)) == {"lpips_like"}


def randomized_batch_norm_statistics(model):
    for module in model.modules():  # non-trivial normalisation statistics, so eval mode is a real check
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)


def test_unet_grown_by_bottleneck_blocks_starts_as_its_source():
    torch.manual_seed(0)
    source = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 2))
    randomized_batch_norm_statistics(source)
    grown = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 2, 4, 1))
    assert grown.load_state_grown(source.state_dict()) == [2, 3]
    x = torch.randn(2, 4, 40, 36)
    with torch.no_grad():
        assert torch.allclose(grown.eval()(x), source.eval()(x), atol=1e-6)
    grown.train()
    grown(x).mean().backward()  # the new blocks learn: their zeroed normalisation gets a gradient
    assert grown.bottleneck[3].body[2].weight.grad.abs().sum() > 0


@pytest.mark.parametrize("mode", ["eval", "train"])
def test_unet_grown_wider_and_deeper_starts_as_its_source(mode):
    torch.manual_seed(0)
    source = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 2))
    randomized_batch_norm_statistics(source)
    grown = UNetGenerator(in_channels=4, out_channels=3, channels=(12, 16, 48), bottleneck_dilations=(1, 2, 4))
    assert grown.load_state_grown(source.state_dict()) == [2]
    x = torch.randn(2, 4, 40, 36)
    with torch.no_grad():  # in train mode the batch statistics of the old channels must not change either
        assert torch.allclose(getattr(grown, mode)()(x), getattr(source, mode)()(x), atol=1e-5)
    grown.train()
    grown(x).mean().backward()  # the new channels start being read: their outgoing weights get a gradient
    fuse = grown.up[0].fuse[0].weight  # input: 48 upsampled bottleneck channels (32 old), then 16 skip channels
    assert fuse.grad[:, 32:48].abs().sum() > 0
    assert torch.equal(fuse[:16, 48:].detach(), source.up[0].fuse[0].weight[:, 32:].detach())


@pytest.mark.parametrize("channels,dilations", [((8, 16, 32, 64), (1, 2, 4, 8)), ((8, 16, 24), (1, 2, 4, 8)),
                                                ((8, 16, 32), (1, 2))])
def test_unet_growth_refuses_other_differences(channels, dilations):
    source = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32))
    with pytest.raises(ValueError, match="apart from extra bottleneck blocks or wider levels"):
        UNetGenerator(in_channels=4, out_channels=3, channels=channels, bottleneck_dilations=dilations
                      ).load_state_grown(source.state_dict())


@pytest.mark.parametrize("mode", ["eval", "train"])
def test_ffc_blocks_grown_into_a_dilated_unet_start_as_its_source(mode, tmp_path):
    torch.manual_seed(0)
    source = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 2))
    randomized_batch_norm_statistics(source)
    grown = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 2),
                          ffc_blocks=2)
    assert grown.load_state_grown(source.state_dict()) == [2, 3]
    x = torch.randn(2, 4, 40, 36)
    with torch.no_grad():
        assert torch.allclose(getattr(grown, mode)()(x), getattr(source, mode)()(x), atol=1e-5)
    grown.train()
    grown(x).mean().backward()  # the grown FFC blocks learn: their zeroed normalisations get a gradient
    assert grown.bottleneck[3].layers[-1].norm_global.weight.grad.abs().sum() > 0
    grown.save_pretrained(tmp_path)  # the FFC blocks are part of the config, so the folder loads back whole
    assert UNetGenerator.from_pretrained(tmp_path).config.ffc_blocks == 2


def test_an_ffc_block_with_no_normalisation_also_starts_as_the_identity():
    from gan_models.models.blocks import FFCResidualBlock

    block = FFCResidualBlock(16, norm="none")
    block.start_as_identity()
    x = torch.rand(1, 16, 12, 12)
    with torch.no_grad():
        assert torch.allclose(block(x), x)


def test_an_ffc_block_sees_the_whole_image_at_once():
    from gan_models.models.blocks import FFCResidualBlock, ResidualBlock

    torch.manual_seed(0)
    x = torch.rand(1, 16, 32, 32)
    poked = x.clone()
    poked[..., 0, 0] += 1.0
    for block, reaches_far_corner in ((FFCResidualBlock(16).eval(), True), (ResidualBlock(16).eval(), False)):
        with torch.no_grad():
            change = (block(poked) - block(x)).abs()
        assert (change[..., -1, -1].max() > 1e-6) == reaches_far_corner


def test_unet_with_an_ffc_bottleneck_keeps_any_size():
    generator = UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32), bottleneck_dilations=(1, 1),
                              bottleneck_type="ffc")
    assert generator(torch.zeros(2, 4, 37, 50)).shape == (2, 3, 37, 50)
    with pytest.raises(ValueError, match="bottleneck_type"):
        UNetGenerator(bottleneck_type="attention")
