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


def tiny_upscale_pipeline(tile_size=192):
    torch.manual_seed(0)
    net = CompactUpscaler(scale=4, channels=8, num_convs=3)
    torch.nn.init.normal_(net.body[-1].weight, std=0.05)  # a non-trivial residual, not just the bilinear start
    return UpscalePipeline(upscaler=net, tile_size=tile_size)


@pytest.mark.parametrize("scale", [2, 4])
def test_output_is_exactly_scale_times_the_input_for_odd_sizes(scale):
    out = tiny_upscale_pipeline()(image=photo(37, 23), scale=scale).images[0]
    assert out.size == (37 * scale, 23 * scale) and out.mode == "RGB"


@pytest.mark.parametrize("scale", [2, 4])
def test_tiles_join_without_seams(scale):
    image = photo(75, 53, seed=3)
    whole = np.asarray(tiny_upscale_pipeline(tile_size=512)(image=image, scale=scale).images[0]).astype(int)
    tiled = np.asarray(tiny_upscale_pipeline(tile_size=16)(image=image, scale=scale).images[0]).astype(int)
    assert np.abs(whole - tiled).max() <= 1


def test_an_untrained_upscaler_is_a_bilinear_resize():
    net = CompactUpscaler(scale=4, channels=8, num_convs=2)
    x = torch.rand(1, 3, 10, 12) * 2 - 1
    expected = torch.nn.functional.interpolate(x, scale_factor=4, mode="bilinear", align_corners=False)
    assert torch.allclose(net(x), expected)


def test_bad_scales_and_oversized_results_get_a_message():
    pipe = tiny_upscale_pipeline()
    with pytest.raises(InvalidInputError, match="scale must be one of"):
        pipe(image=photo(20, 20), scale=3)
    pipe.config["max_output_pixels"] = 10_000
    with pytest.raises(InvalidInputError, match="choose x2 or a smaller photo"):
        pipe(image=photo(40, 40), scale=4)


def test_save_and_load_round_trip(tmp_path):
    pipe = tiny_upscale_pipeline()
    pipe.save_pretrained(tmp_path)
    loaded = UpscalePipeline.from_pretrained(tmp_path)
    image = photo(30, 20)
    assert np.array_equal(np.asarray(loaded(image=image, scale=2).images[0]), np.asarray(pipe(image=image, scale=2).images[0]))


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
