"""The bad and odd inputs every entry point must survive (tests/test_fuzz.py).

Each case is (name, writer(path), expectation): "ok" means the input is a usable picture and a result of
the stated size must come back; "error" means a clear, documented error (InvalidInputError in Python,
gr.Error in the app, a listed skip in the CLI), never a crash.
"""
import gzip
import io
import struct
import zlib

import numpy as np
from PIL import Image

from helpers import photo


def _save(image, **kwargs):
    return lambda path: image.save(path, **kwargs)


def _bytes(data):
    def write(path):
        with open(path, "wb") as f:
            f.write(data)
    return write


def _jpeg_bytes(image=None, **kwargs):
    buffer = io.BytesIO()
    (image or photo(64, 48)).save(buffer, format="JPEG", **kwargs)
    return buffer.getvalue()


def _png_bytes(image=None):
    buffer = io.BytesIO()
    (image or photo(64, 48)).save(buffer, format="PNG")
    return buffer.getvalue()


def _bomb_png(width=20000, height=20000):
    """A tiny file that claims 400 MP (an all-zero gray PNG compresses ~1000:1)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    body = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _exif_rotated(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return lambda path: photo(64, 40).save(path, format="JPEG", exif=exif.tobytes())


def _animated(fmt):
    frames = [photo(48, 32, seed=s) for s in range(3)]
    return lambda path: frames[0].save(path, format=fmt, save_all=True, append_images=frames[1:], duration=100)


def _palette_with_transparency(path):
    image = photo(48, 32).quantize(16)
    image.info["transparency"] = 0
    image.save(path, format="PNG", transparency=0)


def _float_tiff(path):
    Image.fromarray(np.asarray(photo(40, 30).convert("L"), dtype=np.float32) / 255.0).save(path, format="TIFF")


def _int32_tiff(path):
    Image.fromarray(np.asarray(photo(40, 30).convert("L"), dtype=np.int32) * 200).save(path, format="TIFF")


# (file name, writer, expectation, size of a good result)
CASES = [
    ("text.png", _bytes(b"these are notes, not a picture\n" * 10), "error", None),
    ("empty.jpg", _bytes(b""), "error", None),
    ("truncated.jpg", _bytes(_jpeg_bytes()[:300]), "error", None),
    ("truncated.png", _bytes(_png_bytes()[:200]), "error", None),
    ("random.bin.png", _bytes(np.random.default_rng(0).bytes(4000)), "error", None),
    ("html.png", _bytes(b"<html><body>hello</body></html>"), "error", None),
    ("svg.png", _bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), "error", None),
    ("pdf.jpg", _bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "error", None),
    ("gzip.png", _bytes(gzip.compress(_png_bytes())), "error", None),
    ("one_by_one.png", _save(photo(1, 1), format="PNG"), "error", None),
    ("two_by_two.png", _save(photo(2, 2), format="PNG"), "error", None),
    ("one_by_10000.png", _save(photo(1, 10000), format="PNG"), "error", None),
    ("10000_by_one.png", _save(photo(10000, 1), format="PNG"), "error", None),
    ("bomb_20000x20000.png", _bytes(_bomb_png()), "error", None),
    ("gray16.png", lambda p: Image.fromarray(np.asarray(photo(48, 32).convert("L"), dtype=np.uint16) * 257).save(p),
     "ok", (48, 32)),
    ("cmyk.jpg", _save(photo(48, 32).convert("CMYK"), format="JPEG"), "ok", (48, 32)),
    ("palette_transparent.png", _palette_with_transparency, "ok", (48, 32)),
    ("la.png", _save(photo(48, 32).convert("LA"), format="PNG"), "ok", (48, 32)),
    ("rgba_clear.png", _save(Image.new("RGBA", (48, 32), (0, 0, 0, 0)), format="PNG"), "ok", (48, 32)),
    ("bilevel.png", _save(photo(48, 32).convert("1"), format="PNG"), "ok", (48, 32)),
    ("float.tiff", _float_tiff, "ok", (40, 30)),
    ("int32.tiff", _int32_tiff, "ok", (40, 30)),
    ("animated.gif", _animated("GIF"), "ok", (48, 32)),
    ("animated.webp", _animated("WEBP"), "ok", (48, 32)),
    ("exif_rotate_90.jpg", _exif_rotated(6), "ok", (40, 64)),
    ("exif_rotate_180.jpg", _exif_rotated(3), "ok", (64, 40)),
    ("exif_rotate_270.jpg", _exif_rotated(8), "ok", (40, 64)),
    ("gray.jpg", _save(photo(48, 32).convert("L"), format="JPEG"), "ok", (48, 32)),
    ("bmp.bmp", _save(photo(48, 32), format="BMP"), "ok", (48, 32)),
    ("png_named.jpg", _bytes(_png_bytes(photo(48, 32))), "ok", (48, 32)),
    ("jpeg_with_trailing_garbage.jpg", _bytes(_jpeg_bytes(photo(48, 32)) + b"\x00garbage" * 50), "ok", (48, 32)),
    ("tall_8x2000.png", _save(photo(8, 2000), format="PNG"), "ok", (8, 2000)),
    ("large_3000x2000.jpg", _save(photo(3000, 2000), format="JPEG", quality=85), "ok", (3000, 2000)),
]


def write_cases(folder):
    """Write every case into `folder`; returns [(path, expectation, size)]."""
    out = []
    for name, write, expectation, size in CASES:
        path = folder / name
        if not path.exists():
            write(str(path))
        out.append((str(path), expectation, size))
    return out
