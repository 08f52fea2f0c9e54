"""gan_models: GAN photo studio — colorization, inpainting, style transfer and old-photo restoration."""
__version__ = "0.1.0"

from .errors import InvalidInputError  # noqa: E402
from .models import PatchGANDiscriminator, StyleDecoder, StyleEncoder, UNetGenerator, VGG16Features  # noqa: E402
from .pipelines import (ColorizationPipeline, DamageDetectionPipeline, ImagePipelineOutput,  # noqa: E402
                        InpaintingPipeline, OldPhotoRestorationPipeline, StyleTransferPipeline, VintagePipeline)

__all__ = ["ColorizationPipeline", "DamageDetectionPipeline", "ImagePipelineOutput", "InpaintingPipeline",
           "InvalidInputError", "OldPhotoRestorationPipeline", "PatchGANDiscriminator", "StyleDecoder", "StyleEncoder",
           "StyleTransferPipeline", "UNetGenerator", "VGG16Features", "VintagePipeline", "__version__"]
