"""A second family of synthetic old-photo damage, for evaluation only: no detector trains on it.

Training's damage (`training.degradations.synthetic_old_photo`) is PIL-drawn: nearly straight scratches of one
shade, round specks, one jagged crease, triangular corners, on sepia/gray/faded prints. This family is drawn
differently on purpose: anti-aliased curved scratches that run edge to edge, some faint; irregular dust and hairs;
a fold with a lit ridge; a ripped edge; water-stain rings; on cyanotype, selenium or faded-colour prints with a
paper texture and a vignette. Each kind can be drawn alone, to score a detector per kind.
"""
import cv2
import numpy as np
from PIL import Image

DAMAGE_KINDS = ("long scratch", "dust", "crease", "tear", "stain")
TONES = {"cyanotype": ((0.25, 0.45, 0.75), (0.05, 0.12, 0.25)), "selenium": ((0.95, 0.82, 0.85), (0.06, 0.03, 0.05)),
         "gray": ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0))}


def age_print(image, rng):
    """A clean PIL photo -> an aged print, float32 HxWx3 in 0..1 (toned or faded, paper texture, vignette, JPEG)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    height, width = rgb.shape[:2]
    tone = rng.choice([*TONES, "faded colour"])
    if tone == "faded colour":
        gray = rgb.mean(axis=-1, keepdims=True)
        out = (0.45 * rgb + 0.55 * gray) * np.array([1.04, 0.98, 0.8], np.float32) + 0.06
    else:
        scale, offset = (np.array(v, np.float32) for v in TONES[tone])
        out = (rgb @ np.array([0.299, 0.587, 0.114], np.float32))[..., None] * scale + offset
    texture = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), max(1.0, width / 300))
    out = out + 0.03 * texture[..., None] / max(1e-6, texture.std())
    ys, xs = np.mgrid[0:height, 0:width]
    radius = np.hypot((xs - width / 2) / width, (ys - height / 2) / height)
    out = out * (1 - rng.uniform(0.1, 0.35) * np.clip(radius * 2 - 0.4, 0, 1))[..., None]
    encoded = cv2.imencode(".jpg", (np.clip(out, 0, 1) * 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY,
                                                                                  int(rng.integers(40, 90))])[1]
    return cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED).astype(np.float32) / 255.0


def _curve(rng, start, end, wiggle, points=40):
    """A meandering polyline from `start` to `end`, int32 Nx1x2 for cv2."""
    t = np.linspace(0, 1, points)[:, None]
    line = np.array(start) * (1 - t) + np.array(end) * t
    normal = np.array([end[1] - start[1], start[0] - end[0]], np.float64)
    normal /= max(1e-6, np.linalg.norm(normal))
    phase, cycles = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 3)
    line += normal * wiggle * np.sin(2 * np.pi * cycles * t + phase)
    return line.round().astype(np.int32)[:, None, :]


def _edge_point(rng, width, height, side):
    """A point on the given side of the frame (0 top, 1 right, 2 bottom, 3 left)."""
    along = rng.uniform(0, 1)
    return [(along * width, 0), (width - 1, along * height), (along * width, height - 1), (0, along * height)][side]


def _stroke(canvas, coverage, colour):
    """Blend `colour` into `canvas` where the anti-aliased `coverage` (0..255) was drawn; returns its mask."""
    alpha = coverage.astype(np.float32)[..., None] / 255.0
    canvas[:] = canvas * (1 - alpha) + np.asarray(colour, np.float32) * alpha
    return coverage > 127


def draw_damage(aged, rng, kind):
    """Draw one `kind` of damage on the aged print (in place). Returns the mask of destroyed pixels (bool HxW);
    a stain leaves the picture readable, so its mask is empty."""
    height, width = aged.shape[:2]
    side = min(width, height)
    mask = np.zeros((height, width), bool)
    coverage = np.zeros((height, width), np.uint8)
    if kind == "long scratch":  # edge to edge, curved, 1-3 px, some faint, light or dark
        for _ in range(int(rng.integers(1, 5))):
            coverage[:] = 0
            first = int(rng.integers(0, 4))
            start = _edge_point(rng, width, height, first)
            end = _edge_point(rng, width, height, (first + 2) % 4)
            thickness = int(rng.integers(1, max(2, side // 250) + 2))
            cv2.polylines(coverage, [_curve(rng, start, end, rng.uniform(0.005, 0.04) * side)], False, 255,
                          thickness, cv2.LINE_AA)
            local = aged[coverage > 127].mean(axis=0) if (coverage > 127).any() else np.full(3, 0.5)
            target = np.full(3, 0.97) if rng.random() < 0.6 else np.full(3, 0.05)
            contrast = rng.uniform(0.45, 1.0)  # faint scratches only part of the way to white or black
            mask |= _stroke(aged, coverage, local + contrast * (target - local))
    elif kind == "dust":  # irregular specks and curly hairs
        for _ in range(int(rng.integers(20, 80))):
            coverage[:] = 0
            centre, radius = rng.uniform(0, 1, 2) * (width, height), rng.uniform(0.8, max(1.5, side / 220))
            angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 7))))
            polygon = centre + radius * rng.uniform(0.5, 1.3, (len(angles), 1)) * np.c_[np.cos(angles), np.sin(angles)]
            cv2.fillPoly(coverage, [polygon.round().astype(np.int32)], 255, cv2.LINE_AA)
            mask |= _stroke(aged, coverage, np.full(3, rng.choice([0.95, 0.08])))
        for _ in range(int(rng.integers(2, 8))):
            coverage[:] = 0
            start = rng.uniform(0, 1, 2) * (width, height)
            end = start + rng.uniform(-1, 1, 2) * rng.uniform(side / 30, side / 10)
            cv2.polylines(coverage, [_curve(rng, start, end, side / 60, points=20)], False, 255, 1, cv2.LINE_AA)
            mask |= _stroke(aged, coverage, np.full(3, rng.choice([0.9, 0.1])))
    elif kind == "crease":  # a fold across the print: a lit, cracked ridge beside a soft shadow
        first = int(rng.integers(0, 4))
        start, end = _edge_point(rng, width, height, first), _edge_point(rng, width, height, (first + 2) % 4)
        line = _curve(rng, start, end, side / 200, points=12)
        shadow = np.zeros((height, width), np.uint8)
        cv2.polylines(shadow, [line + int(max(2, side / 100))], False, 90, int(max(3, side / 60)), cv2.LINE_AA)
        shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.0, side / 150))
        _stroke(aged, shadow, aged * 0.6)
        cv2.polylines(coverage, [line], False, 255, int(max(2, side / 180)), cv2.LINE_AA)
        mask |= _stroke(aged, coverage, np.array([0.93, 0.92, 0.88]))
    elif kind == "tear":  # a ripped edge: a ragged strip of bare paper
        edge = int(rng.integers(0, 4))
        length = width if edge in (0, 2) else height
        span = np.sort(rng.uniform(0, 1, 2)) * length
        along = np.linspace(span[0], span[1], 30)
        depth = rng.uniform(0.03, 0.1) * side * np.abs(np.sin(np.linspace(0, np.pi, 30))) * rng.uniform(0.6, 1.4, 30)
        inner = {0: np.c_[along, depth], 1: np.c_[width - 1 - depth, along], 2: np.c_[along, height - 1 - depth],
                 3: np.c_[depth, along]}[edge]
        cv2.fillPoly(coverage, [inner.round().astype(np.int32)], 255, cv2.LINE_AA)
        mask |= _stroke(aged, coverage, np.array([0.94, 0.92, 0.85]))
    elif kind == "stain":  # water-stain rings: the picture stays readable through them
        for _ in range(int(rng.integers(1, 4))):
            coverage[:] = 0
            centre = tuple(int(v) for v in rng.uniform(0, 1, 2) * (width, height))
            axes = tuple(int(v) for v in rng.uniform(0.05, 0.2, 2) * side)
            cv2.ellipse(coverage, centre, axes, rng.uniform(0, 180), 0, 360, 70, int(max(2, side / 120)), cv2.LINE_AA)
            coverage = cv2.GaussianBlur(coverage, (0, 0), max(1.0, side / 300))
            _stroke(aged, coverage, np.array([0.45, 0.3, 0.12]))
    else:
        raise ValueError(f"unknown damage kind {kind!r}; choose from {DAMAGE_KINDS}")
    return mask


def unseen_damage(image, rng, kinds=DAMAGE_KINDS):
    """A clean PIL photo -> (aged and damaged PIL RGB, bool mask of destroyed pixels) with the given kinds."""
    aged = age_print(image, rng)
    mask = np.zeros(aged.shape[:2], bool)
    for kind in kinds:
        mask |= draw_damage(aged, rng, kind)
    return Image.fromarray((np.clip(aged, 0, 1) * 255).round().astype(np.uint8)), mask
