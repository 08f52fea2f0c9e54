"""Network interpolation (as in ESRGAN): blend the weights of two pipeline folders that share an architecture,
typically a model and a fine-tuned copy of it, to pick a point between them without training.

    python scripts/interpolate_pipelines.py BASE TUNED OUT --alpha 0.2

OUT is a copy of BASE whose components' weights are (1 - alpha) * BASE + alpha * TUNED (float32; bundle_pipeline.py
stores them as fp16). Every component (weights folder) both have is blended; differing names or shapes are refused.
"""
import argparse
import json
import shutil
from pathlib import Path

from safetensors.torch import load_file, save_file

WEIGHTS = "diffusion_pytorch_model.safetensors"


def interpolate_component(base, tuned, alpha):
    a, b = load_file(base), load_file(tuned)
    if a.keys() != b.keys() or any(a[k].shape != b[k].shape for k in a):
        raise SystemExit(f"{base} and {tuned} do not share an architecture")
    return {k: ((1 - alpha) * a[k].float() + alpha * b[k].float()).contiguous() for k in a}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", type=Path)
    p.add_argument("tuned", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--alpha", type=float, required=True, help="0 = base, 1 = tuned")
    args = p.parse_args()
    if not 0 <= args.alpha <= 1:
        raise SystemExit("--alpha must lie in [0, 1]")
    components = sorted(d.name for d in args.base.iterdir()
                        if (d / WEIGHTS).exists() and (args.tuned / d.name / WEIGHTS).exists())
    # every component blended before anything is written, so a refused pair leaves no half-made folder
    states = {name: interpolate_component(args.base / name / WEIGHTS, args.tuned / name / WEIGHTS, args.alpha)
              for name in components}
    if args.output.exists():
        shutil.rmtree(args.output)
    shutil.copytree(args.base, args.output)
    for name, state in states.items():
        save_file(state, str(args.output / name / WEIGHTS))
    summary_path = args.output / "training_summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"training": {}}
    tuned_summary = args.tuned / "training_summary.json"
    tuned_training = json.loads(tuned_summary.read_text())["training"] if tuned_summary.exists() else {}
    summary["training"]["network interpolation"] = (
        f"{', '.join(components)}: {1 - args.alpha:g} x these weights + {args.alpha:g} x a copy trained on from them "
        f"({tuned_training.get('steps', '?')} steps, loss weights {tuned_training.get('loss weights', '?')})")
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.output}: {', '.join(components)} at alpha {args.alpha}")


if __name__ == "__main__":
    main()
