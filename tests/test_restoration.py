"""Old-photo restoration: damage detector, the chain, its options, folder round trips, the trained bundle."""
import os

import numpy as np
import pytest
from PIL import Image

from gan_models import DamageDetectionPipeline, InvalidInputError, OldPhotoRestorationPipeline, UNetGenerator
from gan_models.evaluation.damage import damaged_photos, mask_scores, summarize
from gan_models.pipelines.restoration import is_monochrome
from helpers import photo, tiny_restoration_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "pretrained", "restoration")
HELD_OUT = [os.path.join(ROOT, "tests", "data", name) for name in ("held_out_photo.jpg", "held_out_sky.jpg")]


def sepia(image):
    gray = np.asarray(image.convert("L"), dtype=np.float64)[..., None]
    return Image.fromarray(np.clip(gray * [1.07, 0.92, 0.72], 0, 255).astype(np.uint8))


def test_monochrome_detection_covers_gray_and_sepia_but_not_colour():
    colour = photo(120, 90)
    assert not is_monochrome(colour)
    assert is_monochrome(colour.convert("L").convert("RGB"))
    assert is_monochrome(sepia(colour))


def test_detector_pipeline_returns_a_binary_mask_at_the_photo_size():
    pipe = DamageDetectionPipeline(detector=UNetGenerator(in_channels=3, out_channels=1, channels=(8, 16),
                                                          output_activation="none"), working_size=64)
    output = pipe(image=photo(150, 70))
    mask = output.images[0]
    assert mask.size == (150, 70) and mask.mode == "L"
    assert set(np.unique(np.asarray(mask))) <= {0, 255}
    assert output.extras["probabilities"][0].shape == (70, 150)


def test_line_rule_keeps_weak_pixels_that_continue_a_line_and_drops_isolated_ones():
    import cv2

    from gan_models.pipelines.damage_detection import line_support

    probability = np.zeros((80, 120), np.float32)
    cv2.line(probability, (10, 24), (110, 64), 0.5, 3)  # a faint slanted scratch, 3 px wide, with a gap
    probability[:, 50:56] = 0.0
    rows = np.round(20 + np.arange(10, 110) * 0.4).astype(int)  # its centre line
    probability[60, 30] = 0.5  # a weak isolated speck
    support = line_support(probability, 16)
    assert support[rows[20], 30] > 0.3 and support[60, 30] < 0.05

    pipe = DamageDetectionPipeline(detector=UNetGenerator(in_channels=3, out_channels=1, channels=(8, 16),
                                                          output_activation="none"), working_size=128,
                                   threshold=0.9, line_length=16, line_low=0.1, line_support=0.3)
    pipe.probability = lambda rgb, at_working_size=False: probability
    mask = np.asarray(pipe(image=photo(120, 80), grow=0).images[0]) > 127
    assert mask[rows[16:40], np.arange(26, 50)].all() and not mask[60, 30]  # 16 px in from its end
    pipe.config["line_length"] = 0  # off: the plain threshold, which keeps nothing here
    assert not (np.asarray(pipe(image=photo(120, 80), grow=0).images[0]) > 127).any()


def test_chain_returns_every_stage_at_the_input_size():
    pipe = tiny_restoration_pipeline()
    output = pipe(image=sepia(photo(90, 60)), return_intermediates=True)
    stages = output.extras["stages"][0]
    assert list(stages) == ["input", "mask", "inpainted", "cleaned", "colorized"]
    assert all(image.size == (90, 60) for image in stages.values())
    assert output.images[0] is stages["colorized"] and output.extras["colorized"] == [True]


def test_colour_photo_is_not_colorized_by_default_and_options_are_respected():
    pipe = tiny_restoration_pipeline()
    output = pipe(image=photo(90, 60), return_intermediates=True)
    assert output.extras["colorized"] == [False] and "colorized" not in output.extras["stages"][0]
    output = pipe(image=photo(90, 60), colorize=True, clean=False, return_intermediates=True)
    assert list(output.extras["stages"][0]) == ["input", "mask", "inpainted", "colorized"]
    with pytest.raises(InvalidInputError, match="colorize"):
        pipe(image=photo(90, 60), colorize="sometimes")


