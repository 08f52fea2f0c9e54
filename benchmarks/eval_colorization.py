"""Colorization quality per scene group (people, indoor, objects, outdoor), colorizers vs grayscale, plus speed.

    python benchmarks/eval_colorization.py --pipeline v2=pretrained/colorization v1=OLD_FOLDER \
        --data test=data/test varied=data/varied

Each `--data` set gets one table: rows are group x method; PSNR, SSIM, Hasler-Suesstrunk colourfulness CF (and
the truth's), |dCF|, LPIPS-like VGG16 distance, ms per photo. Groups come from `make data`'s manifest.
`--temperature` / `--chroma-gain` / `--chroma-smoothing` evaluate extra settings of the first pipeline (choose them on data/val only).
`--per-photo` adds one line per photo (PSNR / CF of each method), which shows the photos a group mean rests on.
`--speed` adds the first pipeline's latency at 512x512 and ~4 MP, its GFLOPs, and OpenCV Navier-Stokes
inpainting of a 512x512 photo timed in the same run (the reference every task's speed target uses).
"""
import argparse
import copy
import json
import os
import platform
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from speed import gflops, test_image, time_call  # noqa: E402

from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.evaluation import PerceptualMetric  # noqa: E402
from gan_models.evaluation.colorization import colorization_rows, mean_by_method  # noqa: E402
from gan_models.evaluation.inpainting import opencv_method  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402

GROUPS = ("people", "indoor", "objects", "outdoor")


def named(values, default_name):
    """["a=path", "path"] -> {"a": "path", default_name: "path"}."""
    out = {}
    for value in values:
        name, _, path = value.rpartition("=")
        out[name or (default_name if default_name not in out else path)] = path
    return out


def load_groups(manifest):
    if not os.path.isfile(manifest):
        return {}
    with open(manifest) as f:
        return {os.path.abspath(entry["file"]): entry.get("group", "") for entry in json.load(f)}


