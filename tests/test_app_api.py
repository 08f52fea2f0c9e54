"""The running app, called through its public API with gradio_client (as a Space user would).

Only behaviour is checked (sizes, formats, error messages), never the colours: the weights change.
"""
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image


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
