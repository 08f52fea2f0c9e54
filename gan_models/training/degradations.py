"""'Augmentation by damage': turn clean photos into (network input, target) pairs on the fly."""
import torch

from ..color import normalize_ab, normalize_l, rgb_to_lab


def to_lab_pair(rgb):
    """RGB in [-1, 1] -> (normalized L, normalized ab): the colorization input and target."""
    lab = rgb_to_lab((rgb + 1) / 2)
    return normalize_l(lab[:, :1]), normalize_ab(lab[:, 1:])


def lab_pair_to_rgb(l_norm, ab_norm):
    from ..color import AB_SCALE, lab_to_rgb

    lab = torch.cat([(l_norm + 1) * 50, ab_norm * AB_SCALE], dim=1)
    return lab_to_rgb(lab) * 2 - 1
