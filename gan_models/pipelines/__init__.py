from .base import BasePipeline, ImagePipelineOutput
from .colorization import ColorizationPipeline
from .damage_detection import DamageDetectionPipeline
from .inpainting import InpaintingPipeline
from .restoration import OldPhotoRestorationPipeline
from .style_transfer import StyleTransferPipeline
from .upscale import UpscalePipeline
from .vintage import VintagePipeline

__all__ = ["BasePipeline", "ColorizationPipeline", "DamageDetectionPipeline", "ImagePipelineOutput", "InpaintingPipeline", "OldPhotoRestorationPipeline",
           "StyleTransferPipeline", "UpscalePipeline",
           "VintagePipeline"]
