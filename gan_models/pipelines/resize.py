"""Size helpers: the networks run at a working resolution; results are re-joined at the input size."""
import torch
import torch.nn.functional as F


def fit_within(width, height, longest_side, multiple=1):
    """Scale (width, height) so the longer side is `longest_side` (never upscale small inputs),
    rounding each side to a multiple of `multiple`."""
    scale = min(1.0, longest_side / max(width, height))
    w = max(multiple, round(width * scale / multiple) * multiple)
    h = max(multiple, round(height * scale / multiple) * multiple)
    return w, h


def pil_to_tensor(image):
    """PIL (any mode torch understands after .convert) -> float tensor 1xCxHxW in [0, 1]."""
    array = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    channels = len(image.getbands())
    return array.view(image.height, image.width, channels).permute(2, 0, 1).unsqueeze(0).float() / 255.0


def tensor_to_pil(tensor):
    from PIL import Image

    array = (tensor.clamp(0, 1)[0].permute(1, 2, 0) * 255 + 0.5).to(torch.uint8).cpu().numpy()
    return Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)


def resize_tensor(tensor, size):
    """Bilinear resize to (height, width) with antialiasing when shrinking."""
    antialias = size[0] < tensor.shape[-2] or size[1] < tensor.shape[-1]
    return F.interpolate(tensor, size=size, mode="bilinear", align_corners=False, antialias=antialias)


def channels_last(tensor):
    """The same NCHW tensor stored pixel-major (NHWC): oneDNN's CPU convolutions for these narrow networks
    are faster on it (benchmarks/speed.py, 2 cores: style transfer at 512 px 123 -> 113 ms, vintage 40 -> 33 ms)."""
    return tensor.contiguous(memory_format=torch.channels_last)
