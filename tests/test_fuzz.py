"""Bad-input fuzz suite: the 33 cases of fuzz_cases.py through every entry point.

Python pipelines raise InvalidInputError (and nothing else) for the bad ones and return a result of the
right size for the good ones; the app answers each with a result or a clear message and keeps serving;
the CLI writes the good ones and lists the bad ones.
"""
import os
import subprocess
import sys

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from fuzz_cases import CASES, write_cases
from gan_models import InvalidInputError
from gan_models.sources import load_pipeline
from helpers import photo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDS = [name for name, *_ in CASES]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return write_cases(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def good_photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "photo.png"
    photo(96, 64).save(path)
    return str(path)


@pytest.fixture(scope="module")
def pipelines():
    return {task: load_pipeline(task) for task in ("colorization", "inpainting", "style_transfer", "restoration")}


def half_mask(size):
    mask = Image.new("L", size, 0)
    mask.paste(255, (0, 0, max(1, size[0] // 2), max(1, size[1] // 3)))
    return mask


def calls(pipes, path):
    """Every Python entry point for one input file, as (label, function returning a PIL image, size)."""
    good = photo(96, 64)
    return [
        ("colorize", lambda: pipes["colorization"](image=path).images[0]),
        ("inpaint image", lambda: pipes["inpainting"](image=path, mask_image=half_mask((64, 48))).images[0]),
        ("inpaint mask", lambda: pipes["inpainting"](image=good, mask_image=path).images[0]),
        ("stylize content", lambda: pipes["style_transfer"](image=path, preset="vintage").images[0]),
        ("stylize style", lambda: pipes["style_transfer"](image=good, style_image=path).images[0]),
        ("restore", lambda: pipes["restoration"](image=path).images[0]),
    ]


@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
def test_pipelines(pipelines, cases, index):
    path, expectation, size = cases[index]
    for label, call in calls(pipelines, path):
        is_reference = label in ("inpaint mask", "stylize style")  # the case is the mask or style, not the photo
        if expectation == "error":
            # a mask only needs to be readable (any size); a style image needs 16 px per side
            tolerant = label == "inpaint mask" and IDS[index] in ("one_by_one.png", "two_by_two.png",
                                                                   "one_by_10000.png", "10000_by_one.png")
            if tolerant:
                assert call().size == (96, 64), label
                continue
            with pytest.raises(InvalidInputError):
                call()
            continue
        if label == "stylize style" and min(size) < 16:
            with pytest.raises(InvalidInputError, match="at least 16"):
                call()
            continue
        result = call()
        assert result.size == ((96, 64) if is_reference else size), label
        assert result.mode == "RGB"


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def app_calls(client, path, good):
    return [
        ("/colorize", lambda: client.predict(handle_file(path), 1.0, api_name="/colorize")),
        ("/inpaint image", lambda: client.predict(handle_file(path), handle_file(good), api_name="/inpaint")),
        ("/inpaint mask", lambda: client.predict(handle_file(good), handle_file(path), api_name="/inpaint")),
        ("/stylize content", lambda: client.predict(handle_file(path), None, "vintage", 1.0, False,
                                                    api_name="/stylize")),
        ("/stylize style", lambda: client.predict(handle_file(good), handle_file(path), "(my style image)", 1.0,
                                                  False, api_name="/stylize")),
        ("/restore", lambda: client.predict(handle_file(path), "auto", True, api_name="/restore")),
    ]


@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
def test_app_endpoints(client, cases, good_photo, index):
    path, expectation, size = cases[index]
    for label, call in app_calls(client, path, good_photo):
        try:
            result = call()
        except AppError as err:
            message = str(err)
            assert len(message) > 15 and "traceback" not in message.lower(), (label, message)
            continue
        download = result[-1]
        with Image.open(download) as image:
            assert image.format == "PNG", label
        assert expectation == "ok" or label == "/inpaint mask", f"{label} accepted a bad input {IDS[index]}"


def test_app_still_serves_after_the_fuzzing(client, good_photo):
    _, download = client.predict(handle_file(good_photo), 1.0, api_name="/colorize")
    assert Image.open(download).size == (96, 64)


@pytest.mark.parametrize("command, extra", [("colorize", []), ("restore", []), ("stylize", ["--preset", "vintage"])])
def test_cli_over_the_whole_corpus(cases, tmp_path, command, extra):
    folder = os.path.dirname(cases[0][0])
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ROOT, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "gan_models", command, folder, "-o", str(tmp_path), *extra],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    suffix = {"colorize": "colorized", "restore": "restored", "stylize": "stylized"}[command]
    for path, expectation, size in cases:
        stem = os.path.splitext(os.path.basename(path))[0]
        out = tmp_path / f"{stem}_{suffix}.png"
        if expectation == "ok":
            assert Image.open(out).size == size, path
        else:
            assert not out.exists() and f"{path}:" in result.stdout, path
    ok = sum(e == "ok" for _, e, _ in cases)
    assert f"{ok} of {len(cases)} image(s) written" in result.stdout
