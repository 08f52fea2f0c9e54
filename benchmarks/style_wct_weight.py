"""Exploration: how much of WCT to blend with AdaIN (`wct_weight`), style image by style image.

    python benchmarks/style_wct_weight.py --size 384 --weights 0 0.25 0.5 0.75 1 --magenta \
        --styles data/art_val data/style_val --json out.json

For every style image of the given folders: ours (the bundle, its feature transform replaced by WCT blended with
AdaIN at each share; 0 = AdaIN, 1 = WCT) and, with --magenta, Magenta's arbitrary-style network, on the first
`--num-contents` photos of `--data` (gan_models.evaluation.style_transfer, as benchmarks/eval_style_transfer.py).
Prints one line per style and writes {style file: {method: {style_distance, content_distance, ms}}}; the mean of a
folder's lines is what eval_style_transfer.py reports for that folder alone. Choose on validation styles.
"""
import argparse
import json
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from eval_style_transfer import magenta_method, with_settings  # noqa: E402
from gan_models import StyleTransferPipeline, VGG16Features  # noqa: E402
from gan_models.evaluation.style_transfer import evaluate_style_transfer  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", default="pretrained/style-transfer")
    parser.add_argument("--styles", nargs="+", required=True, help="style folders")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--num-contents", type=int, default=6)
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--weights", nargs="+", type=float, default=[0.0, 0.5, 0.75, 1.0])
    parser.add_argument("--magenta", action="store_true")
    parser.add_argument("--vgg-path", default="data/vgg16")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(2)

    ours = StyleTransferPipeline.from_pretrained(args.pipeline, load_discriminator=False)
    vgg = VGG16Features.from_pretrained(args.vgg_path).eval()
    contents = list_images(args.data)[: args.num_contents]
    methods = {}
    for weight in args.weights:
        methods[f"wct {weight}"] = with_settings(ours, feature_transform="adain" if weight == 0 else "wct",
                                                 wct_weight=weight)
    if args.magenta:
        methods["magenta"] = magenta_method(2)
    results = {}
    for style in [f for folder in args.styles for f in list_images(folder)]:
        results[style] = evaluate_style_transfer(methods, contents, [style], vgg, args.size)
        cells = ", ".join(f"{name} {row['style_distance']:.1f} / {row['content_distance']:.3f}"
                          for name, row in results[style].items())
        print(f"{style}: {cells}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
