"""Style-transfer quality: the same content x style pairs for every method.

- style distance: for VGG16 relu1_1 .. relu4_1, the RMS difference of per-channel means plus that of
  per-channel standard deviations, output vs style image, averaged over layers (lower = closer style);
- content distance: the LPIPS-like VGG16 distance, output vs content (lower = more content kept).
"""
import time

import numpy as np
import torch
from PIL import Image, ImageOps

from ..image_io import to_rgb
from ..models.adain import STYLE_LAYERS, statistics_distance
from .metrics import PerceptualMetric, to_tensor


@torch.no_grad()
def style_distance_per_layer(vgg, output, style):
    """{layer: RMS difference of channel means + that of channel standard deviations}, output vs style."""
    fo, fs = vgg(to_tensor(np.asarray(output)), STYLE_LAYERS), vgg(to_tensor(np.asarray(style)), STYLE_LAYERS)
    return {name: float(statistics_distance(fo[name].flatten(2), fs[name].flatten(2))) for name in STYLE_LAYERS}


def style_distance(vgg, output, style):
    return float(np.mean(list(style_distance_per_layer(vgg, output, style).values())))


def pipeline_method(pipe):
    return lambda content, style: pipe(image=content, style_image=style).images[0]


def evaluate_style_transfer(methods, content_files, style_files, vgg, size=512, per_layer=False):
    """methods: {name: StyleTransferPipeline or (content PIL, style PIL) -> PIL}; contents are
    center-cropped to size x size, styles read whole. Returns {name: {metric: mean; ms: median}}; with
    `per_layer` also the style distance of each VGG16 layer (their mean is the style distance)."""
    contents = [ImageOps.fit(to_rgb(p), (size, size), Image.LANCZOS) for p in content_files]
    styles = [to_rgb(p) for p in style_files]
    perceptual = PerceptualMetric(vgg)
    results = {}
    for name, method in methods.items():
        fn = pipeline_method(method) if hasattr(method, "decoder") else method
        fn(contents[0], styles[0])  # warm-up: the first call at a new size builds the kernels, for every method
        rows = []
        for content in contents:
            for style in styles:
                start = time.perf_counter()
                out = fn(content, style)
                ms = (time.perf_counter() - start) * 1000
                style_small = style.resize((256, round(256 * style.height / style.width)), Image.LANCZOS)
                layers = style_distance_per_layer(vgg, out, style_small)
                rows.append({"style_distance": float(np.mean(list(layers.values()))), **layers,
                             "content_distance": perceptual(np.asarray(out), np.asarray(content)), "ms": ms})
        keys = ["style_distance", "content_distance"] + (list(STYLE_LAYERS) if per_layer else [])
        results[name] = {key: float(np.mean([r[key] for r in rows])) for key in keys}
        results[name]["ms"] = float(np.median([r["ms"] for r in rows]))  # a median, as in benchmarks/speed.py
    return results
