"""Training data: image folders or Hugging Face datasets -> random RGB crops in [-1, 1]."""
import glob
import os
import random

import torch
from PIL import Image
from torch.utils.data import Dataset

from ..image_io import to_rgb

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")


def list_images(folder):
    files = [p for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True)
             if p.lower().endswith(IMAGE_EXTENSIONS)]
    return sorted(files)


def load_image_source(source, split="train"):
    """A folder of images -> list of paths; a `datasets` folder saved with `save_to_disk`, or a dataset
    name (read from the local cache; with HF_HUB_OFFLINE=1 it never downloads) -> its image column."""
    is_saved_dataset = os.path.isfile(os.path.join(source, "dataset_info.json")) or os.path.isfile(
        os.path.join(source, "dataset_dict.json"))
    if os.path.isdir(source) and not is_saved_dataset:
        files = list_images(source)
        if not files:
            raise ValueError(f"{source} contains no images ({', '.join(IMAGE_EXTENSIONS)})")
        return files
    from datasets import DatasetDict, load_dataset, load_from_disk

    dataset = load_from_disk(source) if is_saved_dataset else load_dataset(source, split=split)
    if isinstance(dataset, DatasetDict):
        dataset = dataset[split]
    column = next(name for name, feature in dataset.features.items() if type(feature).__name__ == "Image")
    return [row[column] for row in dataset]


class RandomCropDataset(Dataset):
    """Endless-feeling dataset: every item is a random rescale + crop + flip of a random photo.

    `source` is one image source (see `load_image_source`) or a list of them, pooled.

    `length` sets what one "epoch" means; the photos are decoded once and kept in memory
    (the offline sets are small), downscaled so their shorter side is at most `max_side`.
    With a `compositor` (see composite.py), that share of the items are new scenes: cut-outs pasted on a photo.
    With `rooms` (see rooms.py), `room_probability` of the items are a synthetic room of the photo's size instead,
    always with cut-outs pasted in when there is a compositor.
    """

    def __init__(self, source, crop_size=128, scale_range=(1.0, 2.0), length=10_000, max_side=512,
                 compositor=None, composite_probability=0.5, rooms=None, room_probability=0.0):
        sources = source if isinstance(source, (list, tuple)) else [source]
        self.items = [self._prepare(item, max_side) for src in sources for item in load_image_source(src)]
        self.crop_size, self.scale_range, self.length = crop_size, scale_range, length
        self.compositor, self.composite_probability = compositor, composite_probability
        self.rooms, self.room_probability = rooms, room_probability

    @staticmethod
    def _prepare(item, max_side):
        image = to_rgb(item if not isinstance(item, str) else Image.open(item))
        if min(image.size) > max_side:
            scale = max_side / min(image.size)
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        return image

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        image = random.choice(self.items)
        in_room = self.rooms is not None and random.random() < self.room_probability
        if in_room:
            image = self.rooms(image, random)
        if self.compositor is not None and (in_room or random.random() < self.composite_probability):
            image = self.compositor(image, random)
        return self.random_crop(image)

    def random_crop(self, image):
        """One random rescale + crop + flip of `image`, as a 3xHxW tensor in [-1, 1]."""
        # shorter side becomes crop_size * s: s=1 shows the whole scene, s=2 a closer view
        short = self.crop_size * random.uniform(*self.scale_range)
        scale = short / min(image.size)
        size = (max(self.crop_size, round(image.width * scale)), max(self.crop_size, round(image.height * scale)))
        image = image.resize(size, Image.BICUBIC)
        left = random.randint(0, image.width - self.crop_size)
        top = random.randint(0, image.height - self.crop_size)
        crop = image.crop((left, top, left + self.crop_size, top + self.crop_size))
        if random.random() < 0.5:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        tensor = torch.frombuffer(bytearray(crop.tobytes()), dtype=torch.uint8)
        return tensor.view(self.crop_size, self.crop_size, 3).permute(2, 0, 1).float() / 127.5 - 1.0
