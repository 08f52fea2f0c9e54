"""GAN photo studio: a Gradio Blocks demo over the gan_models pipelines (Hugging Face Space entry point).

    python app.py [--host 127.0.0.1] [--port 7860]

Each model is read from a local pipeline folder or a Hub repo id, set per task by environment variable
(GAN_MODELS_COLORIZATION=user/repo, GAN_MODELS_INPAINTING, GAN_MODELS_STYLE_TRANSFER, GAN_MODELS_RESTORATION);
the default is the bundled folder under pretrained/, so it runs offline. With gradio[mcp] installed, the four public
endpoints (colorize, inpaint, stylize, restore) are also served as MCP tools (see mcp_available()).

This file is UI glue only: every image operation is a gan_models pipeline call.
"""
import argparse
import functools
import logging
import os
import shutil
import tempfile
import time
import types
import uuid
import warnings

import gradio as gr
import numpy as np
import torch
from PIL import Image

from gan_models import InvalidInputError
from gan_models.image_io import open_image, to_rgb
from gan_models.sources import default_source, load_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
DOWNLOADS = tempfile.mkdtemp(prefix="gan_models_downloads_")
KEEP_DOWNLOADS_SECONDS = 3600
EXAMPLES = os.path.join(HERE, "examples")
MAX_FILE_SIZE = os.environ.get("GAN_MODELS_MAX_FILE_SIZE", "25mb")
STYLES = os.path.join(HERE, "pretrained", "style-transfer", "styles")
PREVIEW_FORMAT = "jpeg"  # before/after previews: JPEG encodes ~10x faster than PNG; the download stays a full PNG
LOG = logging.getLogger("gan_models.app")
# gr.Examples warns at every launch when an example leaves an input empty; the style tab's preset example leaves
# the style image empty on purpose (stylize() takes None there).
warnings.filterwarnings("ignore", message="Examples will be cached but not all input components", category=UserWarning)
if "GRADIO_EXAMPLES_CACHE" not in os.environ:
    # Examples are cached at first use, per process: a model changed between runs never shows stale results,
    # and nothing is written into the checkout (gradio's default is .gradio/ in the working directory).
    os.environ["GRADIO_EXAMPLES_CACHE"] = tempfile.mkdtemp(prefix="gan_models_examples_")


@functools.lru_cache(maxsize=None)
def get_pipeline(task):
    try:
        return load_pipeline(task)
    except InvalidInputError:
        raise
    except Exception as err:  # e.g. a Hub repo id while offline: say so instead of a generic failure
        raise InvalidInputError(f"The {task.replace('_', ' ')} model could not be loaded from "
                                f"{default_source(task)} ({type(err).__name__}). Check GAN_MODELS_{task.upper()} "
                                "and the network, or unset it to use the bundled weights.") from None


def save_for_download(image, name):
    """Write a full-size PNG for the download button; results older than an hour are removed."""
    now = time.time()
    for old in os.scandir(DOWNLOADS):  # one folder per result
        if now - old.stat().st_mtime > KEEP_DOWNLOADS_SECONDS:
            shutil.rmtree(old.path, ignore_errors=True)
    folder = os.path.join(DOWNLOADS, uuid.uuid4().hex[:12])
    os.makedirs(folder)
    path = os.path.join(folder, f"{name}.png")
    image.save(path, format="PNG")
    return path


def user_error(where, message):
    """A gr.Error for a problem with the user's input: one log line on the server, no traceback."""
    LOG.info("user error in %s: %s", where, message)
    return gr.Error(message, print_exception=False)


def user_errors(fn):
    """Show input problems as a message in the UI; never let them reach the user as a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidInputError as err:
            raise user_error(fn.__name__, str(err)) from None
        except MemoryError:
            raise user_error(fn.__name__, "The image is too large for this server; try a smaller one.") from None
    return wrapper


def _read_upload(component, payload):
    try:
        return gr.Image.preprocess(component, payload)
    except gr.Error:
        raise
    except Exception:
        if payload is None or payload.path is None:
            raise
        try:
            open_image(payload.path)
        except InvalidInputError as err:
            raise user_error(f"reading {component.label or 'an upload'}", str(err)) from None
        return payload.path


def photo_input(**kwargs):
    """A filepath gr.Image that leaves reading the upload to gan_models.image_io.

    gr.Image opens every upload with PIL before the event function runs: a file that is not an image
    failed there with a bare "Error" (image_io's friendly message never reached the user), and with its
    default image_mode="RGB" it re-encoded non-RGB uploads itself (16-bit PNGs came out all white).
    Here a readable file is passed through untouched (image_mode=None) and an unreadable one is
    reported with image_io's message. (Not a gr.Image subclass: gradio would render a subclass only
    with extra care, and writes an app.pyi stub next to any module that defines one.)
    """
    component = gr.Image(type="filepath", image_mode=None, **kwargs)
    component.preprocess = types.MethodType(_read_upload, component)
    return component


def default_vividness():
    """The bundled colorization pipeline's own chroma gain (1.0 when the model cannot be loaded)."""
    try:
        return float(get_pipeline("colorization").config["chroma_gain"])
    except Exception:  # the app still starts when the model is missing; colorize() then says why
        return 1.0


