"""Enhance: x2 / x4 super-resolution of small, soft, noisy scans, tile by tile so memory stays bounded."""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import CompactUpscaler, PatchGANDiscriminator
from .base import BasePipeline, ImagePipelineOutput

SCALES = (2, 4)


class UpscalePipeline(BasePipeline):
    """Photo in, photo `scale` times larger out (exactly), sharpened and cleaned of noise and JPEG blocks.

    The network runs on `tile_size` x `tile_size` pieces of the input, each read with a margin wider than the
    network's receptive field and cropped back, so the pieces join without seams and the result equals an
    untiled run. A x4 network serves x2 too: its result is averaged down over 2x2 pixels (supersampling).
    """

    components = {"upscaler": CompactUpscaler, "discriminator": PatchGANDiscriminator}
    default_config = {"tile_size": 192, "max_output_pixels": 48_000_000}

    @torch.no_grad()
    def __call__(self, image, scale=4, return_dict=True):
        if scale not in SCALES or scale > self.upscaler.config.scale:
            raise InvalidInputError(f"scale must be one of {[s for s in SCALES if s <= self.upscaler.config.scale]}, "
                                    f"not {scale!r}.")
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
        tile, margin = self.config["tile_size"], self.upscaler.receptive_radius + 2
        for top in range(0, height, tile):
            for left in range(0, width, tile):
                bottom, right = min(height, top + tile), min(width, left + tile)
                t0, l0 = max(0, top - margin), max(0, left - margin)
                b1, r1 = min(height, bottom + margin), min(width, right + margin)
                piece = self.run(source[t0:b1, l0:r1], scale)
                out[top * scale:bottom * scale, left * scale:right * scale] = piece[
                    (top - t0) * scale:(bottom - t0) * scale, (left - l0) * scale:(right - l0) * scale]
        return Image.fromarray(out)

    def run(self, array, scale):
        """uint8 h x w x 3 -> uint8 (scale h) x (scale w) x 3 through the network."""
        x = torch.from_numpy(np.array(array)).permute(2, 0, 1)[None].float() / 127.5 - 1
        y = self.upscaler(x.to(self.device, self.dtype)).float()
        if scale != self.upscaler.config.scale:
            y = F.avg_pool2d(y, self.upscaler.config.scale // scale)
        return ((y[0].clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(1, 2, 0).cpu().numpy()
