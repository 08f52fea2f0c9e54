"""scripts/interpolate_pipelines.py: blended weights, the rest of the folder copied, mismatches refused."""
import json
import os
import subprocess
import sys

import torch

from gan_models import StyleDecoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def interpolate(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "interpolate_pipelines.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})


def decoder_folder(root, widths=(4, 8, 8, 16), seed=0):
    torch.manual_seed(seed)
    decoder = StyleDecoder(widths=widths)
    decoder.save_pretrained(root / "decoder")
    (root / "training_summary.json").write_text(json.dumps({"training": {"steps": 10 + seed}}))
    (root / "extra.txt").write_text("kept")
    return decoder


def test_interpolation_blends_weights_and_keeps_the_base_folder(tmp_path):
    base, tuned = decoder_folder(tmp_path / "base"), decoder_folder(tmp_path / "tuned", seed=1)
    result = interpolate(tmp_path / "base", tmp_path / "tuned", tmp_path / "out", "--alpha", "0.25")
    assert result.returncode == 0, result.stderr
    blended = StyleDecoder.from_pretrained(tmp_path / "out" / "decoder").state_dict()
    for name, value in blended.items():
        expected = 0.75 * base.state_dict()[name] + 0.25 * tuned.state_dict()[name]
        assert torch.allclose(value, expected, atol=1e-6), name
    assert (tmp_path / "out" / "extra.txt").read_text() == "kept"
    summary = json.loads((tmp_path / "out" / "training_summary.json").read_text())
    assert summary["training"]["steps"] == 10 and "0.25 x a copy" in summary["training"]["network interpolation"]


def test_interpolation_refuses_different_architectures_and_bad_alpha(tmp_path):
    decoder_folder(tmp_path / "base")
    decoder_folder(tmp_path / "wider", widths=(4, 8, 8, 32))
    result = interpolate(tmp_path / "base", tmp_path / "wider", tmp_path / "out", "--alpha", "0.5")
    assert result.returncode != 0 and "do not share an architecture" in result.stderr
    result = interpolate(tmp_path / "base", tmp_path / "base", tmp_path / "out2", "--alpha", "1.5")
    assert result.returncode != 0 and "--alpha must lie in [0, 1]" in result.stderr


def test_several_tuned_copies_are_averaged_before_the_blend(tmp_path):
    base = decoder_folder(tmp_path / "base")
    a, b = decoder_folder(tmp_path / "a", seed=1), decoder_folder(tmp_path / "b", seed=2)
    result = interpolate(tmp_path / "base", tmp_path / "a", tmp_path / "b", tmp_path / "out", "--alpha", "0.5")
    assert result.returncode == 0, result.stderr
    blended = StyleDecoder.from_pretrained(tmp_path / "out" / "decoder").state_dict()
    for name, value in blended.items():
        soup = (a.state_dict()[name] + b.state_dict()[name]) / 2
        assert torch.allclose(value, 0.5 * base.state_dict()[name] + 0.5 * soup, atol=1e-6), name
    summary = json.loads((tmp_path / "out" / "training_summary.json").read_text())
    assert "the average of 2 copies" in summary["training"]["network interpolation"]
