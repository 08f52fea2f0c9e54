#!/usr/bin/env bash
# Train the inpainting generator on a lent GPU machine (the `device` tool), then measure it here.
#
#   scripts/device_inpainting.sh pack            # here: .device_carry/ with the photos, a VGG16 cut at relu3_3, wheels
#   scripts/device_inpainting.sh train           # there: train, bundle in fp16, split into $OUT/bundle.tar.part-*
#   scripts/device_inpainting.sh unpack FOLDER   # here: FOLDER holds the parts -> runs/inpainting_gpu/bundle
#
# The working tree plus what is carried must stay under 64 MiB, so the carry holds only what training needs: the
# training photos (10 MB), the VGG16 layers the perceptual loss reads (relu1_2..relu3_3, 7 MB) and the two wheels
# the machine's image lacks. The 5-layer LPIPS-like evaluation needs all of VGG16, so it runs here after `unpack`
# (make eval-inpainting-device). Settings: INIT (the weights it starts from; empty: from scratch), CHANNELS (U-Net
# widths; INIT may be narrower: its channels keep their weights and the new ones start unread), DILATIONS
# (bottleneck blocks; extra ones grow from INIT's as the identity), MINUTES, BATCH.
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=.device_carry
RUN=runs/inpainting_gpu
INIT=${INIT-pretrained/inpainting}
CHANNELS=${CHANNELS:-16 32 64 128 320}
DILATIONS=${DILATIONS:-1 2 4 8 1 2 4}
MINUTES=${MINUTES:-8}
BATCH=${BATCH:-32}
PYTHON=${PYTHON:-python3}

case "${1:-}" in
pack)
    rm -rf "$CARRY" && mkdir -p "$CARRY/wheels"
    cp -r data/train "$CARRY/train"
    "$PYTHON" scripts/convert_vgg16.py --output-dir "$CARRY/vgg16_relu3_3" --last-layer relu3_3
    "$PYTHON" -m pip download -q --no-deps --only-binary=:all: -d "$CARRY/wheels" diffusers==0.42.1 importlib_metadata
    du -sh "$CARRY"
    ;;
train)
    "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
        "$CARRY"/wheels/*.whl
    export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
    # shellcheck disable=SC2086  # CHANNELS and DILATIONS are lists
    "$PYTHON" train_accelerate.py --task inpainting --train-data "$CARRY/train" --vgg-path "$CARRY/vgg16_relu3_3" \
        --output-dir "$RUN" ${INIT:+--init-from "$INIT"} --generator-channels $CHANNELS \
        --generator-bottleneck-dilations $DILATIONS --train-batch-size "$BATCH" --resolution 128 --fill-relaxation-steps 10 \
        --adversarial-weight 0.1 --feature-matching-weight 1 --perceptual-weight 5 \
        --max-train-minutes "$MINUTES" --max-train-steps 1000000 --checkpointing-steps 2000 --sample-steps 2000 \
        --dataloader-num-workers 8 --report-to none --resume-from-checkpoint latest \
        --train-data-description "138 photos from Debian gcompris-qt-data, lomiri/mate/plasma/ukui/gnome wallpapers (make data)"
    "$PYTHON" scripts/bundle_pipeline.py "$RUN/pipeline" "$RUN/bundle" --drop discriminator --task inpainting
    tar -cf - -C "$RUN" bundle | split -b 15M - "${OUT:?}/bundle.tar.part-"
    ;;
unpack)
    mkdir -p "$RUN" && rm -rf "$RUN/bundle"
    cat "${2:?usage: unpack FOLDER}"/bundle.tar.part-* | tar -xf - -C "$RUN"
    ls -l "$RUN/bundle"
    ;;
*)
    sed -n 2,13p "$0" && exit 2
    ;;
esac
