"""gan_models: GAN photo studio — colorization, inpainting, style transfer and old-photo restoration."""
__version__ = "0.1.0"

from .errors import InvalidInputError  # noqa: E402
from .models import (ColorizationUNet, CompactUpscaler, EfficientNetLite0, PatchGANDiscriminator, StyleDecoder, StyleEncoder,  # noqa: E402
                     UNetGenerator, VGG16Features)
from .pipelines import (ColorizationPipeline, DamageDetectionPipeline, ImagePipelineOutput,  # noqa: E402
                        InpaintingPipeline, OldPhotoRestorationPipeline, StyleTransferPipeline, UpscalePipeline,
                        VintagePipeline)

__all__ = ["ColorizationPipeline", "ColorizationUNet", "CompactUpscaler", "DamageDetectionPipeline", "EfficientNetLite0", "ImagePipelineOutput", "InpaintingPipeline",
           "InvalidInputError", "OldPhotoRestorationPipeline", "PatchGANDiscriminator", "StyleDecoder", "StyleEncoder",
           "StyleTransferPipeline", "UNetGenerator", "UpscalePipeline", "VGG16Features", "VintagePipeline", "__version__"]
