"""Write the demo's example files (examples/<task>/) plus examples/README.md, all from code.

    python scripts/make_examples.py        # after `make data` (it needs data/val, data/manifest.json, data/debs)

colorization/  held-out photos from data/val/ (never seen in training), made grayscale
inpainting/    a held-out photo and its mask (PNG, white = fill), drawn here over the object to remove
style/         held-out colour photos to restyle (the app pairs them with a bundled preset or painting)
restore/       a damaged "old print": matplotlib's Grace Hopper photo (public domain) made sepia and aged with
               gan_models.training.degradations.synthetic_old_photo at a fixed seed

Every photo is downscaled to at most --max-side pixels on the longer side and saved as JPEG q90. The README
names the source and license of every file, read from data/manifest.json (written by scripts/make_data.py).
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)  # run as a script from anywhere

# Chosen by eye from data/val for varied content and sources: a monument, farm animals, a lake at dusk.
COLORIZATION = ["data/val/b69b59b1f67d.jpg", "data/val/5114856ea613.jpg", "data/val/dd32522c49a8.jpg"]
# A wind turbine against a clear sky: an object to remove (the mask is drawn by `turbine_mask`).
INPAINTING = ("data/val/4e2abb590753.jpg", "wind_turbine")
# Buildings: Carcassonne and the Victoria Memorial. The app pairs the first by name with the vintage preset and the
# next with a bundled Van Gogh painting (app.examples_for).
STYLE = [("data/val/21a15d4385ff.jpg", "victoria_memorial"), ("data/val/ea51ae4c69fa.jpg", "carcassonne")]
# Grace M. Hopper in uniform: an official US Navy photograph (public domain), as shipped by matplotlib.
ENHANCE = ("data/val/5114856ea613.jpg", "hens_small", 7)  # photo, name, seed of the x4 second-order degradation
GRACE_HOPPER = "usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"
RESTORE_SEED = 3  # synthetic_old_photo's damage at this seed: sepia, a crease, scratches, dust and a torn corner


def debian_package(source):
    """The Debian package that shipped a manifest source ("activity.rcc@offset" or a file path)."""
    if ".rcc@" in source:
        return "gcompris-qt-data"
    try:
        out = subprocess.run(["dpkg-query", "-S", source], capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and ":" in out.stdout:
            return out.stdout.split(":", 1)[0].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "a Debian desktop wallpaper package"


def describe(source):
    if ".rcc@" in source:
        activity, offset = source.split(".rcc@")
        return f"GCompris activity resource `/usr/share/gcompris-qt/rcc/{activity}.rcc`, embedded image at byte {offset}"
    return f"`{source}`"


def make_example(src, dst, max_side, mode="L"):
    image = ImageOps.exif_transpose(Image.open(src)).convert(mode)
    return save_photo(image, dst, max_side)


def save_photo(image, dst, max_side):
    image = image.copy()
    image.thumbnail((max_side, max_side), Image.LANCZOS)  # only ever shrinks
    image.save(dst, format="JPEG", quality=90, optimize=True)
    return image.size


def turbine_mask(photo):
    """White (fill) over the wind turbine of INPAINTING's photo: its blades and tower as lines from the hub,
    widened to the white pixels near them (the blades are tapered), then grown by 3 px so no rim is left."""
    size, hub = photo.size, (163 * photo.width // 309, 92 * photo.height // 320)

    def lines(blade_width, tower_width):
        canvas = Image.new("L", size, 0)
        draw = ImageDraw.Draw(canvas)
        for tip in ((85, 37), (252, 60), (154, 180)):  # the three blade tips (in the 309x320 original)
            draw.line([hub, (tip[0] * photo.width // 309, tip[1] * photo.height // 320)], fill=255, width=blade_width)
        draw.line([hub, (171 * photo.width // 309, photo.height)], fill=255, width=tower_width)
        return np.asarray(canvas) > 0

    rgb = np.asarray(photo.convert("RGB"), dtype=np.int16)
    white = (rgb.mean(axis=-1) > 150) & (rgb.max(axis=-1) - rgb.min(axis=-1) < 70)
    white[int(photo.height * 0.6):] = False  # the low sky is hazy: only the blades need widening
    mask = (white & lines(27, 27)) | lines(7, 13)
    return Image.fromarray(mask.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(7))


def find_grace_hopper():
    """matplotlib's sample photo: from `make data`'s unpacked python-matplotlib-data, the system, or matplotlib."""
    candidates = [os.path.join(HERE, "data", "debs", "root", GRACE_HOPPER), os.path.join("/", GRACE_HOPPER)]
    try:
        import matplotlib

        candidates.append(os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg"))
    except ImportError:
        pass
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise SystemExit("grace_hopper.jpg not found: run `make data` (it unpacks python-matplotlib-data into data/debs)")


def old_print(src, seed):
    """A sepia print of `src` aged by the training degradation (fading, grain, JPEG, scratches, tears)."""
    from gan_models.training.degradations import synthetic_old_photo

    gray = np.asarray(ImageOps.grayscale(Image.open(src)), dtype=np.float32)[..., None]
    sepia = Image.fromarray(np.clip(gray * [1.07, 0.92, 0.72], 0, 255).astype(np.uint8))
    damaged, _ = synthetic_old_photo(sepia, np.random.default_rng(seed), severity=1.0)
    return damaged


def small_scan(src, max_side, seed):
    """The photo at most `max_side` px, then 4x smaller through the upscaler's seeded second-order degradation."""
    import torch

    from gan_models.training.degradations import second_order_degradation

    photo = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
    photo.thumbnail((max_side, max_side), Image.LANCZOS)
    photo = photo.crop((0, 0, photo.width - photo.width % 4, photo.height - photo.height % 4))
    clean = torch.from_numpy(np.asarray(photo, dtype=np.float32)).permute(2, 0, 1)[None] / 127.5 - 1
    small = second_order_degradation(clean, 4, np.random.default_rng(seed))[0].permute(1, 2, 0).numpy()
    return Image.fromarray(((small + 1) * 127.5 + 0.5).clip(0, 255).astype(np.uint8))