def test_a_given_mask_replaces_detection_and_only_its_pixels_are_inpainted():
    pipe = tiny_restoration_pipeline()
    image = photo(90, 60)
    mask = Image.new("L", (45, 30), 0)  # half size: scaled to the photo
    mask.paste(255, (10, 10, 20, 15))
    output = pipe(image=image, mask_image=mask, colorize=False, clean=False, return_intermediates=True)
    used = np.asarray(output.extras["masks"][0]) > 0
    assert used.sum() == 20 * 10
    changed = np.any(np.asarray(output.images[0]) != np.asarray(image), axis=-1)
    assert not changed[~used].any()
    with pytest.raises(InvalidInputError, match="one mask per image"):
        pipe(image=[image, image], mask_image=[mask])


def test_embedded_save_is_self_contained_and_loads_back(tmp_path):
    pipe = tiny_restoration_pipeline()
    pipe.save_pretrained(tmp_path / "bundle", embed=True)
    assert (tmp_path / "bundle" / "inpainting" / "pipeline_config.json").exists()
    assert pipe.config["inpainting"] == "../inpainting"  # the in-memory config is untouched
    loaded = OldPhotoRestorationPipeline.from_pretrained(tmp_path / "bundle")
    image = photo(80, 50)
    a = loaded(image=image, colorize=False).images[0]
    b = pipe(image=image, colorize=False).images[0]
    assert np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).max() <= 2


def test_bundled_chain_finds_and_repairs_synthetic_damage():
    """On held-out photos with known synthetic damage the trained detector finds most of it and the
    chain brings the damaged pixels much closer to the clean photo."""
    pipe = OldPhotoRestorationPipeline.from_pretrained(BUNDLED)
    counts, before, after = np.zeros(3), [], []
    for damaged, truth, clean in damaged_photos(HELD_OUT, size=512, seed=7):
        output = pipe(image=damaged, colorize=False, clean=False)
        found = np.asarray(output.extras["masks"][0]) > 127
        counts += mask_scores(found, truth)
        # compare in gray against the clean photo given the damaged one's tone (fading is not repaired here):
        # a least-squares gray-level map fitted on the undamaged pixels
        gray = lambda image: np.asarray(image.convert("L"), float)  # noqa: E731
        source, observed = gray(clean), gray(damaged)
        scale, offset = np.polyfit(source[~truth], observed[~truth], 1)
        target = scale * source + offset
        before.append(np.abs(observed - target)[truth].mean())
        after.append(np.abs(gray(output.images[0]) - target)[truth].mean())
        assert output.images[0].size == damaged.size
    assert summarize(counts)["f1"] > 0.5
    assert np.mean(after) < 0.7 * np.mean(before)


def test_unseen_damage_family_draws_each_kind_reproducibly():
    from gan_models.evaluation.unseen_damage import DAMAGE_KINDS, unseen_damage

    clean = Image.open(HELD_OUT[0]).convert("RGB")
    for kind in DAMAGE_KINDS:
        first, mask = unseen_damage(clean, np.random.default_rng(3), (kind,))
        again, same_mask = unseen_damage(clean, np.random.default_rng(3), (kind,))
        assert first.size == clean.size and mask.shape == (clean.height, clean.width)
        assert np.array_equal(np.asarray(first), np.asarray(again)) and np.array_equal(mask, same_mask)
        # a stain leaves the picture readable: nothing to inpaint; every other kind destroys some pixels
        assert (mask.sum() == 0) == (kind == "stain")
    with pytest.raises(ValueError, match="unknown damage kind"):
        unseen_damage(clean, np.random.default_rng(0), ("fire",))


def test_damage_by_kind_scores_both_detectors_on_every_kind():
    from gan_models.evaluation.damage import evaluate_damage_by_kind

    pipe = OldPhotoRestorationPipeline.from_pretrained(BUNDLED)
    results = evaluate_damage_by_kind(pipe.detection, HELD_OUT, {"detector": 0.3, "black-hat/top-hat": 80},
                                      size=512)
    assert list(results) == ["long scratch", "dust", "crease", "tear", "stain", "all kinds"]
    for kind, rows in results.items():
        for row in rows.values():
            assert all(0 <= row[key] <= 1 for key in ("f1", "precision", "recall", "flagged"))
        if kind == "stain":
            assert all(row["recall"] == 0 for row in rows.values())
    assert results["all kinds"]["detector"]["precision"] > 0.5 and results["all kinds"]["detector"]["recall"] > 0.1
