"""Enhance (x2 / x4 super-resolution): ours vs Pillow bicubic / Lanczos and OpenCV INTER_CUBIC, plus speed.

    python benchmarks/eval_upscale.py --pipeline pretrained/upscale --data test=data/test varied=data/varied

Every held-out photo (at most --max-side px) is degraded once, with a seeded draw (seed 1234 + its index) of the
training's second-order model (blur, resize, noise, JPEG, twice; gan_models.training.degradations), to 1/2 or 1/4
of its size; each method enlarges that back, and PSNR, SSIM and the LPIPS-like distance compare it with the photo.
`--speed` times x2 of a 512x512 photo (a 1 MP result), 256 -> 1024 at x4 and a 2 MP photo at x2 beside OpenCV
Navier-Stokes inpainting of a 512x512 photo in the same run, and reports GFLOPs per output megapixel and the
peak memory of a 12 MP photo at x2 (its own process).
"""
import argparse
import json
import os
import platform
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from eval_colorization import named  # noqa: E402
from speed import gflops, test_image, time_call  # noqa: E402

from gan_models import UpscalePipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric  # noqa: E402
from gan_models.evaluation.inpainting import opencv_method  # noqa: E402
from gan_models.evaluation.upscale import evaluate_upscale  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402

PEAK_MEMORY = """
import resource, sys, numpy as np
from PIL import Image
sys.path.insert(0, {root!r})
from gan_models import UpscalePipeline
pipe = UpscalePipeline.from_pretrained({pipeline!r}, load_discriminator=False)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
photo = Image.fromarray(np.random.default_rng(0).integers(0, 255, (3000, 4000, 3), dtype=np.uint8))
pipe(image=photo, scale=2)
print(before / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def speed_report(pipe, pipeline_folder, runs=7):
    photo = test_image(512, 512)
    mask = np.zeros((512, 512), bool)
    mask[196:316, 166:346] = True  # a 180x120 hole, as in benchmarks/speed.py
    ns_ms = time_call(lambda: opencv_method("INPAINT_NS")(photo, mask), runs)
    x2_ms = time_call(lambda: pipe(image=photo, scale=2), runs)
    small, medium = test_image(256, 256), test_image(1632, 1224)  # made before timing, not timed with the model
    x4_ms = time_call(lambda: pipe(image=small, scale=4), runs)
    two_mp = time_call(lambda: pipe(image=medium, scale=2), 1)
    networks = {scale: getattr(pipe, pipe.network_name(scale)) for scale in pipe.scales}
    per_mp = {scale: gflops(net, torch.zeros(1, 3, 256, 256)) / (256 * 256 * scale * scale / 1e6)
              for scale, net in networks.items()}
    x2_network = "its own network, at half the input's resolution" if pipe.upscaler_x2 is not None else \
        f"the x{pipe.upscaler.config.scale} network, averaged over 2x2 pixels"
    parameters = sum(p.numel() for net in pipe.modules().values() for p in net.parameters())  # no critic loaded
    memory = subprocess.run([sys.executable, "-c", PEAK_MEMORY.format(root=ROOT, pipeline=pipeline_folder)],
                            capture_output=True, text=True)
    loaded, peak = (float(v) for v in memory.stdout.split()) if memory.returncode == 0 else (float("nan"),) * 2
    runtime = "ONNX Runtime" if pipe.onnx is not None else "PyTorch"
    return (f"{torch.get_num_threads()} threads, {platform.machine()} ({os.cpu_count()} cores), {runtime}, "
            f"median of {runs}\n\n"
            f"| what | ms |\n|---|---|\n| OpenCV NS inpainting, 512x512, 180x120 hole | {ns_ms:.0f} |\n"
            f"| x2, 512x512 -> 1024x1024 | {x2_ms:.0f} ({x2_ms / ns_ms:.1f}x OpenCV NS) |\n"
            f"| x4, 256x256 -> 1024x1024 | {x4_ms:.0f} |\n| x2, 1632x1224 (2 MP) | {two_mp:.0f} |\n\n"
            f"GFLOPs per output megapixel: " + ", ".join(f"x{s} {v:.1f}" for s, v in per_mp.items()) +
            f" (x2 runs {x2_network}); {parameters / 1e3:.0f} k parameters in all. "
            f"12 MP photo (4000x3000) at x2: peak RSS {peak:.0f} MB, {peak - loaded:.0f} MB above the loaded model "
            f"(the 48 MP result alone is {4000 * 3000 * 4 * 3 / 2 ** 20:.0f} MB).")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", nargs="+", default=["gan_models=pretrained/upscale"], metavar="NAME=FOLDER",
                        help="pipelines compared side by side (--speed times the first)")
    parser.add_argument("--data", nargs="*", default=["test=data/test", "varied=data/varied"],
                        help="NAME=FOLDER of each photo set (none: --speed only)")
    parser.add_argument("--vgg-path", default="data/vgg16")
    parser.add_argument("--scales", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--per-layer", action="store_true",
                        help="also each VGG16 layer's share of the LPIPS-like distance (lpips_relu1_2 ...)")
    parser.add_argument("--runtime", choices=["auto", "torch", "onnxruntime"], default="torch")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    folders = named(args.pipeline, "gan_models")
    pipes = {name: UpscalePipeline.from_pretrained(folder, load_discriminator=False, runtime=args.runtime)
             for name, folder in folders.items()}
    perceptual = PerceptualMetric(args.vgg_path, args.per_layer) if os.path.isdir(args.vgg_path) else None
    report = {}
    for set_name, folder in named(args.data, "data").items():
        files = list_images(folder)
        for scale in args.scales:
            results = evaluate_upscale(pipes, files, perceptual, scale, args.max_side)
            print(f"## {set_name}, x{scale}: {len(files)} photos from {folder}, longer side <= {args.max_side} px, "
                  f"seeded second-order degradation\n\n{format_metrics_table(results)}\n")
            for name in pipes if perceptual is not None else ():
                ratio = results[name]["lpips_like"] / results["lanczos (Pillow)"]["lpips_like"]
                gain = results[name]["psnr"] - results["lanczos (Pillow)"]["psnr"]
                print(f"{name}: LPIPS-like vs Lanczos {ratio:.2f}x; PSNR {gain:+.2f} dB\n")
            report[f"{set_name} x{scale}"] = results
    if args.speed:
        name = next(iter(pipes))
        report["speed"] = speed_report(pipes[name], folders[name])
        print(f"## speed\n\n{report['speed']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
