"""Build train/val image folders from photos shipped in offline Debian packages.

Sources (installed by `make data` with apt):
  gcompris-qt-data      photos embedded in Qt .rcc resources (each image is preceded by a
                        4-byte big-endian length), CC BY-SA / GPL artwork of the GCompris project
  *wallpapers*, *backgrounds*  desktop photo wallpapers (licenses in each package's copyright file)
  python3-skimage, python-matplotlib-data, opencv-doc  the sample photos of scikit-image, matplotlib and OpenCV
                        (people, rooms, objects on a table: what the sources above lack). Downloaded with
                        `apt-get download` and unpacked, not installed (their dependencies are heavy); all go to
                        `varied/`, a held-out set that measures how the models do on scenes they have not seen.
  scratch               Scratch 1.4's photo backgrounds (CC BY-SA 3.0: rooms, streets, houses, sports grounds) join
                        the photos; its cut-out photos of people go to `cutouts/`
  tuxpaint-stamps-default  the photo cut-outs among Tux Paint's stamps (GPL-2: animals, food, objects, vehicles) go to
                        `cutouts/` (RGBA); training pastes them onto photos (gan_models.training.composite)
  kphotoalbum           the demo album of KPhotoAlbum (GPL-2+): snapshots of people, a bar, a pool hall and pets, turned
                        upright by the album's index; one place stays in one split, and the bar and the pool hall go
                        to `val/`, so that settings are chosen on people and rooms too (the others train)
  All three are fetched with `apt-get download` and unpacked beside the varied packages.

The split is by source photo (one photo = one scene), never by crop: every --val-every'th scene (by hash) is held
out, half of them to `val/` (choosing settings) and half to `test/` (reporting). Each photo is stored once,
downscaled to at most --max-side pixels, as JPEG q95; crops happen on the fly during training.
Paintings (the GCompris "details" artwork) go to `art/` (style training) and `art_val/` (held-out styles); the
opaque middles of the GCompris painting jigsaw pieces (~240, cut from some twenty paintings) go to `art_pieces/`.
More style kinds, by whole source: `style_train/` holds mate-backgrounds' digital art (its abstract and desktop
wallpapers), 3 in 4 of Scratch's drawn backgrounds and synthetic styles made from every 5th training photo by
non-photorealistic filters (gan_models.training.npr); `style_val/` (for choosing) holds the other Scratch drawings
and halftone prints of validation photos, a filter training never sees; `style_test/` holds gnome-backgrounds' digital art and every
8th drawn Tux Paint stamp (on white), style kinds no training sees. plasma-workspace-wallpapers, ukui-wallpapers and
lomiri-wallpapers-20.04 are never style images (reserved for independent evaluation).
"""
import argparse
import glob
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
Image.MAX_IMAGE_PIXELS = None  # trusted system files; some wallpapers are > 90 MP

WALLPAPER_DIRS = ["/usr/share/backgrounds", "/usr/share/wallpapers"]
RCC_DIR = "/usr/share/gcompris-qt/rcc"
# Activities whose resources are photographs (the others are drawings); "details" holds paintings.
PHOTO_RCC = {"lang.rcc", "erase.rcc", "explore_monuments.rcc", "explore_world_animals.rcc",
             "explore_farm_animals.rcc", "explore_world_music.rcc", "categorization.rcc"}
ART_RCC = {"details.rcc"}
JIGSAW_RCC = "paintings.rcc"  # ~270 jigsaw pieces cut from some twenty paintings (Hokusai, Monet, da Vinci, ...)
# Scene groups that the colorization benchmark reports separately (people, indoor, objects, outdoor). Photos get
# theirs from their source; the varied and album photos, one by one (by file name).
SOURCE_GROUPS = {"Indoors": "indoor", "categorization.rcc": "objects", "explore_world_music.rcc": "objects"}
PHOTO_GROUPS = {"astronaut.png": "people", "grace_hopper.jpg": "people", "messi5.jpg": "people",
                "stuff.jpg": "indoor", "rubberwhale1.png": "indoor", "left.jpg": "indoor",
                "board.jpg": "indoor", "coffee.png": "objects", "apple.jpg": "objects", "fruits.jpg": "objects",
                "orange.jpg": "objects", "motorcycle_left.png": "objects", "chelsea.png": "objects",
                "aloeL.jpg": "objects", "ela_original.jpg": "objects",
                **dict.fromkeys(["anne_helene.jpg", "bar55.jpg", "bar55_2.jpg", "cold_water.jpg", "grand_canyon_1.jpg",
                                 "grand_canyon_2.jpg", "jesper.jpg", "jesper_2.jpg", "new_wave_1.jpg",
                                 "new_wave_2.jpg", "qt-logo.jpg"], "people"),
                **dict.fromkeys(["blackie.jpg", "donna_2.jpg", "pool.jpg", "pool_2.jpg", "spiff_2.jpg", "wayne.jpg"],
                                "indoor")}
