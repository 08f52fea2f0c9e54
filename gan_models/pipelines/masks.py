"""Turn a user's mask (any mode, any size) into a boolean array at the image size (True = fill)."""
import numpy as np
from PIL import Image

from ..errors import InvalidInputError
from ..image_io import open_image, to_8bit


def prepare_mask(mask_image, size):
    """White (or opaque, for a transparent brush layer) means 'fill'. Non-binary values are
    thresholded at 50%; a mask of another size is resized to the image with nearest neighbour."""
    mask = open_image(mask_image)
    if mask.mode == "P":
        mask = mask.convert("RGBA")
    if "A" in mask.getbands():
        alpha = np.asarray(mask.getchannel("A"))
        values = alpha if alpha.min() < 255 else np.asarray(mask.convert("L"))
    else:
        values = np.asarray(to_8bit(mask).convert("L"))
    if values.size == 0:
        raise InvalidInputError("The mask is empty (zero width or height).")
    binary = Image.fromarray(((values > 127) * 255).astype(np.uint8))
    if binary.size != tuple(size):
        binary = binary.resize(size, Image.NEAREST)
    return np.asarray(binary) > 127


def bounding_box(mask):
    rows, cols = np.any(mask, axis=1), np.any(mask, axis=0)
    top, bottom = np.argmax(rows), len(rows) - np.argmax(rows[::-1])
    left, right = np.argmax(cols), len(cols) - np.argmax(cols[::-1])
    return left, top, right, bottom
