"""Would hysteresis thresholding close the gaps a damage detector leaves in long scratches? Scores plain thresholds,
(high, low) pairs (Canny's rule: keep the weak pixels connected to a strong one) and, with --line-length, the
pipeline's line rule (keep the weak pixels that continue a straight line: DamageDetectionPipeline's `line_*`
settings) of one detector on held-out photos, with the training damage family and with the unseen family
(gan_models.evaluation.unseen_damage).

    python benchmarks/detector_hysteresis.py --detector runs/detector_previous --data data/val
    python benchmarks/detector_hysteresis.py --detector pretrained/restoration --high 0.92 --low 0.05 0.1 0.2 \
        --line-length 16 32 48 --line-support 0.3 0.35 0.4 0.5

Connected-component hysteresis was tried on 2026-12-06 and not shipped ("Detector v3" in docs/training-history.md);
the line rule shipped on 2026-12-06.
"""
import argparse
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models.evaluation.damage import damaged_photos, mask_scores, summarize, unseen_damage_by_kind  # noqa: E402
from gan_models.pipelines import DamageDetectionPipeline, OldPhotoRestorationPipeline  # noqa: E402
from gan_models.pipelines.damage_detection import line_support  # noqa: E402
from gan_models.errors import InvalidInputError  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


def hysteresis(probability, high, low):
    """Pixels above `low` that are connected (8-neighbours) to a pixel above `high`."""
    count, labels = cv2.connectedComponents((probability > low).astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[probability > high])] = True
    keep[0] = False
    return keep[labels]


def probability_sets(pipe, files, size):
    """{damage set: [(probability, true mask)]}: the training family, then each unseen kind and all of them."""
    sets = {"training family": [(pipe.probability(d), m) for d, m, _ in damaged_photos(files, size)]}
    for kind, samples in unseen_damage_by_kind(files, size):
        sets[kind] = [(pipe.probability(damaged), truth) for damaged, truth in samples]
    return sets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detector", required=True, help="a DamageDetectionPipeline or OldPhotoRestorationPipeline folder")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--size", type=int, default=768)
    parser.add_argument("--high", type=float, nargs="+", default=[0.4, 0.59, 0.8])
    parser.add_argument("--low", type=float, nargs="+", default=[0.05, 0.1, 0.2, 0.3])
    parser.add_argument("--line-length", type=int, nargs="*", default=[],
                        help="score the line rule instead, with these half-lengths (pixels)")
    parser.add_argument("--line-support", type=float, nargs="+", default=[0.3, 0.35, 0.4, 0.5])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        pipe = DamageDetectionPipeline.from_pretrained(args.detector)
    except InvalidInputError:
        pipe = OldPhotoRestorationPipeline.from_pretrained(args.detector).detection
    pipe.config["working_size"] = args.size
    sets = probability_sets(pipe, list_images(args.data), args.size)
    print(f"{args.detector} on {args.data}: micro F1 (training family, unseen family) and long-scratch recall\n")
    supports = {}  # (photo's probability map, length) -> its line support, computed once for every threshold

    def support_of(p, length):
        if (id(p), length) not in supports:
            supports[id(p), length] = line_support(p, length)
        return supports[id(p), length]

    rules = {"connected": lambda p, high, low: hysteresis(p, high, low)}
    for length in args.line_length:
        for support in args.line_support:
            rules[f"line {length} px, support {support:.2f}"] = (
                lambda p, high, low, length=length, support=support:
                (p > high) | ((p > low) & (support_of(p, length) > support)))
    print("| rule | high | low | F1 training family | F1 unseen family | long scratch recall | long scratch precision |")
    print("|---|---|---|---|---|---|---|")
    for high in args.high:
        for rule_name, rule in rules.items():
            lows = [low for low in args.low if low < high]
            for low in [high] + lows if rule_name == "connected" else lows:
                score = {name: summarize(sum(mask_scores(rule(p, high, low), m) for p, m in items))
                         for name, items in sets.items() if name in ("training family", "all kinds", "long scratch")}
                print(f"| {rule_name if low < high else 'plain'} | {high:.2f} | {f'{low:.2f}' if low < high else '-'} "
                      f"| {score['training family']['f1']:.3f} | {score['all kinds']['f1']:.3f} "
                      f"| {score['long scratch']['recall']:.3f} | {score['long scratch']['precision']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
