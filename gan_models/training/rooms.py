"""Synthetic rooms and tabletops: backgrounds for the indoor scenes the offline photos lack.

The photo packages are landscapes and monuments, where a large flat area is almost always sky or grass, so a
colorizer trained on them paints desks, floors and walls blue or green. A room is drawn as a wall above a floor
(or a table top seen from above), each an interior material (paint, plaster, wood, planks, tiles, carpet) in the
colours such materials have (mostly neutral or warm, now and then a coloured one), under one soft light. Some
walls get furniture blocks, or a framed picture or window showing the photo the dataset drew. The cut-out
compositor then puts objects, food, animals and people in it.
"""
import colorsys
import random

import numpy as np
from PIL import Image, ImageFilter


def material_colour(rng, kind):
    """An RGB colour in [0, 1] for an interior surface of `kind` ("wall", "floor", "table", "furniture")."""
    if kind in ("floor", "table", "furniture") and rng.random() < 0.5:  # wood: orange-brown, any lightness
        hue, saturation, value = rng.uniform(0.04, 0.11), rng.uniform(0.25, 0.65), rng.uniform(0.25, 0.8)
    elif rng.random() < 0.15:  # a coloured paint, carpet or cloth
        hue, saturation, value = rng.random(), rng.uniform(0.25, 0.6), rng.uniform(0.3, 0.85)
    else:  # white, cream, gray, beige, pale pastel
        hue, saturation, value = rng.random(), rng.uniform(0.0, 0.18) ** 1.5 * 2, rng.uniform(0.35, 0.95)
    return np.array(colorsys.hsv_to_rgb(hue, min(saturation, 1.0), value), dtype=np.float32)


def smooth_noise(rng, height, width, cells, stretch=(1, 1)):
    """Noise in [-1, 1] that varies over about `cells` cells; `stretch` (y, x) elongates it (wood grain)."""
    grid = np.random.default_rng(rng.getrandbits(32)).uniform(
        -1, 1, (max(2, cells // stretch[0]), max(2, cells // stretch[1])))
    image = Image.fromarray(((grid + 1) * 127.5).astype(np.uint8)).resize((width, height), Image.BICUBIC)
    return np.asarray(image, dtype=np.float32) / 127.5 - 1


def surface(rng, height, width, kind):
    """A height x width x 3 material texture in [0, 1]: base colour times its pattern."""
    base = material_colour(rng, kind)
    pattern = 1 + 0.03 * smooth_noise(rng, height, width, 24)
    texture = rng.choice(["plain", "plain", "grain", "planks", "tiles"] if kind != "wall" else ["plain", "plain", "plaster"])
    if texture == "grain":
        pattern += 0.08 * smooth_noise(rng, height, width, 48, stretch=(1, 16) if rng.random() < 0.5 else (16, 1))
    elif texture == "plaster":
        pattern += 0.04 * smooth_noise(rng, height, width, 96)
    elif texture in ("planks", "tiles"):
        size = rng.randint(max(8, height // 12), max(9, height // 3))
        rows = np.arange(height)[:, None] // size
        cols = np.arange(width)[None, :] // size if texture == "tiles" else np.zeros((1, width), int)
        tone = np.random.default_rng(rng.getrandbits(32)).uniform(0.9, 1.1, (rows.max() + 1, cols.max() + 1))
        pattern = pattern * tone[rows, cols]
        gap = ((np.arange(height)[:, None] % size) < 2) | ((np.arange(width)[None, :] % size < 2) & (texture == "tiles"))
        pattern = np.where(gap, pattern * rng.uniform(0.6, 0.9), pattern)
    return np.clip(base[None, None, :] * pattern[..., None], 0, 1)


def lighting(rng, height, width):
    """A soft light field (height x width x 1): a gradient, a falloff from a lamp or window, a warm or cool tint."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ys, xs = ys / height, xs / width
    light = 1 + rng.uniform(-0.25, 0.25) * (xs - 0.5) + rng.uniform(-0.25, 0.25) * (ys - 0.5)
    cy, cx = rng.uniform(-0.2, 1.2), rng.uniform(-0.2, 1.2)
    light *= 1 - rng.uniform(0, 0.35) * np.clip(np.hypot(ys - cy, xs - cx), 0, 1.5) / 1.5
    tint = np.array([1 + rng.uniform(-0.04, 0.08), 1.0, 1 - rng.uniform(-0.04, 0.12)], dtype=np.float32)
    return light[..., None] * tint[None, None, :]


def paste_block(rng, canvas, photo, floor_top):
    """A cabinet, door, shelf or framed picture / window (showing `photo`) on the wall, in place."""
    height, width = canvas.shape[:2]
    bh, bw = rng.randint(height // 8, max(height // 8 + 1, floor_top)), rng.randint(width // 8, width // 2)
    top, left = rng.randint(0, max(0, floor_top - bh // 2)), rng.randint(0, width - bw)
    bh = min(bh, height - top)
    if photo is not None and rng.random() < 0.5:
        frame = rng.randint(1, max(2, bw // 20))
        canvas[top:top + bh, left:left + bw] = material_colour(rng, "furniture")
        inner = photo.resize((max(1, bw - 2 * frame), max(1, bh - 2 * frame)), Image.BILINEAR)
        canvas[top + frame:top + bh - frame, left + frame:left + bw - frame] = np.asarray(inner, np.float32) / 255
    else:
        canvas[top:top + bh, left:left + bw] = surface(rng, bh, bw, "furniture")
        canvas[top:top + bh, left:left + 2] *= 0.7  # an edge in shade
        canvas[top + bh - 2:top + bh, left:left + bw] *= 0.7


class SyntheticRooms:
    """`rooms(photo, rng)` -> a new RGB room (or table top) of `photo`'s size; `photo` may hang on its wall."""

    def __init__(self, max_blocks=3, tabletop_probability=0.3):
        self.max_blocks, self.tabletop_probability = max_blocks, tabletop_probability

    def __call__(self, photo, rng=random):
        width, height = photo.size
        if rng.random() < self.tabletop_probability:
            canvas = surface(rng, height, width, "table")
        else:
            floor_top = round(height * rng.uniform(0.35, 0.8))
            canvas = np.concatenate([surface(rng, floor_top, width, "wall"),
                                     surface(rng, height - floor_top, width, "floor")], axis=0)
            canvas[floor_top:floor_top + 2] *= rng.uniform(0.6, 1.0)  # the skirting line
            for _ in range(rng.randint(0, self.max_blocks)):
                paste_block(rng, canvas, photo.convert("RGB"), floor_top)
        canvas = np.clip(canvas * lighting(rng, height, width), 0, 1)
        room = Image.fromarray((canvas * 255 + 0.5).astype(np.uint8), "RGB")
        return room.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
