"""Task recipes: which networks, which degradation turns a clean photo into (input, target), which losses.

The training loop (loop.py) is the same for every task; a recipe answers the task-specific questions.
"""
import torch
import torch.nn.functional as F

from ..models import PatchGANDiscriminator, UNetGenerator
from ..pipelines import ColorizationPipeline, InpaintingPipeline
from .degradations import lab_pair_to_rgb, random_masks, to_lab_pair


class ColorizationRecipe:
    """L -> ab with a U-Net; a conditional PatchGAN judges (L, ab) pairs; L1 on ab (+ optional VGG)."""

    name = "colorization"
    pipeline_class = ColorizationPipeline
    default_loss_weights = {"reconstruction": 10.0, "adversarial": 1.0, "perceptual": 0.0, "feature_matching": 0.0}

    def __init__(self, generator_channels=(16, 32, 64, 128, 256), discriminator_channels=64, working_size=256):
        self.generator_channels = tuple(generator_channels)
        self.discriminator_channels = discriminator_channels
        self.working_size = working_size

    def build_generator(self):
        return UNetGenerator(in_channels=1, out_channels=2, channels=self.generator_channels)

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=3, base_channels=self.discriminator_channels)

    def make_example(self, clean):
        """clean: RGB batch in [-1, 1] -> dict with the generator input, the target and the condition."""
        luminance, chroma = to_lab_pair(clean)
        return {"inputs": luminance, "target": chroma, "condition": luminance, "clean": clean}

    def compose(self, output, example):
        return output

    def discriminator_input(self, candidate, example):
        return torch.cat([example["condition"], candidate], dim=1)

    def reconstruction_loss(self, fake, example):
        return F.l1_loss(fake, example["target"])

    def to_rgb(self, candidate, example):
        """For perceptual losses and sample grids: a candidate in target space -> RGB in [-1, 1]."""
        return lab_pair_to_rgb(example["condition"], candidate)

    def sample_row(self, output, example):
        gray = example["condition"].repeat(1, 3, 1, 1)
        return [gray, self.to_rgb(output, example), example["clean"]]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.colorization import evaluate_colorization

        return evaluate_colorization(pipe, files, perceptual)

    def build_pipeline(self, generator, discriminator):
        return ColorizationPipeline(generator=generator, discriminator=discriminator, working_size=self.working_size)


class InpaintingRecipe:
    """(masked RGB, mask) -> RGB with a dilated U-Net; PatchGAN on the composite; hole-weighted L1,
    VGG perceptual loss and discriminator feature matching (the LaMa recipe at CPU scale)."""

    name = "inpainting"
    pipeline_class = InpaintingPipeline
    default_loss_weights = {"reconstruction": 10.0, "adversarial": 1.0, "perceptual": 1.0, "feature_matching": 10.0}
    hole_weight = 6.0

    def __init__(self, generator_channels=(16, 32, 64, 128, 256), discriminator_channels=64, working_size=256,
                 seed=0):
        self.generator_channels = tuple(generator_channels)
        self.discriminator_channels = discriminator_channels
        self.working_size = working_size
        import numpy as np

        self.rng = np.random.default_rng(seed)

    def build_generator(self):
        return UNetGenerator(in_channels=4, out_channels=3, channels=self.generator_channels)

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=3, base_channels=self.discriminator_channels)

    def make_example(self, clean):
        n, _, h, w = clean.shape
        mask = random_masks(n, h, w, self.rng).to(clean.device, clean.dtype)
        inputs = torch.cat([clean * (1 - mask), mask], dim=1)
        return {"inputs": inputs, "target": clean, "mask": mask, "clean": clean}

    def compose(self, output, example):
        mask = example["mask"]
        return output * mask + example["clean"] * (1 - mask)

    def discriminator_input(self, candidate, example):
        return candidate

    def reconstruction_loss(self, fake, example):
        weight = 1 + (self.hole_weight - 1) * example["mask"]
        return (weight * (fake - example["target"]).abs()).mean() / weight.mean()

    def to_rgb(self, candidate, example):
        return candidate

    def sample_row(self, output, example):
        masked = example["clean"] * (1 - example["mask"]) + example["mask"]
        return [masked, output, example["clean"]]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.inpainting import evaluate_inpainting

        return evaluate_inpainting({"model": pipe}, files, perceptual, size=256, kinds=("medium", "thick"))

    def build_pipeline(self, generator, discriminator):
        return InpaintingPipeline(generator=generator, discriminator=discriminator, working_size=self.working_size)


RECIPES = {"colorization": ColorizationRecipe, "inpainting": InpaintingRecipe}


def get_recipe(task, **kwargs):
    if task not in RECIPES:
        raise ValueError(f"unknown task {task!r}; choose from {sorted(RECIPES)}")
    return RECIPES[task](**kwargs)
