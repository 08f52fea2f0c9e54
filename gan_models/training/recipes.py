"""Task recipes: which networks, which degradation turns a clean photo into (input, target), which losses.

The training loop (loop.py) is the same for every task; a recipe answers the task-specific questions.
"""
import json
import os

import torch
import torch.nn.functional as F
from diffusers.utils import SAFETENSORS_WEIGHTS_NAME
from PIL import Image
from safetensors.torch import load_file

from ..evaluation.metrics import to_tensor
from ..image_io import open_image, to_rgb
from ..models import ColorizationUNet, CompactUpscaler, EfficientNetLite0, PatchGANDiscriminator, UNetGenerator
from ..pipelines import ColorizationPipeline, DamageDetectionPipeline, InpaintingPipeline, UpscalePipeline
from ..pipelines.inpainting import fill_hole
from .data import load_image_source
from .degradations import lab_pair_to_rgb, random_masks, to_lab_pair
from .losses import bin_prior, centre_lines, rebalancing_weights, soft_bin_cross_entropy


class Recipe:
    """Defaults shared by the tasks; a recipe overrides what its task does differently."""

    name = ""
    default_loss_weights = {"reconstruction": 1.0}
    step = 0  # set by the loop before each training step (for schedules such as a warm-up)

    def setup(self, args, device):
        """Called once by the loop before the networks are built (load frozen helpers, extra data)."""

    def build_discriminator(self):
        return None

    def generate(self, generator, example):
        return generator(example["inputs"])

    def compose(self, output, example):
        return output

    def discriminator_input(self, candidate, example):
        return candidate

    def task_losses(self, fake, example):
        return {"reconstruction": self.reconstruction_loss(fake, example)}

    def to_rgb(self, candidate, example):
        """For perceptual losses and sample grids: a candidate in target space -> RGB in [-1, 1]."""
        return candidate

    generator_component = "generator"  # the generator's subfolder in an exported pipeline folder
    inherited_settings = ()  # pipeline settings that an --init-from pipeline folder passes on to the exported one
    inherited = {}

    def component_names(self, source):
        """(generator, critic) subfolder names in the pipeline folder `source`."""
        return self.generator_component, "discriminator"

    def summary(self):
        """Recipe settings worth a line in the model card's training table."""
        return {}

    def parameter_groups(self, generator, learning_rate):
        """The generator optimizer's parameter groups; `base_lr` is what a learning-rate schedule scales."""
        return [{"params": list(generator.parameters()), "base_lr": learning_rate}]

    def load_initial_weights(self, generator, discriminator, source):
        """`--init-from`: start a new run (fresh optimizers, step 0) from another run's networks: a training
        checkpoint, or an exported or bundled pipeline folder (fp16 weights come back as float32; a pipeline
        bundled without its critic leaves the critic freshly initialized)."""
        state = self.initial_generator_state(source)
        config_path = os.path.join(source, "pipeline_config.json")
        if os.path.isfile(config_path):  # e.g. the colorizer's temperature, chosen on validation photos
            with open(config_path) as f:
                config = json.load(f)
            self.inherited = {key: config[key] for key in self.inherited_settings if config.get(key) is not None}
        if hasattr(generator, "load_state_grown"):
            generator.load_state_grown(state)  # also grows a U-Net deeper or wider
        else:
            generator.load_state_dict(state)
        if discriminator is None:
            return
        if is_checkpoint(source):
            critic = os.path.join(source, "model_1.safetensors")
            if os.path.isfile(critic):
                discriminator.load_state_dict(load_file(critic))
        elif os.path.isdir(os.path.join(source, self.component_names(source)[1])):
            discriminator.load_state_dict(component_state(source, self.component_names(source)[1]))

    def initial_generator_state(self, source):
        if is_checkpoint(source):
            return load_file(os.path.join(source, "model.safetensors"))
        return component_state(source, self.component_names(source)[0])


def is_checkpoint(folder):
    return os.path.isfile(os.path.join(folder, "model.safetensors"))


