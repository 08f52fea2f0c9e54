"""ONNX Runtime execution of a network on the CPU, exported in memory from the loaded module.

On two CPU cores ONNX Runtime runs our narrow convolution stacks markedly faster than PyTorch eager
(style transfer at 512 px: `benchmarks/speed.py`). The graph is exported from the module as it was loaded
from safetensors, so no ONNX file ships: weights are still only ever read from safetensors. A session is a
snapshot: change the module's weights afterwards and the session no longer follows them, which is why
pipelines build sessions only in `from_pretrained`, never for the modules a trainer is still updating.
"""
import copy
import importlib.util
import io
import warnings

import numpy as np
import torch


def onnxruntime_available():
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


class OnnxModule:
    """`module(x)` for one NCHW float32 tensor in and one out, any height and width, run by ONNX Runtime.

    `module` is copied before export (the export needs parameters without gradients, and the caller's
    module must stay as it is). `threads` defaults to PyTorch's thread count, so both runtimes get the same cores.
    """

    def __init__(self, module, channels, threads=None):
        import onnxruntime

        frozen = copy.deepcopy(module).float().eval().requires_grad_(False)
        buffer = io.BytesIO()
        with warnings.catch_warnings():  # the TorchScript exporter is deprecated but needs no onnxscript
            warnings.simplefilter("ignore")
            torch.onnx.export(frozen, (torch.zeros(1, channels, 64, 64),), buffer, dynamo=False,
                              input_names=["input"], output_names=["output"], opset_version=17,
                              dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}})
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # idle ORT threads would otherwise spin-wait against the PyTorch threads running the steps in between
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])

    def __call__(self, tensor):
        array = np.ascontiguousarray(tensor.detach().float().cpu().numpy())
        return torch.from_numpy(self.session.run(None, {"input": array})[0])