# Hand-picked real photos (stereo pairs and near-duplicates once; no synthetic, microscopy or painted images).
VARIED_PHOTOS = {
    "python3-skimage": ("usr/lib/python3/dist-packages/skimage/data",
                        ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg"]),
    "python-matplotlib-data": ("usr/share/matplotlib/mpl-data/sample_data", ["grace_hopper.jpg"]),
    "opencv-doc": ("usr/share/doc/opencv-doc/examples/data",
                   ["aero1.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg", "board.jpg", "building.jpg", "butterfly.jpg",
                    "chicky_512.png", "ela_original.jpg", "fruits.jpg", "graf1.png", "home.jpg", "left.jpg",
                    "leuvenA.jpg", "messi5.jpg", "orange.jpg", "rubberwhale1.png", "squirrel_cls.jpg", "stuff.jpg"]),
}
SCRATCH_MEDIA = "usr/share/scratch/Media"
ALBUM = "usr/share/kphotoalbum/demo"
ALBUM_VAL_PLACES = ("bar55", "pool", "wayne")  # a bar and a pool hall (wayne.jpg is the pool hall too)
TUXPAINT_STAMPS = "usr/share/tuxpaint/stamps"
# Non-photorealistic filters (gan_models.training.npr) for style training; halftone is a kind kept for validation
TRAIN_FILTERS = ("cartoon", "colour_pencil", "oil_paint", "poster")
VAL_FILTERS = ("halftone",)
# Wallpaper packages whose digital art (their non-photo images outside nature folders) are styles: which split
STYLE_PACKAGES = {"mate-backgrounds": "style_train", "gnome-backgrounds": "style_test"}
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")


def images_in_rcc(path, min_side):
    """Yield (name, PIL image) for every embedded JPEG/PNG/WebP at least `min_side` pixels."""
    blob = open(path, "rb").read()
    for sig in SIGNATURES:
        start = blob.find(sig, 4)
        while start != -1:
            length = struct.unpack(">I", blob[start - 4:start])[0]
            if 100 < length <= len(blob) - start:
                try:
                    image = Image.open(io.BytesIO(blob[start:start + length]))
                    image.load()
                    if min(image.size) >= min_side:
                        yield f"{os.path.basename(path)}@{start}", image
                except Exception:
                    pass
            start = blob.find(sig, start + 1)


def images_in_dirs(dirs, min_side):
    for root in dirs:
        for path in sorted(glob.glob(os.path.join(root, "**", "*"), recursive=True)):
            if not path.lower().endswith((".jpg", ".jpeg", ".png", ".webp")):
                continue
            try:
                image = Image.open(path)
                if min(image.size) >= min_side:
                    image.draft("RGB", (2048, 2048))
                    image.load()
                    yield path, image
            except Exception:
                pass


def unpacked(package, folder, cache_dir):
    """`folder` inside Debian `package`, fetched with `apt-get download` and unpacked under `cache_dir` once
    (nothing is installed); None if the package cannot be had."""
    root = os.path.join(cache_dir, "root")
    if not os.path.isdir(os.path.join(root, folder)):
        os.makedirs(cache_dir, exist_ok=True)
        try:
            subprocess.run(["apt-get", "download", package], cwd=cache_dir, check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"skipping {package}: apt-get download failed ({error})")
            return None
        deb = sorted(glob.glob(os.path.join(cache_dir, f"{package}_*.deb")))[-1]
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return os.path.join(root, folder)


def varied_photos(cache_dir):
    """Yield (name, image) for VARIED_PHOTOS."""
    for package, (folder, names) in VARIED_PHOTOS.items():
        root = unpacked(package, folder, cache_dir)
        if root is None:
            continue
        for name in names:
            image = Image.open(os.path.join(root, name))
            image.load()
            yield f"{package}:{name}", image


def scratch_backgrounds(cache_dir, min_side):
    """Scratch's photo backgrounds (its GIFs are drawings), named by their folder (Indoors, Outdoors, ...)."""
    root = unpacked("scratch", SCRATCH_MEDIA, cache_dir)
    if root is None:
        return
    for path in sorted(glob.glob(os.path.join(root, "Backgrounds", "*", "*.jpg"))):
        image = Image.open(path)
        image.load()
        if min(image.size) >= min_side:
            yield "scratch:" + os.path.relpath(path, root), image


def album_photos(cache_dir):
    """(split, name, image) for KPhotoAlbum's demo photos, turned as its index.xml says; near-duplicates (bar55.jpg,
    bar55_2.jpg) share a split."""
    root = unpacked("kphotoalbum", ALBUM, cache_dir)
    if root is None:
        return
    index = ElementTree.parse(os.path.join(root, "index.xml")).getroot()
    for entry in index.iter("image"):
        name = entry.get("file")
        if not name.lower().endswith(".jpg"):
            continue
        image = Image.open(os.path.join(root, name)).rotate(-int(entry.get("angle", 0)), expand=True)
        split = "val" if name.split(".")[0].removesuffix("_2") in ALBUM_VAL_PLACES else "train"
        yield split, f"kphotoalbum:{name}", image


def photo_cutouts(cache_dir):
    """Cut-out photos with transparency: Scratch's people and Tux Paint's photo stamps (not its drawings)."""
    sources = [("scratch", SCRATCH_MEDIA, "Costumes/People/*"), ("tuxpaint-stamps-default", TUXPAINT_STAMPS, "**/*.png")]
    for package, folder, pattern in sources:
        root = unpacked(package, folder, cache_dir)
        for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True)) if root else []:
            if "cartoon" in path or not path.lower().endswith((".png", ".gif")):
                continue
            image = Image.open(path)
            image.load()
            if looks_like_photo_cutout(image):
                yield f"{package}:{os.path.relpath(path, root)}", image.convert("RGBA")


