"""Pyramid ("push-pull") hole filling: the coarse guess the inpainting generator refines."""
import torch
import torch.nn.functional as F


def pyramid_fill(image, hole, relaxation_steps=0):
    """Fill the hole of `image` (N,C,H,W) from a pyramid of averages of the known pixels.

    `hole` is N,1,H,W with 1 where the pixel is unknown. Push: halve the resolution, averaging only known
    pixels, until every pixel has a value; pull: upsample bilinearly and take the coarse value wherever the
    finer level had none. Known pixels are returned unchanged. No parameters, a few ms at 512x512, and
    on its own a little better than OpenCV's Telea in PSNR: the generator only has to learn what is left.

    With `relaxation_steps`, every level's hole is then smoothed by that many Jacobi steps of Laplace's
    equation (each hole pixel becomes the mean of its four neighbours): a coarse-to-fine harmonic fill,
    whose seams and plateaus are gone. 10 steps cost about as much again as the plain fill.
    """
    known = 1 - hole
    if known.amin(dim=(1, 2, 3)).min() > 0 or min(image.shape[-2:]) <= 1:
        return image
    height, width = image.shape[-2:]
    pad = (0, width % 2, 0, height % 2)
    weight = F.avg_pool2d(F.pad(known, pad), 2)
    coarse = F.avg_pool2d(F.pad(image * known, pad), 2) / weight.clamp_min(1e-6)
    coarse = pyramid_fill(coarse, (weight == 0).to(image.dtype), relaxation_steps)
    pulled = F.interpolate(coarse, scale_factor=2, mode="bilinear", align_corners=False)[..., :height, :width]
    known_values = image * known
    return relax(known_values + pulled * hole, known_values, hole, relaxation_steps)


def relax(filled, known_values, hole, steps):
    """`steps` Jacobi iterations of the discrete Laplace equation inside the hole (borders replicated)."""
    for _ in range(steps):
        padded = F.pad(filled, (1, 1, 1, 1), mode="replicate")
        neighbours = (padded[..., :-2, 1:-1] + padded[..., 2:, 1:-1] + padded[..., 1:-1, :-2]
                      + padded[..., 1:-1, 2:]) * 0.25
        filled = torch.addcmul(known_values, neighbours, hole)
    return filled
