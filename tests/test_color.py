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
