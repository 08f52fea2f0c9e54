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


def perceptual_distance(vgg, a, b, layers=("relu1_2", "relu2_2", "relu3_3"), reduce=True):
    """LPIPS-style distance without learned weights: unit-normalize each feature vector, take the
    squared difference, average over space and channels, then over layers. a, b: RGB in [-1, 1]."""
    fa, fb = vgg(a, layers), vgg(b, layers)
    per_layer = [(_normalize_channels(fa[k]) - _normalize_channels(fb[k])).pow(2).sum(1).mean((1, 2)) for k in layers]
    distance = torch.stack(per_layer).mean(0)
    return distance.mean() if reduce else distance

