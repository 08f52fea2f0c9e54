"""Enhance: x2 / x4 super-resolution of small, soft, noisy scans, tile by tile so memory stays bounded."""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import CompactUpscaler, PatchGANDiscriminator
from ..runtime import OnnxModule, check_runtime, require_onnxruntime, wants_onnxruntime
from .base import BasePipeline, ImagePipelineOutput

SCALES = (2, 4)


class UpscalePipeline(BasePipeline):
    """Photo in, photo `scale` times larger out (exactly), sharpened and cleaned of noise and JPEG blocks.

    The network runs on `tile_size` x `tile_size` pieces of the input, each read with a margin wider than the
    network's receptive field and cropped back, so the pieces join without seams and the result equals an
    untiled run. x2 has its own network (`upscaler_x2`, four times cheaper: it runs at half the input's resolution)
    where the folder has one; otherwise the x4 network serves x2 too, its result averaged over 2x2 pixels.
    `from_pretrained(..., runtime="onnxruntime")` runs the networks through ONNX Runtime on the CPU; the default is
    PyTorch, which measured faster here on these tiles (`benchmarks/results/upscale.md`).
    """

    components = {"upscaler": CompactUpscaler, "upscaler_x2": CompactUpscaler, "discriminator": PatchGANDiscriminator}
    optional_components = ("discriminator", "upscaler_x2")
    default_config = {"tile_size": 512, "max_output_pixels": 48_000_000}  # smaller tiles spend more time in margins

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.onnx = None  # {component name: OnnxModule} once use_onnxruntime() ran

    @classmethod
    def from_pretrained(cls, source, runtime="torch", **kwargs):
        check_runtime(runtime)
        pipe = super().from_pretrained(source, **kwargs)
        if wants_onnxruntime(runtime, pipe):
            pipe.use_onnxruntime()
        return pipe

    def use_onnxruntime(self, enabled=True):
        """Run the upscaling networks through ONNX Runtime on the CPU (float32), exported from the weights as they
        are now: call again after changing them."""
        self.onnx = None
        if enabled:
            require_onnxruntime()
            self.onnx = {name: OnnxModule(getattr(self, name), (torch.zeros(1, 3, 32, 32),))
                         for name in ("upscaler", "upscaler_x2") if getattr(self, name) is not None}
        return self

    @property
    def scales(self):
        return [s for s in SCALES if s <= self.upscaler.config.scale or (s == 2 and self.upscaler_x2 is not None)]

    def network_name(self, scale):
        return "upscaler_x2" if scale == 2 and self.upscaler_x2 is not None else "upscaler"

    @torch.no_grad()
    def __call__(self, image, scale=4, return_dict=True):
        if scale not in self.scales:
            raise InvalidInputError(f"scale must be one of {self.scales}, not {scale!r}.")
        images = [self.upscale(to_rgb(item), int(scale)) for item in self.as_list(image)]
        return ImagePipelineOutput(images=images) if return_dict else (images,)

    def upscale(self, rgb, scale):
        check_size(rgb)
        width, height = rgb.size
        if width * height * scale * scale > self.config["max_output_pixels"]:
            raise InvalidInputError(f"A {width}x{height} photo at x{scale} would be {width * scale}x{height * scale} "
                                    f"pixels, more than this server makes ({self.config['max_output_pixels'] / 1e6:.0f}"
                                    " MP): choose x2 or a smaller photo.")
        source = np.asarray(rgb)
        out = np.empty((height * scale, width * scale, 3), np.uint8)
        name = self.network_name(scale)
        net = getattr(self, name)
        # tiles start on the unshuffle grid (even offsets for x2), so every tile sees the pixel blocks a whole run sees
        block = net.config.unshuffle
        tile, margin = -(-self.config["tile_size"] // block) * block, -(-(net.receptive_radius + 2) // block) * block
        for top in range(0, height, tile):
            for left in range(0, width, tile):
                bottom, right = min(height, top + tile), min(width, left + tile)
                t0, l0 = max(0, top - margin), max(0, left - margin)
                b1, r1 = min(height, bottom + margin), min(width, right + margin)
                piece = self.run(name, source[t0:b1, l0:r1], scale)
                out[top * scale:bottom * scale, left * scale:right * scale] = piece[
                    (top - t0) * scale:(bottom - t0) * scale, (left - l0) * scale:(right - l0) * scale]
        return Image.fromarray(out)

    def run(self, name, array, scale):
        """uint8 h x w x 3 -> uint8 (scale h) x (scale w) x 3 through the network `name`."""
        net = getattr(self, name)
        x = torch.from_numpy(np.array(array)).permute(2, 0, 1)[None].float() / 127.5 - 1
        if self.onnx is not None and self.device.type == "cpu" and self.dtype == torch.float32:
            y = self.onnx[name](x)
        else:
            y = net(x.to(self.device, self.dtype)).float()
        if scale != net.config.scale:
            y = F.avg_pool2d(y, net.config.scale // scale)
        return ((y[0].clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(1, 2, 0).cpu().numpy()
