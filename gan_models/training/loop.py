"""The Accelerate training loop shared by every task: one D step and one G step per batch."""
import contextlib
import glob
import json
import math
import os
import platform
import shutil
import time

import torch
from accelerate import Accelerator
from accelerate.utils import ProjectConfiguration, set_seed
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from ..hub import make_model_card
from .composite import CutoutCompositor, load_cutouts
from .rooms import SyntheticRooms
from .data import RandomCropDataset, list_images
from .ema import EMA
from .losses import (discriminator_loss, feature_matching_loss, generator_adversarial_loss, perceptual_distance,
                     r1_penalty)


class TrainState:
    """The step counter and wall time, checkpointed beside models and optimizers."""

    def __init__(self):
        self.step, self.seconds = 0, 0.0

    def state_dict(self):
        return {"step": self.step, "seconds": self.seconds}

    def load_state_dict(self, state):
        self.step, self.seconds = int(state["step"]), float(state["seconds"])


def checkpoint_dirs(output_dir):
    """Finished checkpoints, oldest first (a `.tmp` folder is one that was being written)."""
    return sorted(p for p in glob.glob(os.path.join(output_dir, "checkpoints", "step_*")) if not p.endswith(".tmp"))


def save_checkpoint(accelerator, output_dir, step, keep):
    """Write to step_N.tmp, then rename: a kill mid-write never touches the previous checkpoint."""
    final = os.path.join(output_dir, "checkpoints", f"step_{step:08d}")
    partial = final + ".tmp"
    if accelerator.is_main_process and os.path.exists(partial):
        shutil.rmtree(partial)
    accelerator.wait_for_everyone()
    accelerator.save_state(partial)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        os.replace(partial, final)
        for old in checkpoint_dirs(output_dir)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def resolve_resume(output_dir, resume, log=print):
    """The checkpoint folder to resume from: `resume` itself, the newest finished one for "latest", or None
    (a fresh start, said out loud when "latest" finds nothing)."""
    if resume in (None, ""):
        return None
    if resume == "latest":
        found = checkpoint_dirs(output_dir)
        if not found:
            log(f"--resume-from-checkpoint latest: no checkpoint found in {os.path.join(output_dir, 'checkpoints')}; "
                "training starts from step 0")
        return found[-1] if found else None
    return resume


# ---- checks run before any work: a wrong argument ends in one clear message, not a traceback minutes later ----
VGG_TASKS = {"style_transfer": "its encoder is distilled from VGG16 and its content/style losses are VGG16 features"}
DATA_FLAGS = {"train_data": "--train-data", "val_data": "--val-data", "style_data": "--style-data",
              "style_val_data": "--style-val-data", "cutout_data": "--cutout-data"}


def cached_hub_dataset(name):
    """Whether `name` ("owner/name" or "name") is a Hub dataset in the local caches (datasets reads it from there
    offline)."""
    if name.startswith((".", "/", "~")) or "\\" in name or name.count("/") > 1:
        return False  # a path, not a dataset id
    from huggingface_hub import constants

    hub_cache = constants.HF_HUB_CACHE
    datasets_cache = os.environ.get("HF_DATASETS_CACHE") or os.path.join(constants.HF_HOME, "datasets")
    return (os.path.isdir(os.path.join(hub_cache, "datasets--" + name.replace("/", "--")))
            or os.path.isdir(os.path.join(datasets_cache, name.replace("/", "___"))))


def preflight_problems(recipe, args):
    """What would stop this run, as messages naming the way out (empty when all is well). Checked before the
    Accelerator, the data or any network is touched."""
    problems = []
    for key, flag in DATA_FLAGS.items():
        sources = getattr(args, key, None)
        for source in [sources] if isinstance(sources, (str, os.PathLike)) else sources or []:
            source = str(source)
            if not os.path.exists(source) and not cached_hub_dataset(source):
                problems.append(f"{flag} {source}: no such folder (nor a Hub dataset in the local cache). "
                                "`make data` writes the offline photo sets under data/ (data/train, data/val, "
                                "data/art, data/cutouts...); or pass an image folder, or a datasets folder saved "
                                "with save_to_disk.")
    weights = {**recipe.default_loss_weights,
               **{k: v for k, v in (getattr(args, "loss_weights", None) or {}).items() if v is not None}}
    if not getattr(args, "vgg_path", None):
        if recipe.name in VGG_TASKS:
            problems.append(f"--task {recipe.name} needs VGG16 ({VGG_TASKS[recipe.name]}): pass --vgg-path data/vgg16 "
                            "(`make data` converts it there).")
        elif weights.get("perceptual", 0) > 0:
            problems.append(f"--task {recipe.name} trains with a VGG16 perceptual loss (weight {weights['perceptual']}"
                            "): pass --vgg-path data/vgg16 (`make data` converts it there), or turn the loss off "
                            "with --perceptual-weight 0.")
    elif not os.path.exists(str(args.vgg_path)):
        problems.append(f"--vgg-path {args.vgg_path}: no such folder; `make data` converts VGG16 to data/vgg16.")
    if recipe.name == "style_transfer" and not getattr(args, "style_data", None):
        problems.append("--task style_transfer needs --style-data FOLDER [FOLDER ...]: style images (paintings; "
                        "`make data` writes data/art).")
    resume = getattr(args, "resume_from_checkpoint", None)
    if resume not in (None, "", "latest") and not os.path.isdir(str(resume)):
        problems.append(f"--resume-from-checkpoint {resume}: no such checkpoint folder (\"latest\" picks the newest "
                        "in OUTPUT_DIR/checkpoints, or starts from step 0 when there is none).")
    return problems


