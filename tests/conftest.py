"""Shared fixtures: the Gradio app served on a free local port, and small test images written to tmp.

Tests for every tab (colorization now; inpainting, style transfer, restore later) reuse these:

    def test_something(app_url, image_file):
        path = image_file("photo")              # 300x200 RGB JPEG, photo-like gradient
        Client(app_url).predict(handle_file(path), ..., api_name="/colorize")
"""
import os
import socket

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import numpy as np
import pytest
from PIL import Image

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Start app.build_demo() in a background thread on 127.0.0.1:<free port>; yield its URL; close it."""
    import torch

    import app

    torch.set_num_threads(1)  # the machine is small and shared; tests only check behaviour
    demo = app.build_demo()
    demo.queue(default_concurrency_limit=2, max_size=32)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, max_file_size="25mb",
                quiet=True, ssr_mode=False,  # show_error off, as in app.main(): only gr.Error text reaches users
                mcp_server=app.mcp_available())  # as app.main(): MCP tools when gradio[mcp] is installed
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def _photo(width, height, mode="RGB"):
    """A smooth, photo-like scene: sky gradient over a darker textured ground, with a soft sun."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    horizon = 0.6 + 0.05 * np.sin(u * 6.0)
    sky = v < horizon
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 6.0, (height, width))
    red = np.where(sky, 120 + 100 * v, 60 + 50 * u) + noise
    green = np.where(sky, 160 + 60 * v, 110 + 40 * (1 - v)) + noise
    blue = np.where(sky, 235 - 40 * v, 50 + 20 * u) + noise
    sun = np.exp(-(((u - 0.75) ** 2 + (v - 0.25) ** 2) / 0.004)) * 120
    array = np.clip(np.stack([red + sun, green + sun, blue + sun * 0.5], axis=-1), 0, 255).astype(np.uint8)
    return Image.fromarray(array, "RGB").convert(mode)


MASK_BOX = (110, 60, 190, 130)  # (left, top, right, bottom) of the white box in the 300x200 "mask"


def _mask(width, height, box):
    """An L-mode mask: black (keep) with a white (fill) box."""
    mask = Image.new("L", (width, height), 0)
    mask.paste(255, box)
    return mask


# name -> (file name, writer(path)); add more kinds here as later tabs need them.
IMAGE_KINDS = {
    "photo": ("photo.jpg", lambda path: _photo(300, 200).save(path, format="JPEG", quality=90)),
    "gray": ("gray.jpg", lambda path: _photo(300, 200, "L").save(path, format="JPEG", quality=90)),
    "png_alpha": ("alpha.png", lambda path: _photo(160, 120).convert("RGBA").save(path, format="PNG")),
    "gray16": ("gray16.png", lambda path: Image.fromarray(
        (np.asarray(_photo(300, 200, "L"), dtype=np.uint16) * 257)).save(path, format="PNG")),  # 16-bit
    "small": ("small.png", lambda path: _photo(64, 48).save(path, format="PNG")),
    "not_an_image": ("notes.png", lambda path: open(path, "w").write("These are notes, not a picture.\n" * 20)),
    # Inpainting masks (white = fill) for the 300x200 photo.
    "mask": ("mask.png", lambda path: _mask(300, 200, MASK_BOX).save(path, format="PNG")),
    # Half size (150x100): the app scales it to the photo with nearest neighbour, so the box lands on MASK_BOX.
    "mask_half": ("mask_half.png", lambda path: _mask(150, 100, tuple(c // 2 for c in MASK_BOX)).save(
        path, format="PNG")),
    "mask_empty": ("mask_empty.png", lambda path: Image.new("L", (300, 200), 0).save(path, format="PNG")),
    "tiny": ("tiny.png", lambda path: _photo(3, 3).save(path, format="PNG")),
    # An "old photo": sepia print of the scene with a bright scratch and dark dust specks.
    "old_photo": ("old_photo.png", lambda path: _old_photo(300, 200).save(path, format="PNG")),
}


def _old_photo(width, height):
    gray = np.asarray(_photo(width, height, "L"), dtype=np.float64)[..., None]
    array = np.clip(gray * [1.07, 0.92, 0.72] * 0.85 + 30, 0, 255)
    for i in range(width // 2):  # a long diagonal scratch
        x, y = width // 4 + i, height // 5 + i * (height // 2) // (width // 2)
        array[y:y + 2, x] = 245
    for x, y in ((40, 40), (220, 150), (100, 170)):
        array[y - 2:y + 2, x - 2:x + 2] = 20
    return Image.fromarray(array.astype(np.uint8))


@pytest.fixture(scope="session")
def image_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("images")


@pytest.fixture(scope="session")
def image_file(image_dir):
    """image_file(kind) -> path of a test file of that kind (see IMAGE_KINDS), written once per session."""
    def make(kind="photo"):
        name, write = IMAGE_KINDS[kind]
        path = image_dir / name
        if not path.exists():
            write(str(path))
        return str(path)
    return make


@pytest.fixture(scope="session")
def photo_path(image_file):
    """The 300x200 RGB JPEG photo-like test image."""
    return image_file("photo")


@pytest.fixture(scope="session")
def artifacts_dir():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS
