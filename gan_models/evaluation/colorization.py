"""Colorization quality on held-out photos: the model against the grayscale baseline."""
import time

import numpy as np
import torch
from PIL import Image

from ..image_io import to_rgb
from ..pipelines.colorization import reattach_chroma
from .metrics import colorfulness, psnr, ssim


def load_eval_image(path, max_side):
    image = to_rgb(path)
    image.thumbnail((max_side, max_side), Image.LANCZOS)
    return image


def evaluate_colorization(pipe, files, perceptual=None, max_side=512):
    """Return {"model": {...}, "grayscale": {...}} with mean PSNR, SSIM, CF, |dCF|, LPIPS-like, ms."""
    rows = {"model": [], "grayscale": []}
    for path in files:
        truth_image = load_eval_image(path, max_side)
        truth = np.asarray(truth_image)
        gray = np.asarray(reattach_chroma(truth_image, torch.zeros(1, 2, 1, 1)))  # Lab L with a = b = 0
        start = time.perf_counter()
        colored = np.asarray(pipe(image=truth_image).images[0])
        elapsed = (time.perf_counter() - start) * 1000
        for name, guess, ms in (("model", colored, elapsed), ("grayscale", gray, 0.0)):
            row = {"psnr": psnr(guess, truth), "ssim": ssim(guess, truth), "cf": colorfulness(guess),
                   "cf_truth": colorfulness(truth), "ms": ms}
            row["abs_dcf"] = abs(row["cf"] - row["cf_truth"])
            if perceptual is not None:
                row["lpips_like"] = perceptual(guess, truth)
            rows[name].append(row)
    return {name: {key: float(np.mean([r[key] for r in values])) for key in values[0]}
            for name, values in rows.items()}
