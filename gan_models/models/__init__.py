from .colorization_unet import ColorizationUNet
from .efficientnet import EfficientNetLite0
from .patchgan import PatchGANDiscriminator
from .upscaler import CompactUpscaler
from .unet import UNetGenerator
from .adain import StyleDecoder, StyleEncoder
from .vgg import VGG16Features
from .pyramid_fill import pyramid_fill

__all__ = ["ColorizationUNet", "CompactUpscaler", "EfficientNetLite0", "StyleDecoder", "StyleEncoder", "PatchGANDiscriminator", "UNetGenerator", "VGG16Features", "pyramid_fill"]