@user_errors
def colorize(image, vividness=None, progress=gr.Progress()):
    """Colorize a black-and-white photo; colour photos are made gray first. The result has the photo's size.

    Args:
        image: the photo (any size; JPEG, PNG, WebP, TIFF...; 16-bit and transparent images are fine).
        vividness: chroma gain: 0 keeps it gray, 1 is the model's raw colour, above 1 is more saturated. Defaults to
            the model's own setting (the slider's starting value).

    Returns:
        A (gray input, colorized) pair for the before/after view and the full-size colorized PNG.
    """
    if image is None:
        raise InvalidInputError("Upload a photo first.")
    progress(0.1, desc="reading the photo")
    source = to_rgb(image)
    gray = source.convert("L").convert("RGB")
    progress(0.4, desc="colorizing")
    result = get_pipeline("colorization")(image=source, chroma_gain=vividness).images[0]
    return (gray, result), save_for_download(result, "colorized")


def run_inpainting(image, mask, progress):
    progress(0.3, desc="filling the masked area")
    output = get_pipeline("inpainting")(image=image, mask_image=mask)
    notice = output.extras["notices"][0]
    if notice:
        gr.Warning(notice)
    result = output.images[0]
    return (image, result), save_for_download(result, "inpainted")


@user_errors
def inpaint_files(image, mask, progress=gr.Progress()):
    """Fill the masked part of a photo (remove an object, a scratch, a date stamp); the rest is kept exactly.

    Args:
        image: the photo.
        mask: an image where white marks what to fill and black what to keep (or a transparent PNG whose opaque
            pixels are the area to fill); any size (scaled to the photo with nearest neighbour) and mode.

    Returns:
        A (photo, filled) pair for the before/after view and the full-size filled PNG.
    """
    if image is None or mask is None:
        raise InvalidInputError("Give both a photo and a mask (white where the photo should be filled).")
    return run_inpainting(to_rgb(image), mask, progress)


@user_errors
def inpaint_editor(editor, mask_upload, progress=gr.Progress()):
    """UI: the editor's background is the photo; its painted layers (or an uploaded mask) are the hole."""
    if not editor or editor.get("background") is None:
        raise InvalidInputError("Upload a photo first, then paint over what should go.")
    image = to_rgb(editor["background"])
    mask = mask_upload if mask_upload is not None else editor_mask(editor, image.size)
    return run_inpainting(image, mask, progress)


def editor_mask(editor, size):
    """The painted layers of an ImageEditor value as a mode-L mask (255 where anything was painted)."""
    mask = Image.new("L", size, 0)
    for layer in editor.get("layers") or []:
        alpha = layer.convert("RGBA").getchannel("A")
        mask.paste(255, (0, 0), alpha.point(lambda a: 255 if a > 0 else 0).resize(size))
    return mask


STYLE_IMAGE_CHOICE = "(my style image)"


def preset_choices():
    try:
        return [STYLE_IMAGE_CHOICE] + get_pipeline("style_transfer").preset_names
    except Exception:  # the app still starts (other tabs work) when the style model is missing
        return [STYLE_IMAGE_CHOICE]


@user_errors
def stylize(content, style=None, preset=None, strength=1.0, preserve_color=False, progress=gr.Progress()):
    """Repaint a photo in the style of a painting or texture, or of a bundled style preset.

    Args:
        content: the photo to restyle; the result has its size.
        style: a style image (a painting, a texture...). Optional when a bundled preset is chosen.
        preset: a bundled style name (e.g. "vintage" or a Van Gogh painting), or "(my style image)" to use `style`.
        strength: 0 returns the photo unchanged, 1 is the full style.
        preserve_color: keep the photo's own colours and take only the style's texture.

    Returns:
        A (photo, stylized) pair for the before/after view and the full-size stylized PNG.
    """
    if content is None:
        raise InvalidInputError("Upload a content photo first.")
    preset = None if preset in (None, "", STYLE_IMAGE_CHOICE) else preset
    if preset is None and style is None:
        raise InvalidInputError("Upload a style image or pick a bundled style.")
    if preset is not None and style is not None:
        gr.Warning(f'The bundled style "{preset}" wins over the uploaded style image; choose "{STYLE_IMAGE_CHOICE}" '
                   "to use yours.")
    progress(0.2, desc="reading the photos")
    source = to_rgb(content)
    progress(0.5, desc="stylizing")
    result = get_pipeline("style_transfer")(image=source, style_image=None if preset else style, preset=preset,
                                            strength=strength, preserve_color=preserve_color).images[0]
    return (source, result), save_for_download(result, "stylized")


