"""Turn whatever a user hands us into a well-formed RGB (or L) PIL image, or raise InvalidInputError.

Handles paths, bytes, file objects, numpy arrays and PIL images; EXIF orientation; 16-bit, CMYK,
palette, alpha and animated inputs; truncated files; and decompression bombs.
"""
import io
import os

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInputError

# Decoding more than this is refused before any pixel is allocated (PIL's own bomb check).
MAX_DECODE_PIXELS = int(os.environ.get("GAN_MODELS_MAX_DECODE_PIXELS", 64_000_000))


def open_image(source):
    """Return a decoded PIL image from a path, bytes, file object, numpy array or PIL image."""
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return _from_array(source)
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)):
        if not os.path.isfile(source):
            raise InvalidInputError(f"No such file: {source}")
    elif not hasattr(source, "read"):
        raise InvalidInputError(f"Expected an image (path, bytes, PIL image or array), got {type(source).__name__}.")
    previous_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_DECODE_PIXELS
    try:
        image = Image.open(source)
        image.seek(0)  # animated GIF/WebP/APNG: first frame
        image.load()
    except Image.DecompressionBombError as err:
        raise InvalidInputError(
            f"The image is too large to decode safely ({err}). Downscale it below {MAX_DECODE_PIXELS:,} pixels."
        ) from None
    except (UnidentifiedImageError, SyntaxError):
        raise InvalidInputError("This file is not an image PIL can read (JPEG, PNG, WebP, GIF, BMP, TIFF).") from None
    except (OSError, ValueError) as err:
        raise InvalidInputError(f"The image file is damaged or truncated ({err}). Re-export it and try again.") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    return image


def _from_array(array):
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise InvalidInputError(f"An image array must be HxW, HxWx3 or HxWx4, got shape {array.shape}.")
    if array.dtype != np.uint8:
        array = np.asarray(array, dtype=np.float64)
        array = array / 65535.0 if array.max(initial=0) > 255 else array / 255.0 if array.max(initial=0) > 1 else array
        array = (np.clip(array, 0, 1) * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(array)


def to_rgb(image, background=(255, 255, 255)):
    """Normalize mode and orientation: EXIF-rotated, 16-bit, CMYK, palette and alpha images -> RGB."""
    image = open_image(image)
    if min(image.size) < 1:
        raise InvalidInputError("The image is empty (zero width or height).")
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block must not make the photo unusable
        pass
    image = to_8bit(image)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, background)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def to_8bit(image):
    """16-bit and integer/float single-channel images -> 8-bit L (values above 255 mean a 16-bit range)."""
    if image.mode not in ("I;16", "I;16B", "I;16L", "I", "F"):
        return image
    array = np.asarray(image, dtype=np.float64)
    top = 65535.0 if array.max(initial=0) > 255 else 255.0
    return Image.fromarray((np.clip(array / top, 0, 1) * 255 + 0.5).astype(np.uint8))


def check_size(image, min_side=8):
    if min(image.size) < min_side:
        raise InvalidInputError(f"The image is {image.width}x{image.height}; it must be at least {min_side} pixels on each side.")
    return image
