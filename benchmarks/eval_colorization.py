"""Colorization quality on held-out photos: the model vs the grayscale baseline, plus latency.

    python benchmarks/eval_colorization.py --pipeline pretrained/colorization --data data/val --vgg-path data/vgg16

Prints a markdown table (PSNR, SSIM, Hasler-Suesstrunk colourfulness CF, |dCF| vs ground truth,
LPIPS-like VGG16 distance, ms per image) and can write it as JSON.
"""
import argparse
import json
import os
import platform
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric  # noqa: E402
from gan_models.evaluation.colorization import evaluate_colorization  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", default="pretrained/colorization")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--vgg-path", default="data/vgg16", help="VGG16Features folder for the LPIPS-like metric")
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--chroma-gain", type=float, nargs="*", default=None, help="also evaluate these gains")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    pipe = ColorizationPipeline.from_pretrained(args.pipeline, load_discriminator=False)
    perceptual = PerceptualMetric(args.vgg_path) if os.path.isdir(args.vgg_path) else None
    files = list_images(args.data)
    results = evaluate_colorization(pipe, files, perceptual, args.max_side)
    for gain in args.chroma_gain or []:
        pipe.config["chroma_gain"] = gain
        results[f"model, gain {gain}"] = evaluate_colorization(pipe, files, perceptual, args.max_side)["model"]
    cf_truth = results["grayscale"]["cf_truth"]
    print(f"{len(files)} held-out photos from {args.data}, longer side <= {args.max_side} px; "
          f"{torch.get_num_threads()} threads on {platform.machine()} ({os.cpu_count()} cores)\n")
    print(format_metrics_table(results))
    print(f"\nCF of the model / CF of the ground truth: {results['model']['cf'] / cf_truth:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
