"""Batch CLI over files and folders: python -m gan_models {colorize,inpaint,stylize,restore,upscale} INPUT... -o DIR

Bad files are skipped and listed at the end (exit status 1 if any were); inputs are never overwritten.
Results are PNGs named <input name>_<task>.png, keeping the folder structure under --output-dir.
"""
import argparse
import os
import sys

from tqdm.auto import tqdm

from .errors import InvalidInputError
from .training.data import IMAGE_EXTENSIONS

TASKS = {"colorize": ("colorization", "colorized"), "inpaint": ("inpainting", "inpainted"),
         "stylize": ("style_transfer", "stylized"), "restore": ("restoration", "restored"),
         "upscale": ("upscale", "upscaled")}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gan_models", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, help_text):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("inputs", nargs="+", help="image files and/or folders (searched recursively)")
        sub.add_argument("-o", "--output-dir", required=True)
        sub.add_argument("--model", default=None, help="pipeline folder or Hub repo id (default: bundled)")
        return sub

    sub = command("colorize", "black-and-white photos -> colour")
    sub.add_argument("--vividness", type=float, default=None, help="chroma gain (default: the model's)")
    sub.add_argument("--smoothing", type=float, default=None,
                     help="evens colour out within surfaces, 0 (off) to 1 (default: the model's)")
    sub = command("inpaint", "fill the white part of a mask")
    sub.add_argument("--mask", default=None, help="one mask for every input")
    sub.add_argument("--mask-suffix", default="_mask", help="else <name><suffix>.<ext> beside each input")
    sub = command("stylize", "repaint in the style of an image or a preset")
    sub.add_argument("--style", default=None, help="style image")
    sub.add_argument("--preset", default=None, help='a bundled style (e.g. "vintage")')
    sub.add_argument("--strength", type=float, default=1.0)
    sub.add_argument("--preserve-color", action="store_true")
    sub = command("restore", "old photo: detect and fill damage, clean up, colorize")
    sub.add_argument("--mask-suffix", default=None, help="use <name><suffix>.<ext> as the damage mask if present")
    sub.add_argument("--colorize", default="auto", choices=["auto", "yes", "no"])
    sub.add_argument("--no-clean", action="store_true", help="skip the levels/grain clean-up")
    sub.add_argument("--save-intermediates", action="store_true", help="also write the mask and each stage")
    sub.add_argument("--upscale", type=int, default=None, choices=[2], help="enlarge x2 as the last stage")
    sub = command("upscale", "enlarge small, soft, noisy scans x2 or x4, sharpened")
    sub.add_argument("--scale", type=int, default=4, choices=[2, 4])
    return parser.parse_args(argv)


def collect_inputs(paths, mask_suffix=None):
    """[(file, path relative to its argument's folder)] for files and folders; folders keep only images."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                for name in sorted(names):
                    stem, ext = os.path.splitext(name)
                    if ext.lower() in IMAGE_EXTENSIONS and not (mask_suffix and stem.endswith(mask_suffix)):
                        full = os.path.join(root, name)
                        found.append((full, os.path.relpath(full, path)))
        else:
            found.append((path, os.path.basename(path)))
    return found


def mask_beside(path, suffix):
    stem = os.path.splitext(path)[0]
    for ext in IMAGE_EXTENSIONS:
        for candidate in (stem + suffix + ext, stem + suffix + ext.upper()):
            if os.path.isfile(candidate):
                return candidate
    return None


def run_one(pipe, args, path):
    """The task's result image(s) for one input: {suffix: PIL image}."""
    if args.command == "colorize":
        return {"": pipe(image=path, chroma_gain=args.vividness, chroma_smoothing=args.smoothing).images[0]}
    if args.command == "inpaint":
        mask = args.mask or mask_beside(path, args.mask_suffix)
        if mask is None:
            raise InvalidInputError(f"no mask: give --mask or put {args.mask_suffix} beside the photo")
        return {"": pipe(image=path, mask_image=mask).images[0]}
    if args.command == "stylize":
        return {"": pipe(image=path, style_image=args.style, preset=args.preset, strength=args.strength,
                         preserve_color=args.preserve_color).images[0]}
    if args.command == "upscale":
        return {"": pipe(image=path, scale=args.scale).images[0]}
    mask = mask_beside(path, args.mask_suffix) if args.mask_suffix else None
    colorize = {"auto": "auto", "yes": True, "no": False}[args.colorize]
    output = pipe(image=path, mask_image=mask, colorize=colorize, clean=not args.no_clean, upscale=args.upscale,
                  return_intermediates=args.save_intermediates)
    results = {"": output.images[0]}
    if args.save_intermediates:
        results.update({f"_{name}": image for name, image in output.extras["stages"][0].items() if name != "input"})
    return results


def main(argv=None):
    args = parse_args(argv)
    task, suffix = TASKS[args.command]
    if args.command == "stylize" and bool(args.style) == bool(args.preset):
        print("stylize needs exactly one of --style or --preset", file=sys.stderr)
        return 2
    inputs = collect_inputs(args.inputs, getattr(args, "mask_suffix", None))
    if not inputs:
        print("no input images found", file=sys.stderr)
        return 2
    from .sources import load_pipeline

    try:
        pipe = load_pipeline(task, args.model)
    except (InvalidInputError, OSError, ValueError) as err:
        print(f"could not load the {task} model: {err}", file=sys.stderr)
        return 2
    protected = {os.path.realpath(path) for path, _ in inputs}
    skipped, written = [], 0
    for path, relative in tqdm(inputs, desc=args.command, unit="image"):
        try:
            results = run_one(pipe, args, path)
        except InvalidInputError as err:
            skipped.append((path, str(err)))
            continue
        except MemoryError:
            skipped.append((path, "too large for this machine's memory"))
            continue
        stem = os.path.splitext(relative)[0]
        for extra, image in results.items():
            out = os.path.join(args.output_dir, f"{stem}_{suffix}{extra}.png")
            if os.path.realpath(out) in protected:
                skipped.append((path, f"{out} is an input; not overwritten"))
                continue
            os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
            image.save(out)
        written += 1
    print(f"{written} of {len(inputs)} image(s) written to {args.output_dir}")
    if skipped:
        print(f"skipped {len(skipped)}:")
        for path, reason in skipped:
            print(f"  {path}: {reason}")
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
