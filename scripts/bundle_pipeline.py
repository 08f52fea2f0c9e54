"""Copy a trained pipeline folder into pretrained/<task> with fp16 weights (half the bytes).

    python scripts/bundle_pipeline.py runs/colorization/pipeline pretrained/colorization \
        [--metrics eval.json] [--notes docs/colorization_card.md]

Weights are stored as float16 safetensors; `from_pretrained` loads them into float32 modules, so
inference is unchanged apart from the rounding of the weights (checked by the eval scripts).
"""
import argparse
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models.hub import make_model_card  # noqa: E402
from gan_models.pipelines import ColorizationPipeline, InpaintingPipeline  # noqa: E402

PIPELINES = {cls.__name__: cls for cls in (ColorizationPipeline, InpaintingPipeline)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("destination")
    parser.add_argument("--metrics", help="JSON written by a benchmarks/eval_*.py --json run, for the model card")
    parser.add_argument("--notes", help="markdown file appended to the model card (what the model has not seen...)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="override pipeline options, e.g. chroma_gain=0.85 (numbers parsed as JSON)")
    parser.add_argument("--task", default=None, help="task name for the card (default: from the folder name)")
    args = parser.parse_args()
    with open(os.path.join(args.source, "pipeline_config.json")) as f:
        pipeline_class = PIPELINES[json.load(f)["_class_name"]]
    pipe = pipeline_class.from_pretrained(args.source)
    for item in args.set:
        key, value = item.split("=", 1)
        if key not in pipe.config:
            parser.error(f"unknown pipeline option {key!r}; known: {sorted(pipe.config)}")
        pipe.config[key] = json.loads(value)
    if os.path.isdir(args.destination):
        shutil.rmtree(args.destination)
    summary_path = os.path.join(args.source, "training_summary.json")
    summary = json.load(open(summary_path)) if os.path.isfile(summary_path) else {"training": {}, "metrics": None}
    if args.metrics:
        with open(args.metrics) as f:
            summary["metrics"] = json.load(f)
    notes = open(args.notes).read() if args.notes else ""
    task = args.task or os.path.basename(os.path.normpath(args.destination))
    card = make_model_card(task, pipeline_class.__name__, summary["metrics"], summary["training"], notes)
    pipe.to(dtype=torch.float16).save_pretrained(args.destination, model_card=card)
    with open(os.path.join(args.destination, "training_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(f"wrote {args.destination}")


if __name__ == "__main__":
    main()
