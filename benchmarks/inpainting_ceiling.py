"""How far can a correction computed at the working size go? Oracle ceilings for the inpainting design.

    python benchmarks/inpainting_ceiling.py --data data/val --vgg-path data/vgg16

The pipeline adds a correction, computed at the working size (256 px for a 512 px photo) and upsampled, to a
full-resolution pyramid fill. An oracle that knows the photo gives the best such correction: the true residual
(photo minus fill) shrunk to the working size and upsampled back the way the pipeline does it. Its score is
the ceiling of any network at that size, whatever its training. Same photos and seeded masks as
eval_inpainting.py; metrics over the whole 512x512 image.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models import InpaintingPipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric  # noqa: E402
from gan_models.evaluation.inpainting import (  # noqa: E402
    add_benchmark_arguments, benchmark_files, evaluation_masks, opencv_method, pipeline_method, pyramid_method)
from gan_models.evaluation.metrics import psnr  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.image_io import to_rgb  # noqa: E402
from gan_models.models import pyramid_fill  # noqa: E402
from gan_models.pipelines.resize import resize_tensor  # noqa: E402


def oracle_fill(photo, mask, working_size, relaxation_steps):
    """Pyramid fill plus the true residual (photo minus fill) seen at `working_size` and upsampled back."""
    truth = torch.from_numpy(np.asarray(photo, dtype=np.float32)).permute(2, 0, 1)[None]
    hole = torch.from_numpy(mask.astype(np.float32))[None, None]
    fill = pyramid_fill(truth * (1 - hole), hole, relaxation_steps)
    residual = (truth - fill) * hole
    size = tuple(truth.shape[-2:])
    fill = fill + resize_tensor(resize_tensor(residual, (working_size, working_size)), size) * hole
    out = fill * hole + truth * (1 - hole)
    return np.clip(out[0].permute(1, 2, 0).numpy() + 0.5, 0, 255).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_benchmark_arguments(parser)
    parser.add_argument("--working-sizes", type=int, nargs="+", default=[128, 256, 384])
    args = parser.parse_args()

    torch.set_num_threads(2)
    pipe = InpaintingPipeline.from_pretrained(args.pipeline, load_discriminator=False)
    steps = pipe.config["fill_relaxation_steps"]
    perceptual = PerceptualMetric(args.vgg_path, args.per_layer) if os.path.isdir(args.vgg_path) else None
    photos = [ImageOps.fit(to_rgb(path), (args.size, args.size), Image.LANCZOS) for path in benchmark_files(args)]
    # one seeded draw per kind, as eval_inpainting.py makes them, so the thick masks are the same too
    masks = {kind: evaluation_masks(args.size, (kind,), len(photos))[kind] for kind in args.kinds}
    blind = {"opencv_telea": opencv_method("INPAINT_TELEA"), "opencv_ns": opencv_method("INPAINT_NS"),
             "gan_models": pipeline_method(pipe), "pyramid_fill_only": pyramid_method(steps)}
    results = {}
    for kind in args.kinds:
        rows = {}
        for photo, mask in zip(photos, masks[kind]):
            truth = np.asarray(photo)
            damaged = truth.copy()
            damaged[mask] = 255
            outputs = {name: np.asarray(fn(Image.fromarray(damaged), mask)) for name, fn in blind.items()}
            for working_size in args.working_sizes:
                outputs[f"oracle_correction_at_{working_size}"] = oracle_fill(truth, mask, working_size, steps)
            for name, out in outputs.items():
                row = {"psnr": psnr(out, truth)}
                if perceptual is not None:
                    row.update(perceptual.scores(out, truth))
                rows.setdefault(name, []).append(row)
        for name, name_rows in rows.items():
            results[f"{name} ({kind})"] = {key: float(np.mean([r[key] for r in name_rows])) for key in name_rows[0]}
    print(f"{len(photos)} photos from {args.data} at {args.size}x{args.size}; fill relaxation steps {steps}\n")
    print(format_metrics_table(results))
    for kind in args.kinds:
        best = max(results[f"opencv_{m} ({kind})"]["psnr"] for m in ("telea", "ns"))
        gains = ", ".join(f"{name.split(' (')[0]} {row['psnr'] - best:+.2f} dB" for name, row in results.items()
                          if name.endswith(f"({kind})") and not name.startswith("opencv"))
        print(f"\n{kind}, PSNR over the better OpenCV method: {gains}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
