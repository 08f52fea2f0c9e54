"""Old-photo damage detection: which pixels are scratches, dust, creases or torn paper."""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter

from ..image_io import check_size, to_rgb
from ..models import UNetGenerator
from .base import BasePipeline, ImagePipelineOutput
from .resize import channels_last, fit_within, pil_to_tensor


class DamageDetectionPipeline(BasePipeline):
    """`pipe(image=photo).images[0]` is a mode-"L" mask at the photo's size: 255 = damaged.

    The detector sees the photo at up to `working_size` on its longer side (thin scratches need the
    resolution); its probabilities are upsampled, thresholded, and grown by `grow` pixels so the
    inpainting that follows also replaces the damage's soft edges.
    """

    components = {"detector": UNetGenerator}
    optional_components = ()
    default_config = {"working_size": 1024, "threshold": 0.5, "grow": 1}

    @torch.no_grad()
    def __call__(self, image, threshold=None, grow=None, return_dict=True):
        threshold = self.config["threshold"] if threshold is None else float(threshold)
        grow = self.config["grow"] if grow is None else int(grow)
        masks, probabilities = [], []
        for item in self.as_list(image):
            rgb = check_size(to_rgb(item))
            probability = self.probability(rgb)
            mask = Image.fromarray(((probability > threshold) * 255).astype(np.uint8))
            if grow > 0:
                mask = mask.filter(ImageFilter.MaxFilter(2 * grow + 1))
            masks.append(mask)
            probabilities.append(probability)
        if not return_dict:
            return (masks,)
        return ImagePipelineOutput(images=masks, extras={"probabilities": probabilities})

    @torch.no_grad()
    def probability(self, rgb):
        """Damage probability per pixel (float32 HxW in [0, 1]) at the photo's size."""
        work_size = fit_within(rgb.width, rgb.height, self.config["working_size"])
        small = rgb.resize(work_size, Image.BILINEAR) if work_size != rgb.size else rgb
        logits = self.detector(channels_last((pil_to_tensor(small) * 2 - 1).to(self.device, self.dtype))).float().cpu()
        if work_size != rgb.size:
            logits = F.interpolate(logits, size=(rgb.height, rgb.width), mode="bilinear", align_corners=False)
        return torch.sigmoid(logits)[0, 0].numpy()
