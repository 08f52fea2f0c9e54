import numpy as np

from gan_models.training.degradations import synthetic_old_photo
from helpers import photo


def test_old_photo_damage_is_marked_in_the_mask():
    rng = np.random.default_rng(0)
    clean = photo(200, 150)
    damaged, mask = synthetic_old_photo(clean, rng)
    assert damaged.size == clean.size and mask.shape == (150, 200)
    assert 0 < mask.mean() < 0.3
    # the photo is aged everywhere (tone, fade, grain, JPEG) and replaced where the mask says so
    difference = np.abs(np.asarray(damaged, dtype=int) - np.asarray(clean, dtype=int)).mean(-1)
    assert difference[mask].mean() > difference[~mask].mean()


def test_old_photo_generator_is_reproducible_with_a_seed():
    a = synthetic_old_photo(photo(64, 64), np.random.default_rng(3))
    b = synthetic_old_photo(photo(64, 64), np.random.default_rng(3))
    assert np.array_equal(np.asarray(a[0]), np.asarray(b[0])) and np.array_equal(a[1], b[1])
