#!/usr/bin/env bash
# Train on a lent GPU machine (the `device` tool): pack here, train there, unpack and measure here.
#
#   scripts/gpu_round.sh pack            # here: .device_carry/ (cut-outs, VGG16 to relu3_3, the diffusers wheel)
#   scripts/gpu_round.sh train MINUTES   # there: three runs side by side, bundled in fp16 -> $OUT/round.tar.part-*
#   scripts/gpu_round.sh unpack FOLDER   # here: FOLDER holds the parts -> runs/gpu_round/bundles/<run>
#
# The working tree plus what is carried must stay under 64 MiB: carry data/train and .device_carry
# (`run` with carry ["data/train", ".device_carry"]). The cut-outs travel as 256 px WebP, and VGG16 only up to
# relu3_3, all the training losses read (the 5-layer LPIPS-like evaluation runs here, after `unpack`).
# The runs of `train`. The first round (2026-12-04, commit f627157's version of this script; docs/training-history.md,
# "GPU round") trained both inpainting designs from scratch and unfroze the colorizer's encoder; what it taught chose
# these (the 15-minute CPU check of the first two: "FFC blocks grown into the shipped generator"):
#   inpainting-ffc-grown  the shipped generator with two FFC blocks grown in as the identity, the shipped cycles' losses
#   inpainting-continued  the shipped generator continued the same way without them: the comparison
#   upscale-gan           the shipped upscaler, L1 + perceptual + PatchGAN at 256 px crops
# On a CPU, `RES=64 BATCH=2 WORKERS=0 scripts/gpu_round.sh train 0.3` is a smoke test of the whole round.
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=.device_carry
RUNS=${RUNS_DIR:-runs/gpu_round}
PYTHON=${PYTHON:-python3}

pack() {
    rm -rf "$CARRY" && mkdir -p "$CARRY/cutouts" "$CARRY/wheels"
    "$PYTHON" - "$CARRY/cutouts" <<'EOF'
import glob, os, sys
from PIL import Image
for path in glob.glob("data/cutouts/*.png"):
    image = Image.open(path).convert("RGBA")
    image.thumbnail((256, 256), Image.LANCZOS)
    image.save(os.path.join(sys.argv[1], os.path.basename(path)[:-4] + ".webp"), quality=88)
EOF
    "$PYTHON" scripts/convert_vgg16.py --output-dir "$CARRY/vgg16" --last-layer relu3_3
    "$PYTHON" -m pip download -q --no-deps --only-binary=:all: -d "$CARRY/wheels" diffusers==0.42.1
    du -sh "$CARRY"
}

train() {
    local minutes=${1:?usage: train MINUTES} workers=${WORKERS:-3} batch=${BATCH:-16}
    if compgen -G "$CARRY/wheels/*.whl" > /dev/null; then
        "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site "$CARRY"/wheels/*.whl
        export PYTHONPATH=/tmp/site
    fi
    export HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
    mkdir -p "$RUNS"
    local common=(--train-data data/train --cutout-data "$CARRY/cutouts" --vgg-path "$CARRY/vgg16"
        --resolution "${RES:-256}" --mixed-precision bf16 --lr-decay linear --max-train-minutes "$minutes"
        --max-train-steps 1000000 --checkpointing-steps 1000000 --sample-steps 500 --dataloader-num-workers "$workers"
        --train-data-description "photos from gcompris-qt-data, wallpapers and Scratch backgrounds, half of the crops with Scratch / Tux Paint cut-outs pasted on (make data)")
    local inpainting=(--task inpainting --init-from pretrained/inpainting --generator-channels 16 32 64 128 320
        --train-batch-size "$batch" --learning-rate 1e-4 --discriminator-learning-rate 1e-4 --perceptual-weight 5
        --adversarial-weight 0.1 --feature-matching-weight 1)
    "$PYTHON" train_accelerate.py "${inpainting[@]}" "${common[@]}" --output-dir "$RUNS/inpainting-ffc-grown" \
        --generator-ffc-blocks 2 > "$RUNS/inpainting-ffc-grown.log" 2>&1 &
    "$PYTHON" train_accelerate.py "${inpainting[@]}" "${common[@]}" --output-dir "$RUNS/inpainting-continued" \
        > "$RUNS/inpainting-continued.log" 2>&1 &
    "$PYTHON" train_accelerate.py --task upscale "${common[@]}" --output-dir "$RUNS/upscale-gan" \
        --init-from pretrained/upscale --train-batch-size "$batch" --learning-rate 1e-4 > "$RUNS/upscale-gan.log" 2>&1 &
    local status=0 job run last_sample
    for job in $(jobs -p); do wait "$job" || status=1; done
    for run in inpainting-ffc-grown inpainting-continued upscale-gan; do
        echo "== $run"; tail -c 3000 "$RUNS/$run.log" | tr '\r' '\n' | grep -v '^\s*$' | tail -n 3 || true
        [ -d "$RUNS/$run/pipeline" ] || continue
        "$PYTHON" scripts/bundle_pipeline.py "$RUNS/$run/pipeline" "$RUNS/bundles/$run" || status=1
        last_sample=$(ls "$RUNS/$run/samples" 2>/dev/null | sort | tail -n 1 || true)
        if [ -n "$last_sample" ]; then cp "$RUNS/$run/samples/$last_sample" "$RUNS/bundles/$run/"; fi
    done
    tar -cf - -C "$RUNS" bundles $(cd "$RUNS" && ls ./*.log) | split -b 15m - "${OUT:-$RUNS}/round.tar.part-"
    return $status
}

unpack() {
    mkdir -p "$RUNS" && rm -rf "$RUNS/bundles"
    cat "${1:?usage: unpack FOLDER}"/round.tar.part-* | tar -xf - -C "$RUNS"
    ls "$RUNS/bundles"
}

case "${1:-}" in
pack) pack ;;
train) train "${2:-}" ;;
unpack) unpack "${2:-}" ;;
*) sed -n 2,17p "$0" && exit 2 ;;
esac
