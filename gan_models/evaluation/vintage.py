"""Vintage preset fidelity: how closely the generator reproduces the aged-print look it was trained on
(`training.degradations.vintage_target`, given the same grain noise and vignette radius)."""
import numpy as np
import torch
from PIL import Image, ImageOps

from ..image_io import to_rgb
from ..pipelines.resize import pil_to_tensor
from ..pipelines.vintage import vintage_inputs
from .metrics import psnr


@torch.no_grad()
def evaluate_vintage(generator, files, size=(512, 320)):
    """PSNR (dB) of the generator's output (a module, or any function of its 5-channel input) against the
    analytic aged print, photos fitted to `size`."""
    from ..training.degradations import vintage_target

    device = "cpu"
    if isinstance(generator, torch.nn.Module):
        generator.eval()
        device = next(generator.parameters()).device
    scores = []
    for seed, path in enumerate(files):
        photo = ImageOps.fit(to_rgb(path), size, Image.LANCZOS)
        rgb = pil_to_tensor(photo) * 2 - 1
        inputs = vintage_inputs(rgb, seed)
        target = vintage_target(rgb, inputs[:, 3:4], (inputs[:, 4:5] + 1) / 2)
        out = generator(inputs.to(device)).float().cpu()
        scores.append(psnr(to_uint8(out), to_uint8(target)))
    return {"psnr_vs_target": float(np.mean(scores))}


def to_uint8(x):
    return ((x[0].permute(1, 2, 0) + 1) * 127.5).clamp(0, 255).round().to(torch.uint8).numpy()
