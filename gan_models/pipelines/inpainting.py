"""Inpainting: fill the white part of a mask; cost follows the masked area, not the photo area."""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import PatchGANDiscriminator, UNetGenerator, pyramid_fill
from .base import BasePipeline, ImagePipelineOutput
from .masks import bounding_box, prepare_mask
from .resize import channels_last, fit_within, resize_tensor


class InpaintingPipeline(BasePipeline):
    """`pipe(image=photo, mask_image=mask).images[0]` is the photo with the masked pixels filled.

    Only masked pixels change: everything else is returned bit-identical. Two paths:
    - a hole that fits the working size after at most `max_downscale` shrinking (or any thick hole) is
      filled on one crop around it, with context, at the working resolution, then upsampled and pasted;
    - thin marks spread over a large photo (scratches) are filled tile by tile at full resolution,
      visiting only tiles that contain masked pixels.
    With `flip_average` (config) the generator's correction is the mean of its corrections for the crop and
    for its mirror image (a self-ensemble: one batch of two, about twice the network's time).
    `fill_relaxation_steps` (config) smooths the pyramid fill the generator corrects (see `pyramid_fill`); it
    must be what the generator was trained with (0 for folders that predate it).
    """

    components = {"generator": UNetGenerator, "discriminator": PatchGANDiscriminator}
    default_config = {"working_size": 256, "context": 0.5, "max_downscale": 2.0, "tile_margin": 32,
                      "flip_average": False, "fill_relaxation_steps": 0}

    @torch.no_grad()
    def __call__(self, image, mask_image, return_dict=True):
        images, masks = self.as_list(image), self.as_list(mask_image, "mask")
        if len(masks) == 1 and len(images) > 1:
            masks = masks * len(images)
        if len(masks) != len(images):
            raise InvalidInputError(f"Got {len(images)} images but {len(masks)} masks; give one mask per image.")
        outputs, notices = [], []
        for img, msk in zip(images, masks):
            rgb = check_size(to_rgb(img))
            mask = prepare_mask(msk, rgb.size)
            if not mask.any():
                notices.append("The mask is empty: nothing to fill, the photo is returned unchanged.")
                outputs.append(rgb)
                continue
            notices.append("")
            outputs.append(self.inpaint(rgb, mask))
        if not return_dict:
            return (outputs,)
        return ImagePipelineOutput(images=outputs, extras={"notices": notices})

    def inpaint(self, rgb, mask):
        photo = np.array(rgb)
        left, top, right, bottom = bounding_box(mask)
        size = self.config["working_size"]
        # context grows with the hole's geometric-mean side: a long thin scratch needs little of it
        margin = int(self.config["context"] * ((right - left) * (bottom - top)) ** 0.5) + 16
        box = (max(0, left - margin), max(0, top - margin),
               min(rgb.width, right + margin), min(rgb.height, bottom + margin))
        downscale = max(box[2] - box[0], box[3] - box[1]) / size
        if downscale <= self.config["max_downscale"] or self._is_thick(mask[box[1]:box[3], box[0]:box[2]], downscale):
            self._fill_crop(photo, mask[box[1]:box[3], box[0]:box[2]], box)
        else:
            self._fill_tiles(photo, mask)
        return Image.fromarray(photo)

    def _is_thick(self, mask, downscale):
        """True when some working-resolution cell is almost all hole: tiles would lack context there."""
        cell = max(1, int(round(downscale)))
        h, w = (mask.shape[0] // cell) * cell, (mask.shape[1] // cell) * cell
        if h == 0 or w == 0:
            return True
        coverage = mask[:h, :w].reshape(h // cell, cell, w // cell, cell).mean(axis=(1, 3))
        return bool((coverage > 0.9).sum() > 0.02 * coverage.size)

    def _fill_crop(self, photo, crop_mask, box):
        """Fill `crop_mask` (the mask inside `box`) in place in `photo`.

        The pyramid fill runs at the crop's full resolution; the generator's correction is computed at the
        working size and upsampled onto it, so downscaling costs only detail the correction would add.
        """
        left, top, right, bottom = box
        region = photo[top:bottom, left:right]
        rgb = torch.from_numpy(np.ascontiguousarray(region)).permute(2, 0, 1)[None].float().contiguous() / 127.5 - 1
        hole = torch.from_numpy(crop_mask.astype(np.float32))[None, None]
        coarse = pyramid_fill(rgb * (1 - hole), hole, self.config["fill_relaxation_steps"])
        work_width, work_height = fit_within(region.shape[1], region.shape[0], self.config["working_size"])
        small_coarse, small_hole = coarse, hole
        if (work_height, work_width) != tuple(region.shape[:2]):
            small_coarse = resize_tensor(coarse, (work_height, work_width))
            # any hole pixel in a working-size cell makes the cell a hole, so nothing is missed
            small_hole = (F.adaptive_max_pool2d(hole, (work_height, work_width)) > 0).float()
        correction = fill_correction(self.generator, small_coarse.to(self.device, self.dtype),
                                     small_hole.to(self.device, self.dtype), self.config["flip_average"]).float().cpu()
        if correction.shape[-2:] != coarse.shape[-2:]:
            correction = resize_tensor(correction, tuple(coarse.shape[-2:]))
        filled = ((coarse + correction).clamp(-1, 1) + 1) * 127.5 + 0.5
        filled = filled[0].permute(1, 2, 0).to(torch.uint8).numpy()
        region[crop_mask] = filled[crop_mask]

    def _fill_tiles(self, photo, mask):
        tile, margin = self.config["working_size"], self.config["tile_margin"]
        height, width = mask.shape
        for y in range(0, height, tile):
            for x in range(0, width, tile):
                core = mask[y:y + tile, x:x + tile]
                if not core.any():
                    continue
                left, top = max(0, x - margin), max(0, y - margin)
                box = (left, top, min(width, x + tile + margin), min(height, y + tile + margin))
                # only this tile's masked pixels; the others in the margin are left for their own tiles
                crop_mask = np.zeros((box[3] - top, box[2] - left), bool)
                crop_mask[y - top:y - top + core.shape[0], x - left:x - left + core.shape[1]] = core
                self._fill_crop(photo, crop_mask, box)


def fill_correction(generator, coarse, hole, flip_average=False):
    """What the generator adds to a pyramid-filled image (coarse, in [-1, 1]) inside the hole; with
    `flip_average`, averaged with what it adds to the mirrored image (mirrored back)."""
    inputs = torch.cat([coarse, hole], dim=1)
    if not flip_average:
        return generator(channels_last(inputs)) * hole
    both = generator(channels_last(torch.cat([inputs, inputs.flip(-1)])))
    return (both[:1] + both[1:].flip(-1)) / 2 * hole


def fill_hole(generator, image, hole, relaxation_steps=0):
    """The whole model as training sees it: image in [-1, 1] (hole content ignored) -> filled image."""
    coarse = pyramid_fill(image * (1 - hole), hole, relaxation_steps)
    return (coarse + fill_correction(generator, coarse, hole)).clamp(-1, 1)
