"""scripts/make_data.py: reading photos out of Qt resources and out of unpacked Debian packages."""
import io
import os
import struct
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
import make_data  # noqa: E402


def encoded(size, color, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def test_images_in_rcc_reads_length_prefixed_images_and_skips_small_ones(tmp_path):
    big, small = encoded((320, 310), (200, 40, 10), "JPEG"), encoded((40, 40), (0, 0, 255), "PNG")
    blob = b"qres" + struct.pack(">I", len(big)) + big + b"\0" * 7 + struct.pack(">I", len(small)) + small
    path = tmp_path / "photos.rcc"
    path.write_bytes(blob)
    found = list(make_data.images_in_rcc(str(path), min_side=300))
    assert len(found) == 1
    name, image = found[0]
    assert name.startswith("photos.rcc@") and image.size == (320, 310)
    assert np.abs(np.asarray(image, dtype=int)[155, 160] - (200, 40, 10)).max() < 8


def test_varied_photos_come_from_the_unpacked_package(tmp_path, monkeypatch):
    folder = tmp_path / "root" / "usr" / "share" / "sample"
    folder.mkdir(parents=True)
    Image.new("RGB", (400, 300), (90, 120, 30)).save(folder / "photo.png")
    monkeypatch.setattr(make_data, "VARIED_PHOTOS", {"some-package": ("usr/share/sample", ["photo.png"])})
    (name, image), = make_data.varied_photos(str(tmp_path))  # already unpacked: no apt-get call
    assert name == "some-package:photo.png" and image.size == (400, 300)


def test_a_package_that_cannot_be_downloaded_is_skipped_with_a_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_data, "VARIED_PHOTOS", {"no-such-package-xyz": ("usr/share/none", ["a.png"])})
    monkeypatch.setenv("PATH", str(tmp_path))  # no apt-get on the PATH
    assert list(make_data.varied_photos(str(tmp_path / "cache"))) == []
    assert "skipping no-such-package-xyz" in capsys.readouterr().out


def test_album_photos_are_turned_upright_and_one_place_stays_in_one_split(tmp_path):
    folder = tmp_path / "root" / make_data.ALBUM
    folder.mkdir(parents=True)
    for name in ("pool.jpg", "pool_2.jpg", "jesper.jpg"):
        Image.new("RGB", (400, 300), (90, 120, 30)).save(folder / name)
    (folder / "movie.avi").write_bytes(b"")
    (folder / "index.xml").write_text('<KPhotoAlbum><images><image file="pool.jpg" angle="90"/><image file="pool_2.jpg"/>'
                                      '<image file="jesper.jpg" angle="180"/><image file="movie.avi"/></images></KPhotoAlbum>')
    found = {name: (split, image.size) for split, name, image in make_data.album_photos(str(tmp_path))}
    assert found == {"kphotoalbum:pool.jpg": ("val", (300, 400)), "kphotoalbum:pool_2.jpg": ("val", (400, 300)),
                     "kphotoalbum:jesper.jpg": ("train", (400, 300))}
    assert make_data.scene_group("kphotoalbum:pool_2.jpg") == "indoor"
    assert make_data.scene_group("kphotoalbum:jesper.jpg") == "people"


def test_photo_cutouts_are_told_from_clip_art():
    rng = np.random.default_rng(0)
    textured = np.concatenate([rng.integers(0, 255, (80, 60, 3)), np.full((80, 60, 1), 255)], -1).astype(np.uint8)
    textured[:10, :, 3] = 0  # a transparent margin, as a cut-out has
    flat = np.zeros((80, 60, 4), np.uint8)
    flat[..., 0], flat[10:, :, 3] = 200, 255
    assert make_data.looks_like_photo_cutout(Image.fromarray(textured, "RGBA"))
    assert not make_data.looks_like_photo_cutout(Image.fromarray(flat, "RGBA"))
    assert not make_data.looks_like_photo_cutout(Image.fromarray(textured[:20, :20], "RGBA"))  # too small


def test_scene_groups_come_from_the_source():
    assert make_data.scene_group("scratch:Backgrounds/Indoors/kitchen.jpg") == "indoor"
    assert make_data.scene_group("python-matplotlib-data:grace_hopper.jpg") == "people"
    assert make_data.scene_group("/usr/share/gcompris-qt/rcc/categorization.rcc@100") == "objects"
    assert make_data.scene_group("/usr/share/backgrounds/some/wallpaper.jpg") == "outdoor"


def test_scratch_drawings_hold_every_fourth_out_for_validation(tmp_path):
    folder = tmp_path / "root" / make_data.SCRATCH_MEDIA / "Backgrounds" / "Fantasy"
    folder.mkdir(parents=True)
    for index in range(8):
        Image.new("RGB", (480, 360), (index * 30, 90, 40)).save(folder / f"drawing{index}.gif")
    splits = [split for split, _, _ in make_data.scratch_drawings(str(tmp_path))]
    assert splits.count("style_val") == 2 and splits.count("style_train") == 6


def test_synthetic_styles_take_the_filters_in_turn(tmp_path):
    files = []
    for index in range(4):
        files.append(str(tmp_path / f"photo{index}.png"))
        Image.new("RGB", (64, 48), (40 * index, 100, 200)).save(files[-1])
    made = list(make_data.synthetic_styles(files, ("cartoon", "poster"), every=1))
    assert [name.split(":")[0] for name, _ in made] == ["cartoon", "poster", "cartoon", "poster"]
    assert all(image.size == (64, 48) for _, image in made)


def test_datasheet_counts_each_split_and_package_with_its_licences(tmp_path):
    doc = tmp_path / "root" / "usr" / "share" / "doc" / "scratch"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text("Files: *\nLicense: GPL-2\n\nFiles: Media/*\nLicense: CC-BY-SA-3.0\nLicense: GPL-2\n")
    manifest = [{"file": "a.jpg", "source": "scratch:Backgrounds/Indoors/kitchen.jpg", "split": "train", "group": "indoor"},
                {"file": "b.jpg", "source": "scratch:Backgrounds/Nature/lake.jpg", "split": "train", "group": "outdoor"},
                {"file": "c.jpg", "source": "erase.rcc@1234", "split": "val", "group": "outdoor"},
                {"file": "d.jpg", "source": "cartoon:0123.jpg", "split": "style_train", "group": "outdoor"}]
    rows = [line for line in make_data.datasheet(manifest, str(tmp_path)).splitlines() if line.startswith("| ")]
    assert "| train | scratch | 2 | indoor 1, outdoor 1 | GPL-2, CC-BY-SA-3.0 |" in rows
    assert any(row.startswith("| val | gcompris-qt-data | 1 | outdoor 1 |") for row in rows)
    assert "| style_train | derived | 1 | - | as their sources |" in rows
