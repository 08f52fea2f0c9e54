"""Model cards: YAML metadata + what the model is, how it was trained, what it scores, what it has not seen."""
from huggingface_hub import ModelCard, ModelCardData

TASK_TAGS = {
    "colorization": ["image-colorization", "gan", "lab-color", "efficientnet", "imagenet-pretrained"],
    "inpainting": ["image-inpainting", "gan", "lama", "dilated-convolution"],
    "style-transfer": ["style-transfer", "adain", "wct", "gan", "knowledge-distillation"],
    "restoration": ["image-restoration", "old-photo-restoration", "image-segmentation"],
    "upscale": ["super-resolution", "image-upscaling", "gan", "real-esrgan"],
}
COMPONENT_ROLES = {"generator": "EMA weights", "discriminator": "the critic, for fine-tuning",
                   "encoder": "the compact VGG16-derived encoder", "decoder": "the AdaIN decoder",
                   "vintage": 'the "vintage" preset generator', "detector": "the damage detector",
                   "upscaler": "EMA weights of the x4 network",
                   "upscaler_x2": "EMA weights of the x2 network (runs at half the input resolution)",
                   "vintage_discriminator": 'the "vintage" generator\'s critic, for fine-tuning'}


def flatten_metrics(metrics, prefix=""):
    """Nested result groups ({"masks": {"detector": {...}}, "chain": {...}}) -> one level of rows."""
    rows = {}
    for name, value in metrics.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            rows.update(flatten_metrics(value, f"{prefix}{name}: "))
        elif isinstance(value, dict) and all(isinstance(v, (int, float)) for v in value.values()):
            rows[prefix + name] = value
    return rows


def format_metrics_table(metrics):
    """{"model": {"psnr": ..}, "grayscale": {..}} -> a markdown table, one row per method
    (nested groups are flattened to "group: method" rows; rows that are not numbers are left out)."""
    metrics = flatten_metrics(metrics or {})
    if not metrics:
        return "_No evaluation was run._"
    keys = list(dict.fromkeys(key for values in metrics.values() for key in values))
    lines = ["| method | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for method, values in metrics.items():
        cells = [f"{values[k]:.3f}" if k in values else "-" for k in keys]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def make_model_card(task, pipeline_class, metrics=None, training=None, notes="", components=("generator",
                                                                                          "discriminator")):
    """Build the README.md for a pipeline folder. `training` is a dict of plain facts
    (data, steps, batch size, hardware, wall time, losses); `notes` is free markdown."""
    data = ModelCardData(
        library_name="gan_models", license="mit", pipeline_tag="image-to-image",
        tags=TASK_TAGS.get(task, []) + ["gan_models"],
    )
    training = training or {}
    folders = ", ".join(f"`{name}/` ({COMPONENT_ROLES.get(name, name)})" for name in components)
    critic_note = "" if "discriminator" in components or task == "restoration" else (
        " The critic is left out of this copy to keep it small; a training run writes it to"
        " `OUT/pipeline/discriminator/` (and `--push-to-hub` uploads it) for fine-tuning.")
    facts = "\n".join(f"- **{key}**: {value}" for key, value in training.items()) or "- not recorded"
    content = f"""---
{data.to_yaml()}
---

# gan_models {task}

A `{pipeline_class}` folder: {folders} and `pipeline_config.json`.{critic_note} Load it with

```python
from gan_models import {pipeline_class}
pipe = {pipeline_class}.from_pretrained("path/or/repo-id")
```

## Training

{facts}

## Evaluation (held-out photos, split by scene)

{format_metrics_table(metrics)}

{notes}
"""
    return str(ModelCard(content))
