"""Old-photo restoration: detect damage -> inpaint it -> light clean-up -> colorize (if B&W or sepia) -> upscale
(optional)."""
import os

import numpy as np
import torch
from PIL import Image, ImageOps

from ..errors import InvalidInputError
from ..image_io import check_size, to_rgb
from ..models import UNetGenerator
from .base import BasePipeline, ImagePipelineOutput, resolve_folder
from .colorization import ColorizationPipeline
from .damage_detection import DamageDetectionPipeline
from .inpainting import InpaintingPipeline
from .masks import prepare_mask
from .upscale import UpscalePipeline
from .resize import fit_within


def is_monochrome(rgb, max_chroma_spread=6.0):
    """True for gray and toned (sepia, cyanotype) photos: their a/b chroma hardly varies."""
    from ..color import rgb_to_lab
    from .resize import pil_to_tensor

    small = rgb.copy()
    small.thumbnail((256, 256))
    lab = rgb_to_lab(pil_to_tensor(small))[0]
    return bool(lab[1].std() < max_chroma_spread and lab[2].std() < max_chroma_spread)


def clean_up(rgb):
    """Undo fading (stretch levels, 0.5% clipped at each end) and soften grain (edge-preserving filter)."""
    import cv2

    stretched = ImageOps.autocontrast(rgb, cutoff=0.5, preserve_tone=True)
    smooth = cv2.bilateralFilter(np.asarray(stretched), d=5, sigmaColor=18, sigmaSpace=3)
    return Image.fromarray(smooth)


# (pipeline_config.json key, attribute, class) of the pipelines the chain borrows
SUB_PIPELINES = (("inpainting", "inpainting", InpaintingPipeline), ("colorization", "colorization", ColorizationPipeline),
                 ("upscale", "upscaling", UpscalePipeline))


