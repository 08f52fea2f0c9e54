"""Write the demo's example photos (examples/<task>/) from held-out validation photos, plus examples/README.md.

    python scripts/make_examples.py

Each example is a photo from data/val/ (never seen in training), made grayscale, downscaled to at most
--max-side pixels on the longer side and saved as JPEG q90. The README names the source of every file,
read from data/manifest.json (written by scripts/make_data.py).
"""
import argparse
import json
import os
import subprocess

from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Chosen by eye from data/val for varied content and sources: a monument, farm animals, a lake at dusk.
COLORIZATION = ["data/val/b69b59b1f67d.jpg", "data/val/5114856ea613.jpg", "data/val/dd32522c49a8.jpg"]


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


def make_example(src, dst, max_side):
    image = ImageOps.exif_transpose(Image.open(src)).convert("L")
    image.thumbnail((max_side, max_side), Image.LANCZOS)  # only ever shrinks
    image.save(dst, format="JPEG", quality=90, optimize=True)
    return image.size


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--out", default=os.path.join(HERE, "examples"))
    args = parser.parse_args()

    with open(os.path.join(HERE, "data", "manifest.json")) as handle:
        manifest = {entry["file"]: entry for entry in json.load(handle)}
    folder = os.path.join(args.out, "colorization")
    os.makedirs(folder, exist_ok=True)
    rows = []
    for index, rel in enumerate(COLORIZATION, start=1):
        entry = manifest[rel]
        if entry["split"] != "val":
            raise SystemExit(f"{rel} is not a held-out (val) photo")
        name = f"example_{index}.jpg"
        width, height = make_example(os.path.join(HERE, rel), os.path.join(folder, name), args.max_side)
        package = debian_package(entry["source"])
        rows.append(f"| `colorization/{name}` | {width}x{height} | `{rel}` | {describe(entry['source'])} | `{package}` |")
        print(f"{name}: {rel} ({package}) -> {width}x{height}")

    packages = sorted({row.rsplit("`", 2)[1] for row in rows})
    readme = [
        "# Example photos",
        "",
        "Photos shown under each tab of the demo (`app.py`). They are held-out photos: taken from the validation",
        "split (`data/val/`), which the models never train on. They come from offline Debian data packages:",
        "the GCompris educational suite's data (`gcompris-qt-data`) and desktop wallpaper packages. They are used",
        "and redistributed under those packages' licenses; see `/usr/share/doc/<package>/copyright` for the",
        "author and license of each file (packages used here: " + ", ".join(f"`{p}`" for p in packages) + ").",
        "",
        f"Each was converted to grayscale, downscaled to at most {args.max_side} px on the longer side and saved as",
        "JPEG quality 90 by `scripts/make_examples.py` (rerun it to rebuild this folder). The source of every",
        "photo is recorded in `data/manifest.json` (written by `scripts/make_data.py`).",
        "",
        "| File | Size | Held-out photo | Original source | Debian package |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    with open(os.path.join(args.out, "README.md"), "w") as handle:
        handle.write("\n".join(readme))


if __name__ == "__main__":
    main()
