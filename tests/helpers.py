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


def tiny_style_pipeline(with_vintage=True):
    """A real (untrained) style-transfer pipeline with one painting preset and, optionally, the vintage net."""
    from gan_models import StyleDecoder, StyleEncoder, StyleTransferPipeline, UNetGenerator

    vintage = UNetGenerator(in_channels=5, out_channels=3, channels=(8, 16)) if with_vintage else None
    return StyleTransferPipeline(encoder=StyleEncoder(widths=(4, 8, 8, 16)), decoder=StyleDecoder(widths=(4, 8, 8, 16)),
                                 vintage=vintage, presets={"stripes": stripes(64, 48)}, max_size=128)


def stripes(width=64, height=48):
    """A high-contrast texture, for a style image."""
    y, x = np.mgrid[0:height, 0:width]
    array = np.stack([(x // 4 % 2) * 255, (y // 6 % 2) * 200, ((x + y) // 5 % 2) * 150], -1)
    return Image.fromarray(array.astype(np.uint8))


def tiny_restoration_pipeline():
    """Untrained but real: a small detector plus tiny inpainting and colorization pipelines."""
    from gan_models import InpaintingPipeline, OldPhotoRestorationPipeline, UNetGenerator

    torch_seed()
    detector = UNetGenerator(in_channels=3, out_channels=1, channels=(8, 16), output_activation="none")
    inpainting = InpaintingPipeline(generator=UNetGenerator(in_channels=4, out_channels=3, channels=(8, 16, 32)),
                                    working_size=64)
    return OldPhotoRestorationPipeline(detector=detector, inpainting_pipeline=inpainting,
                                       colorization_pipeline=tiny_colorization_pipeline(), working_size=128)


def torch_seed(seed=0):
    import torch

    torch.manual_seed(seed)