def package_images(package):
    """The image files Debian `package` installed (empty if it is not installed)."""
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
    return sorted(p for p in listing if p.lower().endswith((".jpg", ".jpeg", ".png", ".webp")) and os.path.isfile(p))


def wallpaper_art():
    """(split, name, image) for the digital art of STYLE_PACKAGES: images outside nature folders that are neither
    photos nor nearly flat."""
    for package, split in STYLE_PACKAGES.items():
        for path in package_images(package):
            if "/nature/" in path:
                continue
            image = Image.open(path)
            image.draft("RGB", (2048, 2048))
            image.load()
            flat = np.asarray(image.convert("L").resize((256, 256))).std() < 15
            if not flat and not looks_like_photo(image, need_texture=True):
                yield split, f"{package}:{os.path.basename(path)}", image


def scratch_drawings(cache_dir, val_every=4):
    """(split, name, image) for Scratch's drawn backgrounds (its JPEGs are photos): every `val_every`th to style_val."""
    root = unpacked("scratch", SCRATCH_MEDIA, cache_dir)
    for index, path in enumerate(sorted(glob.glob(os.path.join(root, "Backgrounds", "*", "*.gif"))) if root else []):
        split = "style_val" if index % val_every == val_every - 1 else "style_train"
        yield split, f"scratch:{os.path.relpath(path, root)}", Image.open(path).convert("RGB")