def preflight(recipe, args):
    """Exit with every problem of `preflight_problems` in one message, before any work starts."""
    problems = preflight_problems(recipe, args)
    if problems:
        raise SystemExit("cannot start training:\n  " + "\n  ".join(problems))


def infinite(loader):
    while True:
        yield from loader


def hardware_description(accelerator):
    if accelerator.device.type == "cuda":
        return f"{accelerator.num_processes} x {torch.cuda.get_device_name()}"
    return f"{accelerator.num_processes} CPU process(es) on {os.cpu_count()} cores ({platform.machine()})"


def train(recipe, args):
    preflight(recipe, args)
    accelerator = Accelerator(
        cpu=args.cpu or not torch.cuda.is_available(),
        mixed_precision=args.mixed_precision,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        log_with=None if args.report_to == "none" else args.report_to,
        project_config=ProjectConfiguration(project_dir=args.output_dir,
                                            logging_dir=os.path.join(args.output_dir, "logs")),
    )
    set_seed(args.seed, device_specific=True)
    weights = {**recipe.default_loss_weights, **{k: v for k, v in args.loss_weights.items() if v is not None}}

    compositor = CutoutCompositor(load_cutouts(args.cutout_data)) if args.cutout_data else None
    room_probability = getattr(args, "room_probability", 0.0)
    dataset = RandomCropDataset(args.train_data, crop_size=args.resolution, length=10 ** 9, compositor=compositor,
                                composite_probability=args.composite_probability,
                                rooms=SyntheticRooms() if room_probability > 0 else None,
                                room_probability=room_probability)
    loader = DataLoader(dataset, batch_size=args.train_batch_size, num_workers=args.dataloader_num_workers,
                        drop_last=True)
    val_files = list_images(args.val_data)[: args.num_eval_images] if args.val_data else []

    recipe.setup(args, accelerator.device)
    generator, discriminator = recipe.build_generator(), recipe.build_discriminator()
    if args.init_from:
        recipe.load_initial_weights(generator, discriminator, args.init_from)
    adversarial = discriminator is not None and weights.get("adversarial", 0) > 0
    critic_only = getattr(args, "critic_only", False)
    if critic_only and not adversarial:
        raise ValueError(f"--critic-only needs a critic: {recipe.name} has none, or --adversarial-weight is 0")
    if not adversarial:  # e.g. the damage detector: a plain supervised network
        discriminator = None
    ema = EMA(generator, decay=args.ema_decay)
    opt_g = torch.optim.Adam([{**group, "lr": group["base_lr"]} for group in
                              recipe.parameter_groups(generator, args.learning_rate)], betas=(0.5, 0.999))
    if adversarial:
        opt_d = torch.optim.Adam(discriminator.parameters(), lr=args.discriminator_learning_rate, betas=(0.5, 0.999))
        generator, discriminator, opt_g, opt_d, loader = accelerator.prepare(
            generator, discriminator, opt_g, opt_d, loader)
    else:
        generator, opt_g, loader = accelerator.prepare(generator, opt_g, loader)
    state = TrainState()
    accelerator.register_for_checkpointing(ema, state)
    ema.model.to(accelerator.device)

    resume_path = resolve_resume(args.output_dir, args.resume_from_checkpoint, log=accelerator.print)
    if resume_path:
        accelerator.load_state(resume_path)
        accelerator.print(f"resumed from {resume_path} at step {state.step}")

    vgg = None
    if weights.get("perceptual", 0) > 0 or val_files:
        from ..models.vgg import VGG16Features

        vgg = VGG16Features.from_pretrained(args.vgg_path).to(accelerator.device).eval() if args.vgg_path else None
        if weights.get("perceptual", 0) > 0 and vgg is None:
            raise ValueError("--perceptual-weight > 0 needs --vgg-path (run `make data` to convert VGG16)")

    if accelerator.is_main_process:
        accelerator.init_trackers(f"gan_models-{recipe.name}", config={k: str(v) for k, v in vars(args).items()})
    d_model = accelerator.unwrap_model(discriminator) if adversarial else None
    data = infinite(loader)
    progress = tqdm(total=args.max_train_steps, initial=state.step, disable=not accelerator.is_local_main_process,
                    desc=f"train {recipe.name}")
    fixed_batch, started = None, time.time() - state.seconds

    while state.step < args.max_train_steps:
        recipe.step = state.step
        if args.lr_decay == "linear":
            set_learning_rates(opt_g, opt_d if adversarial else None, args,
                               1.0 - training_progress(state, args, accelerator))
        example = recipe.make_example(next(data))
        fixed_batch = fixed_batch if fixed_batch is not None else {k: v[:4].detach() for k, v in example.items()}
        with accelerator.accumulate(*([generator, discriminator] if adversarial else [generator])):
            # critic only: the fakes come from the frozen copy in eval mode, exactly as the published weights make them
            with accelerator.autocast(), torch.no_grad() if critic_only else contextlib.nullcontext():
                fake = recipe.compose(recipe.generate(ema.model if critic_only else generator, example), example)
            d_loss = discriminator_step(recipe, discriminator, opt_d, fake, example, weights, args, accelerator) \
                if adversarial else torch.zeros(())
            if critic_only:  # publishing a critic for fixed weights: the generator only makes fakes
                losses, g_loss = {}, torch.zeros(())
            else:
                losses, g_loss = generator_step(recipe, generator, d_model, opt_g, vgg, fake, example, weights, args,
                                                accelerator)

        if not accelerator.sync_gradients:
            continue
        if not critic_only:
            ema.update(accelerator.unwrap_model(generator))
        state.step += 1
        state.seconds = time.time() - started
        progress.update(1)
        logs = {"loss/d": d_loss.item(), "loss/g": g_loss.item(), **{f"loss/g_{k}": v.item() for k, v in losses.items()},
                "lr/generator": opt_g.param_groups[0]["lr"]}
        progress.set_postfix({k.split("/")[-1]: round(v, 3) for k, v in logs.items() if k in ("loss/d", "loss/g")})
        accelerator.log(logs, step=state.step)
        if not math.isfinite(logs["loss/g"]):
            raise RuntimeError(f"generator loss became {logs['loss/g']} at step {state.step}")

        if args.max_train_minutes is not None:  # every process must agree, or DDP would hang on the others
            over = torch.tensor(float(state.seconds > args.max_train_minutes * 60), device=accelerator.device)
            if accelerator.reduce(over, reduction="sum").item() > 0:
                args.max_train_steps = state.step
        if state.step % args.checkpointing_steps == 0 or state.step == args.max_train_steps:
            save_checkpoint(accelerator, args.output_dir, state.step, args.checkpoints_total_limit)
        if accelerator.is_main_process and state.step % args.sample_steps == 0:
            save_samples(recipe, ema.model, fixed_batch, args.output_dir, state.step, accelerator)
        if accelerator.is_main_process and val_files and state.step % args.eval_steps == 0:
            metrics = evaluate(recipe, ema.model, d_model, val_files, vgg, args)
            accelerator.log({f"eval/{m}/{k}": v for m, row in metrics.items() for k, v in row.items()}, step=state.step)

    progress.close()
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        metrics = evaluate(recipe, ema.model, d_model, val_files, vgg, args) if val_files else None
        export(recipe, ema.model, d_model, metrics, args, state, hardware_description(accelerator), weights)
    accelerator.end_training()


