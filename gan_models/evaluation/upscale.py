"""Super-resolution quality: the same seeded degradation of each held-out photo for every method."""
import time

import numpy as np
import torch
from PIL import Image

from ..image_io import to_rgb
from .metrics import psnr, ssim


def pil_method(resample):
    return lambda image, scale: image.resize((image.width * scale, image.height * scale), resample)


def opencv_cubic(image, scale):
    import cv2

    return Image.fromarray(cv2.resize(np.asarray(image), (image.width * scale, image.height * scale),
                                      interpolation=cv2.INTER_CUBIC))


BASELINES = {"bicubic (Pillow)": pil_method(Image.BICUBIC), "lanczos (Pillow)": pil_method(Image.LANCZOS),
             "opencv INTER_CUBIC": opencv_cubic}


def degraded_pair(path, scale, seed, max_side):
    """(clean photo, its seeded second-order degradation at 1/scale) as PIL images; the clean one is at most
    `max_side` on the longer side and cropped to a multiple of `scale`."""
    from ..training.degradations import second_order_degradation

    clean = to_rgb(path)
    clean.thumbnail((max_side, max_side), Image.LANCZOS)
    clean = clean.crop((0, 0, clean.width - clean.width % scale, clean.height - clean.height % scale))
    tensor = torch.from_numpy(np.asarray(clean, dtype=np.float32)).permute(2, 0, 1)[None] / 127.5 - 1
    small = second_order_degradation(tensor, scale, np.random.default_rng(seed))[0]
    return clean, Image.fromarray(((small.permute(1, 2, 0).numpy() + 1) * 127.5 + 0.5).clip(0, 255).astype(np.uint8))


def evaluate_upscale(methods, files, perceptual=None, scale=4, max_side=512, seed=1234):
    """methods: {name: UpscalePipeline or (PIL, scale) -> PIL}; the baselines are added. Returns
    {name: {psnr, ssim, lpips_like, ms}} (means over the photos)."""
    pairs = [degraded_pair(path, scale, seed + index, max_side) for index, path in enumerate(files)]
    results = {}
    for name, method in {**methods, **BASELINES}.items():
        fn = (lambda pipe: lambda image, s: pipe(image=image, scale=s).images[0])(method) \
            if hasattr(method, "upscaler") else method
        rows = []
        for clean, small in pairs:
            start = time.perf_counter()
            out = np.asarray(fn(small, scale))
            elapsed_ms = (time.perf_counter() - start) * 1000
            row = {"psnr": psnr(out, np.asarray(clean)), "ssim": ssim(out, np.asarray(clean)), "ms": elapsed_ms}
            if perceptual is not None:
                row.update(perceptual.scores(out, np.asarray(clean)))
            rows.append(row)
        results[name] = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
    return results