def component_state(folder, name):
    """One network's weights from a pipeline folder (`folder/name/`), as float32."""
    path = os.path.join(folder, name, SAFETENSORS_WEIGHTS_NAME)
    if not os.path.isfile(path):
        raise ValueError(f"--init-from {folder}: neither a training checkpoint (model.safetensors) nor a pipeline "
                         f"folder with {name}/{SAFETENSORS_WEIGHTS_NAME}")
    return {key: value.float() if value.is_floating_point() else value for key, value in load_file(path).items()}


class ColorizationRecipe(Recipe):
    """L -> a distribution over ab bins (ColorizationUNet: a U-Net decoder over ImageNet-pretrained EfficientNet-Lite0);
    cross-entropy against the soft-encoded true colour, and a conditional PatchGAN judging (L, ab) at the
    resolution the chroma is predicted at. The encoder stays frozen unless `encoder_learning_rate_scale` > 0."""

    name = "colorization"
    pipeline_class = ColorizationPipeline
    default_loss_weights = {"reconstruction": 1.0, "adversarial": 0.1, "perceptual": 0.0, "feature_matching": 0.0}

    def __init__(self, generator_channels=(192, 96, 48), bins_per_axis=16, temperature=0.4, discriminator_channels=32,
                 working_size=256, encoder_learning_rate_scale=0.0, class_rebalancing=0.0, global_context=False,
                 decoder_learning_rate_scale=1.0):
        self.decoder_channels = tuple(generator_channels)
        self.global_context, self.decoder_learning_rate_scale = global_context, decoder_learning_rate_scale
        self.bins_per_axis, self.temperature = bins_per_axis, temperature
        self.discriminator_channels = discriminator_channels
        self.working_size = working_size
        self.encoder_learning_rate_scale = encoder_learning_rate_scale
        self.class_rebalancing, self.bin_weights = class_rebalancing, None
        self.backbone_path = None

    def setup(self, args, device):
        self.backbone_path = args.backbone_path
        if not self.backbone_path:
            print("warning: no --backbone-path: the colorizer's encoder starts untrained (make data converts "
                  "EfficientNet-Lite0 to data/efficientnet_lite0)")
        if self.class_rebalancing > 0:
            prior = bin_prior((self.photo_chroma(item) for item in load_image_source(args.train_data)),
                              self.bins_per_axis)
            self.bin_weights = rebalancing_weights(prior, self.class_rebalancing).to(device)

    @staticmethod
    def photo_chroma(item, size=64):
        """A training photo's ab (1 x 2 x h x w in [-1, 1]) at about the resolution the colour is predicted at."""
        image = to_rgb(open_image(item))
        image.thumbnail((size, size), Image.BILINEAR)
        return to_lab_pair(to_tensor(image))[1]

    def build_generator(self):
        generator = ColorizationUNet(bins_per_axis=self.bins_per_axis, decoder_channels=self.decoder_channels,
                                     temperature=self.temperature, global_context=self.global_context)
        if self.backbone_path:
            backbone = EfficientNetLite0.from_pretrained(self.backbone_path).state_dict()
            head = ("_conv_head", "_bn1.", "_fc")
            generator.encoder.load_state_dict({k: v for k, v in backbone.items() if not k.startswith(head)})
            if self.global_context:  # the scene branch reads the ImageNet head's features
                generator.context.head.weight.data.copy_(backbone["_conv_head.weight"])
                generator.context.norm.load_state_dict({k[len("_bn1."):]: v for k, v in backbone.items()
                                                        if k.startswith("_bn1.")})
        for name, parameter in generator.named_parameters():  # the ImageNet head of the scene branch stays fixed
            if name.startswith("encoder."):
                parameter.requires_grad_(self.encoder_learning_rate_scale > 0)
            elif name.startswith("context."):
                parameter.requires_grad_(name.startswith("context.film."))
            else:
                parameter.requires_grad_(self.decoder_learning_rate_scale > 0)
        return generator.train()

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=3, base_channels=self.discriminator_channels)

    def parameter_groups(self, generator, learning_rate):
        context = [p for name, p in generator.named_parameters() if name.startswith("context.film.")]
        decoder = [p for name, p in generator.named_parameters()
                   if not name.startswith(("encoder.", "context.")) and p.requires_grad]
        groups = [{"params": context, "base_lr": learning_rate}] if context else []
        if decoder:
            groups.append({"params": decoder, "base_lr": learning_rate * self.decoder_learning_rate_scale})
        if self.encoder_learning_rate_scale > 0:
            groups.append({"params": list(generator.encoder.parameters()),
                           "base_lr": learning_rate * self.encoder_learning_rate_scale})
        return groups

    def make_example(self, clean):
        """clean: RGB batch in [-1, 1] -> dict with the generator input, the target and the condition."""
        luminance, chroma = to_lab_pair(clean)
        return {"inputs": luminance, "target": chroma, "condition": luminance, "clean": clean}

    def generate(self, generator, example):
        ab, example["logits"] = generator(example["inputs"], return_logits=True)
        return ab

    def at_output_stride(self, x, example):
        """`x` pooled to the resolution the chroma is predicted at, but never below 32 px (the critic's smallest)."""
        stride = x.shape[-1] // example["logits"].shape[-1]
        while stride > 1 and min(x.shape[-2:]) // stride < 32:
            stride //= 2
        return F.avg_pool2d(x, stride) if stride > 1 else x

    def discriminator_input(self, candidate, example):
        return torch.cat([self.at_output_stride(example["condition"], example),
                          self.at_output_stride(candidate, example)], dim=1)

    def reconstruction_loss(self, fake, example):
        target = F.adaptive_avg_pool2d(example["target"], example["logits"].shape[-2:])
        return soft_bin_cross_entropy(example["logits"], target, self.bins_per_axis, self.bin_weights)

    def to_rgb(self, candidate, example):
        return lab_pair_to_rgb(example["condition"], candidate)

    def sample_row(self, output, example):
        gray = example["condition"].repeat(1, 3, 1, 1)
        return [gray, self.to_rgb(output, example), example["clean"]]

    def summary(self):
        return {"encoder": "EfficientNet-Lite0 (ImageNet), " + (
            f"fine-tuned at {self.encoder_learning_rate_scale} x the learning rate"
            if self.encoder_learning_rate_scale > 0 else "frozen"),
            "colour bins": f"{self.bins_per_axis} x {self.bins_per_axis}, annealed-mean temperature {self.temperature}"
            + (f", class rebalancing {self.class_rebalancing}" if self.class_rebalancing > 0 else ""),
            **({"scene context": "FiLM of the decoder's first features from the ImageNet head's pooled features"
                + (f", decoder at {self.decoder_learning_rate_scale} x the learning rate"
                   if self.decoder_learning_rate_scale != 1 else "")} if self.global_context else {})}

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.colorization import evaluate_colorization

        return evaluate_colorization(pipe, files, perceptual)

    inherited_settings = ("temperature", "chroma_gain", "chroma_smoothing")

    def build_pipeline(self, generator, discriminator):
        return ColorizationPipeline(generator=generator, discriminator=discriminator, working_size=self.working_size,
                                    **self.inherited)