def generator_step(recipe, generator, d_model, opt_g, vgg, fake, example, weights, args, accelerator):
    """One optimizer step of the generator on the task losses, the critic's verdict and the perceptual loss."""
    adversarial = d_model is not None
    with accelerator.autocast():
        losses = recipe.task_losses(fake, example)
        if adversarial:
            # the unwrapped critic with frozen weights, so no gradient reaches it
            d_model.requires_grad_(False)
            fake_logits, fake_feats = d_model(recipe.discriminator_input(fake, example), return_features=True)
            losses["adversarial"] = generator_adversarial_loss(fake_logits, args.adversarial_loss)
            if weights.get("feature_matching", 0) > 0:
                real_in = recipe.discriminator_input(example["target"], example)
                _, real_feats = d_model(real_in, return_features=True)
                losses["feature_matching"] = feature_matching_loss(fake_feats, real_feats)
        if weights.get("perceptual", 0) > 0:
            layers = getattr(args, "perceptual_layers", None)
            losses["perceptual"] = perceptual_distance(vgg, recipe.to_rgb(fake, example), example["clean"],
                                                       **({"layers": tuple(layers)} if layers else {}))
        g_loss = sum(weights[name] * value for name, value in losses.items())
    accelerator.backward(g_loss)
    if adversarial:
        d_model.requires_grad_(True)
    opt_g.step()
    opt_g.zero_grad(set_to_none=True)
    return losses, g_loss


