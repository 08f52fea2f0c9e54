"""Network interpolation (as in ESRGAN): blend the weights of pipeline folders that share an architecture,
typically a model and a fine-tuned copy of it, to pick a point between them without training.

    python scripts/interpolate_pipelines.py BASE TUNED OUT --alpha 0.2
    python scripts/interpolate_pipelines.py BASE TUNED_A TUNED_B OUT --alpha 1   # a uniform model soup

OUT is a copy of BASE whose components' weights are (1 - alpha) * BASE + alpha * TUNED, where TUNED is the plain
average of the tuned folders' weights when several are given (a model soup, Wortsman et al. 2022). Weights are
float32; bundle_pipeline.py stores them as fp16. Every component (weights folder) all of them have is blended;
differing names or shapes are refused.
"""
import argparse
import json
import shutil
from pathlib import Path

from safetensors.torch import load_file, save_file

WEIGHTS = "diffusion_pytorch_model.safetensors"


def interpolate_component(base, tuned, alpha):
    a, copies = load_file(base), [load_file(path) for path in tuned]
    for path, b in zip(tuned, copies):
        if a.keys() != b.keys() or any(a[k].shape != b[k].shape for k in a):
            raise SystemExit(f"{base} and {path} do not share an architecture")
    soup = {k: sum(b[k].float() for b in copies) / len(copies) for k in a}
    return {k: ((1 - alpha) * a[k].float() + alpha * soup[k]).contiguous() for k in a}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", type=Path)
    p.add_argument("tuned", type=Path, nargs="+", help="one fine-tuned copy, or several to average")
    p.add_argument("output", type=Path)
    p.add_argument("--alpha", type=float, required=True, help="0 = base, 1 = tuned")
    args = p.parse_args()
    if not 0 <= args.alpha <= 1:
        raise SystemExit("--alpha must lie in [0, 1]")
    components = sorted(d.name for d in args.base.iterdir() if (d / WEIGHTS).exists()
                        and all((tuned / d.name / WEIGHTS).exists() for tuned in args.tuned))
    # every component blended before anything is written, so a refused pair leaves no half-made folder
    states = {name: interpolate_component(args.base / name / WEIGHTS, [t / name / WEIGHTS for t in args.tuned],
                                          args.alpha)
              for name in components}
    if args.output.exists():
        shutil.rmtree(args.output)
    shutil.copytree(args.base, args.output)
    for name, state in states.items():
        save_file(state, str(args.output / name / WEIGHTS))
    summary_path = args.output / "training_summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"training": {}}
    copies = []
    for tuned in args.tuned:
        path = tuned / "training_summary.json"
        training = json.loads(path.read_text())["training"] if path.exists() else {}
        copies.append(f"{training.get('steps', '?')} steps, loss weights {training.get('loss weights', '?')}")
    what = "a copy" if len(copies) == 1 else f"the average of {len(copies)} copies"
    summary["training"]["network interpolation"] = (
        f"{', '.join(components)}: {1 - args.alpha:g} x these weights + {args.alpha:g} x {what} trained on from "
        f"them ({'; '.join(copies)})")
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.output}: {', '.join(components)} at alpha {args.alpha}")


if __name__ == "__main__":
    main()
