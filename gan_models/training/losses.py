"""GAN objectives: adversarial (hinge / non-saturating / LSGAN), R1, feature matching, perceptual, style."""
import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits, kind="hinge"):
    if kind == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if kind == "non_saturating":
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if kind == "lsgan":
        return ((real_logits - 1) ** 2).mean() + (fake_logits ** 2).mean()
    raise ValueError(f"unknown adversarial loss {kind!r}")


def generator_adversarial_loss(fake_logits, kind="hinge"):
    if kind == "hinge":
        return -fake_logits.mean()
    if kind == "non_saturating":
        return F.softplus(-fake_logits).mean()
    if kind == "lsgan":
        return ((fake_logits - 1) ** 2).mean()
    raise ValueError(f"unknown adversarial loss {kind!r}")


def r1_penalty(real_logits, real_inputs):
    """Gradient penalty on real samples (Mescheder et al. 2018); `real_inputs` must require grad."""
    (grad,) = torch.autograd.grad(real_logits.sum(), real_inputs, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


def feature_matching_loss(fake_features, real_features):
    return sum(F.l1_loss(f, r.detach()) for f, r in zip(fake_features, real_features)) / len(fake_features)


def _normalize_channels(x, eps=1e-10):
    return x / (x.pow(2).sum(1, keepdim=True).sqrt() + eps)


def perceptual_distances(vgg, a, b, layers):
    """The LPIPS-style distance of each layer, len(layers) x N: unit-normalize each feature vector, take the
    squared difference, sum over channels, average over space. a, b: RGB in [-1, 1]."""
    fa, fb = vgg(a, layers), vgg(b, layers)
    return torch.stack([(_normalize_channels(fa[k]) - _normalize_channels(fb[k])).pow(2).sum(1).mean((1, 2))
                        for k in layers])


def perceptual_distance(vgg, a, b, layers=("relu1_2", "relu2_2", "relu3_3"), reduce=True):
    """LPIPS-style distance without learned weights: `perceptual_distances` averaged over layers."""
    distance = perceptual_distances(vgg, a, b, layers).mean(0)
    return distance.mean() if reduce else distance



def soft_bin_targets(ab, bins_per_axis):
    """True ab (N x 2 x h x w in [-1, 1]) -> the four nearest nodes of the a-major bin grid over [-1, 1] and their
    bilinear weights: [(index N x 1 x h x w, weight N x h x w)] * 4, whose weighted mean is exactly the true colour."""
    position = (ab.float().clamp(-1, 1) + 1) / 2 * (bins_per_axis - 1)
    low = position.floor().clamp(max=bins_per_axis - 2)
    frac = position - low
    return [(((low[:, 0] + step_a) * bins_per_axis + low[:, 1] + step_b).long().unsqueeze(1),
             (frac[:, 0] if step_a else 1 - frac[:, 0]) * (frac[:, 1] if step_b else 1 - frac[:, 1]))
            for step_a in (0, 1) for step_b in (0, 1)]


def soft_bin_cross_entropy(logits, ab, bins_per_axis, bin_weights=None):
    """Cross-entropy of per-pixel bin logits (N x bins**2 x h x w) against the soft-encoded true ab.

    `bin_weights` (bins**2): class rebalancing (Zhang et al. 2016): each pixel's loss is scaled by its colour's
    weight, so that rare, saturated colours count as much as the common dull ones."""
    log_p = torch.log_softmax(logits.float(), dim=1)
    targets = soft_bin_targets(ab, bins_per_axis)
    per_pixel = -sum(weight * log_p.gather(1, index)[:, 0] for index, weight in targets)
    if bin_weights is not None:
        per_pixel = per_pixel * sum(weight * bin_weights.to(logits.device)[index[:, 0]] for index, weight in targets)
    return per_pixel.mean()


def rebalancing_weights(prior, mix=0.5):
    """Zhang et al.'s class-rebalancing weights from the bins' empirical share `prior` (sums to 1): the inverse of
    the prior mixed with a uniform distribution (`mix` 0: no rebalancing, 1: fully inverse), scaled so that the
    prior's expected weight is 1."""
    weights = 1.0 / ((1 - mix) * prior + mix / prior.numel())
    return weights / (prior * weights).sum()


def bin_prior(chroma_batches, bins_per_axis):
    """The bins' share of the soft-encoded colours of `chroma_batches` (iterable of N x 2 x h x w ab in [-1, 1])."""
    counts = torch.zeros(bins_per_axis ** 2)
    for ab in chroma_batches:
        for index, weight in soft_bin_targets(ab, bins_per_axis):
            counts.index_add_(0, index.flatten(), weight.flatten())
    return counts / counts.sum()


def centre_lines(mask):
    """The centre lines of a bool HxW mask, three pixels wide and inside the mask (a morphological skeleton,
    dilated): a thin scratch keeps every pixel, a wide tear only its core."""
    import cv2
    import numpy as np

    kernel = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    eroded, skeleton = mask.astype(np.uint8), np.zeros(mask.shape, np.uint8)
    while eroded.any():
        skeleton |= eroded & ~cv2.morphologyEx(eroded, cv2.MORPH_OPEN, kernel)
        eroded = cv2.erode(eroded, kernel)
    return cv2.dilate(skeleton, np.ones((3, 3), np.uint8)).astype(bool) & mask
