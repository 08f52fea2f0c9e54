"""Style data: the non-photorealistic filters that make synthetic styles, and the colour augmentation of style crops."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gan_models.training.npr import FILTERS, synthetic_style
from gan_models.training.style_recipe import RGB_TO_YIQ, recolour_together
from helpers import photo


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_each_filter_keeps_the_size_and_changes_the_photo(name):
    image = photo(96, 64)
    styled = synthetic_style(image, name)
    assert styled.mode == "RGB" and styled.size == image.size
    difference = np.abs(np.asarray(styled, np.float32) - np.asarray(image, np.float32)).mean()
    assert difference > 3, f"{name} left the photo nearly as it was"


def test_halftone_prints_only_full_ink_or_paper():
    values = np.unique(np.asarray(synthetic_style(photo(64, 64), "halftone")))
    assert set(values.tolist()) <= {0, 255}


def test_recolour_probability_zero_is_the_identity():
    style, reference = torch.rand(3, 3, 8, 8) * 2 - 1, torch.rand(3, 3, 8, 8) * 2 - 1
    new_style, new_reference = recolour_together(style, reference, probability=0.0)
    assert torch.allclose(new_style, style, atol=1e-5) and torch.allclose(new_reference, reference, atol=1e-5)


def test_recolour_changes_every_view_of_a_painting_alike_and_keeps_the_range():
    torch.manual_seed(0)
    style = torch.rand(4, 3, 8, 8) * 1.6 - 0.8
    larger = F.interpolate(style, scale_factor=2, mode="nearest")  # another view, at another size
    new_style, new_reference, new_larger = recolour_together(style, style.clone(), larger, probability=1.0)
    assert torch.equal(new_style, new_reference)
    assert torch.allclose(new_larger[..., ::2, ::2], new_style, atol=1e-6)
    assert new_style.min() >= -1 and new_style.max() <= 1
    assert (new_style - style).abs().mean() > 0.02


def test_a_hue_rotation_keeps_the_luma_of_a_mid_gray_free_image():
    torch.manual_seed(1)
    style = torch.rand(2, 3, 6, 6) * 0.6 - 0.3  # no clipping, so luma is kept up to the contrast change
    new_style, _ = recolour_together(style, style, probability=1.0, max_saturation=1.0, max_contrast=1.0)
    luma = lambda x: torch.einsum("c,nchw->nhw", RGB_TO_YIQ[0], x)  # noqa: E731
    assert torch.allclose(luma(new_style), luma(style), atol=1e-4)
