"""Small image makers shared by the tests (no files from outside the repo)."""
import numpy as np
from PIL import Image


def photo(width=96, height=64, seed=0):
    """A photo-like RGB image: smooth colour gradients plus texture."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 128 + 100 * np.sin(x / max(width, 1) * 3.1 + seed)
    g = 128 + 90 * np.cos(y / max(height, 1) * 2.7)
    b = 128 + 80 * np.sin((x + y) / max(width + height, 1) * 4.0)
    array = np.stack([r, g, b], -1) + rng.normal(0, 8, (height, width, 3))
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def tiny_colorization_pipeline():
    """A real (untrained) pipeline small enough for fast behaviour tests."""
    from gan_models import ColorizationPipeline, PatchGANDiscriminator, UNetGenerator

    return ColorizationPipeline(generator=UNetGenerator(channels=(8, 16, 32)),
                                discriminator=PatchGANDiscriminator(base_channels=8), working_size=64)
