"""Where each task's pipeline is read from: an env var (Hub repo id or folder), else the bundled folder."""
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRETRAINED_DIR = os.environ.get("GAN_MODELS_PRETRAINED_DIR", os.path.join(REPO_ROOT, "pretrained"))
FOLDERS = {"colorization": "colorization", "inpainting": "inpainting", "style_transfer": "style-transfer",
           "restoration": "restoration", "upscale": "upscale"}


def default_source(task):
    """GAN_MODELS_<TASK> (e.g. GAN_MODELS_STYLE_TRANSFER=user/repo) or pretrained/<folder>."""
    return os.environ.get(f"GAN_MODELS_{task.upper()}", os.path.join(PRETRAINED_DIR, FOLDERS[task]))


def load_pipeline(task, source=None):
    """The task's pipeline from `source` (default: default_source), fp16 on a GPU, without critics."""
    import torch

    from . import pipelines

    classes = {"colorization": pipelines.ColorizationPipeline, "inpainting": pipelines.InpaintingPipeline,
               "style_transfer": pipelines.StyleTransferPipeline,
               "restoration": pipelines.OldPhotoRestorationPipeline, "upscale": pipelines.UpscalePipeline}
    cuda = torch.cuda.is_available()
    return classes[task].from_pretrained(source or default_source(task),
                                         torch_dtype=torch.float16 if cuda else None, load_discriminator=False)
