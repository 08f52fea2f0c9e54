import torch

from gan_models.color import lab_to_rgb, rgb_to_lab


def test_lab_round_trip_is_exact_to_float_precision():
    rgb = torch.rand(2, 3, 17, 9)
    assert (lab_to_rgb(rgb_to_lab(rgb)) - rgb).abs().max() < 1e-4


def test_lab_of_known_colours():
    white = rgb_to_lab(torch.ones(1, 3, 1, 1)).flatten()
    assert abs(white[0] - 100) < 0.01 and white[1:].abs().max() < 0.01
    red = rgb_to_lab(torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1)).flatten()
    assert abs(red[0] - 53.24) < 0.1 and abs(red[1] - 80.09) < 0.2 and abs(red[2] - 67.20) < 0.2


def test_opencv_array_conversions_agree_with_the_torch_ones():
    import numpy as np

    from gan_models.color import lab_array_to_rgb, luminance_array

    rgb = np.random.default_rng(0).integers(0, 256, (33, 21, 3), dtype=np.uint8)
    lab = rgb_to_lab(torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255)[0].permute(1, 2, 0).numpy()
    assert np.abs(luminance_array(rgb) - lab[..., 0]).max() < 0.5
    back = lab_array_to_rgb(lab)
    assert back.dtype == np.uint8 and np.abs(back.astype(int) - rgb).max() <= 1
    assert (lab_array_to_rgb(np.array([[[50.0, 120.0, -120.0]]], np.float32)) <= 255).all()  # out of gamut: clipped
