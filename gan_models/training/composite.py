"""New training scenes from old ones: photo cut-outs (people, animals, food, objects) pasted onto background photos.

The offline photos are mostly landscapes and monuments; the cut-outs bring the subjects they lack. Each paste
gets a random size, place, mirror image and a light change of exposure and colour cast towards the background's
average, so that the cut-out is not the one thing in the scene with other lighting. The alpha edge is softened by
a pixel, as a real photo's edge is.
"""
import random

import numpy as np
from PIL import Image, ImageFilter

from .data import list_images


def load_cutouts(folder):
    """Every image of `folder` as RGBA (those without transparency are opaque rectangles)."""
    cutouts = []
    for path in list_images(folder):
        with Image.open(path) as image:
            cutouts.append(image.convert("RGBA"))
    if not cutouts:
        raise ValueError(f"{folder} contains no cut-out images")
    return cutouts


class CutoutCompositor:
    """`compositor(background, rng)` -> a new RGB scene with 1..`max_cutouts` cut-outs pasted on it.

    `height_range` is each cut-out's height as a share of the background's; `rng` is a `random.Random`, so a
    seeded one gives the same scene every time.
    """

    def __init__(self, cutouts, max_cutouts=3, height_range=(0.25, 0.75), exposure_range=(0.8, 1.2), max_cast=0.15):
        if not cutouts:
            raise ValueError("CutoutCompositor needs at least one cut-out")
        self.cutouts = [c if c.mode == "RGBA" else c.convert("RGBA") for c in cutouts]
        self.max_cutouts, self.height_range = max_cutouts, height_range
        self.exposure_range, self.max_cast = exposure_range, max_cast

    def __call__(self, background, rng=random):
        scene = background.convert("RGB")
        mean_colour = np.asarray(scene.resize((8, 8), Image.BOX), dtype=np.float32).reshape(-1, 3).mean(0)
        for _ in range(rng.randint(1, self.max_cutouts)):
            cutout = self.relit(rng.choice(self.cutouts), mean_colour, rng)
            height = max(8, round(scene.height * rng.uniform(*self.height_range)))
            width = max(8, round(cutout.width * height / cutout.height))
            if width > scene.width:
                width, height = scene.width, max(8, round(cutout.height * scene.width / cutout.width))
            cutout = cutout.resize((width, height), Image.BICUBIC)
            if rng.random() < 0.5:
                cutout = cutout.transpose(Image.FLIP_LEFT_RIGHT)
            alpha = cutout.getchannel("A").filter(ImageFilter.GaussianBlur(0.7))
            left = rng.randint(0, scene.width - width)
            top = rng.randint(scene.height // 4, scene.height - height) if height < scene.height * 3 // 4 \
                else rng.randint(0, scene.height - height)  # things stand on the ground more often than they fly
            scene.paste(cutout.convert("RGB"), (left, top), alpha)
        return scene

    def relit(self, cutout, mean_colour, rng):
        rgb = np.asarray(cutout, dtype=np.float32)[..., :3] * rng.uniform(*self.exposure_range)
        cast = rng.uniform(0, self.max_cast)
        rgb = rgb * (1 - cast) + mean_colour * cast
        out = np.concatenate([np.clip(rgb + 0.5, 0, 255), np.asarray(cutout)[..., 3:].astype(np.float32)], axis=-1)
        return Image.fromarray(out.astype(np.uint8), "RGBA")
