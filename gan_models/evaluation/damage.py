"""Damage-mask quality on held-out photos with synthetic damage (known masks), with a classical
morphological detector (black-hat + top-hat + threshold) scored on the same photos."""
import time

import numpy as np
from PIL import Image

from ..image_io import to_rgb


def damaged_photos(files, size=768, seed=4321, severity=1.0):
    """[(damaged PIL, true bool mask, clean PIL)], deterministic for a given seed."""
    from ..training.degradations import synthetic_old_photo

    rng = np.random.default_rng(seed)
    out = []
    for path in files:
        clean = photo_at_size(path, size)
        damaged, mask = synthetic_old_photo(clean, rng, severity)
        out.append((damaged, mask, clean))
    return out


def photo_at_size(path, size):
    """The photo at `path` resized so its longer side is `size`."""
    clean = to_rgb(path)
    scale = size / max(clean.size)
    return clean.resize((round(clean.width * scale), round(clean.height * scale)), Image.LANCZOS)


def morphological_response(image, kernel_size=7):
    """Max of black-hat (thin dark marks) and top-hat (thin bright marks) on the gray image, 0..255."""
    import cv2

    gray = np.asarray(image.convert("L"))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kernel_size, kernel_size))
    black = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    top = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, kernel)
    return np.maximum(black, top)


def mask_scores(predicted, truth):
    """Pixel counts, for micro-averaged F1 / IoU over a whole set."""
    tp = int(np.logical_and(predicted, truth).sum())
    return np.array([tp, int(predicted.sum()) - tp, int(truth.sum()) - tp])


def summarize(counts):
    tp, fp, fn = counts
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return {"f1": 2 * tp / max(1, 2 * tp + fp + fn), "iou": tp / max(1, tp + fp + fn),
            "precision": precision, "recall": recall}


def best_threshold(responses, truths, thresholds):
    """The threshold with the highest micro-F1 of `responses > threshold` over a set."""
    scores = [summarize(sum(mask_scores(r > t, m) for r, m in zip(responses, truths)))["f1"] for t in thresholds]
    return thresholds[int(np.argmax(scores))]


def evaluate_damage(pipe, files, size=768, calibration_files=None):
    """{"detector": {...}, "black-hat/top-hat": {...}}: F1, IoU, precision, recall, threshold, ms per photo.

    Both methods are scored on their raw masks (the pipeline's 1-pixel growing, meant for inpainting, is
    left out), each at its own best threshold found on `calibration_files` (other photos, other damage);
    without them, on these same photos (an optimistic best case for both)."""
    samples = damaged_photos(files, size)
    calibration = damaged_photos(calibration_files, size, seed=777) if calibration_files else samples
    results = {}
    for name, (respond, thresholds, unit) in response_methods(pipe).items():
        threshold = best_threshold([respond(d) for d, _, _ in calibration], [m for _, m, _ in calibration],
                                   list(thresholds))
        counts, ms = np.zeros(3, np.int64), []
        for damaged, truth, _ in samples:
            start = time.perf_counter()
            response = respond(damaged)
            ms.append((time.perf_counter() - start) * 1000)
            counts += mask_scores(response > threshold, truth)
        results[name] = {**summarize(counts), "threshold": float(threshold) / unit, "ms": float(np.mean(ms))}
    return results


def response_methods(pipe):
    """{name: (image -> 0..255 response, candidate thresholds, threshold unit)} for the detector(s) in `pipe` (one
    pipeline, or {name: pipeline} to compare several) and the classical black-hat/top-hat detector."""
    detectors = pipe if isinstance(pipe, dict) else {"detector": pipe}
    # finer steps at the top: a confident detector's best threshold can lie above 0.95
    candidates = np.r_[np.arange(0.02, 0.96, 0.03), 0.97, 0.98, 0.99, 0.995, 0.998] * 255
    methods = {name: (lambda image, p=p: p.score(image) * 255, candidates, 255) for name, p in detectors.items()}
    methods["black-hat/top-hat"] = (morphological_response, np.arange(10, 130, 5), 1)
    return methods


def unseen_damage_by_kind(files, size=768, seed=2468):
    """Yield (kind, iterator of (damaged PIL, true bool mask) per photo) for each kind of the unseen damage family
    (`unseen_damage`), then "all kinds" together; each kind's damage is deterministic for a given seed."""
    from .unseen_damage import DAMAGE_KINDS, unseen_damage

    for kind in (*DAMAGE_KINDS, "all kinds"):
        rng = np.random.default_rng(seed)
        kinds = DAMAGE_KINDS if kind == "all kinds" else (kind,)
        yield kind, (unseen_damage(photo_at_size(path, size), rng, kinds) for path in files)


def evaluate_damage_by_kind(pipe, files, thresholds, size=768, seed=2468):
    """Each detector (`pipe` as in `evaluate_damage`) at its `thresholds` ({name: threshold}, in the units
    `evaluate_damage` reports them) on damage of a family no detector trains on (`unseen_damage`), one kind at a
    time and all together:
    {kind: {method: {f1, iou, precision, recall, flagged}}}; `flagged` is the share of pixels marked (for stains,
    which destroy nothing, every flagged pixel is a false alarm)."""
    methods = {name: (respond, unit) for name, (respond, _, unit) in response_methods(pipe).items()}
    results = {}
    for kind, samples in unseen_damage_by_kind(files, size, seed):
        counts = {name: np.zeros(3, np.int64) for name in methods}
        flagged = {name: [] for name in methods}
        for damaged, truth in samples:
            for name, (respond, unit) in methods.items():
                predicted = respond(damaged) > thresholds[name] * unit
                counts[name] += mask_scores(predicted, truth)
                flagged[name].append(predicted.mean())
        results[kind] = {name: {**summarize(counts[name]), "flagged": float(np.mean(flagged[name]))}
                         for name in methods}
    return results
