"""GAN photo studio: a Gradio Blocks demo over the gan_models pipelines (Hugging Face Space entry point).

    python app.py [--host 127.0.0.1] [--port 7860]

Each model is read from a local pipeline folder or a Hub repo id, set per task by environment variable
(GAN_MODELS_COLORIZATION=user/repo); the default is the bundled folder under pretrained/, so it runs offline.
"""
import argparse
import functools
import os
import tempfile

import gradio as gr
import torch

from gan_models import ColorizationPipeline, InvalidInputError
from gan_models.image_io import open_image, to_rgb

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = {"colorization": os.environ.get("GAN_MODELS_COLORIZATION", os.path.join(HERE, "pretrained", "colorization"))}
PIPELINES = {"colorization": ColorizationPipeline}
EXAMPLES = os.path.join(HERE, "examples")
MAX_FILE_SIZE = os.environ.get("GAN_MODELS_MAX_FILE_SIZE", "25mb")


@functools.lru_cache(maxsize=None)
def get_pipeline(task):
    cuda = torch.cuda.is_available()
    return PIPELINES[task].from_pretrained(SOURCES[task], torch_dtype=torch.float16 if cuda else None,
                                           load_discriminator=False)


def save_for_download(image):
    handle = tempfile.NamedTemporaryFile(suffix=".png", delete=False, dir=tempfile.gettempdir())
    image.save(handle, format="PNG")
    return handle.name


def user_errors(fn):
    """Show input problems as a message in the UI; never let them reach the user as a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidInputError as err:
            raise gr.Error(str(err)) from None
        except MemoryError:
            raise gr.Error("The image is too large for this server; try a smaller one.") from None
    return wrapper


class PhotoInput(gr.Image):
    """A filepath gr.Image that leaves reading the upload to gan_models.image_io.

    gr.Image opens every upload with PIL before the event function runs: a file that is not an image
    failed there with a bare "Error" (image_io's friendly message never reached the user), and with its
    default image_mode="RGB" it re-encoded non-RGB uploads itself (16-bit PNGs came out all white).
    With image_mode=None a readable file is passed through untouched, and an unreadable one is
    reported with image_io's message.
    """
    is_template = True  # rendered by the built-in Image frontend

    def __init__(self, *args, **kwargs):
        super().__init__(*args, type="filepath", image_mode=None, **kwargs)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:
            if payload is None or payload.path is None:
                raise
            try:
                open_image(payload.path)
            except InvalidInputError as err:
                raise gr.Error(str(err)) from None
            return payload.path


@user_errors
def colorize(image, vividness=1.0, progress=gr.Progress()):
    if image is None:
        raise InvalidInputError("Upload a photo first.")
    progress(0.1, desc="reading the photo")
    source = to_rgb(image)
    gray = source.convert("L").convert("RGB")
    progress(0.4, desc="colorizing")
    result = get_pipeline("colorization")(image=source, chroma_gain=vividness).images[0]
    return (gray, result), save_for_download(result)


def examples_for(task):
    folder = os.path.join(EXAMPLES, task)
    if not os.path.isdir(folder):
        return []
    return [[os.path.join(folder, name)] for name in sorted(os.listdir(folder)) if not name.endswith(".md")]


def build_demo():
    with gr.Blocks(title="GAN photo studio") as demo:
        gr.Markdown("# GAN photo studio\nColorize black-and-white photos with a small GAN trained offline. "
                    "Results come back at the size you upload.")
        with gr.Tab("Colorization", id="colorization"):
            with gr.Row():
                with gr.Column():
                    color_in = PhotoInput(label="Black-and-white photo (colour photos are made gray first)",
                                        elem_id="colorize-input")
                    vividness = gr.Slider(0.0, 2.0, value=1.0, step=0.05, label="Vividness (chroma gain)")
                    color_btn = gr.Button("Colorize", variant="primary", elem_id="colorize-button")
                with gr.Column():
                    color_out = gr.ImageSlider(label="Before / after", type="pil", elem_id="colorize-output")
                    color_file = gr.File(label="Download (PNG, full size)", elem_id="colorize-download")
            gr.Examples(examples_for("colorization"), inputs=[color_in])
            color_btn.click(colorize, inputs=[color_in, vividness], outputs=[color_out, color_file],
                            api_name="colorize")
    return demo


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; Spaces set their own)")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    host = args.host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    demo = build_demo()
    demo.queue(default_concurrency_limit=2, max_size=32)
    demo.launch(server_name=host, server_port=args.port, max_file_size=MAX_FILE_SIZE)


if __name__ == "__main__":
    main()
