"""push_to_hub -> from_pretrained through a loopback Hub stand-in, with the real huggingface_hub client.

huggingface_hub reads HF_ENDPOINT / HF_HOME / HF_HUB_OFFLINE when it is imported, so every client step runs
in its own subprocess; the stand-in (tests/hub_server.py) runs in a thread of the test process.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from hub_server import HubStandIn  # tests/ is on sys.path, as for helpers.py

REPO_ROOT = Path(__file__).resolve().parents[1]
REPO_ID = "alice/colorizer"

CLIENT = r'''
import json, sys
import numpy as np
import torch
from PIL import Image
from gan_models import ColorizationPipeline, PatchGANDiscriminator, UNetGenerator
from gan_models.hub import make_model_card

mode, workdir = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
image = Image.fromarray(rng.integers(0, 256, (24, 40, 3), dtype=np.uint8))  # same input in every step

def save_reference(snap):  # safetensors + npy + json: nothing here is ever unpickled
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in snap["state"].items()}, f"{workdir}/reference.safetensors")
    np.save(f"{workdir}/reference_pixels.npy", snap["pixels"])
    json.dump({"config": snap["config"], "card": snap["card"]}, open(f"{workdir}/reference.json", "w"))

def load_reference():
    from safetensors.torch import load_file
    meta = json.load(open(f"{workdir}/reference.json"))
    return {"state": load_file(f"{workdir}/reference.safetensors"), "config": meta["config"], "card": meta["card"],
            "pixels": np.load(f"{workdir}/reference_pixels.npy")}

def snapshot(pipe):
    return {"state": {f"{name}.{key}": value.clone() for name, module in pipe.modules().items()
                      for key, value in module.state_dict().items()},
            "config": dict(pipe.config), "card": pipe.model_card, "pixels": np.asarray(pipe(image).images[0])}

if mode == "push":
    torch.manual_seed(0)
    pipe = ColorizationPipeline(generator=UNetGenerator(channels=(8, 16)),
                                discriminator=PatchGANDiscriminator(base_channels=8), working_size=64)
    with torch.no_grad():  # random non-trivial weights, so the output really depends on every tensor
        for param in pipe.generator.parameters():
            param.normal_(0, 0.3)
    pipe.model_card = make_model_card("colorization", "ColorizationPipeline", notes="Round-trip test card.")
    info = pipe.push_to_hub("alice/colorizer", commit_message="Upload tiny colorizer")
    save_reference(snapshot(pipe))
    print(json.dumps({"oid": info.oid}))
else:
    ref = load_reference()
    got = snapshot(ColorizationPipeline.from_pretrained("alice/colorizer"))
    report = {
        "keys_equal": sorted(got["state"]) == sorted(ref["state"]),
        "mismatched": [key for key in ref["state"]
                       if key not in got["state"] or not torch.equal(got["state"][key], ref["state"][key])],
        "n_tensors": len(ref["state"]),
        "config": got["config"], "ref_config": ref["config"],
        "card_equal": got["card"] == ref["card"], "card": got["card"],
        "pixels_equal": bool(np.array_equal(got["pixels"], ref["pixels"])),
        "colorful": bool(np.ptp(got["pixels"].astype(int), axis=2).max() > 0),
    }
    if mode == "pull":
        try:
            ColorizationPipeline.from_pretrained("alice/missing")
            report["missing_error"] = None
        except Exception as error:
            report["missing_error"] = type(error).__name__
    print(json.dumps(report))
'''


COMPOSITE_CLIENT = r'''
import json, sys
import numpy as np
sys.path.insert(0, "tests")
from helpers import photo, tiny_restoration_pipeline, tiny_style_pipeline
from gan_models import OldPhotoRestorationPipeline, StyleTransferPipeline

mode, workdir = sys.argv[1], sys.argv[2]
image = photo(40, 30)
def outputs(style, restore):
    return {"style": np.asarray(style(image=image, preset="stripes").images[0]).tolist(),
            "vintage": np.asarray(style(image=image, preset="vintage").images[0]).tolist(),
            "restore": np.asarray(restore(image=image, colorize=True).images[0]).tolist()}
if mode == "push":
    # the reference is the folder as saved (presets are stored as JPEG, so compare after one save/load)
    tiny_style_pipeline().save_pretrained(f"{workdir}/style")
    style, restore = StyleTransferPipeline.from_pretrained(f"{workdir}/style"), tiny_restoration_pipeline()
    style.push_to_hub("alice/style")
    restore.push_to_hub("alice/restore")
    json.dump(outputs(style, restore), open(f"{workdir}/composite.json", "w"))
    print(json.dumps({"ok": True}))
else:
    style = StyleTransferPipeline.from_pretrained("alice/style")
    restore = OldPhotoRestorationPipeline.from_pretrained("alice/restore")
    pulled, pushed = outputs(style, restore), json.load(open(f"{workdir}/composite.json"))
    print(json.dumps({"same": {key: pulled[key] == pushed[key] for key in pushed}, "presets": style.preset_names}))
'''


def run_client(mode, workdir, hf_home, endpoint, offline=False, script=CLIENT):
    env = {key: value for key, value in os.environ.items()
           if not key.upper().endswith("_PROXY") and not key.startswith("HF_")}
    env.update({
        "HF_ENDPOINT": endpoint, "HF_HOME": str(hf_home), "HF_TOKEN": "hf_dummy_token_for_tests",
        "HF_HUB_OFFLINE": "1" if offline else "0", "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_XET": "1",  # the stand-in speaks git-LFS + plain HTTP, not the Xet CAS protocol
        "HF_HUB_DISABLE_PROGRESS_BARS": "1", "NO_PROXY": "127.0.0.1,localhost", "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO_ROOT),
    })
    proc = subprocess.run([sys.executable, "-c", script, mode, str(workdir)], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{mode} failed:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_report(report):
    assert report["keys_equal"] and report["n_tensors"] > 0
    assert report["mismatched"] == []
    assert report["config"] == report["ref_config"] == {"working_size": 64, "chroma_gain": 1.0, "temperature": None,
                                                      "chroma_smoothing": 0.0}
    assert report["card_equal"] and "# gan_models colorization" in report["card"]
    assert "Round-trip test card." in report["card"]
    assert report["pixels_equal"] and report["colorful"]


def test_push_then_pull_round_trip(tmp_path):
    with HubStandIn() as hub:
        pushed = run_client("push", tmp_path, tmp_path / "hf_push", hub.endpoint)

        repo = hub.repos[REPO_ID]
        assert pushed["oid"] == repo["head"]
        files = repo["commits"][repo["head"]]
        assert {"pipeline_config.json", "README.md", "generator/config.json",
                "generator/diffusion_pytorch_model.safetensors", "discriminator/config.json",
                "discriminator/diffusion_pytorch_model.safetensors"} <= set(files)
        # weights went through preupload -> LFS batch -> PUT -> lfsFile commit; JSON and the card as regular files
        assert all(files[p]["sha256"] for p in files if p.endswith(".safetensors"))
        assert all(files[p]["sha256"] is None for p in files if p.endswith((".json", ".md")))
        assert sum(method == "PUT" for method, _ in hub.requests) == 2

        pull_home = tmp_path / "hf_pull"  # fresh cache: nothing of the push side
        report = run_client("pull", tmp_path, pull_home, hub.endpoint)
        check_report(report)
        snapshots = pull_home / "hub" / "models--alice--colorizer" / "snapshots"
        assert [p.name for p in snapshots.iterdir()] == [repo["head"]]
        assert report["missing_error"] == "RepositoryNotFoundError"

        n_requests = len(hub.requests)
        check_report(run_client("offline", tmp_path, pull_home, hub.endpoint, offline=True))
        assert len(hub.requests) == n_requests, "offline mode still talked to the Hub"
        assert hub.errors == []



def test_style_presets_and_embedded_restoration_round_trip(tmp_path):
    """The style folder carries its presets and vintage net; the restoration folder is pushed self-contained
    (its inpainting and colorization pipelines embedded), so a pull needs nothing else."""
    with HubStandIn() as hub:
        run_client("push", tmp_path, tmp_path / "hf_push", hub.endpoint, script=COMPOSITE_CLIENT)
        style_files = hub.repos["alice/style"]["commits"][hub.repos["alice/style"]["head"]]
        assert {"styles/stripes.jpg", "vintage/config.json", "encoder/config.json", "decoder/config.json"} <= set(
            style_files)
        restore_files = hub.repos["alice/restore"]["commits"][hub.repos["alice/restore"]["head"]]
        assert {"detector/config.json", "inpainting/generator/config.json", "colorization/pipeline_config.json"} <= set(
            restore_files)
        report = run_client("pull", tmp_path, tmp_path / "hf_pull", hub.endpoint, script=COMPOSITE_CLIENT)
        assert report == {"same": {"style": True, "vintage": True, "restore": True}, "presets": ["stripes", "vintage"]}
