"""Inpainting quality on held-out photos: the same masks for every method, OpenCV beside the model."""
import time

import numpy as np
from PIL import Image, ImageOps

from ..image_io import to_rgb
from .metrics import psnr, ssim


def opencv_method(flag_name):
    """cv2.inpaint with Telea or Navier-Stokes, radius 5, as a (PIL photo, bool mask) -> PIL function."""
    def run(image, mask):
        import cv2

        flag = getattr(cv2, flag_name)
        bgr = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
        filled = cv2.inpaint(bgr, mask.astype(np.uint8) * 255, 5, flag)
        return Image.fromarray(cv2.cvtColor(filled, cv2.COLOR_BGR2RGB))
    return run


def pyramid_method(relaxation_steps=0):
    """The pyramid fill alone (what the generator starts from), at full resolution, as a method."""
    def run(image, mask):
        import torch

        from ..models import pyramid_fill

        rgb = torch.from_numpy(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)[None].contiguous()
        hole = torch.from_numpy(mask.astype(np.float32))[None, None]
        filled = pyramid_fill(rgb * (1 - hole), hole, relaxation_steps)[0].permute(1, 2, 0).numpy()
        return Image.fromarray(np.clip(filled + 0.5, 0, 255).astype(np.uint8))
    return run


def add_benchmark_arguments(parser, several_pipelines=False):
    """The command-line options every inpainting benchmark script shares. With `several_pipelines`, --pipeline
    takes NAME=FOLDER (or FOLDER) items, compared side by side."""
    if several_pipelines:
        parser.add_argument("--pipeline", nargs="+", default=["gan_models=pretrained/inpainting"],
                            metavar="NAME=FOLDER")
    else:
        parser.add_argument("--pipeline", default="pretrained/inpainting")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--vgg-path", default="data/vgg16")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--kinds", nargs="+", default=["medium", "thick"])
    parser.add_argument("--json", default=None)
    parser.add_argument("--per-layer", action="store_true",
                        help="also each VGG16 layer's share of the LPIPS-like distance (lpips_relu1_2 ...)")
    parser.add_argument("--max-photos", type=int, default=None,
                        help="evenly spaced subset of --data (e.g. 22 of the training photos, to compare with data/val)")


def benchmark_files(args):
    """The photos a benchmark run reads: all of --data, or --max-photos of them evenly spaced."""
    from ..training.data import list_images

    files = list_images(args.data)
    if args.max_photos and len(files) > args.max_photos:
        files = [files[i * len(files) // args.max_photos] for i in range(args.max_photos)]
    return files


def pipeline_method(pipe):
    return lambda image, mask: pipe(image=image, mask_image=Image.fromarray(mask.astype(np.uint8) * 255)).images[0]


def evaluation_masks(size, kinds, count, seed=1234):
    """The fixed masks every method sees: `count` per kind, from a seeded generator."""
    from ..training.degradations import random_mask

    rng = np.random.default_rng(seed)
    return {kind: [random_mask(size, size, rng, kind) > 0.5 for _ in range(count)] for kind in kinds}


def evaluate_inpainting(methods, files, perceptual=None, size=512, kinds=("medium", "thick")):
    """methods: {name: pipeline or (PIL, bool mask) -> PIL}. Returns {name: {metric: mean}} where
    metrics are over the whole image (PSNR, SSIM, LPIPS-like) and ms per image."""
    photos = [ImageOps.fit(to_rgb(path), (size, size), Image.LANCZOS) for path in files]
    masks = evaluation_masks(size, kinds, len(photos))
    results = {}
    for name, method in methods.items():
        fn = pipeline_method(method) if hasattr(method, "generator") else method
        rows = []
        for kind in kinds:
            for photo, mask in zip(photos, masks[kind]):
                damaged = np.asarray(photo).copy()
                damaged[mask] = 255  # what was under the mask must not leak into the result
                start = time.perf_counter()
                out = np.asarray(fn(Image.fromarray(damaged), mask))
                elapsed_ms = (time.perf_counter() - start) * 1000
                row = {"psnr": psnr(out, np.asarray(photo)), "ssim": ssim(out, np.asarray(photo)),
                       "ms": elapsed_ms, "hole_fraction": float(mask.mean())}
                if perceptual is not None:
                    row.update(perceptual.scores(out, np.asarray(photo)))
                rows.append(row)
        results[name] = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
    return results
