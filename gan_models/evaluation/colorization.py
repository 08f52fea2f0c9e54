"""Colorization quality on held-out photos: colorizers against the grayscale baseline, overall and per scene group."""
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


def colorization_rows(methods, files, perceptual=None, max_side=512):
    """One row per (photo, method): PSNR, SSIM, CF, CF of the truth, |dCF|, LPIPS-like, ms.

    `methods` maps a name to a callable PIL RGB -> PIL RGB; "grayscale" (Lab L with a = b = 0) is added."""
    rows = []
    for path in files:
        truth_image = load_eval_image(path, max_side)
        truth = np.asarray(truth_image)
        guesses = {"grayscale": (np.asarray(reattach_chroma(truth_image, torch.zeros(1, 2, 1, 1))), 0.0)}
        for name, colorize in methods.items():
            start = time.perf_counter()
            colored = np.asarray(colorize(truth_image))
            guesses[name] = (colored, (time.perf_counter() - start) * 1000)
        for name in [*methods, "grayscale"]:
            guess, ms = guesses[name]
            row = {"file": path, "method": name, "psnr": psnr(guess, truth), "ssim": ssim(guess, truth),
                   "cf": colorfulness(guess), "cf_truth": colorfulness(truth), "ms": ms}
            row["abs_dcf"] = abs(row["cf"] - row["cf_truth"])
            if perceptual is not None:
                row["lpips_like"] = perceptual(guess, truth)
            rows.append(row)
    return rows


def mean_by_method(rows):
    """{method: {metric: mean}} over `rows`, methods in their first-seen order."""
    out = {}
    for method in dict.fromkeys(row["method"] for row in rows):
        mine = [row for row in rows if row["method"] == method]
        keys = [k for k in mine[0] if k not in ("file", "method")]
        out[method] = {key: float(np.mean([row[key] for row in mine])) for key in keys}
    return out


def evaluate_colorization(pipe, files, perceptual=None, max_side=512):
    """Return {"model": {...}, "grayscale": {...}} with mean PSNR, SSIM, CF, |dCF|, LPIPS-like, ms."""
    rows = colorization_rows({"model": lambda image: pipe(image=image).images[0]}, files, perceptual, max_side)
    return mean_by_method(rows)
