"""Inpainting quality on held-out photos at 512x512: the model against OpenCV Telea and Navier-Stokes.

    python benchmarks/eval_inpainting.py --pipeline pretrained/inpainting --data data/val --vgg-path data/vgg16
    python benchmarks/eval_inpainting.py --pipeline shipped=pretrained/inpainting new=runs/x/pipeline --data data/test

Every method fills the same seeded masks (medium and thick strokes, LaMa-style); the pixels under the
mask are overwritten before any method sees the photo. Metrics are over the whole 512x512 image; `ms` is the mean
time per photo, so each model's ratio to `opencv_ns` is the latency target's ratio, measured in the same run.
`pyramid_fill_only` is the model's first stage without the network (with the pipeline's fill relaxation): the
trained generator's contribution is the difference between its row and that one.
"""
import argparse
import json
import os
import platform
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models import InpaintingPipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric  # noqa: E402
from gan_models.evaluation.inpainting import (  # noqa: E402
    add_benchmark_arguments, benchmark_files, evaluate_inpainting, opencv_method, pyramid_method)
from gan_models.hub import format_metrics_table  # noqa: E402
from benchmarks.eval_colorization import named  # noqa: E402
from benchmarks.speed import gflops  # noqa: E402


def load_pipeline(folder, args):
    pipe = InpaintingPipeline.from_pretrained(folder, load_discriminator=False,
                                              torch_dtype=getattr(torch, args.torch_dtype))
    if args.working_size:
        pipe.config["working_size"] = args.working_size
    if args.max_downscale:
        pipe.config["max_downscale"] = args.max_downscale
    if args.flip_average:
        pipe.config["flip_average"] = True
    if args.fill_relaxation_steps is not None:
        pipe.config["fill_relaxation_steps"] = args.fill_relaxation_steps
    return pipe


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_benchmark_arguments(parser, several_pipelines=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--working-size", type=int, default=None,
                        help="override the pipeline's working_size (the correction network's resolution)")
    parser.add_argument("--max-downscale", type=float, default=None,
                        help="override the pipeline's max_downscale (how far a crop may shrink to the working size)")
    parser.add_argument("--flip-average", action="store_true",
                        help="turn on the pipeline's flip self-ensemble (mean of the corrections for the crop and its mirror)")
    parser.add_argument("--fill-relaxation-steps", type=int, default=None,
                        help="override the pipeline's fill_relaxation_steps (Jacobi steps smoothing the pyramid fill)")
    parser.add_argument("--torch-dtype", default="float32", choices=["float32", "bfloat16"],
                        help="the network's weights and activations (bfloat16 is fast on CPUs with AMX)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    pipes = {name: load_pipeline(folder, args) for name, folder in named(args.pipeline, "gan_models").items()}
    first = next(iter(pipes.values()))
    methods = {**pipes, "opencv_telea": opencv_method("INPAINT_TELEA"), "opencv_ns": opencv_method("INPAINT_NS"),
               "pyramid_fill_only": pyramid_method(first.config["fill_relaxation_steps"])}
    perceptual = PerceptualMetric(args.vgg_path, args.per_layer) if os.path.isdir(args.vgg_path) else None
    files = benchmark_files(args)
    results = {}
    for kind in args.kinds:
        for name, row in evaluate_inpainting(methods, files, perceptual, args.size, (kind,)).items():
            results[f"{name} ({kind})"] = row
    print(f"{len(files)} photos from {args.data} at {args.size}x{args.size}; working size "
          f"{first.config['working_size']}; flip average {first.config['flip_average']}; fill relaxation steps "
          f"{first.config['fill_relaxation_steps']}; {args.torch_dtype}; "
          f"{torch.get_num_threads()} threads on {platform.machine()} ({os.cpu_count()} cores)\n")
    for name, pipe in pipes.items():
        crop = torch.zeros(1, 4, first.config["working_size"], first.config["working_size"])
        print(f"{name}: {sum(p.numel() for p in pipe.generator.parameters()) / 1e6:.2f} M parameters, "
              f"{gflops(pipe.generator, crop.to(pipe.generator.dtype)):.1f} GFLOPs per {crop.shape[-1]} px crop")
    print("\n" + format_metrics_table(results))
    for kind in args.kinds:
        best = max((results[f"opencv_{m} ({kind})"] for m in ("telea", "ns")), key=lambda r: r["psnr"])
        for name in pipes:
            ours = results[f"{name} ({kind})"]
            line = f"\n{name}, {kind}: PSNR gain over the better OpenCV method {ours['psnr'] - best['psnr']:+.2f} dB"
            if "lpips_like" in ours:
                lowest = min(results[f"opencv_{m} ({kind})"]["lpips_like"] for m in ("telea", "ns"))
                line += f"; LPIPS-like ratio to the better OpenCV method {ours['lpips_like'] / lowest:.2f}"
            line += f"; time {ours['ms'] / results[f'opencv_ns ({kind})']['ms']:.2f}x OpenCV NS"
            print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
