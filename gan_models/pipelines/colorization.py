"""Automatic colorization: predict ab from L at a working resolution, re-attach full-resolution L."""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..color import denormalize_ab, lab_to_rgb, normalize_l, rgb_to_lab
from ..image_io import check_size, to_rgb
from ..models import ColorizationUNet, PatchGANDiscriminator, UNetGenerator
from .base import BasePipeline, ImagePipelineOutput
from .resize import fit_within, pil_to_tensor

STRIP_PIXELS = 1 << 20  # full-resolution Lab work is done a strip of about 1 MP at a time


class ColorizationPipeline(BasePipeline):
    """Black-and-white (or colour, converted to gray first) photo in, colour photo out, same size.

    The generator sees the luminance resized so its longer side is `working_size`; its chroma is
    upsampled to the input size and joined to the input's own full-resolution luminance, so fine
    detail is never blurred and memory stays bounded for any input size.

    The generator is a ColorizationUNet (v2: pretrained encoder, colour distribution; `temperature` sets how
    vivid its annealed mean is, None = the network's default) or a v1 UNetGenerator (direct ab regression).
    """

    components = {"generator": (ColorizationUNet, UNetGenerator), "discriminator": PatchGANDiscriminator}
    default_config = {"working_size": 256, "chroma_gain": 1.0, "temperature": None}

    @torch.no_grad()
    def __call__(self, image, chroma_gain=None, temperature=None, return_dict=True):
        gain = self.config["chroma_gain"] if chroma_gain is None else float(chroma_gain)
        temperature = self.config["temperature"] if temperature is None else float(temperature)
        images = [self.colorize(to_rgb(item), gain, temperature) for item in self.as_list(image)]
        return ImagePipelineOutput(images=images) if return_dict else (images,)

    def predict_ab(self, luminance, temperature=None):
        """L in [0, 100], 1x1xhxw -> ab (Lab units), 1x2xhxw, at the same size."""
        options = {"temperature": temperature} if isinstance(self.generator, ColorizationUNet) else {}
        ab = self.generator(normalize_l(luminance).to(self.device, self.dtype), **options)
        return denormalize_ab(ab.float().cpu())

    def colorize(self, rgb, gain, temperature=None):
        check_size(rgb)
        width, height = rgb.size
        small_size = fit_within(width, height, self.config["working_size"])
        small = rgb.resize(small_size, Image.BICUBIC) if small_size != rgb.size else rgb
        ab = self.predict_ab(rgb_to_lab(pil_to_tensor(small))[:, :1], temperature) * gain
        return reattach_chroma(rgb, ab)


def reattach_chroma(rgb, ab):
    """Join low-resolution chroma `ab` (1x2xhxw) to the luminance of full-resolution `rgb` (PIL)."""
    width, height = rgb.size
    source = np.asarray(rgb)
    out = np.empty_like(source)
    rows_per_strip = max(1, STRIP_PIXELS // width)
    xs = (torch.arange(width, dtype=torch.float32) + 0.5) / width * 2 - 1
    for top in range(0, height, rows_per_strip):
        bottom = min(height, top + rows_per_strip)
        ys = (torch.arange(top, bottom, dtype=torch.float32) + 0.5) / height * 2 - 1
        grid = torch.stack(torch.meshgrid(ys, xs, indexing="ij")[::-1], dim=-1).unsqueeze(0)
        strip_ab = F.grid_sample(ab, grid, mode="bilinear", padding_mode="border", align_corners=False)
        strip = torch.tensor(source[top:bottom]).permute(2, 0, 1).unsqueeze(0).float() / 255.0
        lab = torch.cat([rgb_to_lab(strip)[:, :1], strip_ab], dim=1)
        out[top:bottom] = (lab_to_rgb(lab)[0].permute(1, 2, 0) * 255 + 0.5).to(torch.uint8).numpy()
    return Image.fromarray(out)