def held_out(manifest, rel):
    entry = manifest[rel]
    if entry["split"] != "val":
        raise SystemExit(f"{rel} is not a held-out (val) photo")
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--out", default=os.path.join(HERE, "examples"))
    args = parser.parse_args()

    with open(os.path.join(HERE, "data", "manifest.json")) as handle:
        manifest = {entry["file"]: entry for entry in json.load(handle)}
    hopper = find_grace_hopper()
    for task in ("colorization", "inpainting", "style", "restore", "enhance"):
        os.makedirs(os.path.join(args.out, task), exist_ok=True)
        for old in glob.glob(os.path.join(args.out, task, "*")):  # names may change between versions
            os.remove(old)
    rows, packages = [], set()

    def row(name, size, rel, what):
        entry = manifest[rel]
        package = debian_package(entry["source"])
        packages.add(package)
        rows.append(f"| `{name}` | {size[0]}x{size[1]} | {what} | `{rel}` | {describe(entry['source'])} "
                    f"| `{package}` |")
        print(f"{name}: {rel} ({package}) -> {size[0]}x{size[1]}")

    for index, rel in enumerate(COLORIZATION, start=1):
        held_out(manifest, rel)
        name = f"colorization/example_{index}.jpg"
        row(name, make_example(os.path.join(HERE, rel), os.path.join(args.out, name), args.max_side), rel,
            "grayscale")

    rel, stem = INPAINTING
    held_out(manifest, rel)
    photo = ImageOps.exif_transpose(Image.open(os.path.join(HERE, rel))).convert("RGB")
    photo.thumbnail((args.max_side, args.max_side), Image.LANCZOS)
    size = save_photo(photo, os.path.join(args.out, "inpainting", f"{stem}.jpg"), args.max_side)
    row(f"inpainting/{stem}.jpg", size, rel, "colour photo")
    turbine_mask(photo).save(os.path.join(args.out, "inpainting", f"{stem}_mask.png"), format="PNG", optimize=True)
    row(f"inpainting/{stem}_mask.png", size, rel, "its mask (white = fill: the wind turbine), drawn by "
        "`turbine_mask` in `scripts/make_examples.py`")

    for rel, stem in STYLE:
        held_out(manifest, rel)
        name = f"style/{stem}.jpg"
        row(name, make_example(os.path.join(HERE, rel), os.path.join(args.out, name), args.max_side, mode="RGB"),
            rel, "colour photo")

    rel, stem, seed = ENHANCE
    held_out(manifest, rel)
    name = f"enhance/{stem}.png"
    small = small_scan(os.path.join(HERE, rel), args.max_side, seed)
    small.save(os.path.join(args.out, name), optimize=True)
    row(name, small.size, rel, f"made 4x smaller, soft, noisy and JPEG-damaged by `second_order_degradation` (seed {seed})")

    name = "restore/grace_hopper_damaged.jpg"
    size = save_photo(old_print(hopper, RESTORE_SEED), os.path.join(args.out, name), args.max_side)
    print(f"{name}: {hopper} -> {size[0]}x{size[1]}")
    hopper_row = (f"| `{name}` | {size[0]}x{size[1]} | made sepia, then aged by `synthetic_old_photo` (seed "
                  f"{RESTORE_SEED}: fading, grain, JPEG, a crease, scratches, dust, a torn corner) | - | matplotlib's "
                  "sample photo `/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg`: Grace M. Hopper, "
                  "official US Navy photograph, **public domain** (a work of the US federal government) | "
                  "`python-matplotlib-data` |")

    readme = [
        "# Example files",
        "",
        "Examples shown under each tab of the demo (`app.py`), rebuilt by `scripts/make_examples.py` (rerun it after",
        "`make data` to rebuild this folder; it removes and rewrites every file here).",
        "",
        "- `colorization/`: held-out photos made grayscale.",
        "- `inpainting/`: a held-out photo and its mask (PNG, white = the area to fill: the wind turbine).",
        "- `style/`: held-out colour photos; the app pairs the first with the bundled `vintage` preset and the",
        "  second with a bundled Van Gogh painting (`pretrained/style-transfer/styles/`, public domain).",
        "- `restore/`: a damaged \"old print\" made from a public-domain photo with the training degradation.",
        "- `enhance/`: a held-out photo made small, soft and noisy by the upscaler's training degradation.",
        "",
        "The photos other than the restore example are held-out photos: taken from the validation split",
        "(`data/val/`), which the models never train on. They come from offline Debian data packages: the GCompris",
        "educational suite's data (`gcompris-qt-data`: GPL-3+, its images partly CC BY-SA) and desktop wallpaper",
        "packages. They are used and redistributed under those packages' licenses; see",
        "`/usr/share/doc/<package>/copyright` for the author and license of each file (packages used here: "
        + ", ".join(f"`{p}`" for p in sorted(packages)) + "). The restore example is public domain.",
        "",
        f"Each photo was downscaled to at most {args.max_side} px on the longer side and saved as JPEG quality 90.",
        "The source of every held-out photo is recorded in `data/manifest.json` (written by `scripts/make_data.py`).",
        "",
        "| File | Size | What | Held-out photo | Original source | Debian package |",
        "|---|---|---|---|---|---|",
        *rows,
        hopper_row,
        "",
    ]
    with open(os.path.join(args.out, "README.md"), "w") as handle:
        handle.write("\n".join(readme))


if __name__ == "__main__":
    main()
