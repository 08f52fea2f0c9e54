"""The running app, called through its public API with gradio_client (as a Space user would).

Only behaviour is checked (sizes, formats, error messages), never the colours: the weights change.
"""
import logging
import os

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

PUBLIC_ENDPOINTS = {"/colorize": "colorize", "/inpaint": "inpaint_files", "/stylize": "stylize",
                    "/restore": "restore_file", "/upscale": "upscale"}


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def colorize(client, path, vividness=1.0):
    return client.predict(handle_file(path), vividness, api_name="/colorize")


def assert_before_after_and_png(result, size):
    """A before/after pair and a PNG download, all at `size`; returns the download as an RGB numpy array."""
    pair, download = result
    assert isinstance(pair, (list, tuple)) and len(pair) == 2, f"expected a before/after pair, got {pair!r}"
    for path in pair:
        with Image.open(path) as image:
            assert image.size == size
    with Image.open(download) as image:
        assert image.format == "PNG"
        assert image.size == size
        assert image.mode == "RGB"
        return np.asarray(image)


def test_colorize_returns_before_after_and_png_download(client, photo_path):
    size = Image.open(photo_path).size
    assert size == (300, 200)
    assert_before_after_and_png(colorize(client, photo_path), size)


def test_colorize_accepts_grayscale_photo(client, image_file):
    path = image_file("gray")
    assert_before_after_and_png(colorize(client, path, vividness=0.5), Image.open(path).size)


def test_not_an_image_gives_friendly_error_then_server_still_works(client, image_file, photo_path):
    with pytest.raises(AppError) as info:
        colorize(client, image_file("not_an_image"))
    message = str(info.value)
    assert "not an image" in message.lower(), message
    assert "traceback" not in message.lower()
    # The failed request must not have broken the worker or the queue.
    assert_before_after_and_png(colorize(client, photo_path), (300, 200))


def test_16bit_png_is_read_by_the_app_not_flattened(client, image_file):
    path = image_file("gray16")
    with Image.open(path) as image:
        assert image.mode == "I;16" and image.size == (300, 200)
    result = colorize(client, path)
    assert_before_after_and_png(result, (300, 200))
    with Image.open(result[0][0]) as before:
        low, high = before.convert("L").getextrema()
    assert high - low > 64, "the 16-bit photo lost its tones (e.g. clipped to white) before reaching the model"


# --- Inpainting: the public file-based endpoint /inpaint (photo file, mask file; white = fill) ---

def inpaint(client, image_path, mask_path):
    return client.predict(handle_file(image_path), handle_file(mask_path), api_name="/inpaint")


def box_mask(size, box):
    """Boolean HxW array: True inside `box` (left, top, right, bottom)."""
    mask = np.zeros((size[1], size[0]), dtype=bool)
    left, top, right, bottom = box
    mask[top:bottom, left:right] = True
    return mask


def test_inpaint_returns_before_after_and_png_download_keeping_unmasked_pixels(client, photo_path, image_file):
    mask_path = image_file("mask")
    with Image.open(photo_path) as photo:
        size, original = photo.size, np.asarray(photo.convert("RGB"))
    with Image.open(mask_path) as mask:
        assert mask.mode == "L" and mask.size == size == (300, 200)
        hole = np.asarray(mask) > 127
    assert hole.any() and not hole.all()
    result = assert_before_after_and_png(inpaint(client, photo_path, mask_path), size)
    assert np.array_equal(result[~hole], original[~hole]), "pixels outside the mask changed"


def test_inpaint_accepts_mask_of_another_size(client, photo_path, image_file):
    mask_path = image_file("mask_half")
    with Image.open(photo_path) as photo:
        size, original = photo.size, np.asarray(photo.convert("RGB"))
    with Image.open(mask_path) as mask:
        assert mask.size != size
        small_box = mask.getbbox()
    scale = size[0] // mask.size[0]
    hole = box_mask(size, tuple(c * scale for c in small_box))  # nearest-neighbour upscaling of the box
    result = assert_before_after_and_png(inpaint(client, photo_path, mask_path), size)
    assert np.array_equal(result[~hole], original[~hole]), "pixels outside the (rescaled) mask changed"


def test_inpaint_empty_mask_returns_photo_unchanged(client, photo_path, image_file):
    with Image.open(photo_path) as photo:
        size, original = photo.size, np.asarray(photo.convert("RGB"))
    result = assert_before_after_and_png(inpaint(client, photo_path, image_file("mask_empty")), size)
    assert np.array_equal(result, original)


