"""Cost of candidate inpainting generators (widths per level, bottleneck blocks): parameters, fp16 bytes, GFLOPs
and CPU time of one forward at the 256 px working size (median of N runs after a warm-up), in float32 and in
bfloat16 (the pipeline's `torch_dtype=torch.bfloat16`; fast on CPUs with AMX, slow without). Weights are random:
only the cost is measured.

    python benchmarks/inpainting_widths.py [--threads 2] [--runs 10]
"""
import os
import sys

import torch
from diffusers.utils import logging

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.speed import gflops, parse_timing_args, time_call  # noqa: E402
from gan_models.models.unet import UNetGenerator  # noqa: E402

PREVIOUS_RELEASE = ((16, 32, 64, 128, 256), (1, 2, 4, 8))
CANDIDATES = [PREVIOUS_RELEASE, ((16, 32, 64, 128, 256), (1, 2, 4, 8, 1, 2, 4)), ((16, 32, 64, 128, 320), (1, 2, 4, 8)),
              ((16, 32, 64, 160, 320), (1, 2, 4, 8)), ((20, 40, 80, 160, 320), (1, 2, 4, 8)),
              ((24, 48, 96, 192, 384), (1, 2, 4, 8))]


def main():
    args = parse_timing_args(__doc__, runs=10)
    logging.set_verbosity_error()  # diffusers warns on every .to(bfloat16) of a model without float32-only modules
    x = torch.randn(1, 4, 256, 256)
    x_bf16 = x.to(torch.bfloat16)
    print("| widths | bottleneck dilations | parameters | fp16 MB | GFLOPs at 256 | ms at 256 | ms at 256, bf16 |")
    print("|---|---|---|---|---|---|---|")
    for widths, dilations in CANDIDATES:
        generator = UNetGenerator(in_channels=4, out_channels=3, channels=widths, bottleneck_dilations=dilations).eval()
        params = sum(p.numel() for p in generator.parameters())
        flops = gflops(generator, x)
        with torch.no_grad():
            ms = time_call(lambda: generator(x), args.runs)
            generator.to(torch.bfloat16)
            ms_bf16 = time_call(lambda: generator(x_bf16), args.runs)
        print(f"| {' '.join(map(str, widths))} | {' '.join(map(str, dilations))} | {params / 1e6:.1f}M | "
              f"{params * 2 / 1e6:.1f} | {flops:.1f} | {ms:.0f} | {ms_bf16:.0f} |")
    print(f"\n{args.threads} threads; `python benchmarks/inpainting_widths.py --threads {args.threads} "
          f"--runs {args.runs}`")


if __name__ == "__main__":
    main()