def damage_layer(mask):
    """Detected damage as a translucent red layer the user can paint on or erase."""
    layer = Image.new("RGBA", mask.size, (255, 40, 40, 0))
    layer.putalpha(mask.point(lambda v: 170 if v > 127 else 0))
    return layer


@user_errors
def detect_damage(image, progress=gr.Progress()):
    """UI step 1: find the damage and put it on the editor as an editable layer."""
    if image is None:
        raise InvalidInputError("Upload a scanned photo first.")
    progress(0.3, desc="detecting scratches, dust and tears")
    photo = to_rgb(image)
    mask = get_pipeline("restoration").detection(image=photo).images[0]
    share = np.count_nonzero(np.asarray(mask)) / (mask.width * mask.height)
    gr.Info(f"Damage found on {share:.1%} of the photo. Paint to add, erase to remove, then press Restore.")
    return {"background": photo, "layers": [damage_layer(mask)], "composite": None}


def run_restoration(photo, mask, colorize, clean, upscale, progress):
    progress(0.4, desc="repairing, cleaning and colorizing")
    colorize = {"auto": "auto", "yes": True, "no": False}[colorize or "auto"]
    output = get_pipeline("restoration")(image=photo, mask_image=mask, colorize=colorize, clean=bool(clean),
                                         upscale=2 if upscale else None, return_intermediates=True)
    result = output.images[0]
    stages = [(image if image.mode in ("RGB", "L") else image.convert("RGB"), name)  # JPEG previews
              for name, image in output.extras["stages"][0].items()]
    return (photo, result), stages, save_for_download(result, "restored")


@user_errors
def restore_file(image, colorize="auto", clean=True, upscale=False, progress=gr.Progress()):
    """Restore a scanned old photo: detect scratches, dust and tears, fill them, clean up, optionally colorize.

    Args:
        image: the scanned photo; damage is detected automatically.
        colorize: "auto" (colorize black-and-white and sepia photos), "yes" or "no".
        clean: also reduce fading and grain.
        upscale: enlarge the result x2 (sharpened) as the last stage.

    Returns:
        A (scan, restored) pair for the before/after view, the intermediate stages with captions, and the
        full-size restored PNG.
    """
    if image is None:
        raise InvalidInputError("Upload a scanned photo first.")
    return run_restoration(to_rgb(image), None, colorize, clean, upscale, progress)


@user_errors
def restore_editor(editor, colorize="auto", clean=True, upscale=False, progress=gr.Progress()):
    """UI step 2: restore with the (possibly corrected) mask from the editor."""
    if not editor or editor.get("background") is None:
        raise InvalidInputError("Upload a scanned photo and press Detect damage first.")
    photo = to_rgb(editor["background"])
    return run_restoration(photo, editor_mask(editor, photo.size), colorize, clean, upscale, progress)


@user_errors
def upscale(image, scale=4, progress=gr.Progress()):
    """Enlarge a small, soft or noisy photo x2 or x4: sharper, with less noise and fewer JPEG blocks.

    Args:
        image: the photo to enlarge.
        scale: 2 or 4; the result is exactly that many times the photo's width and height.

    Returns:
        A (photo enlarged plainly, enhanced) pair at the same size for the before/after view, and the
        full-size enhanced PNG.
    """
    if image is None:
        raise InvalidInputError("Upload a photo first.")
    photo = to_rgb(image)
    progress(0.3, desc=f"enlarging x{int(scale)}")
    result = get_pipeline("upscale")(image=photo, scale=int(scale)).images[0]
    return (photo.resize(result.size, Image.BICUBIC), result), save_for_download(result, f"upscaled_x{int(scale)}")


def example_files(task, suffix=(".jpg", ".jpeg", ".png")):
    folder = os.path.join(EXAMPLES, task)
    if not os.path.isdir(folder):
        return []
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.lower().endswith(suffix)]


