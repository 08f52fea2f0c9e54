from .base import BasePipeline, ImagePipelineOutput
from .colorization import ColorizationPipeline
from .inpainting import InpaintingPipeline

__all__ = ["BasePipeline", "ColorizationPipeline", "ImagePipelineOutput", "InpaintingPipeline"]