def training_progress(state, args, accelerator):
    """How far training has come, 0..1: by steps or by minutes, whichever limit is nearer. The time share is
    averaged over processes so that every replica steps with the same learning rate."""
    progress = state.step / args.max_train_steps
    if args.max_train_minutes is not None:
        seconds = torch.tensor(state.seconds, device=accelerator.device)
        seconds = accelerator.reduce(seconds, reduction="mean").item()
        progress = max(progress, seconds / (args.max_train_minutes * 60))
    return min(progress, 1.0)


def set_learning_rates(opt_g, opt_d, args, factor):
    for group in opt_g.param_groups:
        group["lr"] = group.get("base_lr", args.learning_rate) * factor
    if opt_d is not None:
        for group in opt_d.param_groups:
            group["lr"] = args.discriminator_learning_rate * factor


def discriminator_step(recipe, discriminator, opt_d, fake, example, weights, args, accelerator):
    """One critic update: real and fake in one forward (one DDP reduction per step)."""
    with accelerator.autocast():
        real_in = recipe.discriminator_input(example["target"], example)
        fake_in = recipe.discriminator_input(fake.detach(), example)
        if weights.get("r1", 0) > 0:
            real_in = real_in.detach().requires_grad_(True)
        real_logits, fake_logits = discriminator(torch.cat([real_in, fake_in])).chunk(2)
        d_loss = discriminator_loss(real_logits, fake_logits, args.adversarial_loss)
        if weights.get("r1", 0) > 0:
            d_loss = d_loss + weights["r1"] / 2 * r1_penalty(real_logits, real_in)
    accelerator.backward(d_loss)
    opt_d.step()
    opt_d.zero_grad(set_to_none=True)
    return d_loss


def evaluate(recipe, generator, discriminator, files, vgg, args):
    from ..evaluation.metrics import PerceptualMetric

    perceptual = PerceptualMetric(vgg) if vgg is not None else None
    pipe = recipe.build_pipeline(generator, discriminator)
    try:
        return recipe.evaluate(pipe, files, perceptual)
    finally:
        generator.eval()


@torch.no_grad()
def save_samples(recipe, generator, batch, output_dir, step, accelerator):
    generator.eval()
    output = recipe.compose(recipe.generate(generator, batch), batch)
    rows = [torch.cat(list(column), dim=-1) for column in zip(*recipe.sample_row(output, batch))]
    grid = ((torch.cat(rows, dim=-2) + 1) * 127.5).clamp(0, 255).to(torch.uint8).cpu()
    from PIL import Image

    os.makedirs(os.path.join(output_dir, "samples"), exist_ok=True)
    Image.fromarray(grid.permute(1, 2, 0).numpy()).save(os.path.join(output_dir, "samples", f"step_{step:08d}.png"))
    for tracker in accelerator.trackers:
        if tracker.name == "tensorboard":
            tracker.writer.add_image("samples", grid, step)


def export(recipe, generator, discriminator, metrics, args, state, hardware, weights):
    """Write the final pipeline folder (EMA generator + critic + model card) and optionally push it."""
    pipe = recipe.build_pipeline(generator.float().cpu(), discriminator.float().cpu() if discriminator else None)
    training = {
        "data": args.train_data_description or args.train_data,
        "steps": state.step,
        "batch size": f"{args.train_batch_size} x {args.gradient_accumulation_steps} accumulation",
        "crop": f"{args.resolution} px",
        "loss weights": json.dumps(weights),
        "adversarial loss": args.adversarial_loss,
        "hardware": hardware,
        "wall time": f"{state.seconds / 60:.1f} min",
        "seconds per step": round(state.seconds / max(state.step, 1), 2),
        "mixed precision": args.mixed_precision,
    }
    training.update(recipe.summary())
    if weights.get("perceptual", 0) > 0 and getattr(args, "perceptual_layers", None):
        training["perceptual layers"] = ", ".join(args.perceptual_layers)
    if args.init_from:
        training["initialized from"] = args.init_from
    if getattr(args, "critic_only", False):
        training["critic only"] = "the generator stayed fixed; only the critic learnt"
    card = make_model_card(recipe.name, type(pipe).__name__, metrics, training, args.model_card_notes,
                           components=sorted(pipe.modules()))
    out = os.path.join(args.output_dir, "pipeline")
    pipe.save_pretrained(out, model_card=card)
    with open(os.path.join(out, "training_summary.json"), "w") as f:
        json.dump({"training": training, "metrics": metrics}, f, indent=2)
    if args.push_to_hub:
        pipe.push_to_hub(args.push_to_hub, commit_message=f"{recipe.name}: {state.step} steps")
    print(f"saved pipeline to {out}")
