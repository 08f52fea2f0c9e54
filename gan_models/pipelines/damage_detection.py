"""Old-photo damage detection: which pixels are scratches, dust, creases or torn paper."""
import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter

from ..image_io import check_size, to_rgb
from ..models import UNetGenerator
from .base import BasePipeline, ImagePipelineOutput
from .resize import channels_last, fit_within, pil_to_tensor


def line_kernels(length, orientations=16):
    """Averaging kernels along centred straight lines of 2 * `length` + 1 pixels, one per orientation in [0, pi)."""
    kernels = []
    for angle in np.arange(orientations) * np.pi / orientations:
        kernel = np.zeros((2 * length + 1, 2 * length + 1), np.float32)
        dx, dy = length * np.cos(angle), length * np.sin(angle)
        ends = [(int(round((length + sign * dx) * 16)), int(round((length + sign * dy) * 16))) for sign in (-1, 1)]
        cv2.line(kernel, ends[0], ends[1], 1.0, 1, cv2.LINE_AA, shift=4)  # shift 4: sub-pixel end points
        kernels.append(kernel / kernel.sum())
    return kernels


def line_support(probability, length, orientations=16):
    """Per pixel, the highest mean probability along a straight line through it (any orientation)."""
    support = np.zeros_like(probability)
    for kernel in line_kernels(length, orientations):
        np.maximum(support, cv2.filter2D(probability, -1, kernel, borderType=cv2.BORDER_REFLECT), out=support)
    return support


class DamageDetectionPipeline(BasePipeline):
    """`pipe(image=photo).images[0]` is a mode-"L" mask at the photo's size: 255 = damaged.

    The detector sees the photo at up to `working_size` on its longer side (thin scratches need the
    resolution); its probabilities are upsampled, thresholded, and grown by `grow` pixels so the
    inpainting that follows also replaces the damage's soft edges.

    Long faint scratches come out of the detector as weak, broken responses. With `line_length` > 0, a pixel
    whose probability is above `line_low` also counts as damaged when the mean probability along some straight
    line of 2 x `line_length` + 1 pixels (at the working size) through it exceeds `line_support`: a weak
    response that continues a line is kept, an isolated one is not.
    """

    components = {"detector": UNetGenerator}
    optional_components = ()
    default_config = {"working_size": 1024, "threshold": 0.5, "grow": 1,
                      "line_length": 0, "line_low": 0.1, "line_support": 0.35}

    @torch.no_grad()
    def __call__(self, image, threshold=None, grow=None, return_dict=True):
        threshold = self.config["threshold"] if threshold is None else float(threshold)
        grow = self.config["grow"] if grow is None else int(grow)
        masks, probabilities = [], []
        for item in self.as_list(image):
            rgb = check_size(to_rgb(item))
            score = self.score(rgb)
            mask = Image.fromarray(((score > threshold) * 255).astype(np.uint8))
            if grow > 0:
                mask = mask.filter(ImageFilter.MaxFilter(2 * grow + 1))
            masks.append(mask)
            probabilities.append(score)
        if not return_dict:
            return (masks,)
        return ImagePipelineOutput(images=masks, extras={"probabilities": probabilities})

    @torch.no_grad()
    def probability(self, rgb, at_working_size=False):
        """Damage probability per pixel (float32 HxW in [0, 1]) at the photo's size (or at the working size)."""
        work_size = fit_within(rgb.width, rgb.height, self.config["working_size"])
        small = rgb.resize(work_size, Image.BILINEAR) if work_size != rgb.size else rgb
        logits = self.detector(channels_last((pil_to_tensor(small) * 2 - 1).to(self.device, self.dtype))).float().cpu()
        if work_size != rgb.size and not at_working_size:
            logits = F.interpolate(logits, size=(rgb.height, rgb.width), mode="bilinear", align_corners=False)
        return torch.sigmoid(logits)[0, 0].numpy()

    def score(self, rgb):
        """The probability, with weak pixels that continue a line raised to 1 (see the class docstring); what
        `threshold` is applied to."""
        if not self.config["line_length"]:
            return self.probability(rgb)
        probability = self.probability(rgb, at_working_size=True)
        on_line = (probability > self.config["line_low"]) & (
            line_support(probability, int(self.config["line_length"])) > self.config["line_support"])
        score = np.where(on_line, np.float32(1), probability)
        if score.shape != (rgb.height, rgb.width):
            score = cv2.resize(score, rgb.size, interpolation=cv2.INTER_LINEAR)
        return score
