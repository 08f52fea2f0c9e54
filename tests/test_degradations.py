import numpy as np
from PIL import Image

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


def test_centre_lines_keep_a_thin_scratch_whole_and_only_the_core_of_a_wide_tear():
    import cv2

    from gan_models.training.losses import centre_lines

    scratch = np.zeros((120, 120), np.uint8)
    cv2.line(scratch, (5, 10), (110, 100), 1, 2)
    tear = np.zeros((120, 120), bool)
    tear[20:80, 30:90] = True
    assert np.array_equal(centre_lines(scratch.astype(bool)), scratch.astype(bool))
    core = centre_lines(tear)
    assert core[tear].mean() < 0.35 and not core[~tear].any() and core[50, 60]
    assert not centre_lines(np.zeros((8, 8), bool)).any()


def test_skeleton_recall_weighs_a_missed_thin_scratch_far_above_its_share_of_the_pixels():
    import torch

    from gan_models.training.losses import centre_lines
    from gan_models.training.recipes import DamageDetectionRecipe

    target = torch.zeros(1, 1, 64, 64)
    target[..., 10:12, :] = 1  # a scratch across the crop
    target[..., 30:60, 2:62] = 1  # a wide tear
    skeleton = torch.from_numpy(centre_lines(target[0, 0].numpy() > 0)).float()[None, None]
    example = {"target": target, "skeleton": skeleton}
    sure = lambda mask: (mask * 2 - 1) * 20  # noqa: E731  logits of a confident detector
    tear_only = target.clone()
    tear_only[..., 10:12, :] = 0
    losses = DamageDetectionRecipe().task_losses(sure(tear_only), example)
    pixel_share = float(target[..., 10:12, :].sum() / target.sum())  # 7% of the damaged pixels
    assert float(losses["skeleton_recall"]) > 3 * pixel_share
    assert float(DamageDetectionRecipe().task_losses(sure(target), example)["skeleton_recall"]) < 0.01


def test_rescan_keeps_the_size_and_changes_tone_blur_or_compression_reproducibly():
    from gan_models.training.degradations import rescan

    damaged, _ = synthetic_old_photo(photo(96, 64), np.random.default_rng(0))
    outs = [rescan(damaged, np.random.default_rng(seed)) for seed in range(12)]
    assert all(out.size == damaged.size and out.mode == "RGB" for out in outs)
    assert np.array_equal(np.asarray(outs[2]), np.asarray(rescan(damaged, np.random.default_rng(2))))
    change = [np.abs(np.asarray(out, dtype=int) - np.asarray(damaged, dtype=int)).mean() for out in outs]
    assert sum(c > 0.5 for c in change) >= 6 and max(change) > 15  # each step half of the time; re-toning is strong


def test_rescan_grain_textures_a_flat_print_only_when_asked():
    from gan_models.training.degradations import rescan

    flat = Image.new("RGB", (96, 64), (180, 170, 150))
    plain = [np.asarray(rescan(flat, np.random.default_rng(seed)), dtype=float) for seed in range(6)]
    grainy = [np.asarray(rescan(flat, np.random.default_rng(seed), grain_probability=1.0), dtype=float)
              for seed in range(6)]
    assert max(image.std(axis=(0, 1)).max() for image in plain) < 1.0
    assert min(image.std(axis=(0, 1)).max() for image in grainy) > 1.0
