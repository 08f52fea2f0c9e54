"""Assemble a trained pipeline folder into pretrained/<task> with fp16 weights (half the bytes).

    python scripts/bundle_pipeline.py runs/colorization/pipeline pretrained/colorization \\
        [--metrics eval.json] [--notes docs/colorization_card.md] [--drop discriminator]
    python scripts/bundle_pipeline.py runs/style_transfer/pipeline pretrained/style-transfer \\
        --component vintage=runs/vintage/pipeline/generator --preset starry=data/art_val/x.jpg
    python scripts/bundle_pipeline.py - pretrained/restoration --pipeline-class OldPhotoRestorationPipeline \\
        --component detector=runs/damage_detection/pipeline/detector

Weights are stored as float16 safetensors; `from_pretrained` loads them into float32 modules, so
inference is unchanged apart from the rounding of the weights (checked by the eval scripts).
"""
import argparse
import json
import os
import shutil
import sys

import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models import models, pipelines  # noqa: E402
from gan_models.hub import make_model_card  # noqa: E402

PIPELINES = {name: getattr(pipelines, name) for name in pipelines.__all__ if name.endswith("Pipeline")}


def load_network(folder):
    with open(os.path.join(folder, "config.json")) as f:
        return getattr(models, json.load(f)["_class_name"]).from_pretrained(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help='a trained pipeline folder, or "-" to build from --component only')
    parser.add_argument("destination")
    parser.add_argument("--pipeline-class", choices=sorted(PIPELINES), help="default: the source's")
    parser.add_argument("--component", nargs="*", default=[], metavar="NAME=FOLDER", help="add/replace a network")
    parser.add_argument("--drop", nargs="*", default=[], metavar="NAME", help="leave a network out (e.g. critics)")
    parser.add_argument("--preset", nargs="*", default=[], metavar="NAME=IMAGE", help="style presets (256 px JPEG)")
    parser.add_argument("--metrics", help="JSON written by a benchmarks/eval_*.py --json run, for the model card")
    parser.add_argument("--notes", help="markdown file appended to the model card (what the model has not seen...)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="override pipeline options, e.g. chroma_gain=0.85 or feature_transform=wct "
                        "(JSON values; a bare word is a string)")
    parser.add_argument("--task", default=None, help="task name for the card (default: from the folder name)")
    args = parser.parse_args()

    summary = {"training": {}, "metrics": None}
    if args.source != "-":
        with open(os.path.join(args.source, "pipeline_config.json")) as f:
            source_class = json.load(f)["_class_name"]
        source = PIPELINES[source_class].from_pretrained(args.source)
        modules, config = source.modules(), dict(source.config)
        summary_path = os.path.join(args.source, "training_summary.json")
        if os.path.isfile(summary_path):
            summary = json.load(open(summary_path))
    else:
        source_class, modules, config = None, {}, {}
    pipeline_class = PIPELINES[args.pipeline_class or source_class]
    for item in args.component:
        name, folder = item.split("=", 1)
        modules[name] = load_network(folder)
    for name in args.drop:
        modules.pop(name, None)
    config = {key: value for key, value in config.items() if key in pipeline_class.default_config}
    for item in args.set:
        key, value = item.split("=", 1)
        if key not in pipeline_class.default_config:
            parser.error(f"unknown pipeline option {key!r}; known: {sorted(pipeline_class.default_config)}")
        try:
            config[key] = json.loads(value)
        except json.JSONDecodeError:  # a bare word, such as feature_transform=wct
            config[key] = value
    pipe = pipeline_class(**modules, **config)
    for item in args.preset:
        name, path = item.split("=", 1)
        style = Image.open(path).convert("RGB")
        style.thumbnail((256, 256), Image.LANCZOS)
        pipe.presets[name] = style

    if os.path.isdir(args.destination):
        shutil.rmtree(args.destination)
    if args.metrics:
        with open(args.metrics) as f:
            summary["metrics"] = json.load(f)
    notes = open(args.notes).read() if args.notes else ""
    task = args.task or os.path.basename(os.path.normpath(args.destination))
    card = make_model_card(task, pipeline_class.__name__, summary["metrics"], summary["training"], notes,
                           components=sorted(pipe.modules()))
    pipe.to(dtype=torch.float16).save_pretrained(args.destination, model_card=card)
    with open(os.path.join(args.destination, "training_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(f"wrote {args.destination}")


if __name__ == "__main__":
    main()