class InpaintingRecipe(Recipe):
    """(masked RGB, mask) -> RGB: a pyramid fill, then a dilated U-Net's correction; PatchGAN on the composite;
    hole-weighted L1, VGG perceptual loss and discriminator feature matching (the LaMa recipe at CPU scale)."""

    name = "inpainting"
    pipeline_class = InpaintingPipeline
    default_loss_weights = {"reconstruction": 10.0, "adversarial": 1.0, "perceptual": 1.0, "feature_matching": 10.0}
    hole_weight = 6.0

    # the shipped width: the extra bottleneck width costs little time (benchmarks/results/inpainting_widths.md)
    def __init__(self, generator_channels=(16, 32, 64, 128, 320), discriminator_channels=64, working_size=256,
                 fill_relaxation_steps=10, seed=0, generator_bottleneck_dilations=(1, 2, 4, 8),
                 generator_bottleneck="dilated", generator_ffc_blocks=0):
        self.generator_channels = tuple(generator_channels)
        self.generator_bottleneck, self.generator_ffc_blocks = generator_bottleneck, generator_ffc_blocks
        self.generator_bottleneck_dilations = tuple(generator_bottleneck_dilations)
        self.discriminator_channels = discriminator_channels
        self.working_size = working_size
        self.fill_relaxation_steps = fill_relaxation_steps
        import numpy as np

        self.rng = np.random.default_rng(seed)

    def setup(self, args, device):
        if getattr(args, "fill_relaxation_steps", None) is not None:
            self.fill_relaxation_steps = args.fill_relaxation_steps

    def summary(self):
        return {"first stage": f"pyramid fill + {self.fill_relaxation_steps} Jacobi relaxation steps per level"}

    def build_generator(self):
        generator = UNetGenerator(in_channels=4, out_channels=3, channels=self.generator_channels,
                                  bottleneck_dilations=self.generator_bottleneck_dilations,
                                  bottleneck_type=self.generator_bottleneck, ffc_blocks=self.generator_ffc_blocks)
        # a zero head: training starts from the pyramid fill itself and learns only the correction
        torch.nn.init.zeros_(generator.head.weight)
        torch.nn.init.zeros_(generator.head.bias)
        return generator

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=3, base_channels=self.discriminator_channels)

    def make_example(self, clean):
        n, _, h, w = clean.shape
        mask = random_masks(n, h, w, self.rng).to(clean.device, clean.dtype)
        return {"inputs": clean * (1 - mask), "target": clean, "mask": mask, "clean": clean}

    def generate(self, generator, example):
        return fill_hole(generator, example["inputs"], example["mask"], self.fill_relaxation_steps)

    def compose(self, output, example):
        mask = example["mask"]
        return output * mask + example["clean"] * (1 - mask)

    def reconstruction_loss(self, fake, example):
        weight = 1 + (self.hole_weight - 1) * example["mask"]
        return (weight * (fake - example["target"]).abs()).mean() / weight.mean()

    def sample_row(self, output, example):
        masked = example["clean"] * (1 - example["mask"]) + example["mask"]
        return [masked, output, example["clean"]]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.inpainting import evaluate_inpainting

        return evaluate_inpainting({"model": pipe}, files, perceptual, size=256, kinds=("medium", "thick"))

    def build_pipeline(self, generator, discriminator):
        return InpaintingPipeline(generator=generator, discriminator=discriminator, working_size=self.working_size,
                                  fill_relaxation_steps=self.fill_relaxation_steps)


