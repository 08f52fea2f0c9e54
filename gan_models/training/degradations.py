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


# ---- inpainting masks --------------------------------------------------------------------------
STROKE_WIDTHS = {"thin": (0.01, 0.03), "medium": (0.03, 0.07), "thick": (0.07, 0.15)}
MASK_KINDS = ("thin", "medium", "thick", "box")


def random_mask(height, width, rng, kind=None, max_coverage=0.5):
    """A random hole mask (float32 HxW, 1 = hole) of one family: thin / medium / thick strokes or boxes.

    Strokes are random walks drawn with round joints (LaMa-style); boxes are 1-3 rectangles.
    Coverage is kept between 1% and `max_coverage` of the image.
    """
    import numpy as np
    from PIL import Image, ImageDraw

    kind = kind or MASK_KINDS[rng.integers(len(MASK_KINDS))]
    side = min(height, width)
    for _ in range(20):
        mask = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(mask)
        if kind == "box":
            for _ in range(rng.integers(1, 4)):
                w, h = (rng.uniform(0.1, 0.5, 2) * (width, height)).astype(int)
                x, y = rng.integers(0, max(1, width - w)), rng.integers(0, max(1, height - h))
                draw.rectangle([x, y, x + w, y + h], fill=255)
        else:
            low, high = STROKE_WIDTHS[kind]
            for _ in range(rng.integers(1, 5)):
                stroke_width = max(1, int(rng.uniform(low, high) * side))
                points = [tuple(rng.uniform(0, 1, 2) * (width, height))]
                angle = rng.uniform(0, 2 * np.pi)
                for _ in range(rng.integers(2, 8)):
                    angle += rng.uniform(-1.2, 1.2)
                    step = rng.uniform(0.1, 0.35) * side
                    x = float(np.clip(points[-1][0] + step * np.cos(angle), 0, width - 1))
                    y = float(np.clip(points[-1][1] + step * np.sin(angle), 0, height - 1))
                    points.append((x, y))
                draw.line(points, fill=255, width=stroke_width, joint="curve")
                r = stroke_width / 2
                for x, y in (points[0], points[-1]):
                    draw.ellipse([x - r, y - r, x + r, y + r], fill=255)
        array = (np.asarray(mask) > 127).astype(np.float32)
        if 0.01 <= array.mean() <= max_coverage:
            return array
    return array if array.mean() <= max_coverage else np.zeros_like(array)


def random_masks(batch, height, width, rng, kind=None):
    import numpy as np

    masks = np.stack([random_mask(height, width, rng, kind) for _ in range(batch)])
    return torch.from_numpy(masks).unsqueeze(1)
