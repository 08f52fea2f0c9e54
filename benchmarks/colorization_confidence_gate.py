"""Exploration: does muting the colorizer's chroma where it is unsure beat its plain annealed mean?

    python benchmarks/colorization_confidence_gate.py val test varied

Per-pixel confidence = 1 - the normalized entropy of the colour distribution; the gated chroma is the annealed mean
(temperature 0.55, as shipped) times clamp((confidence - c0) / 0.25, 0, 1). Prints PSNR / colourfulness per split
and scene group for the shipped colorizer, gates c0 = 0..0.4 and grayscale; choose on val.
"""
import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from eval_colorization import load_groups  # noqa: E402
from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.color import denormalize_ab, normalize_l, rgb_to_lab  # noqa: E402
from gan_models.evaluation.colorization import colorization_rows, mean_by_method  # noqa: E402
from gan_models.pipelines.colorization import reattach_chroma  # noqa: E402
from gan_models.pipelines.resize import fit_within, pil_to_tensor  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


def gated_colorizer(generator, c0, width=0.25, temperature=0.55):
    """PIL RGB -> PIL RGB, chroma muted where confidence < c0 + width (c0 None: the shipped annealed mean)."""
    @torch.no_grad()
    def colorize(rgb):
        small = rgb.resize(fit_within(*rgb.size, 256), Image.BICUBIC)
        luminance = normalize_l(rgb_to_lab(pil_to_tensor(small))[:, :1])
        height, width_px = luminance.shape[-2:]
        logits = generator.logits(F.pad(luminance, (0, -width_px % 32, 0, -height % 32), mode="replicate")).float()
        ab = generator.annealed_mean(logits, temperature)
        if c0 is not None:
            p = torch.softmax(logits, 1)
            confidence = 1 + (p * torch.log(p + 1e-12)).sum(1, keepdim=True) / math.log(p.shape[1])
            ab = ab * ((confidence - c0) / width).clamp(0, 1)
        ab = F.interpolate(ab, scale_factor=generator.output_stride, mode="bilinear", align_corners=False)
        return reattach_chroma(rgb, denormalize_ab(ab[..., :height, :width_px]))
    return colorize


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("splits", nargs="+", help="folders under data/")
    parser.add_argument("--pipeline", default=os.path.join(ROOT, "pretrained", "colorization"))
    args = parser.parse_args()
    generator = ColorizationPipeline.from_pretrained(args.pipeline).generator
    groups = load_groups(os.path.join(ROOT, "data", "manifest.json"))
    methods = {"v2": gated_colorizer(generator, None)}
    methods.update({f"gate {c0}": gated_colorizer(generator, c0) for c0 in (0.0, 0.1, 0.2, 0.3, 0.4)})
    for split in args.splits:
        rows = colorization_rows(methods, list_images(os.path.join(ROOT, "data", split)))
        group_of = {id(row): groups.get(os.path.abspath(row["file"]), "") for row in rows}
        by_group = {"all": rows, **{g: [r for r in rows if group_of[id(r)] == g] for g in sorted(set(group_of.values()))}}
        for group, members in by_group.items():
            means = mean_by_method(members)
            cells = "  ".join(f"{m} {v['psnr']:.2f} dB / CF {v['cf']:.1f}" for m, v in means.items())
            print(f"{split} {group} ({len(members) // len(means)}): {cells}  (truth CF {means['v2']['cf_truth']:.1f})",
                  flush=True)


if __name__ == "__main__":
    main()
