"""sRGB <-> CIE Lab (D65) in torch. All colour-space math lives here.

Tensors are NCHW. RGB is in [0, 1]; L is in [0, 100], a and b roughly in [-110, 110].
The networks see L / 50 - 1 and ab / 110, helpers for both are below.
For whole photos at full resolution, `luminance_array` and `lab_array_to_rgb` do the same conversions on HxWxC
arrays through OpenCV, which uses the same constants and is about four times faster (within 0.3 Lab units).
"""
import cv2
import numpy as np
import torch

_RGB_TO_XYZ = torch.tensor([[0.412453, 0.357580, 0.180423],
                            [0.212671, 0.715160, 0.072169],
                            [0.019334, 0.119193, 0.950227]])
_WHITE = torch.tensor([0.950456, 1.0, 1.088754])
AB_SCALE = 110.0


def _srgb_to_linear(rgb):
    return torch.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)


def _linear_to_srgb(lin):
    lin = lin.clamp(min=0.0)
    return torch.where(lin > 0.0031308, 1.055 * lin.clamp(min=0.0031308) ** (1 / 2.4) - 0.055, 12.92 * lin)


def rgb_to_lab(rgb):
    rgb = rgb.float()
    xyz = torch.einsum("ij,njhw->nihw", _RGB_TO_XYZ.to(rgb.device), _srgb_to_linear(rgb))
    xyz = xyz / _WHITE.to(rgb.device).view(1, 3, 1, 1)
    f = torch.where(xyz > 0.008856, xyz.clamp(min=0.008856) ** (1 / 3), 7.787 * xyz + 16 / 116)
    L = 116 * f[:, 1:2] - 16
    a = 500 * (f[:, 0:1] - f[:, 1:2])
    b = 200 * (f[:, 1:2] - f[:, 2:3])
    return torch.cat([L, a, b], dim=1)


def lab_to_rgb(lab):
    lab = lab.float()
    L, a, b = lab[:, 0:1], lab[:, 1:2], lab[:, 2:3]
    fy = (L + 16) / 116
    f = torch.cat([fy + a / 500, fy, fy - b / 200], dim=1)
    xyz = torch.where(f > 0.206893, f ** 3, (f - 16 / 116) / 7.787)
    xyz = xyz * _WHITE.to(lab.device).view(1, 3, 1, 1)
    lin = torch.einsum("ij,njhw->nihw", torch.linalg.inv(_RGB_TO_XYZ).to(lab.device), xyz)
    return _linear_to_srgb(lin).clamp(0.0, 1.0)


def gray_from_luminance(L):
    """L in [0, 100] (any shape) -> the sRGB gray in [0, 1] of that lightness: `lab_to_rgb` with a = b = 0, where
    XYZ is the white point times one scalar and so every RGB channel is that scalar."""
    fy = (L.float() + 16) / 116
    linear = torch.where(fy > 0.206893, fy ** 3, (fy - 16 / 116) / 7.787)
    return _linear_to_srgb(linear).clamp(0.0, 1.0)


def normalize_l(L):
    return L / 50.0 - 1.0


def normalize_ab(ab):
    return ab / AB_SCALE


def denormalize_ab(ab):
    return ab * AB_SCALE


def luminance_array(rgb):
    """HxWx3 uint8 sRGB -> HxW float32 L in [0, 100]."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)[..., 0]


def lab_array_to_rgb(lab, out=None):
    """HxWx3 float32 Lab -> HxWx3 uint8 sRGB (out-of-gamut colours clipped, rounded), written into `out` if given."""
    rgb = cv2.cvtColor(np.ascontiguousarray(lab, dtype=np.float32), cv2.COLOR_Lab2RGB)
    np.maximum(rgb, 0.0, out=rgb)
    return cv2.convertScaleAbs(rgb, dst=out, alpha=255.0)  # x 255, rounded, saturated at 255