def speed_rows(pipe, threads, runs=5):
    """ms of the colorizer at 512x512 and ~4 MP beside OpenCV NS inpainting at 512x512 (same run), GFLOPs."""
    photo = test_image(512, 512)
    mask = np.zeros((512, 512), bool)
    mask[196:316, 166:346] = True  # a 180x120 hole, as in benchmarks/speed.py
    ns = opencv_method("INPAINT_NS")
    ns_ms = time_call(lambda: ns(photo, mask), runs)
    own_512 = time_call(lambda: pipe(image=photo), runs)
    big = test_image(2304, 1728)  # made before timing: drawing it takes longer than colorizing it
    own_4mp = time_call(lambda: pipe(image=big), max(2, runs // 2))
    flops = gflops(pipe.generator, torch.zeros(1, 1, 256, 256))
    return (f"{threads} threads, {platform.machine()} ({os.cpu_count()} cores), median of {runs}\n\n"
            f"| what | ms |\n|---|---|\n| OpenCV NS inpainting, 512x512, 180x120 hole | {ns_ms:.0f} |\n"
            f"| colorization, 512x512 | {own_512:.0f} ({own_512 / ns_ms:.2f}x OpenCV NS) |\n"
            f"| colorization, 2304x1728 (~4 MP) | {own_4mp:.0f} |\n\n"
            f"Network: {flops:.2f} GFLOPs per photo (it always runs at 256 px on the longer side), "
            f"{sum(p.numel() for p in pipe.generator.parameters()) / 1e6:.1f} M parameters.")


def per_photo_table(rows, groups):
    """A markdown table, one line per photo (by group, then name): each method's PSNR / CF, and the truth's CF."""
    methods = list(dict.fromkeys(row["method"] for row in rows))
    by_file = {}
    for row in rows:
        by_file.setdefault(row["file"], {})[row["method"]] = row
    lines = ["| group | photo | " + " | ".join(f"{m}: psnr / cf" for m in methods) + " | cf_truth |",
             "|---|---|" + "---|" * (len(methods) + 1)]
    order = sorted(by_file, key=lambda f: (groups.get(os.path.abspath(f), ""), os.path.basename(f)))
    for path in order:
        cells = " | ".join(f"{by_file[path][m]['psnr']:.2f} / {by_file[path][m]['cf']:.1f}" for m in methods)
        lines.append(f"| {groups.get(os.path.abspath(path), '')} | {os.path.basename(path)} | {cells} | "
                     f"{by_file[path][methods[0]]['cf_truth']:.1f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", nargs="+", default=["gan_models=pretrained/colorization"],
                        help="NAME=FOLDER (or FOLDER) of each colorization pipeline to compare")
    parser.add_argument("--data", nargs="*", default=["test=data/test", "varied=data/varied"],
                        help="NAME=FOLDER of each photo set (none: speed only)")
    parser.add_argument("--manifest", default="data/manifest.json", help="make data's manifest (scene groups)")
    parser.add_argument("--vgg-path", default="data/vgg16", help="VGG16Features folder for the LPIPS-like metric")
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--temperature", type=float, nargs="*", default=[], help="also evaluate these temperatures")
    parser.add_argument("--chroma-gain", type=float, nargs="*", default=[], help="also evaluate these gains")
    parser.add_argument("--chroma-smoothing", type=float, nargs="*", default=[],
                        help="also evaluate these chroma smoothing radii (share of the working size)")
    parser.add_argument("--working-size", type=int, nargs="*", default=[],
                        help="also evaluate these working sizes (the longer side the network sees, in pixels)")
    parser.add_argument("--per-photo", action="store_true",
                        help="also list every photo's PSNR and CF per method, by group (which photos drive a mean)")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runtime", default="auto", choices=["auto", "torch", "onnxruntime"],
                        help="how the colorizers run on the CPU (auto: ONNX Runtime when installed)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    pipes = {name: ColorizationPipeline.from_pretrained(path, load_discriminator=False, runtime=args.runtime)
             for name, path in named(args.pipeline, "gan_models").items()}
    first_name, first = next(iter(pipes.items()))
    methods = {name: (lambda pipe: lambda image: pipe(image=image).images[0])(pipe) for name, pipe in pipes.items()}
    for t in args.temperature:
        methods[f"{first_name}, temperature {t}"] = lambda image, t=t: first(image=image, temperature=t).images[0]
    for g in args.chroma_gain:
        methods[f"{first_name}, gain {g}"] = lambda image, g=g: first(image=image, chroma_gain=g).images[0]
    for r in args.chroma_smoothing:
        methods[f"{first_name}, smoothing {r}"] = lambda image, r=r: first(image=image, chroma_smoothing=r).images[0]
    for size in args.working_size:
        resized = copy.copy(first)  # the same networks, another config
        resized.config = {**first.config, "working_size": size}
        methods[f"{first_name}, working size {size}"] = lambda image, pipe=resized: pipe(image=image).images[0]
    perceptual = PerceptualMetric(args.vgg_path) if os.path.isdir(args.vgg_path) else None
    groups = load_groups(args.manifest)

    report = {}
    for set_name, folder in named(args.data, "data").items():
        files = list_images(folder)
        rows = colorization_rows(methods, files, perceptual, args.max_side)
        print(f"## {set_name}: {len(files)} photos from {folder}, longer side <= {args.max_side} px\n")
        table = {}
        for group in ("all", *GROUPS):
            mine = [r for r in rows if group == "all" or groups.get(os.path.abspath(r["file"])) == group]
            count = len({r["file"] for r in mine})
            for method, means in (mean_by_method(mine).items() if mine else []):
                table[f"{group} ({count}): {method}"] = means
        print(format_metrics_table(table) + "\n")
        report[set_name] = table
        if args.per_photo:
            print(per_photo_table(rows, groups) + "\n")
    if args.speed:
        text = speed_rows(first, args.threads)
        print(f"## speed ({first_name})\n\n{text}")
        report["speed"] = text
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
