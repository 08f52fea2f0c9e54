"""python -m gan_models over folders with good and bad files: results, a summary, no crash, inputs untouched."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from helpers import photo, tiny_restoration_pipeline, tiny_style_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "gan_models", *map(str, args)], env=ENV, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def digest(folder):
    return {p: hashlib.sha1(open(os.path.join(r, p), "rb").read()).hexdigest()
            for r, _, names in os.walk(folder) for p in names}


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "scans"
    (folder / "nested").mkdir(parents=True)
    photo(120, 80).save(folder / "good.jpg")
    photo(60, 90, seed=2).convert("L").save(folder / "nested" / "gray.png")
    (folder / "notes.jpg").write_text("not a picture")
    data = open(folder / "good.jpg", "rb").read()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "empty.png").write_bytes(b"")
    (folder / "README.txt").write_text("ignored: not an image file name")
    return folder


def test_colorize_folder_writes_good_files_and_lists_bad_ones(mixed_folder, tmp_path):
    before = digest(mixed_folder)
    result = run_cli("colorize", mixed_folder, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    assert Image.open(tmp_path / "out" / "good_colorized.png").size == (120, 80)
    assert Image.open(tmp_path / "out" / "nested" / "gray_colorized.png").size == (60, 90)
    assert "2 of 5 image(s) written" in result.stdout
    for bad in ("notes.jpg", "truncated.jpg", "empty.png"):
        assert bad in result.stdout
    assert "README.txt" not in result.stdout
    assert digest(mixed_folder) == before


def test_output_into_the_input_folder_never_overwrites_inputs(tmp_path):
    photo(64, 48).save(tmp_path / "a.png")
    before = open(tmp_path / "a.png", "rb").read()
    result = run_cli("colorize", tmp_path / "a.png", "-o", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert open(tmp_path / "a.png", "rb").read() == before
    assert (tmp_path / "a_colorized.png").exists()


def test_inpaint_uses_masks_beside_the_photos(tmp_path):
    photo(100, 80).save(tmp_path / "p1.jpg")
    mask = Image.new("L", (100, 80), 0)
    mask.paste(255, (30, 30, 60, 50))
    mask.save(tmp_path / "p1_mask.png")
    photo(100, 80, seed=4).save(tmp_path / "p2.jpg")  # no mask: skipped with a reason
    result = run_cli("inpaint", tmp_path, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert (tmp_path / "out" / "p1_inpainted.png").exists()
    assert "p2.jpg: no mask" in result.stdout
    assert not (tmp_path / "out" / "p1_mask_inpainted.png").exists()


def test_stylize_with_preset_or_style_image(tmp_path):
    tiny_style_pipeline().save_pretrained(tmp_path / "model")
    photo(70, 50).save(tmp_path / "c.png")
    photo(40, 40, seed=9).save(tmp_path / "style.png")
    ok = run_cli("stylize", tmp_path / "c.png", "-o", tmp_path / "o1", "--model", tmp_path / "model",
                 "--preset", "vintage", "--strength", "0.7")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert Image.open(tmp_path / "o1" / "c_stylized.png").size == (70, 50)
    ok = run_cli("stylize", tmp_path / "c.png", "-o", tmp_path / "o2", "--model", tmp_path / "model",
                 "--style", tmp_path / "style.png", "--preserve-color")
    assert ok.returncode == 0 and (tmp_path / "o2" / "c_stylized.png").exists()
    bad = run_cli("stylize", tmp_path / "c.png", "-o", tmp_path / "o3", "--model", tmp_path / "model",
                  "--preset", "nope")
    assert bad.returncode == 1 and "Unknown preset" in bad.stdout
    neither = run_cli("stylize", tmp_path / "c.png", "-o", tmp_path / "o4", "--model", tmp_path / "model")
    assert neither.returncode == 2 and "exactly one of --style or --preset" in neither.stderr


def test_restore_writes_the_result_and_each_stage(tmp_path):
    tiny_restoration_pipeline().save_pretrained(tmp_path / "model", embed=True)
    photo(90, 60).convert("L").save(tmp_path / "old.png")
    result = run_cli("restore", tmp_path / "old.png", "-o", tmp_path / "out", "--model", tmp_path / "model",
                     "--save-intermediates")
    assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(os.listdir(tmp_path / "out"))
    assert names == ["old_restored.png", "old_restored_cleaned.png", "old_restored_colorized.png",
                     "old_restored_inpainted.png", "old_restored_mask.png"]


def test_missing_model_and_no_inputs_are_reported(tmp_path):
    photo(30, 30).save(tmp_path / "x.png")
    result = run_cli("colorize", tmp_path / "x.png", "-o", tmp_path / "out", "--model", tmp_path / "nothing-here")
    assert result.returncode == 2 and "could not load" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("colorize", empty, "-o", tmp_path / "out")
    assert result.returncode == 2 and "no input images" in result.stderr


def test_colorize_smoothing_option_changes_the_colours_and_refuses_bad_values(tmp_path):
    Image.open(os.path.join(ROOT, "tests", "data", "held_out_sky.jpg")).convert("L").save(tmp_path / "a.png")
    for value, folder in (("0", "off"), ("0.3", "on")):
        result = run_cli("colorize", tmp_path / "a.png", "-o", tmp_path / folder, "--smoothing", value)
        assert result.returncode == 0, result.stdout + result.stderr
    off, on = (np.asarray(Image.open(tmp_path / f / "a_colorized.png"), dtype=int) for f in ("off", "on"))
    assert off.shape == on.shape and np.abs(off - on).mean() > 0.5
    result = run_cli("colorize", tmp_path / "a.png", "-o", tmp_path / "bad", "--smoothing", "3")
    assert result.returncode != 0 and "chroma_smoothing must be between 0 and 1" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
