"""Inpainting: fill the white part of a mask; cost follows the masked area, not the photo area."""
import numpy as np
import torch
from PIL import Image

from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import PatchGANDiscriminator, UNetGenerator
from .base import BasePipeline, ImagePipelineOutput
from .masks import bounding_box, prepare_mask
from .resize import fit_within, pil_to_tensor, tensor_to_pil


class InpaintingPipeline(BasePipeline):
    """`pipe(image=photo, mask_image=mask).images[0]` is the photo with the masked pixels filled.

    Only masked pixels change: everything else is returned bit-identical. Two paths:
    - a hole that fits the working size after at most `max_downscale` shrinking (or any thick hole) is
      filled on one crop around it, with context, at the working resolution, then upsampled and pasted;
    - thin marks spread over a large photo (scratches) are filled tile by tile at full resolution,
      visiting only tiles that contain masked pixels.
    """

    components = {"generator": UNetGenerator, "discriminator": PatchGANDiscriminator}
    default_config = {"working_size": 256, "context": 0.5, "max_downscale": 2.0, "tile_margin": 32}

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
        """Fill `crop_mask` (the mask inside `box`) in place in `photo`."""
        left, top, right, bottom = box
        crop = Image.fromarray(photo[top:bottom, left:right])
        work_size = fit_within(crop.width, crop.height, self.config["working_size"])
        small = crop.resize(work_size, Image.BICUBIC) if work_size != crop.size else crop
        small_mask = Image.fromarray(crop_mask.astype(np.uint8) * 255)
        if work_size != crop.size:
            small_mask = small_mask.resize(work_size, Image.BILINEAR)
        filled = self.predict(small, np.asarray(small_mask) > 0)
        if filled.size != crop.size:
            filled = filled.resize(crop.size, Image.BICUBIC)
        region = photo[top:bottom, left:right]
        region[crop_mask] = np.asarray(filled)[crop_mask]

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

    def predict(self, image, mask):
        """Run the generator on a working-size crop; returns the composite (known pixels kept)."""
        rgb = pil_to_tensor(image) * 2 - 1
        hole = torch.from_numpy(mask.astype(np.float32))[None, None]
        inputs = torch.cat([rgb * (1 - hole), hole], dim=1).to(self.device, self.dtype)
        output = self.generator(inputs).float().cpu()
        composite = output * hole + rgb * (1 - hole)
        return tensor_to_pil((composite + 1) / 2)

