"""Enhance: the x2 / x4 upscaler, its tiling, its degradation model, the CLI and the restoration stage."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from gan_models import CompactUpscaler, InvalidInputError, UpscalePipeline
from gan_models.training.degradations import second_order_degradation
from helpers import photo, tiny_restoration_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny_net(scale=4, unshuffle=1):
    torch.manual_seed(0)
    net = CompactUpscaler(scale=scale, channels=8, num_convs=3, unshuffle=unshuffle)
    torch.nn.init.normal_(net.body[-1].weight, std=0.05)  # a non-trivial residual, not just the bilinear start
    return net


def bilinear(x, scale):
    return torch.nn.functional.interpolate(x, scale_factor=scale, mode="bilinear", align_corners=False)


def tiny_upscale_pipeline(tile_size=192, with_x2=False):
    return UpscalePipeline(upscaler=tiny_net(), upscaler_x2=tiny_net(2, 2) if with_x2 else None, tile_size=tile_size)


@pytest.mark.parametrize("scale,with_x2", [(2, False), (4, False), (2, True)])
def test_output_is_exactly_scale_times_the_input_for_odd_sizes(scale, with_x2):
    out = tiny_upscale_pipeline(with_x2=with_x2)(image=photo(37, 23), scale=scale).images[0]
    assert out.size == (37 * scale, 23 * scale) and out.mode == "RGB"


@pytest.mark.parametrize("scale,with_x2,tile_size", [(2, False, 16), (4, False, 16), (2, True, 15)])
def test_tiles_join_without_seams(scale, with_x2, tile_size):
    image = photo(75, 53, seed=3)
    whole = tiny_upscale_pipeline(tile_size=512, with_x2=with_x2)(image=image, scale=scale).images[0]
    tiled = tiny_upscale_pipeline(tile_size=tile_size, with_x2=with_x2)(image=image, scale=scale).images[0]
    assert np.abs(np.asarray(whole).astype(int) - np.asarray(tiled).astype(int)).max() <= 1


def test_x2_uses_its_own_network_when_the_folder_has_one():
    image = photo(30, 22, seed=5)
    plain, with_x2 = tiny_upscale_pipeline(), tiny_upscale_pipeline(with_x2=True)
    assert np.array_equal(np.asarray(plain(image=image, scale=4).images[0]),
                          np.asarray(with_x2(image=image, scale=4).images[0]))
    assert not np.array_equal(np.asarray(plain(image=image, scale=2).images[0]),
                              np.asarray(with_x2(image=image, scale=2).images[0]))
    with pytest.raises(InvalidInputError, match=r"scale must be one of \[2\]"):
        UpscalePipeline(upscaler=tiny_net(2, 2))(image=image, scale=4)


def test_an_x2_network_grown_from_an_x4_one_starts_as_it_on_the_half_size_input():
    x4, x2 = tiny_net(), CompactUpscaler(scale=2, channels=8, num_convs=3, unshuffle=2)
    x2.load_state_grown(x4.state_dict())
    x = torch.rand(1, 3, 20, 14) * 2 - 1
    half = torch.nn.functional.avg_pool2d(x, 2)
    detail_x2, detail_x4 = x2(x) - bilinear(x, 2), x4(half) - bilinear(half, 4)
    assert detail_x4.abs().max() > 0.01 and torch.allclose(detail_x2, detail_x4, atol=1e-5)


def test_an_untrained_upscaler_is_a_bilinear_resize():
    net = CompactUpscaler(scale=4, channels=8, num_convs=2)
    x = torch.rand(1, 3, 10, 12) * 2 - 1
    expected = torch.nn.functional.interpolate(x, scale_factor=4, mode="bilinear", align_corners=False)
    assert torch.allclose(net(x), expected)


def test_the_trainer_grows_an_x2_network_from_the_bundled_x4_one():
    from gan_models.training.recipes import get_recipe

    recipe = get_recipe("upscale", upscale_factor=2)
    x2 = recipe.build_generator()
    recipe.load_initial_weights(x2, recipe.build_discriminator(), os.path.join(ROOT, "pretrained", "upscale"))
    x4 = UpscalePipeline.from_pretrained(os.path.join(ROOT, "pretrained", "upscale")).upscaler.float()
    assert (x2.config.scale, x2.config.unshuffle) == (2, 2)
    x = torch.rand(1, 3, 24, 18) * 2 - 1
    half = torch.nn.functional.avg_pool2d(x, 2)
    with torch.no_grad():
        assert torch.allclose(x2(x) - bilinear(x, 2), x4(half) - bilinear(half, 4), atol=1e-4)


def test_bad_scales_and_oversized_results_get_a_message():
    pipe = tiny_upscale_pipeline()
    with pytest.raises(InvalidInputError, match="scale must be one of"):
        pipe(image=photo(20, 20), scale=3)
    pipe.config["max_output_pixels"] = 10_000
    with pytest.raises(InvalidInputError, match="choose x2 or a smaller photo"):
        pipe(image=photo(40, 40), scale=4)


@pytest.mark.parametrize("with_x2", [False, True])
def test_save_and_load_round_trip(tmp_path, with_x2):
    pipe = tiny_upscale_pipeline(with_x2=with_x2)
    pipe.save_pretrained(tmp_path)
    loaded = UpscalePipeline.from_pretrained(tmp_path, runtime="torch")
    assert (loaded.upscaler_x2 is not None) == with_x2
    image = photo(30, 20)
    assert np.array_equal(np.asarray(loaded(image=image, scale=2).images[0]), np.asarray(pipe(image=image, scale=2).images[0]))


@pytest.mark.parametrize("with_x2", [False, True])
def test_onnxruntime_gives_the_pytorch_picture_tile_by_tile(tmp_path, with_x2):
    pytest.importorskip("onnxruntime")
    tiny_upscale_pipeline(tile_size=24, with_x2=with_x2).save_pretrained(tmp_path)
    by_torch = UpscalePipeline.from_pretrained(tmp_path, runtime="torch")
    by_onnx = UpscalePipeline.from_pretrained(tmp_path, runtime="onnxruntime")
    assert by_torch.onnx is None and sorted(by_onnx.onnx) == ["upscaler"] + ["upscaler_x2"] * with_x2
    assert UpscalePipeline.from_pretrained(tmp_path).onnx is None  # PyTorch by default: faster on these tiles
    image = photo(53, 41)  # odd sizes, several tiles of different shapes through one graph
    for scale in (2, 4):
        ours, theirs = (np.asarray(p(image=image, scale=scale).images[0]).astype(int) for p in (by_torch, by_onnx))
        assert ours.shape == theirs.shape == (41 * scale, 53 * scale, 3)
        assert np.abs(ours - theirs).max() <= 1
    assert tiny_upscale_pipeline().onnx is None  # built in memory: a trainer may still change it


def test_second_order_degradation_is_smaller_softer_and_seeded():
    clean = torch.rand(2, 3, 64, 48) * 2 - 1
    small = second_order_degradation(clean, 4, np.random.default_rng(5))
    again = second_order_degradation(clean, 4, np.random.default_rng(5))
    assert small.shape == (2, 3, 16, 12) and small.min() >= -1 and small.max() <= 1
    assert torch.equal(small, again)
    assert small.std() < clean.std()  # blur and resizing average the random pixels out


def test_restoration_can_end_with_an_upscale_stage():
    pipe = tiny_restoration_pipeline()
    pipe.upscaling = tiny_upscale_pipeline()
    out = pipe(image=photo(60, 40), upscale=2, return_intermediates=True)
    assert out.images[0].size == (120, 80) and out.extras["stages"][0]["upscaled"].size == (120, 80)
    assert pipe(image=photo(60, 40)).images[0].size == (60, 40)
    with pytest.raises(InvalidInputError, match="upscale must be"):
        pipe(image=photo(60, 40), upscale=3)


def test_cli_upscales_files(tmp_path):
    tiny_upscale_pipeline().save_pretrained(tmp_path / "model")
    photo(40, 30).save(tmp_path / "small.png")
    (tmp_path / "bad.png").write_text("not an image")
    result = subprocess.run([sys.executable, "-m", "gan_models", "upscale", str(tmp_path / "small.png"),
                             str(tmp_path / "bad.png"), "-o", str(tmp_path / "out"), "--scale", "2", "--model",
                             str(tmp_path / "model")], env={**os.environ, "PYTHONPATH": ROOT, "HF_HUB_OFFLINE": "1"},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "bad.png" in result.stdout and "Traceback" not in result.stderr
    assert Image.open(tmp_path / "out" / "small_upscaled.png").size == (80, 60)
