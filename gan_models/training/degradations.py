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


# ---- old-photo damage --------------------------------------------------------------------------
def synthetic_old_photo(image, rng, severity=1.0, reference_side=None):
    """Age a clean PIL photo: fading, sepia or gray tone, blur, grain, JPEG, then physical damage
    (scratches, dust, creases, a torn corner, stains) whose pixels are returned as a mask.

    Damage is sized for a print whose shorter side is `reference_side` pixels (default: this image's), so a
    training crop can carry the scratches and tears of a larger scan.

    Returns (damaged PIL RGB, mask bool HxW with True where the picture content was destroyed).
    """
    import io

    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    width, height = image.size
    photo = image.convert("RGB")
    if rng.random() < 0.7:
        photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5) * severity))
    array = np.asarray(photo, dtype=np.float32) / 255.0
    gray = array @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    tone = rng.choice(["sepia", "gray", "faded"])
    if tone == "sepia":
        array = gray[..., None] * np.array([1.07, 0.92, 0.72], dtype=np.float32)
    elif tone == "gray":
        array = np.repeat(gray[..., None], 3, axis=-1)
    fade = rng.uniform(0.1, 0.4) * severity
    array = array * (1 - fade) + fade * np.array([0.93, 0.89, 0.8], dtype=np.float32)
    array = array + rng.normal(0, 0.03 * severity, (height, width, 1)).astype(np.float32)
    photo = Image.fromarray((np.clip(array, 0, 1) * 255).astype(np.uint8))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=int(rng.integers(30, 85)))
    photo = Image.open(buffer).convert("RGB")

    mask = Image.new("L", (width, height), 0)
    damage = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw_mask, draw_damage = ImageDraw.Draw(mask), ImageDraw.Draw(damage)
    side = int(reference_side or min(width, height))

    def mark(shape, xy, colour, **kwargs):
        getattr(draw_mask, shape)(xy, fill=255, **kwargs)
        getattr(draw_damage, shape)(xy, fill=colour, **kwargs)

    for _ in range(int(rng.integers(1, 6) * severity)):  # scratches: thin, bright or dark, some faint
        x0, y0 = rng.uniform(0, 1, 2) * (width, height)
        angle, length = rng.uniform(0, np.pi), rng.uniform(0.2, 0.9) * side
        if rng.random() < 0.5:  # a long one: across the whole print, meandering
            length = 1.5 * max(width, height)
            x0, y0 = x0 - length / 2 * np.cos(angle), y0 - length / 2 * np.sin(angle)
        x1, y1 = x0 + length * np.cos(angle), y0 + length * np.sin(angle)
        t = np.linspace(0, 1, int(rng.integers(3, 10)))
        wander = rng.normal(0, rng.uniform(0.5, 0.02 * side + 1), len(t)) * np.sin(np.pi * t)
        points = list(zip(x0 + t * (x1 - x0) - wander * np.sin(angle), y0 + t * (y1 - y0) + wander * np.cos(angle)))
        shade = int(rng.choice([rng.integers(215, 256), rng.integers(0, 50)]))
        opacity = 255 if rng.random() < 0.6 else int(rng.integers(110, 255))  # a faint one over the picture
        mark("line", points, (shade, shade, shade, opacity), width=int(rng.integers(1, max(2, side // 150) + 1)))
    for _ in range(int(rng.integers(5, 40) * severity)):  # dust specks
        x, y = rng.uniform(0, 1, 2) * (width, height)
        r = rng.uniform(0.5, max(1.0, side / 200))
        shade = int(rng.choice([240, 20]))
        mark("ellipse", [x - r, y - r, x + r, y + r], (shade, shade, shade, 255))
    if rng.random() < 0.4 * severity:  # a crease: a pale jagged line across the photo, at any angle
        angle, (cx, cy) = rng.uniform(0, np.pi), rng.uniform(0.2, 0.8, 2) * (width, height)
        reach = np.linspace(-1, 1, 12) * max(width, height)
        points = [(cx + r * np.cos(angle) + rng.normal(0, side / 100), cy + r * np.sin(angle) + rng.normal(0, side / 100))
                  for r in reach]
        mark("line", points, (230, 225, 215, 255), width=int(max(2, side / 120)))
    if rng.random() < 0.3 * severity:  # a torn corner: paper-white polygon
        size = rng.uniform(0.08, 0.2) * side
        cx, cy = rng.choice([0, width]), rng.choice([0, height])
        sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
        corner = [(cx, cy), (cx + sx * size * rng.uniform(0.6, 1.4), cy), (cx, cy + sy * size * rng.uniform(0.6, 1.4))]
        mark("polygon", corner, (245, 243, 235, 255))
    if rng.random() < 0.2 * severity:  # a ripped edge: a ragged strip of paper along part of a side
        start, stop = np.sort(rng.uniform(0, 1, 2))
        along = np.linspace(start, stop, 16)
        depth = rng.uniform(0.02, 0.08) * side * np.sin(np.pi * (along - start) / max(1e-6, stop - start))
        depth = depth * rng.uniform(0.5, 1.5, len(along))
        edge = int(rng.integers(0, 4))
        strip = {0: [(a * width, d) for a, d in zip(along, depth)],
                 1: [(width - d, a * height) for a, d in zip(along, depth)],
                 2: [(a * width, height - d) for a, d in zip(along, depth)],
                 3: [(d, a * height) for a, d in zip(along, depth)]}[edge]
        mark("polygon", strip, (240, 236, 226, 255))
    photo.paste(damage, (0, 0), damage)
    if rng.random() < 0.3 * severity:  # a stain: a translucent brownish blot (content survives, not masked)
        stain = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.05, 0.15) * side
        ImageDraw.Draw(stain).ellipse([x - r, y - r, x + r, y + r], fill=(120, 80, 30, 70))
        photo.paste(stain.filter(ImageFilter.GaussianBlur(r / 4)), (0, 0), stain.filter(ImageFilter.GaussianBlur(r / 4)))
    return photo, np.asarray(mask) > 127


# ---- the "vintage photo" look (targets for the style-transfer preset generator) ------------------
def vintage_target(rgb, noise, radius):
    """A faded, warm, soft, grainy, vignetted print of `rgb` ([-1, 1], Nx3xHxW).

    `noise` (Nx1xHxW, unit normal) becomes the film grain and `radius` (Nx1xHxW, 0 at the centre,
    1 in the corners) the vignette; the generator gets both as inputs, so its target is a function of
    what it sees. The look: 35% desaturated, warm (red lifted, blue cut), blacks lifted and whites
    dulled, a 1-pixel blur, luminance grain and corners darkened by up to 30%.
    """
    import torch.nn.functional as F

    x = (rgb + 1) / 2
    kernel = torch.tensor([0.25, 0.5, 0.25], dtype=x.dtype, device=x.device)
    kernel = (kernel[:, None] * kernel[None, :]).expand(3, 1, 3, 3)
    x = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), kernel, groups=3)
    gray = (x * torch.tensor([0.299, 0.587, 0.114], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)).sum(1, True)
    x = 0.65 * x + 0.35 * gray
    x = x * torch.tensor([1.05, 0.99, 0.86], dtype=x.dtype, device=x.device).view(1, 3, 1, 1) \
        + torch.tensor([0.05, 0.03, 0.02], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    x = 0.10 + 0.80 * x
    grain = F.avg_pool2d(F.pad(noise, (1, 1, 1, 1), mode="replicate"), 3, stride=1) * 3
    x = x * (1 + 0.035 * grain)
    x = x * (1 - 0.3 * radius ** 2)
    return x.clamp(0, 1) * 2 - 1


# ---- super-resolution pairs: a randomized second-order degradation (Real-ESRGAN, Wang et al. 2021) --------
RESIZE_MODES = ("bilinear", "bicubic", "area")


def random_blur(x, rng, max_sigma):
    """An anisotropic Gaussian blur with a random shape and angle (x: 1x3xHxW in [0, 1])."""
    import math

    import torch.nn.functional as F

    sx, sy = rng.uniform(0.2, max_sigma, 2)
    theta = rng.uniform(0, math.pi)
    radius = min(10, int(math.ceil(3 * max(sx, sy))))
    grid = torch.arange(-radius, radius + 1, dtype=x.dtype)
    yy, xx = torch.meshgrid(grid, grid, indexing="ij")
    u = xx * math.cos(theta) + yy * math.sin(theta)
    v = -xx * math.sin(theta) + yy * math.cos(theta)
    kernel = torch.exp(-(u ** 2 / (2 * sx ** 2) + v ** 2 / (2 * sy ** 2)))
    kernel = (kernel / kernel.sum()).expand(3, 1, -1, -1)
    return F.conv2d(F.pad(x, [radius] * 4, mode="reflect"), kernel, groups=3)


def random_noise(x, rng, max_sigma):
    """Gaussian noise (colour, or the same on all channels 40% of the time) or Poisson (shot) noise."""
    generator = torch.Generator().manual_seed(int(rng.integers(1 << 31)))
    if rng.random() < 0.5:
        sigma = rng.uniform(1, max_sigma) / 255
        shape = (1, 1, *x.shape[-2:]) if rng.random() < 0.4 else x.shape
        return x + sigma * torch.randn(shape, generator=generator, dtype=x.dtype)
    photons = 10 ** rng.uniform(1.5, 3.0)  # fewer photons, more noise
    return torch.poisson(x.clamp(0, 1) * photons, generator=generator) / photons


def jpeg(x, quality):
    """Encode and decode as JPEG at `quality` (x: 1x3xHxW in [0, 1])."""
    import io

    import numpy as np
    from PIL import Image

    array = (x[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=int(quality))
    decoded = np.asarray(Image.open(buffer).convert("RGB"), dtype=np.float32) / 255
    return torch.from_numpy(decoded).permute(2, 0, 1)[None]


def second_order_degradation(hr, scale, rng):
    """A clean batch (Nx3xHxW in [-1, 1], H and W multiples of `scale`) -> what a small, soft, noisy, JPEG-damaged
    scan of it looks like, at 1/scale the size. Each image goes twice through blur -> resize -> noise -> JPEG
    with random settings (the second time milder), resized to the exact target size at the end."""
    import torch.nn.functional as F

    out = []
    height, width = hr.shape[-2] // scale, hr.shape[-1] // scale
    for image in ((hr.detach().float().cpu() + 1) / 2).split(1):
        x = random_blur(image, rng, 0.75 * scale)
        factor = rng.uniform(0.5, 1.2) * 2 / scale  # first resize: to about half size (x4) or a little below (x2)
        size = (max(8, round(image.shape[-2] * factor)), max(8, round(image.shape[-1] * factor)))
        x = F.interpolate(x, size=size, mode=RESIZE_MODES[rng.integers(3)])
        x = jpeg(random_noise(x, rng, 25), rng.uniform(30, 95))
        if rng.random() < 0.8:
            x = random_blur(x, rng, 1.5)
        x = F.interpolate(x, size=(height, width), mode=RESIZE_MODES[rng.integers(3)])
        x = jpeg(random_noise(x, rng, 15), rng.uniform(30, 95))
        out.append(x)
    return torch.cat(out).to(hr.device, hr.dtype) * 2 - 1


def paper_grain(size, rng):
    """Monochrome grain, 1x1xHxW: Gaussian noise of a random strength drawn at 1/1 to 1/3 of the resolution, so
    clumps range from single pixels to a few pixels across."""
    import torch.nn.functional as F

    coarse = rng.integers(1, 4)
    small = (max(1, size[0] // coarse), max(1, size[1] // coarse))
    noise = torch.from_numpy(rng.standard_normal(small).astype("float32"))[None, None] * rng.uniform(0.01, 0.06)
    return F.interpolate(noise, size=tuple(size), mode="bilinear", align_corners=False)


def rescan(image, rng, grain_probability=0.0):
    """A damaged print as it comes back from a scanner, for a detector that must not depend on how the damage was
    drawn: any colour cast (cool and warm tones, not only sepia), with `grain_probability` paper and film grain
    under it (grain is never damage), optical blur that softens the strokes' edges, and JPEG again. PIL RGB in,
    PIL RGB out; the damage mask is unchanged."""
    import numpy as np
    from PIL import Image

    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255).permute(2, 0, 1)[None]
    if rng.random() < 0.5:  # re-tone: the luminance under a random paper colour and ink colour
        gray = (x * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
        paper, ink = (torch.tensor(rng.uniform(*span, 3), dtype=torch.float32).view(1, 3, 1, 1)
                      for span in ((0.6, 1.0), (0.0, 0.25)))
        x = ink + gray * (paper - ink)
    if grain_probability and rng.random() < grain_probability:  # no draw when off: earlier runs replay exactly
        x = x + paper_grain(x.shape[-2:], rng)
    if rng.random() < 0.5:
        x = random_blur(x, rng, 1.2)
    if rng.random() < 0.5:
        x = jpeg(x, rng.uniform(40, 95))
    return Image.fromarray((x[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8))
