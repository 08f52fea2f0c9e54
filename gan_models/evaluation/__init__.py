from .metrics import PerceptualMetric, colorfulness, psnr, ssim

__all__ = ["PerceptualMetric", "colorfulness", "psnr", "ssim"]
