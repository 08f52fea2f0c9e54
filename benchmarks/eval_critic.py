"""How well a bundled critic tells real crops from its own generator's fakes: the critic `--init-from` fine-tunes with.

    python benchmarks/eval_critic.py --task inpainting --init-from pretrained/inpainting --train-data data/val \\
        --resolution 128

Takes train_accelerate.py's arguments: the task, its options and data (--train-data is the photos measured; give
held-out ones). Over --num-batches seeded batches it reports the ranking accuracy (the share of crops whose real
version gets a higher mean critic logit than the generator's fake of it; 0.5 is chance) and the mean logits, for the
loaded critic and for a freshly initialised one beside it (what a fine-tuning run without the bundled critic
starts from).
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import torch
from torch.utils.data import DataLoader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from gan_models.training.data import RandomCropDataset  # noqa: E402
from gan_models.training.recipes import get_recipe  # noqa: E402
from train_accelerate import parse_args  # noqa: E402


@torch.no_grad()
def critic_scores(recipe, generator, critics, loader, num_batches):
    """{name: {"ranking_accuracy", "real_logit", "fake_logit"}} over `num_batches` batches of `loader`."""
    totals = {name: {"ranking_accuracy": 0.0, "real_logit": 0.0, "fake_logit": 0.0} for name in critics}
    batches = iter(loader)
    for _ in range(num_batches):
        example = recipe.make_example(next(batches))
        fake = recipe.compose(recipe.generate(generator, example), example)
        for name, critic in critics.items():
            pair = torch.cat([recipe.discriminator_input(example["target"], example),
                              recipe.discriminator_input(fake, example)])  # one forward, as in training
            real_logits, fake_logits = critic(pair).flatten(1).mean(1).chunk(2)
            totals[name]["ranking_accuracy"] += (real_logits > fake_logits).float().mean().item()
            totals[name]["real_logit"] += real_logits.mean().item()
            totals[name]["fake_logit"] += fake_logits.mean().item()
    return {name: {key: value / num_batches for key, value in scores.items()} for name, scores in totals.items()}


def main():
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--num-batches", type=int, default=20)
    extra.add_argument("--json", default=None)
    own, rest = extra.parse_known_args()
    args = parse_args([*rest, "--output-dir", os.devnull] if "--output-dir" not in rest else rest)
    if not args.init_from:
        raise SystemExit("give the pipeline folder whose critic is measured with --init-from")
    random.seed(args.seed), np.random.seed(args.seed), torch.manual_seed(args.seed)  # crops, masks, styles
    recipe = get_recipe(args.task)
    recipe.setup(args, torch.device("cpu"))
    generator, critic = recipe.build_generator(), recipe.build_discriminator()
    fresh = recipe.build_discriminator()
    recipe.load_initial_weights(generator, critic, args.init_from)
    # a fresh critic has no running statistics yet: it is measured as training starts it, on batch statistics
    generator.eval(), critic.eval(), fresh.train()
    dataset = RandomCropDataset(args.train_data, crop_size=args.resolution, length=10 ** 9)
    loader = DataLoader(dataset, batch_size=args.train_batch_size, drop_last=True,
                        generator=torch.Generator().manual_seed(args.seed))
    scores = critic_scores(recipe, generator, {args.init_from: critic, "fresh critic": fresh}, loader,
                           own.num_batches)
    print(f"{args.task}: {own.num_batches} batches of {args.train_batch_size} crops of {args.resolution} px from "
          f"{args.train_data}\n\n| critic | ranking accuracy | real logit | fake logit |\n|---|---|---|---|")
    for name, row in scores.items():
        print(f"| {name} | {row['ranking_accuracy']:.3f} | {row['real_logit']:.3f} | {row['fake_logit']:.3f} |")
    if own.json:
        with open(own.json, "w") as f:
            json.dump(scores, f, indent=2)


if __name__ == "__main__":
    main()
