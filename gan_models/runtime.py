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


def require_onnxruntime():
    if not onnxruntime_available():
        raise ImportError("ONNX Runtime execution needs `pip install onnx onnxruntime`.")


def check_runtime(runtime):
    """A pipeline's `runtime` choice: "onnxruntime", "torch", or "auto" (ONNX Runtime when it is installed and
    the pipeline runs on the CPU in float32)."""
    from .errors import InvalidInputError

    if runtime not in ("auto", "torch", "onnxruntime"):
        raise InvalidInputError(f"runtime must be 'auto', 'torch' or 'onnxruntime', got {runtime!r}.")


def wants_onnxruntime(runtime, pipe):
    on_cpu = pipe.device.type == "cpu" and pipe.dtype == torch.float32
    return runtime == "onnxruntime" or (runtime == "auto" and on_cpu and onnxruntime_available())


class OnnxModule:
    """`module(*tensors)` for NCHW float32 tensors in and out (any height and width; 2-D inputs of a fixed size
    too), run by ONNX Runtime.

    `example_inputs` (tensors of the right channels and relative sizes) trace the graph; one output comes
    back as a tensor, several as a tuple. `module` is copied before export (the export needs parameters
    without gradients, and the caller's module must stay as it is). `threads` defaults to PyTorch's thread
    count, so both runtimes get the same cores.
    """

    def __init__(self, module, example_inputs, threads=None):
        import onnxruntime

        graph, self.single = export_graph(module, example_inputs)
        self.session = onnxruntime.InferenceSession(graph, session_options(threads), providers=["CPUExecutionProvider"])

    def __call__(self, *tensors):
        feed = {f"input{i}": np.ascontiguousarray(t.detach().float().cpu().numpy()) for i, t in enumerate(tensors)}
        outputs = [torch.from_numpy(array) for array in self.session.run(None, feed)]
        return outputs[0] if self.single else tuple(outputs)


def export_graph(module, example_inputs):
    """(ONNX graph bytes, whether the module returns one tensor) for `module` traced on `example_inputs`; the
    height and width of every image input and output are left free."""
    frozen = copy.deepcopy(module).float().eval().requires_grad_(False)
    with torch.no_grad():
        outputs = frozen(*example_inputs)
    single = torch.is_tensor(outputs)
    input_names = [f"input{i}" for i in range(len(example_inputs))]
    output_names = [f"output{i}" for i in range(1 if single else len(outputs))]
    tensors = list(example_inputs) + ([outputs] if single else list(outputs))
    image_axes = {name: {2: f"{name}_h", 3: f"{name}_w"}  # images only: a vector input keeps its size
                  for name, t in zip(input_names + output_names, tensors) if t.dim() == 4}
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter is deprecated but needs no onnxscript
        warnings.simplefilter("ignore")
        torch.onnx.export(frozen, tuple(example_inputs), buffer, dynamo=False, input_names=input_names,
                          output_names=output_names, opset_version=17, dynamic_axes=image_axes)
    return buffer.getvalue(), single


def session_options(threads=None):
    """ONNX Runtime session options: `threads` (default PyTorch's count) for one operator, none idling on a spin."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # idle ORT threads would otherwise spin-wait against the PyTorch threads running the steps in between
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options
