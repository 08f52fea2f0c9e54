"""Synthetic rooms: indoor backgrounds whose large flat areas are mostly neutral, unlike sky and grass."""
import colorsys
import random

import numpy as np
from PIL import Image

from gan_models.training.composite import CutoutCompositor
from gan_models.training.data import RandomCropDataset
from gan_models.training.rooms import SyntheticRooms, material_colour
from helpers import photo


def saturation(rgb):
    return colorsys.rgb_to_hsv(*rgb)[1]


def test_a_room_has_the_photos_size_and_the_same_seed_gives_the_same_room():
    rooms = SyntheticRooms()
    first = rooms(photo(150, 100), random.Random(3))
    assert first.size == (150, 100) and first.mode == "RGB"
    assert np.array_equal(np.asarray(first), np.asarray(rooms(photo(150, 100), random.Random(3))))
    assert not np.array_equal(np.asarray(first), np.asarray(rooms(photo(150, 100), random.Random(4))))


def test_walls_are_mostly_neutral_and_floors_often_wood():
    rng = random.Random(0)
    walls = [saturation(material_colour(rng, "wall")) for _ in range(400)]
    floors = [colorsys.rgb_to_hsv(*material_colour(rng, "floor")) for _ in range(400)]
    assert np.median(walls) < 0.15
    wood = [h for h, s, v in floors if 0.03 <= h <= 0.12 and s >= 0.25]
    assert 0.3 < len(wood) / len(floors) < 0.8


def test_a_room_is_not_a_copy_of_the_photo_but_may_hang_it_on_the_wall():
    source = Image.new("RGB", (160, 120), (0, 200, 0))  # pure green: only a framed copy brings it in
    rooms = [np.asarray(SyntheticRooms(max_blocks=3, tabletop_probability=0)(source, random.Random(seed)))
             for seed in range(30)]
    green = [((r[..., 1].astype(int) - r[..., 0] > 80) & (r[..., 1].astype(int) - r[..., 2] > 80)).mean() for r in rooms]
    assert max(green) > 0.01  # some rooms show the picture
    assert np.median(green) < 0.5  # and none is the photo itself


def test_the_crop_dataset_draws_rooms_with_cutouts_in_them(tmp_path):
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (96, 96), (0, 0, 255)).save(tmp_path / "photos" / "blue.png")
    red = Image.new("RGBA", (30, 40), (250, 20, 20, 255))
    dataset = RandomCropDataset(str(tmp_path / "photos"), crop_size=64, scale_range=(1.0, 1.0),
                                compositor=CutoutCompositor([red], max_cutouts=1), composite_probability=0.0,
                                rooms=SyntheticRooms(max_blocks=0), room_probability=1.0)
    random.seed(0)
    crops = [dataset[0] for _ in range(8)]
    assert all(c.shape == (3, 64, 64) for c in crops)
    rgb = [(c.permute(1, 2, 0).numpy() + 1) * 127.5 for c in crops]
    assert all((img[..., 2] - img[..., 0] < 150).mean() > 0.9 for img in rgb)  # not the blue photo
    assert sum(((img[..., 0] - img[..., 2]) > 150).mean() > 0.02 for img in rgb) >= 6  # the red cut-out is in
