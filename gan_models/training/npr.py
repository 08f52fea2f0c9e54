"""Non-photorealistic filters that turn a photo into a synthetic style image (cartoon, pencil, poster, halftone,
oil paint): style kinds that no offline painting covers. `make data` writes one per chosen training photo."""
import cv2
import numpy as np
from PIL import Image


def cartoon(rgb):
    return cv2.stylization(rgb, sigma_s=60, sigma_r=0.45)


def colour_pencil(rgb):
    return cv2.pencilSketch(rgb, sigma_s=60, sigma_r=0.07, shade_factor=0.05)[1]


def poster(rgb, levels=4):
    smooth = cv2.edgePreservingFilter(rgb, flags=cv2.RECURS_FILTER, sigma_s=60, sigma_r=0.4)
    step = 256 // levels
    return (smooth // step * step + step // 2).astype(np.uint8)


def halftone(rgb, period=6):
    """Each channel a screen of dots whose size follows the ink (one angle per channel, as in print)."""
    height, width = rgb.shape[:2]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    out = np.empty_like(rgb)
    for channel, angle in enumerate((15, 75, 0)):
        theta = np.deg2rad(angle)
        u, v = x * np.cos(theta) + y * np.sin(theta), -x * np.sin(theta) + y * np.cos(theta)
        screen = (np.cos(2 * np.pi * u / period) * np.cos(2 * np.pi * v / period) + 1) / 2  # 0..1
        ink = 1 - rgb[..., channel].astype(np.float32) / 255
        out[..., channel] = np.where(ink > screen, 0, 255)
    return out


def oil_paint(rgb, radius=4):
    """Kuwahara filter: every pixel takes the mean of the least varied of the four quadrants around it."""
    image = rgb.astype(np.float32)
    size = radius + 1
    means, variances = [], []
    for dy in (0, radius):
        for dx in (0, radius):
            kernel = np.zeros((2 * radius + 1, 2 * radius + 1), np.float32)
            kernel[dy:dy + size, dx:dx + size] = 1 / size ** 2
            mean = cv2.filter2D(image, -1, kernel)
            square = cv2.filter2D(image * image, -1, kernel)
            means.append(mean)
            variances.append((square - mean * mean).sum(-1))
    best = np.argmin(np.stack(variances), axis=0)
    out = np.take_along_axis(np.stack(means), best[None, ..., None].repeat(3, -1), axis=0)[0]
    return out.clip(0, 255).astype(np.uint8)


FILTERS = {"cartoon": cartoon, "colour_pencil": colour_pencil, "poster": poster, "halftone": halftone,
           "oil_paint": oil_paint}


def synthetic_style(image, name):
    """PIL photo -> PIL style image made by FILTERS[name]."""
    return Image.fromarray(FILTERS[name](np.ascontiguousarray(np.asarray(image.convert("RGB")))))