def test_inpaint_mask_not_an_image_gives_friendly_error_then_server_still_works(client, photo_path, image_file):
    with pytest.raises(AppError) as info:
        inpaint(client, photo_path, image_file("not_an_image"))
    message = str(info.value)
    assert "not an image" in message.lower(), message
    assert "traceback" not in message.lower()
    assert_before_after_and_png(inpaint(client, photo_path, image_file("mask")), (300, 200))


# --- Style transfer: /stylize (content file, style file or None, preset name, strength, keep colours) ---

def stylize(client, content, style=None, preset="(my style image)", strength=1.0, keep_colors=False):
    return client.predict(handle_file(content), handle_file(style) if style else None, preset, strength,
                          keep_colors, api_name="/stylize")


def test_stylize_with_a_style_image_and_with_the_vintage_preset(client, photo_path, image_file):
    styled = assert_before_after_and_png(stylize(client, photo_path, image_file("small")), (300, 200))
    vintage = assert_before_after_and_png(stylize(client, photo_path, preset="vintage", strength=0.8), (300, 200))
    original = np.asarray(Image.open(photo_path).convert("RGB"))
    assert not np.array_equal(styled, original) and not np.array_equal(vintage, original)


def test_stylize_strength_zero_returns_the_content(client, image_file):
    path = image_file("png_alpha")  # RGBA content: flattened on white first
    result = assert_before_after_and_png(stylize(client, path, image_file("small"), strength=0.0), (160, 120))
    with Image.open(path) as image:
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
    assert np.array_equal(result, np.asarray(flat))


@pytest.mark.parametrize("style, preset, message", [
    (None, "(my style image)", "style image or pick"),
    ("tiny", "(my style image)", "at least 16"),
    ("not_an_image", "(my style image)", "not an image"),
])
def test_stylize_bad_style_gives_friendly_error(client, photo_path, image_file, style, preset, message):
    with pytest.raises(AppError) as info:
        stylize(client, photo_path, image_file(style) if style else None, preset)
    assert message in str(info.value)


# --- Restore: /restore (scan file, colorize auto|yes|no, clean-up) ---

def test_restore_detects_repairs_and_colorizes_a_sepia_scan(client, image_file):
    path = image_file("old_photo")
    pair, stages, download = client.predict(handle_file(path), "auto", True, api_name="/restore")
    assert_before_after_and_png((pair, download), (300, 200))
    captions = [item["caption"] for item in stages]
    assert captions == ["input", "mask", "inpainted", "cleaned", "colorized"]
    with Image.open(stages[1]["image"]) as mask:
        assert mask.size == (300, 200) and mask.convert("L").getextrema()[1] == 255  # some damage was found


def test_restore_without_colorize_keeps_the_tone_and_rejects_non_images(client, image_file):
    pair, stages, download = client.predict(handle_file(image_file("old_photo")), "no", False, api_name="/restore")
    assert [item["caption"] for item in stages] == ["input", "mask", "inpainted"]
    with pytest.raises(AppError) as info:
        client.predict(handle_file(image_file("not_an_image")), "auto", True, api_name="/restore")
    assert "not an image" in str(info.value).lower()


def test_restore_can_end_with_an_upscale_stage(client, image_file):
    pair, stages, download = client.predict(handle_file(image_file("old_photo")), "no", False, True,
                                            api_name="/restore")
    assert [item["caption"] for item in stages] == ["input", "mask", "inpainted", "upscaled"]
    with Image.open(download) as result:
        assert result.size == (600, 400)


# --- Enhance: /upscale (photo file, scale 2 or 4) ---

@pytest.mark.parametrize("scale", [2, 4])
def test_upscale_returns_exactly_scale_times_the_photo(client, image_file, scale):
    pair, download = client.predict(handle_file(image_file("photo")), scale, api_name="/upscale")
    with Image.open(download) as result:
        assert result.format == "PNG" and result.size == (300 * scale, 200 * scale)
    with Image.open(pair[0]["path"] if isinstance(pair[0], dict) else pair[0]) as before:
        assert before.size == (300 * scale, 200 * scale)  # the slider compares at the same zoom


def test_upscale_rejects_non_images_with_a_message(client, image_file):
    with pytest.raises(AppError) as info:
        client.predict(handle_file(image_file("not_an_image")), 2, api_name="/upscale")
    assert "not an image" in str(info.value).lower()


# --- The API page, MCP, examples, user errors and defaults ---

@pytest.fixture(scope="module")
def api(client):
    return client.view_api(return_format="dict", print_info=False)["named_endpoints"]


