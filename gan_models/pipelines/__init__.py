from .base import BasePipeline, ImagePipelineOutput
from .colorization import ColorizationPipeline

__all__ = ["BasePipeline", "ColorizationPipeline", "ImagePipelineOutput"]
