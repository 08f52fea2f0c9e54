"""The cut-out compositor: new training scenes from photos and RGBA cut-outs."""
import random

import numpy as np
import pytest
from PIL import Image

from gan_models.training.composite import CutoutCompositor, load_cutouts
from gan_models.training.data import RandomCropDataset
from helpers import photo


def cutout(alpha, size=(40, 60)):
    image = Image.new("RGBA", size, (250, 20, 20, alpha))
    return image


def test_transparent_cutouts_leave_the_background_and_opaque_ones_change_it():
    background = photo(120, 90)
    clear = CutoutCompositor([cutout(0)])(background, random.Random(0))
    assert clear.size == background.size and np.array_equal(np.asarray(clear), np.asarray(background))
    pasted = np.asarray(CutoutCompositor([cutout(255)], max_cutouts=1)(background, random.Random(0))).astype(int)
    changed = np.abs(pasted - np.asarray(background)).sum(-1) > 30
    assert 0.02 < changed.mean() < 0.9
    assert pasted[changed][:, 0].mean() > pasted[changed][:, 2].mean() + 80  # the red cut-out itself


def test_the_same_seed_gives_the_same_scene():
    compositor = CutoutCompositor([cutout(255), cutout(200, (30, 30))])
    first = compositor(photo(100, 80), random.Random(7))
    again = compositor(photo(100, 80), random.Random(7))
    other = compositor(photo(100, 80), random.Random(8))
    assert np.array_equal(np.asarray(first), np.asarray(again))
    assert not np.array_equal(np.asarray(first), np.asarray(other))


def test_cutouts_load_from_a_folder_and_feed_the_crop_dataset(tmp_path):
    (tmp_path / "cut").mkdir()
    (tmp_path / "photos").mkdir()
    cutout(255).save(tmp_path / "cut" / "a.png")
    photo(80, 64).save(tmp_path / "photos" / "p.png")
    cutouts = load_cutouts(tmp_path / "cut")
    assert len(cutouts) == 1 and cutouts[0].mode == "RGBA"
    dataset = RandomCropDataset(str(tmp_path / "photos"), crop_size=32, compositor=CutoutCompositor(cutouts),
                                composite_probability=1.0)
    assert dataset[0].shape == (3, 32, 32)
    with pytest.raises(ValueError, match="no cut-out"):
        load_cutouts(tmp_path / "photos" / "missing")
