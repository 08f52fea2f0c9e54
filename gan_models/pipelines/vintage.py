"""The "vintage photo" look as a learned generator (trained on synthetic aged prints)."""
import torch
from PIL import Image

from ..image_io import check_size, to_rgb
from ..models import PatchGANDiscriminator, UNetGenerator
from .base import BasePipeline, ImagePipelineOutput
from .resize import channels_last, fit_within, pil_to_tensor, resize_tensor, tensor_to_pil


def vintage_inputs(rgb, seed=0):
    """RGB [-1, 1] -> the vintage generator's input: RGB, a grain-noise plane, and the distance from
    the centre (for the vignette), both sized to this picture."""
    n, _, h, w = rgb.shape
    generator = torch.Generator().manual_seed(int(seed))
    noise = torch.randn(n, 1, h, w, generator=generator).to(rgb.device, rgb.dtype)
    ys = torch.linspace(-1, 1, h, device=rgb.device, dtype=rgb.dtype).view(1, 1, h, 1)
    xs = torch.linspace(-1, 1, w, device=rgb.device, dtype=rgb.dtype).view(1, 1, 1, w)
    radius = ((xs ** 2 + ys ** 2) / 2).sqrt().expand(n, 1, h, w)
    return torch.cat([rgb, noise, radius * 2 - 1], dim=1)


def working_tensor(image, max_size, device, dtype):
    """PIL -> ([-1, 1] tensor at most `max_size` on the longer side, whether it was shrunk)."""
    size = fit_within(image.width, image.height, max_size)
    small = image.resize(size, Image.BICUBIC) if size != image.size else image
    return (pil_to_tensor(small) * 2 - 1).to(device, dtype), size != image.size


def to_full_size(out, image, resized):
    """[-1, 1] tensor -> PIL at `image`'s size."""
    out = (out.float().cpu() + 1) / 2
    if resized:
        out = resize_tensor(out, (image.height, image.width))
    return tensor_to_pil(out)


@torch.no_grad()
def apply_vintage(generator, image, strength=1.0, seed=0, max_size=1024):
    device, dtype = next(generator.parameters()).device, next(generator.parameters()).dtype
    work, resized = working_tensor(image, max_size, device, dtype)
    out = generator(channels_last(vintage_inputs(work, seed)))
    return to_full_size(strength * out + (1 - strength) * work, image, resized)


class VintagePipeline(BasePipeline):
    """`pipe(image=photo, strength=1.0).images[0]`: the photo as a faded, warm, grainy, vignetted print."""

    components = {"generator": UNetGenerator, "discriminator": PatchGANDiscriminator}
    default_config = {"max_size": 1024}

    @torch.no_grad()
    def __call__(self, image, strength=1.0, seed=0, return_dict=True):
        images = [apply_vintage(self.generator, check_size(to_rgb(item)), float(strength), seed,
                                self.config["max_size"]) for item in self.as_list(image)]
        return ImagePipelineOutput(images=images) if return_dict else (images,)