def stamp_drawings(cache_dir, every=8, min_side=96):
    """Every `every`th drawn Tux Paint stamp (letters and signs left out), cropped to its outline, on white."""
    root = unpacked("tuxpaint-stamps-default", TUXPAINT_STAMPS, cache_dir)
    stamps = sorted(glob.glob(os.path.join(root, "**", "*.png"), recursive=True)) if root else []
    kept = 0
    for path in stamps:
        image = Image.open(path).convert("RGBA")
        if "symbols" in path or min(image.size) < min_side or looks_like_photo_cutout(image):
            continue
        kept += 1
        if kept % every == 0:
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            yield f"tuxpaint-stamps-default:{os.path.relpath(path, root)}", flat.crop(image.getbbox())


def synthetic_styles(files, names, every):
    """One non-photorealistic rendering of every `every`th photo, the filters `names` taken in turn."""
    from gan_models.training.npr import synthetic_style

    for index, path in enumerate(sorted(files)[::every]):
        name = names[index % len(names)]
        yield f"{name}:{os.path.basename(path)}", synthetic_style(Image.open(path), name)


def looks_like_photo_cutout(image, min_opaque=1500):
    """A cut-out photo has many colours for its area and texture inside its outline; clip art has neither."""
    rgba = np.asarray(image.convert("RGBA"))
    opaque = rgba[..., 3] > 250
    if opaque.sum() < min_opaque:
        return False
    rgb = rgba[..., :3].astype(np.float32)
    quantized = (rgb[opaque] // 8).astype(np.int32)
    colours = len(np.unique(quantized[:, 0] * 1024 + quantized[:, 1] * 32 + quantized[:, 2]))
    gray = rgb.mean(-1)
    laplacian = np.abs(4 * gray[1:-1, 1:-1] - gray[:-2, 1:-1] - gray[2:, 1:-1] - gray[1:-1, :-2] - gray[1:-1, 2:])
    inside = opaque[1:-1, 1:-1] & opaque[:-2, 1:-1] & opaque[2:, 1:-1] & opaque[1:-1, :-2] & opaque[1:-1, 2:]
    return colours >= 2.0 * np.sqrt(opaque.sum()) and inside.any() and np.median(laplacian[inside]) >= 3


def opaque_interior(piece):
    """The RGBA piece's rectangle without the transparent margins around its tabs and blanks."""
    opaque = np.asarray(piece.getchannel("A")) > 250
    top, left, bottom, right = 0, 0, opaque.shape[0], opaque.shape[1]
    while bottom - top > 8 and right - left > 8:
        window = opaque[top:bottom, left:right]
        edges = {"top": window[0].mean(), "bottom": window[-1].mean(),
                 "left": window[:, 0].mean(), "right": window[:, -1].mean()}
        worst = min(edges, key=edges.get)
        if edges[worst] == 1.0:
            break
        top, bottom = top + (worst == "top"), bottom - (worst == "bottom")
        left, right = left + (worst == "left"), right - (worst == "right")
    return piece.convert("RGB").crop((left, top, right, bottom))


def jigsaw_pieces(min_side):
    """Painting textures for style training: the opaque middle of each GCompris jigsaw piece."""
    path = os.path.join(RCC_DIR, JIGSAW_RCC)
    if not os.path.exists(path):
        return
    for name, piece in images_in_rcc(path, 0):
        interior = opaque_interior(piece.convert("RGBA"))
        if min(interior.size) >= min_side:
            yield name, interior


def candidates(min_side, cache_dir):
    """Yield (name, image, is_art, is_wallpaper) for every image of every source."""
    for path in sorted(glob.glob(os.path.join(RCC_DIR, "*.rcc"))):
        activity = os.path.basename(path)
        if activity in PHOTO_RCC | ART_RCC:
            for name, image in images_in_rcc(path, min_side):
                yield name, image, activity in ART_RCC, False
    for name, image in images_in_dirs(WALLPAPER_DIRS, min_side):
        yield name, image, False, True
    for name, image in scratch_backgrounds(cache_dir, min_side):
        yield name, image, False, True


def looks_like_photo(image, need_texture):
    """Reject gray, flat and vector art. Wallpaper folders mix photos with vector art, which has
    almost no fine texture at 256 px, so only those are held to the texture test."""
    if image.mode in ("RGBA", "LA", "P") and "A" in image.convert("RGBA").getbands():
        alpha = np.asarray(image.convert("RGBA").getchannel("A"))
        if (alpha < 250).mean() > 0.02:  # cut-out clip art on a transparent background
            return False
    small = np.asarray(image.convert("RGB").resize((256, 256), Image.BILINEAR), dtype=np.float32)
    quantized = (small // 8).astype(np.int32)
    colours = len(np.unique(quantized[..., 0] * 1024 + quantized[..., 1] * 32 + quantized[..., 2]))
    gray = small.mean(-1)
    laplacian = np.abs(4 * gray[1:-1, 1:-1] - gray[:-2, 1:-1] - gray[2:, 1:-1] - gray[1:-1, :-2] - gray[1:-1, 2:])
    saturation = (small.max(-1) - small.min(-1)).mean()
    textured = np.median(laplacian) >= 1.5 or not need_texture
    return colours >= 400 and saturation >= 10 and textured


def scene_group(source):
    """people / indoor / objects / outdoor (nature, animals, landscapes, buildings) for a manifest entry."""
    name = source.split(":")[-1]
    if name in PHOTO_GROUPS:
        return PHOTO_GROUPS[name]
    return next((group for key, group in SOURCE_GROUPS.items() if key in source), "outdoor")


def fingerprint(image):
    """A 16x16 gray thumbnail's bytes: the same picture at another size or in another format has the same one."""
    return np.asarray(image.convert("L").resize((16, 16))).tobytes()


def save(image, folder, max_side):
    """JPEG q95, or PNG for a cut-out (its transparency is the point)."""
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode == "RGBA" else "RGB")
    image.thumbnail((max_side, max_side), Image.LANCZOS)
    extension = ".png" if image.mode == "RGBA" else ".jpg"
    path = os.path.join(folder, hashlib.sha1(image.tobytes()).hexdigest()[:12] + extension)
    image.save(path, quality=95)
    return path


# Sources that are not a file path of an installed package: the package they come from
SOURCE_PACKAGES = {".rcc": "gcompris-qt-data", "scratch": "scratch", "tuxpaint-stamps-default": "tuxpaint-stamps-default",
                   "opencv-doc": "opencv-doc", "python3-skimage": "python3-skimage",
                   "python-matplotlib-data": "python-matplotlib-data", "gnome-backgrounds": "gnome-backgrounds",
                   "mate-backgrounds": "mate-backgrounds", "kphotoalbum": "kphotoalbum"}
DERIVED = (*TRAIN_FILTERS, *VAL_FILTERS)  # styles rendered from our own training / validation photos
PHOTO_SPLITS = ("train", "val", "test", "varied")  # the splits whose scene groups the benchmarks report


def source_package(source):
    """The Debian package an entry's `source` comes from ("derived" for filtered photos)."""
    if source.startswith("/"):
        found = subprocess.run(["dpkg", "-S", source], capture_output=True, text=True).stdout
        return found.split(":")[0] if found else "unknown"
    prefix = source.split(":")[0]
    if prefix in DERIVED:
        return "derived"
    return next((package for key, package in SOURCE_PACKAGES.items() if key in prefix), "unknown")


# Packages whose Debian copyright file is free text, with no `License:` field: the licence it states
FREE_TEXT_LICENSES = {"kphotoalbum": "GPL-2+"}


def package_licenses(package, cache_dir):
    """The distinct `License:` names in a package's Debian copyright file (installed or unpacked by us)."""
    if package in FREE_TEXT_LICENSES:
        return FREE_TEXT_LICENSES[package]
    for root in (os.path.join(cache_dir, "root"), "/"):
        path = os.path.join(root, "usr/share/doc", package, "copyright")
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                names = list(dict.fromkeys(line.split(":", 1)[1].strip() for line in f if line.startswith("License:")))
            names = [name for name in names if name]
            if len(names) > 4:
                return ", ".join(names[:4]) + f" and {len(names) - 4} more (see {path})"
            return ", ".join(names) or f"see {path}"
    return "unknown"


def datasheet(manifest, cache_dir):
    """DATASHEET.md: per split, the images each source package gave, their licences and scene groups."""
    packages, rows = {}, {}
    for entry in manifest:
        source = entry["source"].split("@")[0]  # "name.rcc@offset": one lookup per resource file
        if source not in packages:
            packages[source] = source_package(source)
        rows.setdefault((entry["split"], packages[source]), []).append(entry["group"])
    lines = ["# Datasheet", "",
             "Written by `scripts/make_data.py` (`make data`) from `manifest.json`; the images themselves stay out of "
             "git. Licences are the `License:` names in each package's Debian copyright file (which file falls under "
             "which licence is listed there). \"derived\": non-photorealistic renderings of this set's own "
             "training / validation photos (gan_models.training.npr), under their sources' licences.", "",
             "The packages set aside for independent evaluation are never read here, and the wallpaper packages "
             "that may not serve as style images (see the module docstring) give training photos only.", "",
             "| split | source package | images | scene groups (photos) | licences |", "|---|---|---|---|---|"]
    for (split, package), groups in sorted(rows.items()):
        counted = ", ".join(f"{group} {groups.count(group)}" for group in sorted(set(groups))) \
            if split in PHOTO_SPLITS else "-"
        licenses = "as their sources" if package == "derived" else package_licenses(package, cache_dir)
        lines.append(f"| {split} | {package} | {len(groups)} | {counted} | {licenses} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="data")
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--min-side", type=int, default=300)
    parser.add_argument("--min-piece-side", type=int, default=64, help="smallest jigsaw-piece interior kept")
    parser.add_argument("--package-cache", default=None, help="where the varied/ packages are unpacked (OUT/debs)")
    parser.add_argument("--val-every", type=int, default=5,
                        help="every Nth scene (by hash) is held out: half to val, half to test")
    args = parser.parse_args()

    splits = ("train", "val", "test", "art", "art_val", "art_pieces", "varied", "cutouts",
              "style_train", "style_val", "style_test")
    folders = {name: os.path.join(args.out, name) for name in splits}
    cache_dir = args.package_cache or os.path.join(args.out, "debs")
    for folder in folders.values():  # built anew, so a changed split never leaves stale photos behind
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
    seen, manifest, rejected = set(), [], 0
    for name, image, is_art, is_wallpaper in candidates(args.min_side, cache_dir):
        probe = fingerprint(image)
        if probe in seen or (not is_art and not looks_like_photo(image, is_wallpaper)):
            rejected += 1
            continue
        seen.add(probe)
        digest = int(hashlib.sha1(probe).hexdigest(), 16)
        if is_art:  # paintings: every 5th is a held-out style for the style-transfer evaluation
            split = "art_val" if digest % 5 == 0 else "art"
        elif digest % args.val_every == 0:
            split = ("val", "test")[digest // args.val_every % 2]
        else:
            split = "train"
        manifest.append({"file": save(image, folders[split], args.max_side), "source": name, "split": split,
                         "group": scene_group(name)})

    photos = {split: [m["file"] for m in manifest if m["split"] == split] for split in ("train", "val")}
    extras = [("art_pieces", jigsaw_pieces(args.min_piece_side)),
              ("varied", varied_photos(cache_dir)), ("cutouts", photo_cutouts(cache_dir)),
              ("style_train", synthetic_styles(photos["train"], TRAIN_FILTERS, every=5)),
              ("style_val", synthetic_styles(photos["val"], VAL_FILTERS, every=2)),
              ("style_test", stamp_drawings(cache_dir))]
    extras = [(split, name, image) for split, images in extras for name, image in images]
    extras += list(scratch_drawings(cache_dir)) + list(wallpaper_art()) + list(album_photos(cache_dir))
    for split, name, image in extras:  # no photo test here: only duplicates are dropped
        probe = fingerprint(image)
        if probe not in seen:
            seen.add(probe)
            manifest.append({"file": save(image, folders[split], args.max_side), "source": name, "split": split,
                             "group": scene_group(name)})

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(os.path.join(args.out, "DATASHEET.md"), "w") as f:
        f.write(datasheet(manifest, cache_dir))
    counts = {k: sum(m["split"] == k for m in manifest) for k in folders}
    print(f"kept {counts}; rejected {rejected} duplicates or non-photos")


if __name__ == "__main__":
    main()