def examples_for(task, presets=()):
    """Example rows for a tab's gr.Examples, from examples/<task>/ (written by scripts/make_examples.py)."""
    if task == "inpainting":  # photo.jpg beside photo_mask.png
        return [[path[:-len("_mask.png")] + ".jpg", path] for path in example_files(task, "_mask.png")
                if os.path.isfile(path[:-len("_mask.png")] + ".jpg")]
    if task == "style":  # the first photo with the vintage preset, the next with a bundled painting
        rows, photos = [], example_files(task)
        paintings = [os.path.join(STYLES, name) for name in sorted(os.listdir(STYLES))] if os.path.isdir(STYLES) else []
        if photos and "vintage" in presets:
            rows.append([photos.pop(0), None, "vintage"])
        for photo, painting in zip(photos, paintings):
            rows.append([photo, painting, STYLE_IMAGE_CHOICE])
        return rows
    return [[path] for path in example_files(task)]


def examples(rows, inputs, fn, outputs):
    """gr.Examples that run `fn` at an example's first click and keep its result for everyone after."""
    if rows:
        gr.Examples(rows, inputs=inputs, fn=fn, outputs=outputs, cache_examples=True, cache_mode="lazy")


def mcp_available():
    """Whether gradio can serve the app as an MCP server: gradio[mcp] installs the `mcp` package, which
    gradio.mcp.GradioMCPServer imports (launch(mcp_server=True) fails without it)."""
    try:
        import mcp  # noqa: F401
    except ImportError:
        return False
    return True


