"""Copy a trained pipeline folder into pretrained/<task> with fp16 weights (half the bytes).

    python scripts/bundle_pipeline.py runs/colorization/pipeline pretrained/colorization

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
from gan_models.pipelines import ColorizationPipeline, InpaintingPipeline  # noqa: E402

PIPELINES = {cls.__name__: cls for cls in (ColorizationPipeline, InpaintingPipeline)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("destination")
    args = parser.parse_args()
    with open(os.path.join(args.source, "pipeline_config.json")) as f:
        pipeline_class = PIPELINES[json.load(f)["_class_name"]]
    pipe = pipeline_class.from_pretrained(args.source)
    if os.path.isdir(args.destination):
        shutil.rmtree(args.destination)
    pipe.to(dtype=torch.float16).save_pretrained(args.destination)
    summary = os.path.join(args.source, "training_summary.json")
    if os.path.isfile(summary):
        shutil.copy(summary, args.destination)
    print(f"wrote {args.destination}")


if __name__ == "__main__":
    main()