class OldPhotoRestorationPipeline(BasePipeline):
    """`pipe(image=scan).images[0]` is the restored photo at the scan's size.

    Stages: the damage detector finds scratches, dust, creases and torn paper (or `mask_image` gives
    the mask, e.g. the detected one corrected by hand); inpainting fills it; a clean-up stretches faded
    levels and softens grain; colorization runs when `colorize` is True, or "auto" and the photo is
    black-and-white or toned; `upscale=2` enlarges the result as the last stage. `return_intermediates=True` adds
    the mask and every stage to `.extras`.

    The folder holds the detector; `inpainting`, `colorization` and `upscale` in pipeline_config.json point to
    their pipeline folders (relative paths or Hub repo ids), so the bundle shares the other tasks' weights (a
    missing local upscale folder only disables that stage).
    """

    components = {"detector": UNetGenerator}
    optional_components = ()
    default_config = {"inpainting": "../inpainting", "colorization": "../colorization", "upscale": "../upscale",
                      "working_size": 768, "threshold": 0.5, "grow": 1, "inpaint_size": 512,
                      **{key: value for key, value in DamageDetectionPipeline.default_config.items()
                         if key.startswith("line_")}}

    def __init__(self, inpainting_pipeline=None, colorization_pipeline=None, upscale_pipeline=None, **kwargs):
        super().__init__(**kwargs)
        self.detection = DamageDetectionPipeline(detector=self.detector, **{
            key: self.config[key] for key in DamageDetectionPipeline.default_config})
        self.inpainting, self.colorization = inpainting_pipeline, colorization_pipeline
        self.upscaling = upscale_pipeline

    @classmethod
    def from_pretrained(cls, source, torch_dtype=None, device=None, **kwargs):
        pipe = super().from_pretrained(source, torch_dtype=torch_dtype, device=device, **kwargs)
        folder = resolve_folder(str(source))
        for name, attribute, pipeline_class in SUB_PIPELINES:
            reference = pipe.config[name]
            local = os.path.normpath(os.path.join(folder, reference))
            if name == "upscale" and reference.startswith(".") and not os.path.isdir(local):
                continue
            sub = pipeline_class.from_pretrained(local if reference.startswith(".") else reference,
                                                 torch_dtype=torch_dtype, device=device, load_discriminator=False)
            setattr(pipe, attribute, sub)
        return pipe

    def save_pretrained(self, save_directory, variant=None, model_card=None, embed=False):
        """`embed=True` writes the inpainting and colorization pipelines inside the folder (for the Hub)."""
        saved_config = dict(self.config)
        if embed:
            for name, attribute, _ in SUB_PIPELINES:
                if getattr(self, attribute) is not None:
                    getattr(self, attribute).save_pretrained(os.path.join(save_directory, name), variant=variant)
                    self.config[name] = f"./{name}"
        try:
            super().save_pretrained(save_directory, variant=variant, model_card=model_card)
        finally:
            self.config = saved_config

    def save_for_hub(self, folder):
        self.save_pretrained(folder, embed=True)

    def to(self, device=None, dtype=None):
        super().to(device, dtype)
        for sub in (self.inpainting, self.colorization, self.upscaling):
            if sub is not None:
                sub.to(device, dtype)
        return self

    def repair(self, rgb, mask):
        """Inpaint the damage. Scratches and dust spread over a whole scan would send the inpainting
        pipeline tile by tile over the full photo; instead the scan is inpainted at `inpaint_size` on its
        longer side and only the damaged pixels take the (upsampled) fill, which bounds the cost."""
        size = fit_within(rgb.width, rgb.height, self.config["inpaint_size"])
        if size == rgb.size:
            return self.inpainting.inpaint(rgb, mask)
        small_mask = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.BOX)
        filled = self.inpainting.inpaint(rgb.resize(size, Image.BICUBIC), np.asarray(small_mask) > 0)
        out = np.array(rgb)
        out[mask] = np.asarray(filled.resize(rgb.size, Image.BICUBIC))[mask]
        return Image.fromarray(out)

    @torch.no_grad()
    def __call__(self, image, mask_image=None, colorize="auto", clean=True, upscale=None, return_intermediates=False,
                 return_dict=True):
        if colorize not in (True, False, "auto"):
            raise InvalidInputError(f'colorize must be True, False or "auto", not {colorize!r}.')
        if upscale not in (None, False, 1, 2):
            raise InvalidInputError(f"upscale must be None (off) or 2, not {upscale!r}.")
        if upscale == 2 and self.upscaling is None:
            raise InvalidInputError("This restoration pipeline has no upscale pipeline attached.")
        if self.inpainting is None or self.colorization is None:
            raise InvalidInputError("This restoration pipeline has no inpainting/colorization pipelines attached.")
        outputs, extras = [], {"masks": [], "stages": [], "colorized": []}
        masks = self.as_list(mask_image, "mask") if mask_image is not None else None
        images = self.as_list(image)
        if masks is not None and len(masks) != len(images):
            raise InvalidInputError(f"Got {len(images)} images but {len(masks)} masks; give one mask per image.")
        for index, item in enumerate(images):
            rgb = check_size(to_rgb(item))
            if masks is None:
                mask = np.asarray(self.detection(image=rgb).images[0]) > 127
            else:
                mask = prepare_mask(masks[index], rgb.size)
            stages = {"input": rgb, "mask": Image.fromarray(mask.astype(np.uint8) * 255)}
            current = self.repair(rgb, mask) if mask.any() else rgb
            stages["inpainted"] = current
            if clean:
                current = stages["cleaned"] = clean_up(current)
            wants_color = is_monochrome(rgb) if colorize == "auto" else colorize
            if wants_color:
                current = stages["colorized"] = self.colorization(image=current).images[0]
            if upscale == 2:
                current = stages["upscaled"] = self.upscaling(image=current, scale=2).images[0]
            outputs.append(current)
            extras["masks"].append(stages["mask"])
            extras["colorized"].append(bool(wants_color))
            extras["stages"].append(stages if return_intermediates else {})
        if not return_intermediates:
            extras.pop("stages")
        return ImagePipelineOutput(images=outputs, extras=extras) if return_dict else (outputs,)
