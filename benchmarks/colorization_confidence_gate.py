"""Exploration: does muting the colorizer's chroma where it is unsure beat its plain annealed mean?

    python benchmarks/colorization_confidence_gate.py val test varied [--entropy-gates 0.6/0.2 0.7/0.1] [--per-photo]

Per-pixel uncertainty = the normalized entropy of the colour distribution (0: one bin, 1: all bins alike). A gate
START/WIDTH multiplies the chroma by clamp(1 - (entropy - START) / WIDTH, 0, 1): full colour below START, gray from
START + WIDTH. The gate map is averaged over 5x5 cells of the distribution, then everything else runs as the pipeline
does (its temperature and chroma smoothing). Prints PSNR / colourfulness per split and scene group for the pipeline as
it is, each gate and grayscale; `--per-photo` also each photo's mean entropy and PSNR against gray's. Choose on val.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from eval_colorization import load_groups  # noqa: E402
from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.color import denormalize_ab, luminance_array, normalize_l  # noqa: E402
from gan_models.evaluation.colorization import colorization_rows, mean_by_method  # noqa: E402
from gan_models.models.colorization_unet import pad_to_multiple  # noqa: E402
from gan_models.pipelines.colorization import guided_filter, reattach_chroma  # noqa: E402
from gan_models.pipelines.resize import fit_within  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


@torch.no_grad()
def chroma_and_entropy(pipe, rgb):
    """The pipeline's annealed-mean ab (Lab units, 1x2xhxw at the working size), the per-pixel normalized entropy at
    the same size, and the working-size luminance (0..100)."""
    network = pipe.generator
    small = rgb.resize(fit_within(*rgb.size, pipe.config["working_size"]), Image.BICUBIC)
    luminance = luminance_array(np.asarray(small))
    x = normalize_l(torch.from_numpy(luminance)[None, None])
    height, width = x.shape[-2:]
    logits = network.logits(pad_to_multiple(x, 32)).float()
    ab = denormalize_ab(network.chroma(logits, height, width, pipe.config["temperature"]))
    p = torch.softmax(logits, 1)
    entropy = -(p * torch.log(p + 1e-12)).sum(1, keepdim=True) / math.log(p.shape[1])
    entropy = F.interpolate(entropy, scale_factor=network.output_stride, mode="bilinear",
                            align_corners=False)[..., :height, :width]
    return ab, entropy, luminance


def gated_colorizer(pipe, start=None, width=None):
    """PIL RGB -> PIL RGB: the pipeline's colours, muted where the entropy exceeds `start` (None: no gate)."""
    def colorize(rgb):
        ab, entropy, luminance = chroma_and_entropy(pipe, rgb)
        if start is not None:
            gate = (1 - (entropy - start) / width).clamp(0, 1)
            ab = ab * F.avg_pool2d(gate, 5 * pipe.generator.output_stride, 1, 5 * pipe.generator.output_stride // 2,
                                   count_include_pad=False)[..., :ab.shape[-2], :ab.shape[-1]]
        radius = round(pipe.config["chroma_smoothing"] * max(luminance.shape))
        if radius:
            ab = torch.from_numpy(guided_filter(luminance / 100, ab[0].permute(1, 2, 0).numpy(), radius))
            ab = ab.permute(2, 0, 1)[None]
        return reattach_chroma(rgb, ab)
    return colorize


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("splits", nargs="+", help="folders under data/")
    parser.add_argument("--pipeline", default=os.path.join(ROOT, "pretrained", "colorization"))
    parser.add_argument("--entropy-gates", nargs="*", default=["0.5/0.2", "0.6/0.2", "0.7/0.2"], metavar="START/WIDTH")
    parser.add_argument("--per-photo", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    pipe = ColorizationPipeline.from_pretrained(args.pipeline, load_discriminator=False, runtime="torch")
    pipe.generator.float()
    groups = load_groups(os.path.join(ROOT, "data", "manifest.json"))
    methods = {"v2": gated_colorizer(pipe)}
    for gate in args.entropy_gates:
        start, width = (float(v) for v in gate.split("/"))
        methods[f"gate {gate}"] = gated_colorizer(pipe, start, width)
    for split in args.splits:
        files = list_images(os.path.join(ROOT, "data", split))
        rows = colorization_rows(methods, files)
        group_of = {id(row): groups.get(os.path.abspath(row["file"]), "") for row in rows}
        by_group = {"all": rows, **{g: [r for r in rows if group_of[id(r)] == g] for g in sorted(set(group_of.values()))}}
        for group, members in by_group.items():
            means = mean_by_method(members)
            cells = "  ".join(f"{m} {v['psnr']:.2f} dB / CF {v['cf']:.1f}" for m, v in means.items())
            print(f"{split} {group} ({len(members) // len(means)}): {cells}  (truth CF {means['v2']['cf_truth']:.1f})",
                  flush=True)
        if args.per_photo:
            psnr_of = {(r["file"], r["method"]): r["psnr"] for r in rows}
            for path in files:
                entropy = chroma_and_entropy(pipe, Image.open(path).convert("RGB"))[1]
                print(f"  {split} {groups.get(os.path.abspath(path), '')} {os.path.basename(path)}: mean entropy "
                      f"{float(entropy.mean()):.2f}, share above 0.6 {float((entropy > 0.6).float().mean()):.2f}, "
                      f"v2 {psnr_of[(path, 'v2')]:.2f} dB, gray {psnr_of[(path, 'grayscale')]:.2f} dB", flush=True)


if __name__ == "__main__":
    main()
