"""The library builds as a wheel that declares its dependencies and extras and ships no weights.

The build runs on a copy of the source tree (setuptools builds in place and would leave build/ and
*.egg-info/ in the checkout), with the installed setuptools when there is one, so it works offline.
"""
import email
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Never copied: local environments, data, runs and caches (none of them is part of the package).
SKIP = shutil.ignore_patterns(".git", ".venv", "data", "runs", "artifacts", "__pycache__", ".pytest_cache", ".gradio",
                              "build", "*.egg-info", "node_modules", ".device_carry")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--disable-pip-version-check",
               "-q", "-w", str(tmp / "dist")]
    try:
        import setuptools  # noqa: F401
        import wheel  # noqa: F401

        command.append("--no-build-isolation")  # no download: build with the installed backend
    except ImportError:
        pass
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (path,) = (tmp / "dist").glob("gan_models-*.whl")
    return path


def metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_string(archive.read(name).decode())


def requirement_names(lines):
    """{name: marker or ''} from Requires-Dist lines such as 'gradio>=6.0; extra == "app"'."""
    names = {}
    for line in lines:
        requirement, _, marker = line.partition(";")
        name = requirement.split("[")[0]
        for stop in "<>=!~ (":
            name = name.split(stop)[0]
        names.setdefault(name.strip().lower().replace("_", "-"), []).append(marker.strip())
    return names


def test_wheel_holds_the_library_and_no_weights(wheel):
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
    assert "gan_models/__init__.py" in files
    assert "gan_models/pipelines/colorization.py" in files
    assert not [f for f in files if f.endswith((".safetensors", ".onnx", ".bin", ".pt", ".pth"))]
    assert not [f for f in files if f.startswith(("pretrained/", "examples/", "tests/", "data/"))
                or "/pretrained/" in f]
    assert os.path.getsize(wheel) < 2 * 1024 * 1024, "the wheel should be code only"


def test_wheel_metadata_lists_dependencies_and_extras(wheel):
    meta = metadata(wheel)
    requires = requirement_names(meta.get_all("Requires-Dist") or [])
    runtime = {name for name, markers in requires.items() if "" in markers}
    assert {"torch", "diffusers", "accelerate", "safetensors", "huggingface-hub", "pillow", "numpy",
            "tqdm"} <= runtime
    pinned = [line for line in meta.get_all("Requires-Dist") if "==" in line.partition(";")[0]]
    assert not pinned, "lower bounds here; the pinned set is requirements*.txt"
    assert {"app", "train", "dev"} <= set(meta.get_all("Provides-Extra") or [])

    def extra(name):
        return {req for req, markers in requires.items() if any(f'extra == "{name}"' in m for m in markers)}

    assert {"gradio", "onnxruntime", "onnx"} <= extra("app")
    assert {"tensorboard", "datasets", "onnx", "opencv-python-headless"} <= extra("train")
    assert extra("app") | extra("train") | {"pytest", "gradio-client", "playwright"} <= extra("dev")


def test_pyproject_names_its_build_backend():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        build = tomllib.load(handle)["build-system"]
    assert build["build-backend"] == "setuptools.build_meta"
    assert any(req.startswith("setuptools") for req in build["requires"])
