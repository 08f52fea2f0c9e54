"""Old-photo restoration on held-out photos with synthetic damage whose masks are known.

    python benchmarks/eval_restoration.py --pipeline pretrained/restoration --json out.json

1. Damage masks: the trained detector against a classical detector (morphological black-hat + top-hat):
   F1, IoU, precision, recall of the raw masks, each method at its best threshold chosen on other photos
   (20 training photos with other synthetic damage). Then the same thresholds on damage drawn by a second
   generator family that no detector trains on (gan_models.evaluation.unseen_damage), per kind: long scratches,
   dust, creases, tears, stains (which destroy nothing: every flagged pixel is a false alarm), and all together.
2. The chain against the clean photo: the degraded input itself, OpenCV Navier-Stokes inpainting on the
   detected mask, our inpainting on the detected mask, and the full chain (inpaint + clean-up + colorize
   when the photo is monochrome). PSNR / SSIM / LPIPS-like over the whole image.
3. Speed of the full chain on a ~1 MP damaged photo (median of runs, after a warm-up).
"""
import argparse
import json
import os
import platform
import sys

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from gan_models import DamageDetectionPipeline, OldPhotoRestorationPipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric, psnr, ssim  # noqa: E402
from gan_models.evaluation.damage import damaged_photos, evaluate_damage, evaluate_damage_by_kind  # noqa: E402
from gan_models.evaluation.inpainting import opencv_method  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402
from benchmarks.speed import time_call  # noqa: E402


def chain_quality(pipe, files, size, perceptual):
    opencv_ns = opencv_method("INPAINT_NS")
    rows = {name: [] for name in ("degraded input", "opencv NS on detected mask", "gan_models inpainting only",
                                  "gan_models full chain")}
    for damaged, _, clean in damaged_photos(files, size, seed=99):
        mask = np.asarray(pipe.detection(image=damaged).images[0]) > 127
        candidates = {
            "degraded input": damaged,
            "opencv NS on detected mask": opencv_ns(damaged, mask) if mask.any() else damaged,
            "gan_models inpainting only": pipe(image=damaged, mask_image=Image.fromarray(mask), colorize=False,
                                               clean=False).images[0],
            "gan_models full chain": pipe(image=damaged, mask_image=Image.fromarray(mask)).images[0],
        }
        reference = np.asarray(clean)
        for name, image in candidates.items():
            out = np.asarray(image)
            row = {"psnr": psnr(out, reference), "ssim": ssim(out, reference)}
            if perceptual is not None:
                row["lpips_like"] = perceptual(out, reference)
            rows[name].append(row)
    return {name: {k: float(np.mean([r[k] for r in values])) for k in values[0]} for name, values in rows.items()}


def chain_speed(pipe, file, runs):
    damaged, _, _ = damaged_photos([file], size=1152, seed=5)[0]  # 1152 x 864 ~ 1.0 MP for a 4:3 photo
    return damaged.size, time_call(lambda: pipe(image=damaged, colorize=True), runs)


def chain_and_speed(pipe, files, args, perceptual):
    quality = chain_quality(pipe, files, args.size, perceptual)
    print("\nRestored vs clean photo:\n\n" + format_metrics_table(quality))
    size, ms = chain_speed(pipe, files[0], args.runs)
    print(f"\nFull chain (detect, inpaint, clean-up, colorize) on {size[0]}x{size[1]} "
          f"({size[0] * size[1] / 1e6:.2f} MP): {ms:.0f} ms (median of {args.runs})")
    return {"chain": quality, "speed": {"size": list(size), "ms": ms}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", default="pretrained/restoration")
    parser.add_argument("--data", default="data/test")
    parser.add_argument("--calibration-data", default="data/train", help="photos for choosing mask thresholds")
    parser.add_argument("--num-calibration", type=int, default=20)
    parser.add_argument("--vgg-path", default="data/vgg16")
    parser.add_argument("--size", type=int, default=768, help="longer side of the evaluation photos")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", default=None)
    parser.add_argument("--extra-detector", nargs="*", default=[], metavar="NAME=FOLDER",
                        help="more damage detectors scored beside the pipeline's (e.g. a training run's pipeline)")
    parser.add_argument("--masks-only", action="store_true", help="score the masks only (no chain, no timing)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    pipe = OldPhotoRestorationPipeline.from_pretrained(args.pipeline)
    files = list_images(args.data)
    perceptual = PerceptualMetric(args.vgg_path) if os.path.isdir(args.vgg_path) else None
    print(f"{len(files)} held-out photos from {args.data}, longer side {args.size}, synthetic damage; "
          f"{args.threads} threads on {platform.machine()} ({os.cpu_count()} cores)\n")
    calibration = list_images(args.calibration_data)[: args.num_calibration]
    detectors = {"detector": pipe.detection}
    for item in args.extra_detector:
        name, _, folder = item.partition("=")
        detectors[name] = DamageDetectionPipeline.from_pretrained(folder)
        detectors[name].config["working_size"] = pipe.config["working_size"]
    masks = evaluate_damage(detectors, files, size=args.size, calibration_files=calibration)
    print("Damage masks:\n\n" + format_metrics_table(masks))
    gain = masks["detector"]["f1"] - masks["black-hat/top-hat"]["f1"]
    print(f"\nF1 gain over the classical detector: {gain:+.3f}")
    thresholds = {name: row["threshold"] for name, row in masks.items()}
    by_kind = evaluate_damage_by_kind(detectors, files, thresholds, size=args.size)
    print("\nDamage of a family no detector trained on (gan_models.evaluation.unseen_damage), one kind at a time, "
          "the same thresholds:\n\n" + format_metrics_table(by_kind))
    results = {"masks": masks, "masks by kind, unseen damage family": by_kind}
    if not args.masks_only:
        results.update(chain_and_speed(pipe, files, args, perceptual))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