class DamageDetectionRecipe(Recipe):
    """Photo with synthetic old-photo damage -> per-pixel damage logits; BCE + soft Dice, no critic
    (segmentation does not need one). The degradation is `synthetic_old_photo`, whose masks are known.
    `skeleton_recall` (off by default): the share of the damage's one-pixel centre lines that the detector misses
    (Kirchhoff et al., 2024), which weighs a thin scratch as much as a wide tear of the same length."""

    name = "damage_detection"
    generator_component = "detector"
    default_loss_weights = {"reconstruction": 1.0, "adversarial": 0.0, "skeleton_recall": 0.0}
    positive_weight = 3.0
    learned_aging_share = 0.3

    def __init__(self, generator_channels=(8, 16, 32, 64), working_size=1024, seed=0):
        import numpy as np

        self.channels, self.working_size = tuple(generator_channels), working_size
        self.rng = np.random.default_rng(seed)

    def setup(self, args, device):
        """`--aging-generator`: a trained vintage generator used as a learned degradation on some crops;
        `--rescan-probability`: the share of damaged crops re-toned, blurred and re-compressed after the damage
        (`--rescan-grain-probability` of those with grain under the re-tone)."""
        self.rescan_probability = getattr(args, "rescan_probability", 0.0) or 0.0
        self.rescan_grain_probability = getattr(args, "rescan_grain_probability", 0.0) or 0.0
        self.skeleton_targets = bool((getattr(args, "loss_weights", None) or {}).get("skeleton_recall"))
        self.aging = None
        if getattr(args, "aging_generator", None):
            from ..pipelines import VintagePipeline

            self.aging = VintagePipeline.from_pretrained(args.aging_generator, load_discriminator=False).generator
            self.aging.to(device).eval().requires_grad_(False)

    def build_generator(self):
        return UNetGenerator(in_channels=3, out_channels=1, channels=self.channels, bottleneck_dilations=(1, 2, 4, 8),
                             output_activation="none")

    def make_example(self, clean):
        import numpy as np
        from PIL import Image

        from .degradations import rescan, synthetic_old_photo

        if getattr(self, "aging", None) is not None:
            from ..pipelines.vintage import vintage_inputs

            chosen = torch.from_numpy(self.rng.random(clean.shape[0]) < self.learned_aging_share).to(clean.device)
            with torch.no_grad():
                aged = self.aging(vintage_inputs(clean, seed=int(self.rng.integers(1 << 31))))
            clean = torch.where(chosen.view(-1, 1, 1, 1), aged, clean)
        photos = ((clean + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
        damaged, masks = [], []
        for photo in photos:
            # damage sized for scans 1-4x the crop: the detector then works on whole photos up to ~1 MP
            side = photo.shape[0] * self.rng.uniform(1.0, 4.0)
            image, mask = synthetic_old_photo(Image.fromarray(photo), self.rng, self.rng.uniform(0.3, 1.3), side)
            if self.rng.random() < getattr(self, "rescan_probability", 0.0):
                image = rescan(image, self.rng, getattr(self, "rescan_grain_probability", 0.0))
            damaged.append(np.asarray(image))
            masks.append(mask)
        inputs = torch.from_numpy(np.stack(damaged)).permute(0, 3, 1, 2).float().to(clean.device) / 127.5 - 1
        target = torch.from_numpy(np.stack(masks)).unsqueeze(1).float().to(clean.device)
        example = {"inputs": inputs, "target": target, "clean": clean}
        if getattr(self, "skeleton_targets", False):  # centre lines only when their loss term is on (~10% of a step)
            skeleton = torch.from_numpy(np.stack([centre_lines(mask) for mask in masks])).unsqueeze(1).float()
            example["skeleton"] = skeleton.to(clean.device)
        return example

    def task_losses(self, logits, example):
        target = example["target"]
        bce = F.binary_cross_entropy_with_logits(
            logits, target, pos_weight=torch.tensor(self.positive_weight, device=logits.device))
        probability = torch.sigmoid(logits)
        dice = 1 - (2 * (probability * target).sum() + 1) / (probability.sum() + target.sum() + 1)
        losses = {"reconstruction": bce + dice}
        if "skeleton" in example:
            skeleton = example["skeleton"]
            losses["skeleton_recall"] = 1 - ((probability * skeleton).sum() + 1) / (skeleton.sum() + 1)
        return losses

    def sample_row(self, logits, example):
        as_rgb = lambda mask: (mask * 2 - 1).repeat(1, 3, 1, 1)  # noqa: E731
        return [example["inputs"], as_rgb(torch.sigmoid(logits)), as_rgb(example["target"])]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.damage import evaluate_damage

        return evaluate_damage(pipe, files, size=512)

    def build_pipeline(self, generator, discriminator=None):
        return DamageDetectionPipeline(detector=generator, working_size=self.working_size)


class VintageRecipe(Recipe):
    """The style-transfer "vintage" preset: a small pix2pix generator from a photo (+ a grain-noise and a
    vignette-radius plane) to a synthetic aged print (`degradations.vintage_target`); L1 + conditional
    PatchGAN. It is shipped inside the style-transfer pipeline folder as its `vintage` component.
    `space_to_depth=2` runs the U-Net on 2x2 pixel blocks: 4x cheaper, still per-pixel grain."""

    name = "vintage"
    default_loss_weights = {"reconstruction": 10.0, "adversarial": 1.0, "perceptual": 0.0, "feature_matching": 0.0}

    def __init__(self, channels=(16, 32, 64), space_to_depth=2, seed=0):
        self.channels, self.space_to_depth, self.seed = tuple(channels), space_to_depth, seed
        self.calls = 0

    def component_names(self, source):
        """Also a style-transfer pipeline folder, where the generator is `vintage/` and its critic
        `vintage_discriminator/`."""
        if os.path.isdir(os.path.join(source, "vintage")):
            return "vintage", "vintage_discriminator"
        return super().component_names(source)

    def build_generator(self):
        return UNetGenerator(in_channels=5, out_channels=3, channels=self.channels, bottleneck_dilations=(1, 2),
                             space_to_depth=self.space_to_depth)

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=6, base_channels=32)

    def make_example(self, clean):
        from ..pipelines.vintage import vintage_inputs
        from .degradations import vintage_target

        self.calls += 1
        inputs = vintage_inputs(clean, seed=self.seed * 1_000_003 + self.calls)
        return {"inputs": inputs, "target": vintage_target(clean, inputs[:, 3:4], (inputs[:, 4:5] + 1) / 2),
                "clean": clean}

    def discriminator_input(self, candidate, example):
        return torch.cat([example["clean"], candidate], dim=1)

    def reconstruction_loss(self, fake, example):
        return F.l1_loss(fake, example["target"])

    def sample_row(self, output, example):
        return [example["clean"], output, example["target"]]

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.vintage import evaluate_vintage

        return {"model": evaluate_vintage(pipe.generator, files)}

    def build_pipeline(self, generator, discriminator=None):
        from ..pipelines import VintagePipeline

        return VintagePipeline(generator=generator, discriminator=discriminator)


class UpscaleRecipe(Recipe):
    """Small, soft, noisy, JPEG-damaged photo -> the clean photo `scale` times larger (CompactUpscaler). Pairs come
    from the second-order degradation; L1 + VGG16 perceptual + a PatchGAN critic, as Real-ESRGAN trains."""

    name = "upscale"
    generator_component = "upscaler"
    default_loss_weights = {"reconstruction": 1.0, "adversarial": 0.05, "perceptual": 1.0, "feature_matching": 0.0}

    def __init__(self, upscale_factor=4, channels=32, num_convs=8, discriminator_channels=32, seed=0):
        import numpy as np

        self.scale, self.channels, self.num_convs = upscale_factor, channels, num_convs
        self.discriminator_channels = discriminator_channels
        self.rng = np.random.default_rng(seed)

    def build_generator(self):
        # x2 runs its convolutions at half the input's resolution (unshuffle), as fast per output pixel as x4
        return CompactUpscaler(scale=self.scale, channels=self.channels, num_convs=self.num_convs,
                               unshuffle=2 if self.scale == 2 else 1)

    def build_discriminator(self):
        return PatchGANDiscriminator(in_channels=3, base_channels=self.discriminator_channels)

    def make_example(self, clean):
        from .degradations import second_order_degradation

        return {"inputs": second_order_degradation(clean, self.scale, self.rng), "target": clean, "clean": clean}

    def reconstruction_loss(self, fake, example):
        return F.l1_loss(fake, example["target"])

    def sample_row(self, output, example):
        nearest = F.interpolate(example["inputs"], scale_factor=self.scale, mode="nearest")
        return [nearest, output.clamp(-1, 1), example["clean"]]

    def summary(self):
        return {"degradation": "second-order: blur, resize, noise, JPEG, twice (Real-ESRGAN)",
                "network": f"x{self.scale}, {self.num_convs + 2} convolutions of {self.channels} channels"}

    def evaluate(self, pipe, files, perceptual=None):
        from ..evaluation.upscale import evaluate_upscale

        return evaluate_upscale({"model": pipe}, files, perceptual, scale=self.scale, max_side=256)

    def build_pipeline(self, generator, discriminator):
        return UpscalePipeline(upscaler=generator, discriminator=discriminator)


def _style_transfer(**kwargs):
    from .style_recipe import StyleTransferRecipe

    return StyleTransferRecipe(**kwargs)


RECIPES = {"colorization": ColorizationRecipe, "inpainting": InpaintingRecipe,
           "damage_detection": DamageDetectionRecipe, "style_transfer": _style_transfer, "vintage": VintageRecipe,
           "upscale": UpscaleRecipe}


def get_recipe(task, **kwargs):
    if task not in RECIPES:
        raise ValueError(f"unknown task {task!r}; choose from {sorted(RECIPES)}")
    return RECIPES[task](**kwargs)
