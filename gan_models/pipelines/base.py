"""What every task pipeline shares: loading/saving a pipeline folder, Hub I/O, device handling.

A pipeline folder (local or a Hub repo) looks like:
    pipeline_config.json     {"_class_name": ..., "_gan_models_version": ..., plus task options}
    README.md                model card
    generator/               config.json + diffusion_pytorch_model.safetensors (EMA weights)
    discriminator/           the critic, so users can fine-tune
"""
import json
import os
import tempfile
from dataclasses import dataclass, field

import torch
from diffusers.utils import BaseOutput

from .. import __version__
from ..errors import InvalidInputError

CONFIG_NAME = "pipeline_config.json"


@dataclass
class ImagePipelineOutput(BaseOutput):
    images: list
    extras: dict = field(default_factory=dict)


def resolve_folder(source, **hub_kwargs):
    """A local folder as it is; anything else is a Hub repo id fetched (or read from cache) whole."""
    if os.path.isdir(source):
        return source
    if os.path.exists(source):
        raise InvalidInputError(f"{source} is a file; give a pipeline folder or a Hub repo id.")
    from huggingface_hub import snapshot_download

    return snapshot_download(source, **hub_kwargs)


def saved_class(choices, subfolder):
    """The network class a component folder was saved from, when the pipeline accepts several (a tuple)."""
    if not isinstance(choices, tuple):
        return choices
    with open(os.path.join(subfolder, "config.json")) as f:
        name = json.load(f).get("_class_name")
    for choice in choices:
        if choice.__name__ == name:
            return choice
    raise InvalidInputError(f"{subfolder} holds a {name}; this pipeline takes {', '.join(c.__name__ for c in choices)}.")


class BasePipeline:
    """Subclasses set `components` ({name: network class}) and `default_config` (plain values)."""

    components: dict = {}
    optional_components: tuple = ("discriminator",)
    default_config: dict = {}

    def __init__(self, **kwargs):
        unknown = set(kwargs) - set(self.components) - set(self.default_config)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown arguments {sorted(unknown)}")
        for name in self.components:
            if kwargs.get(name) is None and name not in self.optional_components:
                raise TypeError(f"{type(self).__name__} needs a {name}")
            setattr(self, name, kwargs.get(name))
        self.config = {key: kwargs.get(key, value) for key, value in self.default_config.items()}
        self.model_card = None
        for module in self.modules().values():
            module.eval()

    # ---- components and devices -------------------------------------------------------------
    def modules(self):
        return {name: getattr(self, name) for name in self.components if getattr(self, name) is not None}

    def _first_parameter(self):  # ModelMixin.device walks every submodule (about 1 ms a call); one tensor says it
        return next(next(iter(self.modules().values())).parameters())

    @property
    def device(self):
        return self._first_parameter().device

    @property
    def dtype(self):
        return self._first_parameter().dtype

    def to(self, device=None, dtype=None):
        for module in self.modules().values():
            module.to(device=device, dtype=dtype)
        return self

    # ---- loading and saving ------------------------------------------------------------------
    @classmethod
    def from_pretrained(cls, source, torch_dtype=None, device=None, variant=None,
                        load_discriminator=True, **hub_kwargs):
        """Load from a local pipeline folder or a Hub repo id (`HF_HUB_OFFLINE=1` reads the cache only)."""
        folder = resolve_folder(str(source), **hub_kwargs)
        config_path = os.path.join(folder, CONFIG_NAME)
        if not os.path.isfile(config_path):
            raise InvalidInputError(f"{folder} is not a pipeline folder: {CONFIG_NAME} is missing.")
        with open(config_path) as f:
            saved = json.load(f)
        if saved.get("_class_name") != cls.__name__:
            raise InvalidInputError(f"{folder} holds a {saved.get('_class_name')}, not a {cls.__name__}.")
        kwargs = {key: value for key, value in saved.items() if not key.startswith("_")}
        for name, network_class in cls.components.items():
            subfolder = os.path.join(folder, name)
            wanted = load_discriminator or not name.endswith("discriminator")  # critics: only for training
            if wanted and os.path.isdir(subfolder):
                has_variant = variant and any(f".{variant}." in f for f in os.listdir(subfolder))
                kwargs[name] = saved_class(network_class, subfolder).from_pretrained(
                    subfolder, torch_dtype=torch_dtype, variant=variant if has_variant else None)
        pipe = cls(**kwargs)
        readme = os.path.join(folder, "README.md")
        if os.path.isfile(readme):
            with open(readme) as f:
                pipe.model_card = f.read()
        if device is None and torch.cuda.is_available():
            device = "cuda"
        return pipe.to(device) if device else pipe

    def save_pretrained(self, save_directory, variant=None, model_card=None):
        os.makedirs(save_directory, exist_ok=True)
        for name, module in self.modules().items():
            module.save_pretrained(os.path.join(save_directory, name), variant=variant, safe_serialization=True)
        with open(os.path.join(save_directory, CONFIG_NAME), "w") as f:
            json.dump({"_class_name": type(self).__name__, "_gan_models_version": __version__, **self.config},
                      f, indent=2)
        card = model_card or self.model_card
        if card:
            with open(os.path.join(save_directory, "README.md"), "w") as f:
                f.write(card)
            self.model_card = card

    def save_for_hub(self, folder):
        """What push_to_hub uploads: the pipeline folder, self-contained."""
        self.save_pretrained(folder)

    def push_to_hub(self, repo_id, token=None, private=None, commit_message="Upload pipeline"):
        """Save to a temporary folder and upload it as one commit; returns the commit info."""
        from huggingface_hub import HfApi

        api = HfApi(token=token)
        api.create_repo(repo_id, private=private, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            self.save_for_hub(tmp)
            return api.upload_folder(repo_id=repo_id, folder_path=tmp, commit_message=commit_message)

    # ---- helpers for __call__ -------------------------------------------------------------------
    @staticmethod
    def as_list(images, what="image"):
        if images is None:
            raise InvalidInputError(f"No {what} was given.")
        items = list(images) if isinstance(images, (list, tuple)) else [images]
        if not items:
            raise InvalidInputError(f"The list of {what}s is empty.")
        return items