def test_public_endpoints_have_docstrings_describing_every_parameter(api):
    import gradio as gr

    import app

    for endpoint, name in PUBLIC_ENDPOINTS.items():
        assert api[endpoint]["description"], f"{endpoint} has no description on the API page"
        description, parameters, returns = gr.utils.get_function_description(getattr(app, name))
        assert description == api[endpoint]["description"]
        undocumented = [param for param, text in parameters.items() if param != "progress" and not text]
        assert not undocumented, f"{name}'s docstring has no Args: line for {undocumented}"
        assert returns, f"{name}'s docstring says nothing under Returns:"


def test_stylize_style_image_is_optional_in_the_api(client, api, photo_path):
    parameters = {p["parameter_name"]: p for p in api["/stylize"]["parameters"]}
    assert not parameters["content"]["parameter_has_default"]
    assert parameters["style"]["parameter_has_default"] and parameters["style"]["parameter_default"] is None
    # so a preset alone is a complete call
    pair, download = client.predict(content=handle_file(photo_path), preset="vintage", api_name="/stylize")
    assert_before_after_and_png((pair, download), (300, 200))


def test_vividness_default_is_the_bundled_pipelines_chroma_gain(api, monkeypatch):
    import app
    from gan_models import InvalidInputError

    parameters = {p["parameter_name"]: p for p in api["/colorize"]["parameters"]}
    expected = app.get_pipeline("colorization").config["chroma_gain"]
    assert parameters["vividness"]["parameter_default"] == pytest.approx(expected)

    def unavailable(task):
        raise InvalidInputError("no model here")

    monkeypatch.setattr(app, "get_pipeline", unavailable)
    assert app.default_vividness() == 1.0


def test_previews_are_fast_jpegs_and_the_download_a_full_png(client, photo_path):
    pair, download = colorize(client, photo_path)
    for path in pair:
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.size == (300, 200)
    with Image.open(download) as image:
        assert image.format == "PNG" and image.size == (300, 200)


@pytest.mark.parametrize("call, logged", [
    (lambda client, files: client.predict(handle_file(files("photo")), None, "(my style image)", 1.0, False,
                                          api_name="/stylize"), "user error in stylize: Upload a style image"),
    (lambda client, files: colorize(client, files("not_an_image")), "user error in reading"),
])
def test_a_user_error_logs_one_line_and_no_traceback(client, image_file, capfd, caplog, call, logged):
    caplog.set_level(logging.INFO, logger="gan_models.app")
    capfd.readouterr()
    with pytest.raises(AppError):
        call(client, image_file)
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err
    lines = [record.getMessage() for record in caplog.records if record.name == "gan_models.app"]
    assert len(lines) == 1 and lines[0].startswith(logged), lines


def test_user_errors_raise_gr_error_without_a_printed_traceback():
    import gradio as gr

    import app

    with pytest.raises(gr.Error) as info:
        app.colorize(None)
    assert info.value.print_exception is False and "Upload a photo" in info.value.message


def test_every_tab_has_small_licensed_examples_that_load_through_the_cache(client):
    import app

    root = os.path.join(os.path.dirname(app.__file__), "examples")
    with open(os.path.join(root, "README.md")) as handle:
        readme = handle.read()
    for task in ("colorization", "inpainting", "style", "restore", "enhance"):
        rows = app.examples_for(task, presets=["vintage"])
        assert rows, f"no examples for the {task} tab"
        for name in os.listdir(os.path.join(root, task)):
            assert os.path.getsize(os.path.join(root, task, name)) < 100_000, name
            assert f"`{task}/{name}`" in readme, f"examples/README.md does not say where {task}/{name} comes from"
    # one gr.Examples per tab, cached lazily: the first load runs the tab's function
    for endpoint in ("/load_example", "/load_example_1", "/load_example_2", "/load_example_3", "/load_example_4"):
        result = client.predict(0, api_name=endpoint)
        pair, download = result[0], result[-1]
        assert len(pair) == 2 and all(os.path.isfile(path) for path in pair), endpoint
        with Image.open(download) as image:
            assert image.format == "PNG", endpoint


def test_mcp_schema_lists_the_four_public_endpoints(app_url):
    import httpx

    import app

    if not app.mcp_available():
        pytest.skip("gradio[mcp] is not installed (pip install 'gradio[mcp]'): the app runs without its MCP server")
    response = httpx.get(f"{app_url}gradio_api/mcp/schema", timeout=30)
    assert response.status_code == 200, response.text[:500]
    tools = response.json()
    endpoints = {tool["meta"]["endpoint_name"].lstrip("/") for tool in tools}
    assert {"colorize", "inpaint", "stylize", "restore"} <= endpoints, endpoints
    assert all(tool["description"] for tool in tools if tool["meta"]["endpoint_name"].lstrip("/") in
               {"colorize", "inpaint", "stylize", "restore"})
