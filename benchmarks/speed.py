"""Latency of each bundled pipeline at a few input sizes (median of N runs, after a warm-up).

    python benchmarks/speed.py [--threads 2] [--runs 5]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from gan_models import (ColorizationPipeline, InpaintingPipeline, OldPhotoRestorationPipeline,  # noqa: E402
                        StyleTransferPipeline)

SIZES = {"512x512": (512, 512), "~4 MP (2304x1728)": (2304, 1728)}


def test_image(width, height):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width]
    gray = (127 + 60 * np.sin(x / 37.0) * np.cos(y / 23.0) + rng.normal(0, 10, (height, width))).clip(0, 255)
    return Image.fromarray(gray.astype(np.uint8)).convert("RGB")


def gflops(module, *inputs):
    """Forward FLOPs (multiply-adds count 2) of `module` (or any function of tensors) on `inputs`."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(*inputs)
    return counter.get_total_flops() / 1e9


def time_call(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def parse_timing_args(description, runs):
    """The --threads / --runs options of a timing script, parsed; torch then uses that many threads."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=runs)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    return args


def main():
    args = parse_timing_args(__doc__, runs=5)

    print(f"{args.threads} threads, {platform.processor() or platform.machine()} ({os.cpu_count()} cores), "
          f"torch {torch.__version__}\n")
    print("| pipeline | input | median ms | generator GFLOPs |\n|---|---|---|---|")
    pipe = ColorizationPipeline.from_pretrained(os.path.join(ROOT, "pretrained", "colorization"),
                                                load_discriminator=False)
    flops = gflops(pipe.generator, torch.zeros(1, 1, 256, 256))
    for label, (w, h) in SIZES.items():
        image = test_image(w, h)
        print(f"| colorization | {label} | {time_call(lambda: pipe(image=image), args.runs):.0f} | {flops:.1f} (256x256) |")

    pipe = InpaintingPipeline.from_pretrained(os.path.join(ROOT, "pretrained", "inpainting"), load_discriminator=False)
    image = test_image(512, 512)
    hole = Image.new("L", (512, 512), 0)
    hole.paste(255, (150, 180, 330, 300))
    flops_256 = gflops(pipe.generator, torch.zeros(1, 4, 256, 256))
    print(f"| inpainting | 512x512, 180x120 hole | {time_call(lambda: pipe(image=image, mask_image=hole), args.runs):.0f}"
          f" | {flops_256:.1f} (256x256; x4 = {4 * flops_256:.1f} per 512x512 at full resolution) |")
    big = test_image(4000, 3000)
    scratch = Image.new("L", big.size, 0)
    scratch.paste(255, (1200, 1500, 1500, 1506))
    print(f"| inpainting | 12 MP (4000x3000), 300x6 scratch | "
          f"{time_call(lambda: pipe(image=big, mask_image=scratch), args.runs):.0f} | |")

    style = test_image(300, 240).rotate(45)
    for runtime, sizes in (("torch", ((384, 384), (512, 512))), ("auto", ((384, 384), (512, 512), (2048, 1536)))):
        pipe = StyleTransferPipeline.from_pretrained(os.path.join(ROOT, "pretrained", "style-transfer"),
                                                     load_discriminator=False, runtime=runtime)
        engine = "ONNX Runtime" if pipe.onnx else "PyTorch"
        for w, h in sizes:
            image = test_image(w, h)
            ms = time_call(lambda: pipe(image=image, style_image=style), args.runs)
            flops = gflops(lambda x: pipe.decoder(pipe.encoder(x, ("relu4_1",))["relu4_1"]), torch.zeros(1, 3, h, w)) \
                if w <= 512 else None
            note = f"{flops:.1f} (encoder + decoder at {w}x{h}; style encoded at 256 px)" if flops else \
                "(stylized at 1024 px, upsampled)"
            print(f"| style transfer, any style image ({engine}) | {w}x{h} | {ms:.0f} | {note} |")
    image = test_image(512, 320)
    print(f"| style transfer, vintage preset | 512x320 | "
          f"{time_call(lambda: pipe(image=image, preset='vintage'), args.runs):.0f} | "
          f"{gflops(pipe.vintage, torch.zeros(1, 5, 320, 512)):.1f} |")

    pipe = OldPhotoRestorationPipeline.from_pretrained(os.path.join(ROOT, "pretrained", "restoration"))
    from gan_models.evaluation.damage import damaged_photos  # noqa: E402

    sample = os.path.join(ROOT, "tests", "data", "held_out_sky.jpg")
    scan, _, _ = damaged_photos([sample], size=1152, seed=5)[0]
    ms = time_call(lambda: pipe(image=scan, colorize=True), args.runs)
    print(f"| restoration (detect, inpaint, clean-up, colorize) | {scan.width}x{scan.height} "
          f"({scan.width * scan.height / 1e6:.1f} MP) | {ms:.0f} | "
          f"{gflops(pipe.detector, torch.zeros(1, 3, scan.height, scan.width)):.1f} (detector) |")


if __name__ == "__main__":
    main()
