import io

import numpy as np
import pytest
from PIL import Image

from gan_models import InvalidInputError
from gan_models.image_io import open_image, to_rgb
from helpers import photo


def encoded(image, fmt, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_modes_become_rgb_of_the_same_size():
    base = photo(40, 30)
    cases = {
        "L": base.convert("L"),
        "RGBA": base.convert("RGBA"),
        "P": base.convert("P"),
        "CMYK": base.convert("CMYK"),
        "LA": base.convert("LA"),
        "I;16": Image.fromarray((np.asarray(base.convert("L"), dtype=np.uint16) * 257)),
        "1": base.convert("1"),
    }
    for mode, image in cases.items():
        out = to_rgb(image)
        assert out.mode == "RGB" and out.size == (40, 30), mode


def test_sixteen_bit_png_keeps_its_tones():
    gray = np.tile(np.linspace(0, 65535, 50, dtype=np.uint16), (10, 1))
    out = np.asarray(to_rgb(encoded(Image.fromarray(gray), "PNG")))
    assert out[0, 0, 0] == 0 and out[0, -1, 0] == 255


def test_exif_rotation_is_applied():
    image = photo(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    out = to_rgb(encoded(image, "JPEG", exif=exif))
    assert out.size == (20, 40)


def test_transparent_pixels_become_white():
    rgba = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    assert to_rgb(rgba).getpixel((0, 0)) == (255, 255, 255)


def test_animated_gif_gives_first_frame():
    frames = [Image.new("RGB", (8, 8), c) for c in ((255, 0, 0), (0, 0, 255))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    r, g, b = to_rgb(data).getpixel((0, 0))
    assert r > 200 and b < 50


@pytest.mark.parametrize("payload, words", [
    (b"this is not an image", "not an image"),
    (b"", "not an image"),
])
def test_not_an_image_is_a_clear_error(payload, words):
    with pytest.raises(InvalidInputError, match=words):
        to_rgb(payload)


def test_truncated_file_is_a_clear_error():
    data = encoded(photo(200, 200), "PNG")
    with pytest.raises(InvalidInputError, match="damaged or truncated"):
        to_rgb(data[: len(data) // 2])


def test_decompression_bomb_is_refused(monkeypatch):
    import gan_models.image_io as image_io

    monkeypatch.setattr(image_io, "MAX_DECODE_PIXELS", 1000)
    with pytest.raises(InvalidInputError, match="too large"):
        open_image(encoded(Image.new("L", (100, 100)), "PNG"))


def test_missing_path_and_wrong_type_are_clear_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="No such file"):
        to_rgb(str(tmp_path / "nope.jpg"))
    with pytest.raises(InvalidInputError, match="Expected an image"):
        to_rgb(12345)


def test_numpy_arrays_are_accepted():
    assert to_rgb(np.zeros((5, 6, 3), np.uint8)).size == (6, 5)
    assert to_rgb(np.ones((5, 6), np.float32)).getpixel((0, 0)) == (255, 255, 255)
    with pytest.raises(InvalidInputError, match="HxW"):
        to_rgb(np.zeros((2, 3, 4, 5)))