def build_demo():
    with gr.Blocks(title="GAN photo studio") as demo:
        gr.Markdown("# GAN photo studio\nSmall GANs trained offline: colorize black-and-white photos, fill holes "
                    "and scratches, restyle photos, restore old prints. Results come back at the size you upload.")
        with gr.Tab("Colorization", id="colorization"):
            with gr.Row():
                with gr.Column():
                    color_in = photo_input(label="Black-and-white photo (colour photos are made gray first)",
                                           elem_id="colorize-input")
                    vividness = gr.Slider(0.0, 2.0, value=default_vividness(), step=0.05,
                                          label="Vividness (chroma gain)")
                    color_btn = gr.Button("Colorize", variant="primary", elem_id="colorize-button")
                with gr.Column():
                    color_out = gr.ImageSlider(label="Before / after", type="pil", format=PREVIEW_FORMAT,
                                               elem_id="colorize-output")
                    color_file = gr.File(label="Download (PNG, full size)", elem_id="colorize-download")
            examples(examples_for("colorization"), [color_in], colorize, [color_out, color_file])
            color_btn.click(colorize, inputs=[color_in, vividness], outputs=[color_out, color_file],
                            api_name="colorize")
        with gr.Tab("Inpainting", id="inpainting"):
            with gr.Row():
                with gr.Column():
                    editor = gr.ImageEditor(type="pil", label="Photo: paint over what should go", elem_id="inpaint-editor",
                                            brush=gr.Brush(default_size=24, colors=["#ffffff"], color_mode="fixed"),
                                            eraser=gr.Eraser(default_size=24), layers=False, transforms=())
                    mask_upload = photo_input(label="Or upload a mask (white = fill)", elem_id="inpaint-mask")
                    inpaint_btn = gr.Button("Fill", variant="primary", elem_id="inpaint-button")
                with gr.Column():
                    inpaint_out = gr.ImageSlider(label="Before / after", type="pil", format=PREVIEW_FORMAT,
                                                 elem_id="inpaint-output")
                    inpaint_file = gr.File(label="Download (PNG, full size)", elem_id="inpaint-download")
            examples(examples_for("inpainting"), [editor, mask_upload], inpaint_editor, [inpaint_out, inpaint_file])
            with gr.Row(visible=False):  # the file-based API endpoint; the editor is awkward over HTTP
                api_image, api_mask = photo_input(label="image"), photo_input(label="mask")
                api_button = gr.Button("inpaint")
            inpaint_btn.click(inpaint_editor, inputs=[editor, mask_upload], outputs=[inpaint_out, inpaint_file],
                              api_name="inpaint_editor", api_visibility="private")
            api_button.click(inpaint_files, inputs=[api_image, api_mask], outputs=[inpaint_out, inpaint_file],
                             api_name="inpaint")
        with gr.Tab("Style transfer", id="style"):
            with gr.Row():
                with gr.Column():
                    content_in = photo_input(label="Content photo", elem_id="style-content")
                    style_in = photo_input(label="Style image (a painting, a texture...)", elem_id="style-image")
                    presets = preset_choices()
                    preset = gr.Dropdown(presets, value=STYLE_IMAGE_CHOICE, label="Or a bundled style",
                                         elem_id="style-preset")
                    strength = gr.Slider(0.0, 1.0, value=1.0, step=0.05, label="Strength")
                    keep_colors = gr.Checkbox(False, label="Keep original colors")
                    style_btn = gr.Button("Stylize", variant="primary", elem_id="style-button")
                with gr.Column():
                    style_out = gr.ImageSlider(label="Before / after", type="pil", format=PREVIEW_FORMAT,
                                               elem_id="style-output")
                    style_file = gr.File(label="Download (PNG, full size)", elem_id="style-download")
            examples(examples_for("style", presets), [content_in, style_in, preset], stylize, [style_out, style_file])
            style_btn.click(stylize, inputs=[content_in, style_in, preset, strength, keep_colors],
                            outputs=[style_out, style_file], api_name="stylize")
        with gr.Tab("Restore old photo", id="restore"):
            with gr.Row():
                with gr.Column():
                    scan = photo_input(label="Scanned old photo", elem_id="restore-input")
                    detect_btn = gr.Button("1. Detect damage", elem_id="restore-detect")
                    damage_editor = gr.ImageEditor(
                        type="pil", label="Detected damage (red): paint to add, erase to remove",
                        elem_id="restore-editor", layers=False, transforms=(), height=640,  # room to paint
                        brush=gr.Brush(default_size=12, colors=["#ff2828"], color_mode="fixed"),
                        eraser=gr.Eraser(default_size=16))
                    colorize_choice = gr.Radio(["auto", "yes", "no"], value="auto",
                                               label="Colorize (auto: when the photo is B&W or sepia)")
                    clean_box = gr.Checkbox(True, label="Clean up fading and grain")
                    upscale_box = gr.Checkbox(False, label="Upscale x2 as the last stage (slower)")
                    restore_btn = gr.Button("2. Restore", variant="primary", elem_id="restore-button")
                with gr.Column():
                    restore_out = gr.ImageSlider(label="Before / after", type="pil", format=PREVIEW_FORMAT,
                                                 elem_id="restore-output")
                    stages = gr.Gallery(label="Stages", columns=3, height="auto", format=PREVIEW_FORMAT,
                                        elem_id="restore-stages")
                    restore_download = gr.File(label="Download (PNG, full size)", elem_id="restore-download")
            # an example shows the whole restoration (damage detected automatically, as /restore does)
            examples(examples_for("restore"), [scan], restore_file, [restore_out, stages, restore_download])
            detect_btn.click(detect_damage, inputs=[scan], outputs=[damage_editor], api_name="detect_damage")
            restore_btn.click(restore_editor, inputs=[damage_editor, colorize_choice, clean_box, upscale_box],
                              outputs=[restore_out, stages, restore_download], api_name="restore_editor",
                              api_visibility="private")
            with gr.Row(visible=False):  # file-based API: detection runs automatically
                restore_api_image = photo_input(label="image")
                restore_api_button = gr.Button("restore")
            restore_api_button.click(restore_file, inputs=[restore_api_image, colorize_choice, clean_box, upscale_box],
                                     outputs=[restore_out, stages, restore_download], api_name="restore")
        with gr.Tab("Enhance", id="enhance"):
            with gr.Row():
                with gr.Column():
                    enhance_in = photo_input(label="Small, soft or noisy photo", elem_id="enhance-input")
                    scale_choice = gr.Radio([2, 4], value=4, label="Enlarge", elem_id="enhance-scale")
                    enhance_btn = gr.Button("Enhance", variant="primary", elem_id="enhance-button")
                with gr.Column():
                    enhance_out = gr.ImageSlider(label="Before (plain bicubic) / after, same zoom", type="pil",
                                                 format=PREVIEW_FORMAT, elem_id="enhance-output")
                    enhance_file = gr.File(label="Download (PNG, full size)", elem_id="enhance-download")
            examples(examples_for("enhance"), [enhance_in], upscale, [enhance_out, enhance_file])
            enhance_btn.click(upscale, inputs=[enhance_in, scale_choice], outputs=[enhance_out, enhance_file],
                              api_name="upscale")
    return demo


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; Spaces set their own)")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    handler = logging.StreamHandler()  # user errors: one line each on the console
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    host = args.host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    demo = build_demo()
    demo.queue(default_concurrency_limit=2, max_size=32)
    demo.launch(server_name=host, server_port=args.port, max_file_size=MAX_FILE_SIZE, mcp_server=mcp_available())


if __name__ == "__main__":
    main()
