"""Where a colorization call spends its time: ONNX Runtime's own per-operator profile of the exported network, and
the pipeline's steps around it, on a 512x512 photo.

    python benchmarks/profile_colorization.py [--threads 2] [--runs 20]

The network is profiled twice: as exported before 2026-12-07 (L in; the gray computed inside the graph; "same"
padding computed from the input's shape, so each padded convolution has its own Pad node) and as the pipeline
exports it now (the gray in; constant padding, folded into the convolution where it is symmetric).
"""
import collections
import copy
import json
import os
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from speed import parse_timing_args, test_image, time_call  # noqa: E402

from gan_models import ColorizationPipeline  # noqa: E402
from gan_models.color import denormalize_ab, gray_from_luminance, luminance_array, normalize_l  # noqa: E402
from gan_models.models.colorization_unet import pad_to_multiple  # noqa: E402
from gan_models.models.efficientnet import SamePadConv2d  # noqa: E402
from gan_models.pipelines.colorization import LogitsGraph, reattach_chroma  # noqa: E402
from gan_models.runtime import export_graph, session_options  # noqa: E402


def padded_as_before(conv, x):
    """SamePadConv2d's forward before 2026-12-07: pads from the input's shape, always a separate F.pad."""
    pads = []
    for size, kernel, stride in zip(x.shape[:1:-1], conv.kernel_size[::-1], conv.stride[::-1]):
        total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    return F.conv2d(F.pad(x, pads), conv.weight, conv.bias, conv.stride, 0, conv.dilation, conv.groups)


class LuminanceGraph(torch.nn.Module):
    """The graph as exported before: padded L in, the gray computed inside, shape-computed padding."""

    def __init__(self, network):
        super().__init__()
        self.network = copy.deepcopy(network)
        for module in self.network.modules():
            if isinstance(module, SamePadConv2d):
                module.forward = types.MethodType(padded_as_before, module)

    def forward(self, luminance):
        return self.network.logits(luminance)


def operator_profile(graph, feed, threads, runs):
    """{operator type: ms per run} from ONNX Runtime's profiler, with the same session options as the pipeline's."""
    import onnxruntime

    options = session_options(threads)
    options.enable_profiling = True
    session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    for _ in range(runs):
        session.run(None, feed)
    path = session.end_profiling()
    with open(path) as f:
        events = json.load(f)
    os.remove(path)
    per_type = collections.Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            per_type[event["args"]["op_name"]] += event["dur"] / 1000 / runs
    return per_type


def main():
    args = parse_timing_args(__doc__, runs=20)
    pipe = ColorizationPipeline.from_pretrained(os.path.join(ROOT, "pretrained", "colorization"))
    photo = test_image(512, 512)
    small = photo.resize((256, 256))
    luminance = torch.from_numpy(luminance_array(np.asarray(small)))[None, None]
    padded = pad_to_multiple(luminance, 32)

    print(f"{args.threads} threads, median or mean of {args.runs} runs\n")
    print("## ONNX Runtime, 256x256 network input, ms per run by operator type\n")
    graphs = {"before (L in, shape-computed padding)": (LuminanceGraph(pipe.generator), normalize_l(padded)),
              "now (gray in, constant padding)": (LogitsGraph(pipe.generator), gray_from_luminance(padded) * 2 - 1)}
    profiles = {name: operator_profile(export_graph(module, (torch.zeros(1, 1, 64, 64),))[0], {"input0": x.numpy()},
                                       args.threads, args.runs)
                for name, (module, x) in graphs.items()}
    operators = sorted(set().union(*profiles.values()), key=lambda t: -max(p.get(t, 0) for p in profiles.values()))
    print("| operator | " + " | ".join(profiles) + " |\n|---|" + "---|" * len(profiles))
    for op in operators:
        print(f"| {op} | " + " | ".join(f"{p.get(op, 0):.2f}" for p in profiles.values()) + " |")
    print("| all | " + " | ".join(f"{sum(p.values()):.2f}" for p in profiles.values()) + " |")

    print("\n## The pipeline's steps on a 512x512 photo, median ms\n")
    logits = pipe.onnx(gray_from_luminance(padded) * 2 - 1)
    ab = denormalize_ab(pipe.generator.chroma(logits, 256, 256))
    steps = {
        "whole call": lambda: pipe(image=photo),
        "resize to the working size": lambda: photo.resize((256, 256)),
        "luminance of the small photo": lambda: luminance_array(np.asarray(small)),
        "network (ONNX Runtime, gray included)": lambda: pipe.onnx(gray_from_luminance(padded) * 2 - 1),
        "annealed mean": lambda: pipe.generator.chroma(logits, 256, 256),
        "chroma joined at full resolution": lambda: reattach_chroma(photo, ab),
        "pipe.device + pipe.dtype": lambda: (pipe.device, pipe.dtype),
    }
    print("| step | ms |\n|---|---|")
    for name, step in steps.items():
        print(f"| {name} | {time_call(step, args.runs):.2f} |")


if __name__ == "__main__":
    main()
