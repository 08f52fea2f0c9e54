import os

import numpy as np
import pytest
import torch
from PIL import Image

from gan_models import ColorizationPipeline, InvalidInputError
from gan_models.color import rgb_to_lab
from gan_models.pipelines.resize import pil_to_tensor
from helpers import photo, tiny_colorization_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "pretrained", "colorization")


@pytest.fixture(scope="module")
def pipe():
    torch.manual_seed(0)
    return tiny_colorization_pipeline()


@pytest.mark.parametrize("size", [(1, 1), (8, 8), (97, 31), (300, 200), (31, 450)])
def test_output_has_the_input_size(pipe, size):
    image = photo(*size) if min(size) >= 8 else Image.new("RGB", size)
    if min(size) < 8:
        with pytest.raises(InvalidInputError, match="at least 8 pixels"):
            pipe(image=image)
        return
    out = pipe(image=image).images[0]
    assert out.size == size and out.mode == "RGB"


def test_luminance_of_the_input_is_kept(pipe):
    image = photo(120, 80)
    out = pipe(image=image).images[0]
    l_in = rgb_to_lab(pil_to_tensor(image))[:, 0]
    l_out = rgb_to_lab(pil_to_tensor(out))[:, 0]
    assert (l_in - l_out).abs().mean() < 2.0  # only gamut clipping and 8-bit rounding may move L


def test_list_in_list_out_and_modes(pipe):
    images = [photo(50, 40).convert("L"), photo(30, 60).convert("RGBA"), photo(40, 40).convert("CMYK")]
    out = pipe(image=images).images
    assert [o.size for o in out] == [i.size for i in images]


def test_zero_gain_gives_gray(pipe):
    out = np.asarray(pipe(image=photo(64, 64), chroma_gain=0.0).images[0]).astype(int)
    assert np.abs(out[..., 0] - out[..., 1]).max() <= 2 and np.abs(out[..., 1] - out[..., 2]).max() <= 2


def test_bad_input_raises_the_documented_error(pipe):
    with pytest.raises(InvalidInputError):
        pipe(image=b"not an image at all")
    with pytest.raises(InvalidInputError):
        pipe(image=[])
    with pytest.raises(InvalidInputError):
        pipe(image=None)


def test_save_and_load_give_identical_outputs(pipe, tmp_path):
    pipe.save_pretrained(tmp_path, model_card="---\nlicense: mit\n---\n# card\n")
    assert (tmp_path / "generator" / "diffusion_pytorch_model.safetensors").exists()
    assert (tmp_path / "discriminator" / "config.json").exists()
    loaded = ColorizationPipeline.from_pretrained(tmp_path)
    image = photo(70, 50)
    assert np.array_equal(np.asarray(pipe(image=image).images[0]), np.asarray(loaded(image=image).images[0]))
    assert loaded.config == pipe.config and "# card" in loaded.model_card
    without_critic = ColorizationPipeline.from_pretrained(tmp_path, load_discriminator=False)
    assert without_critic.discriminator is None


def test_loading_the_wrong_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidInputError, match="pipeline_config.json"):
        ColorizationPipeline.from_pretrained(tmp_path)


@pytest.mark.skipif(not os.path.isdir(BUNDLED), reason="no bundled colorization weights")
def test_bundled_model_has_learned_colour_on_a_held_out_photo():
    """Shipped weights on a photo the model never saw: the sky comes out blue and the photo colourful,
    which an untrained generator (near-zero chroma) cannot do."""
    from gan_models.evaluation import colorfulness

    truth = Image.open(os.path.join(ROOT, "tests", "data", "held_out_sky.jpg")).convert("RGB")
    out = ColorizationPipeline.from_pretrained(BUNDLED)(image=truth.convert("L")).images[0]
    assert out.size == truth.size
    lab = rgb_to_lab(pil_to_tensor(out))
    sky_b = lab[0, 2, : truth.height // 5].mean()
    assert sky_b < -5, f"the sky should be blue (b < -5), got b = {sky_b:.1f}"
    assert colorfulness(np.asarray(out)) > 0.4 * colorfulness(np.asarray(truth))


def test_onnxruntime_gives_the_pytorch_colours():
    pytest.importorskip("onnxruntime")
    by_torch = ColorizationPipeline.from_pretrained(BUNDLED, runtime="torch")
    by_onnx = ColorizationPipeline.from_pretrained(BUNDLED)  # "auto": float32 on the CPU
    assert by_torch.onnx is None and by_onnx.onnx is not None
    image = photo(97, 61)  # odd sizes: padded to a multiple of 32 and cropped back
    for temperature in (None, 0.9):
        a, b = (np.asarray(p(image=image, temperature=temperature).images[0], dtype=np.int16)
                for p in (by_torch, by_onnx))
        assert a.shape == b.shape == (61, 97, 3) and np.abs(a - b).max() <= 1
    with pytest.raises(InvalidInputError, match="runtime must be"):
        ColorizationPipeline.from_pretrained(BUNDLED, runtime="tensorrt")
    assert tiny_colorization_pipeline().onnx is None  # built in memory: a trainer may still change it


def test_guided_filter_evens_out_colour_within_a_surface_but_not_across_its_edge():
    from gan_models.pipelines.colorization import guided_filter

    guide = np.zeros((64, 64), np.float32)
    guide[:, 32:] = 0.8  # two surfaces
    blotches = np.random.default_rng(0).normal(0, 20, (64, 64, 2)).astype(np.float32)
    source = blotches + np.where(guide[..., None] > 0.5, 30.0, -30.0).astype(np.float32)
    out = guided_filter(guide, source, radius=8)
    assert out.shape == source.shape and out[:, :28].std() < 0.25 * source[:, :28].std()
    assert abs(out[:, 36:].mean() - out[:, :28].mean() - 60) < 6  # the edge keeps its colour step


def test_chroma_smoothing_is_checked_and_off_gives_the_plain_result(pipe):
    image = photo(90, 70)
    plain = np.asarray(pipe(image=image).images[0])
    assert np.array_equal(plain, np.asarray(pipe(image=image, chroma_smoothing=0).images[0]))
    assert pipe(image=image, chroma_smoothing=0.2).images[0].size == (90, 70)
    with pytest.raises(InvalidInputError, match="chroma_smoothing"):
        pipe(image=image, chroma_smoothing=2)


def test_chroma_joined_in_strips_equals_one_pass_and_keeps_the_luminance(monkeypatch):
    from gan_models.color import luminance_array
    from gan_models.pipelines import colorization

    rgb = photo(301, 203)
    ab = torch.from_numpy(np.random.default_rng(0).uniform(-40, 40, (1, 2, 13, 19)).astype(np.float32))
    whole = np.asarray(colorization.reattach_chroma(rgb, ab))
    monkeypatch.setattr(colorization, "STRIP_PIXELS", 301 * 17)  # 12 strips of 17 rows
    assert np.array_equal(np.asarray(colorization.reattach_chroma(rgb, ab)), whole)
    # the chroma is upsampled, not the luminance: L stays the photo's, up to 8-bit rounding and gamut clipping
    assert np.abs(luminance_array(whole) - luminance_array(np.asarray(rgb))).mean() < 0.5
    flat = np.asarray(colorization.reattach_chroma(rgb, torch.full((1, 2, 1, 1), 20.0)))
    assert (rgb_to_lab(pil_to_tensor(Image.fromarray(flat)))[0, 1:] - 20).abs().mean() < 2
