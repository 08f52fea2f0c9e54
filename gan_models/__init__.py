"""gan_models: GAN photo studio — colorization, inpainting, style transfer and old-photo restoration."""
__version__ = "0.1.0"

from .errors import InvalidInputError  # noqa: E402
from .models import PatchGANDiscriminator, UNetGenerator, VGG16Features  # noqa: E402
from .pipelines import ColorizationPipeline, ImagePipelineOutput, InpaintingPipeline  # noqa: E402

__all__ = ["ColorizationPipeline", "ImagePipelineOutput", "InpaintingPipeline", "InvalidInputError", "PatchGANDiscriminator",
           "UNetGenerator", "VGG16Features", "__version__"]
