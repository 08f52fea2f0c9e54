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
        clean = to_rgb(path)
        scale = size / max(clean.size)
        clean = clean.resize((round(clean.width * scale), round(clean.height * scale)), Image.LANCZOS)
        damaged, mask = synthetic_old_photo(clean, rng, severity)
        out.append((damaged, mask, clean))
    return out


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


def evaluate_damage(pipe, files, size=768, thresholds=range(10, 130, 5)):
    """{"detector": {...}, "black-hat/top-hat": {...}}: F1, IoU, precision, recall, ms per photo.

    The classical baseline gets its best threshold chosen on these same photos (an upper bound on it)."""
    samples = damaged_photos(files, size)
    counts, ms = np.zeros(3, np.int64), []
    for damaged, truth, _ in samples:
        start = time.perf_counter()
        predicted = np.asarray(pipe(image=damaged).images[0]) > 127
        ms.append((time.perf_counter() - start) * 1000)
        counts += mask_scores(predicted, truth)
    results = {"detector": {**summarize(counts), "ms": float(np.mean(ms))}}

    start = time.perf_counter()
    responses = [morphological_response(damaged) for damaged, _, _ in samples]
    classical_ms = (time.perf_counter() - start) * 1000 / len(samples)
    best = None
    for threshold in thresholds:
        total = sum(mask_scores(r > threshold, truth) for r, (_, truth, _) in zip(responses, samples))
        row = summarize(total)
        if best is None or row["f1"] > best["f1"]:
            best = {**row, "threshold": threshold}
    results["black-hat/top-hat"] = {**best, "ms": classical_ms}
    return results
