"""Greedy model soup (Wortsman et al., 2022) of colorizers fine-tuned from the same weights, chosen on data/val.

    python benchmarks/colorization_greedy_soup.py shipped=pretrained/colorization a=runs/x/pipeline ... \\
        --data data/val --output runs/color_greedy_soup/pipeline

Every ingredient is scored on `--data` (mean PSNR); then, best first, each is added to the soup (the plain average of
the kept ingredients' generator weights) if the soup's score does not fall. Ingredients must share one architecture
and the first one's settings (temperature, gain, smoothing), which the soup keeps. Prints one line per step and
writes the final soup as a pipeline folder (float32; scripts/bundle_pipeline.py makes the fp16 bundle).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from eval_colorization import named  # noqa: E402

from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.evaluation.colorization import colorization_rows  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402


def mean_psnr(pipe, files):
    rows = colorization_rows({"soup": lambda image: pipe(image=image).images[0]}, files)
    return float(np.mean([row["psnr"] for row in rows if row["method"] == "soup"]))


def averaged(states):
    return {key: torch.stack([state[key].float() for state in states]).mean(0) for key in states[0]}


def write_summary(output, folders, soup):
    """The first kept ingredient's training summary, with what the soup is made of, for the model card."""
    summaries = {}
    for name in soup:
        path = os.path.join(folders[name], "training_summary.json")
        summaries[name] = json.load(open(path))["training"] if os.path.isfile(path) else {}
    training = dict(summaries[soup[0]])
    training["model soup"] = "uniform average of the generator weights of " + "; ".join(
        f"{name} ({summaries[name].get('steps', '?')} steps, {summaries[name].get('wall time', '?')}, "
        f"from {summaries[name].get('initialized from', 'scratch')})" for name in soup)
    for key in ("steps", "wall time", "seconds per step"):
        training.pop(key, None)
    with open(os.path.join(output, "training_summary.json"), "w") as f:
        json.dump({"training": training, "metrics": None}, f, indent=2)


def greedy_soup(states, score, log=print):
    """Names of the kept ingredients and the soup's score. `states`: {name: state dict}; `score`: state dict -> number,
    higher is better. Ingredients are tried best first and kept when the average with them scores no lower."""
    scores = {}
    for name, state in states.items():
        scores[name] = score(state)
        log(f"{name}: {scores[name]:.3f} alone")
    order = sorted(scores, key=scores.get, reverse=True)
    soup, best = [order[0]], scores[order[0]]
    for name in order[1:]:
        candidate = score(averaged([states[n] for n in soup + [name]]))
        log(f"+ {name}: {candidate:.3f} ({'kept' if candidate >= best else 'left out'})")
        if candidate >= best:
            soup, best = soup + [name], candidate
    return soup, best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ingredients", nargs="+", metavar="NAME=FOLDER")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--output", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    files = list_images(args.data)
    folders = named(args.ingredients, "shipped")
    pipe = ColorizationPipeline.from_pretrained(next(iter(folders.values())), runtime="torch")
    states = {name: ColorizationPipeline.from_pretrained(folder, runtime="torch").generator.state_dict()
              for name, folder in folders.items()}

    def score(state):
        pipe.generator.load_state_dict(state)
        return mean_psnr(pipe, files)

    soup, best = greedy_soup(states, score, log=lambda line: print(line, flush=True))
    pipe.generator.load_state_dict(averaged([states[n] for n in soup]))
    pipe.save_pretrained(args.output)
    write_summary(args.output, folders, soup)
    print(f"soup of {', '.join(soup)}: {best:.3f} dB on {len(files)} photos of {args.data}; wrote {args.output}")


if __name__ == "__main__":
    main()
