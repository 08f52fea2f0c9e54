"""Image quality metrics on uint8 RGB numpy arrays (HxWx3) or [-1, 1] tensors where noted."""
import numpy as np
import torch
import torch.nn.functional as F


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def _gaussian_window(size=11, sigma=1.5):
    coords = torch.arange(size, dtype=torch.float64) - size // 2
    g = torch.exp(-coords ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).view(1, 1, size, size)


def ssim(a, b):
    """Mean SSIM (Wang et al. 2004, 11x11 Gaussian window, sigma 1.5) over the three RGB channels."""
    x = torch.from_numpy(a.astype(np.float64)).permute(2, 0, 1).unsqueeze(1)
    y = torch.from_numpy(b.astype(np.float64)).permute(2, 0, 1).unsqueeze(1)
    window = _gaussian_window()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_x, mu_y = F.conv2d(x, window), F.conv2d(y, window)
    var_x = F.conv2d(x * x, window) - mu_x ** 2
    var_y = F.conv2d(y * y, window) - mu_y ** 2
    cov = F.conv2d(x * y, window) - mu_x * mu_y
    score = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return float(score.mean())


def colorfulness(image):
    """Hasler & Suesstrunk (2003) colourfulness metric M3 on an RGB uint8 array."""
    rgb = image.astype(np.float64)
    rg = rgb[..., 0] - rgb[..., 1]
    yb = 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]
    return float(np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))


def to_tensor(image):
    """uint8 HxWx3 -> 1x3xHxW in [-1, 1]."""
    return torch.from_numpy(np.array(image, dtype=np.float32)).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1


class PerceptualMetric:
    """LPIPS-like distance on the ImageNet VGG16 features (see losses.perceptual_distance):
    unweighted, five ReLU layers (relu1_2 ... relu5_3). 0 = identical; larger = more different.
    With `per_layer`, `scores` also gives each layer's share (shallow layers: fine texture and edges; deep ones:
    structure and objects), named lpips_<layer>."""

    LAYERS = ("relu1_2", "relu2_2", "relu3_3", "relu4_3", "relu5_3")

    def __init__(self, vgg, per_layer=False):
        """`vgg`: a VGG16Features module or the folder it was saved to."""
        from ..models.vgg import VGG16Features

        self.vgg = vgg if isinstance(vgg, VGG16Features) else VGG16Features.from_pretrained(vgg).eval()
        self.per_layer = per_layer

    @torch.no_grad()
    def layer_distances(self, a, b):
        from ..training.losses import perceptual_distances

        device = next(self.vgg.parameters()).device
        return perceptual_distances(self.vgg, to_tensor(a).to(device), to_tensor(b).to(device), self.LAYERS)[:, 0]

    def __call__(self, a, b):
        return float(self.layer_distances(a, b).mean())

    def scores(self, a, b):
        """{"lpips_like": distance} and, with `per_layer`, {"lpips_relu1_2": ..., ...} too."""
        layers = self.layer_distances(a, b)
        return {"lpips_like": float(layers.mean()),
                **({f"lpips_{name}": float(d) for name, d in zip(self.LAYERS, layers)} if self.per_layer else {})}
