from .patchgan import PatchGANDiscriminator
from .unet import UNetGenerator
from .vgg import VGG16Features

__all__ = ["PatchGANDiscriminator", "UNetGenerator", "VGG16Features"]
