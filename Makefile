# One command runs the demo (make run), one runs the tests (make test). Both install what they need.
# `make help` lists the targets. The experiments behind docs/training-history.md (and the later steps of the inpainting
# and style chains) are in experiments.mk, which this file does not include: make -f Makefile -f experiments.mk TARGET
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE ?= 1
export GRADIO_ANALYTICS_ENABLED ?= False
DATA_PACKAGES := gcompris-qt-data lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds \
	plasma-workspace-wallpapers ukui-wallpapers gnome-backgrounds

.PHONY: install run test browser data help train-colorization train-inpainting train-style-transfer train-vintage \
	train-damage-detection train-upscale train-upscale-x2 train-critics bundle eval-critics eval-colorization eval-inpainting eval-style-transfer eval-restoration \
	eval-upscale eval-varied bench load clean

# What the demo needs (requirements.txt, the Space's pinned set) and the package itself, editable ...
$(BIN)/.installed-app: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

# ... and, for training, benchmarks and tests, the rest of requirements-dev.txt.
$(BIN)/.installed: $(BIN)/.installed-app requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed-app
	$(BIN)/python app.py

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

test: install browser
	$(BIN)/python -m pytest -q tests

data: install
	command -v apt-get >/dev/null && (apt-get update -qq && apt-get install -y -qq --no-install-recommends $(DATA_PACKAGES))
	$(BIN)/python scripts/make_data.py --out data
	$(BIN)/python scripts/convert_vgg16.py --output-dir data/vgg16
	$(BIN)/python scripts/convert_efficientnet_lite0.py --output-dir data/efficientnet_lite0

# Colorization v2: frozen ImageNet EfficientNet-Lite0 encoder, colour-distribution decoder, half of the crops with
# photo cut-outs pasted on; both cores (the single process is started without `accelerate launch`, which
# would pin it to one thread). The shipped weights (v2.1) go on from its bundle in experiments.mk: two fine-tunes
# with the encoder trained at 0.1 x (experiment-colorization-encoder-fixed-bn, train-colorization-encoder-long), then
# the greedy model soup of every fine-tune (experiment-colorization-greedy-soup) that `make bundle` ships. Those
# targets read pretrained/colorization, so to repeat them put v2 back there first (git archive 5fc7c7b pretrained/colorization).
train-colorization: install
	OMP_NUM_THREADS=2 $(BIN)/python train_accelerate.py --task colorization --train-data data/train --val-data data/val \
		--cutout-data data/cutouts --backbone-path data/efficientnet_lite0 --vgg-path data/vgg16 \
		--output-dir runs/colorization-v2 --resolution 256 --train-batch-size 16 --mixed-precision bf16 \
		--learning-rate 3e-4 --lr-decay linear --max-train-minutes 80 --max-train-steps 100000 --eval-steps 500 \
		--num-eval-images 28 --checkpoints-total-limit 3 \
		--train-data-description "photos from gcompris-qt-data, wallpapers and Scratch backgrounds, half of the crops with Scratch / Tux Paint cut-outs pasted on (make data)"

PHOTOS := 138 photos from Debian gcompris-qt-data, lomiri/mate/plasma/ukui/gnome wallpapers (make data)

# The shipped inpainting generator is the end of a chain of runs, each started from the one before; only the first
# is here, the rest are in experiments.mk (make -f Makefile -f experiments.mk TARGET; numbers in
# docs/training-history.md). Each step's run was bundled into pretrained/inpainting (scripts/bundle_pipeline.py, as in
# `make bundle`) before the next step read it from there:
#   1. train-inpainting: runs/inpainting, 5,372 steps at 16-32-64-128-256 on the plain pyramid fill (below)
#   2. experiment-continue, its inpainting arm: runs/inpainting_relaxed, 1,296 steps from pretrained/inpainting on the
#      relaxed fill with the perceptual loss (the experiment trains a style arm beside it)
#   3. train-inpainting-wide: runs/inpainting_wide, grown to 16-32-64-128-320 from pretrained/inpainting, 6,546 steps
#   4. train-inpainting-wide-2: runs/inpainting_wide_2, 6,254 steps from runs/inpainting_wide
#   5. train-inpainting-wide-3: runs/inpainting_wide_3, 4,860 steps from runs/inpainting_wide_2; `make bundle` ships it
#
# Step 1: 1,000 steps with the full critic, then resumed with a light one (PSNR-minded)
# until 200 minutes in all (mostly on 1 thread beside another run; 2 threads otherwise).
INPAINT_TRAIN := $(BIN)/accelerate launch train_accelerate.py --task inpainting --train-data data/train \
	--val-data data/val --vgg-path data/vgg16 --output-dir runs/inpainting --train-batch-size 8 \
	--perceptual-weight 0 --eval-steps 500 --num-eval-images 12 --train-data-description "$(PHOTOS)"

train-inpainting: install
	$(INPAINT_TRAIN) --max-train-steps 1000 --fill-relaxation-steps 0 $(WIDTH_256)
	$(INPAINT_TRAIN) --max-train-steps 100000 --max-train-minutes 200 --adversarial-weight 0.1 \
		--feature-matching-weight 1 --resume-from-checkpoint latest --fill-relaxation-steps 0 $(WIDTH_256)

WIDTH_256 := --generator-channels 16 32 64 128 256

STYLE_TRAIN := $(BIN)/accelerate launch train_accelerate.py --task style_transfer --train-data data/train \
	--val-data data/val --style-val-data data/art_val --vgg-path data/vgg16 --resolution 128 --train-batch-size 8 \
	--max-train-steps 100000

# The shipped style model is also the end of a chain (later steps in experiments.mk; numbers in
# docs/training-history.md). Steps that read pretrained/style-transfer ran after the run before them was bundled there:
#   train-style-transfer (runs/style_transfer, 1,401 steps, below) -> experiment-style-critic (critic-on arm, 1,865)
#   -> train-style-long (7,144) -> experiment-style-weight (arm B, 8,181) -> experiment-style-depth (control arm
#   0:0:0, 9,090; bundled) -> experiment-style-modulation (runs/style_film, +1,281; bundled) -> experiment-continue
#   (runs/style_film_cont, +1,501; bundled) -> experiment-continue-more (runs/style_film_cont2, +1,371 = 13,243;
#   bundled) -> experiment-style-content (runs/style_interp_0.2: that model blended 0.8 / 0.2 with a copy trained
#   727 more steps with a content term) -> `make bundle`.
# The base run (1,401 steps); experiment-style-critic resumes it with the critic on and off.
train-style-transfer: install
	$(STYLE_TRAIN) --style-data data/art --output-dir runs/style_transfer --max-train-minutes 85

# the shipped vintage generator (space-to-depth U-Net + full-resolution head) ran on 1 thread beside another run
train-vintage: install
	$(BIN)/accelerate launch train_accelerate.py --task vintage --train-data data/train --val-data data/val \
		--output-dir runs/vintage --resolution 128 --train-batch-size 8 --learning-rate 5e-4 --adversarial-weight 0.1 \
		--eval-steps 250 --max-train-minutes 30 --max-train-steps 100000

# after train-vintage: its generator ages some training crops (a learned degradation). Three runs (v1-v3), a 75-minute
# fine-tune with skeleton recall and re-scanned damage (two runs), and the shipped detector: the average of v3 and it
train-damage-detection: install
	$(BIN)/accelerate launch train_accelerate.py --task damage_detection --train-data data/train --val-data data/val \
		--output-dir runs/damage_detection --resolution 256 --train-batch-size 16 --learning-rate 5e-4 \
		--max-train-minutes 70 --max-train-steps 100000 --aging-generator runs/vintage/pipeline
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
		--val-data data/val --output-dir runs/damage_detection_v2 --resolution 256 --train-batch-size 16 \
		--learning-rate 2e-4 --mixed-precision bf16 --max-train-minutes 55 --max-train-steps 100000 \
		--aging-generator runs/vintage/pipeline --init-from runs/damage_detection/pipeline --eval-steps 100000
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
		--val-data data/val --output-dir runs/damage_detection_v3 --resolution 256 --train-batch-size 16 \
		--learning-rate 2e-4 --mixed-precision bf16 --max-train-minutes 85 --max-train-steps 100000 \
		--aging-generator runs/vintage/pipeline --init-from runs/damage_detection_v2/pipeline --eval-steps 100000
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
		--val-data data/val --output-dir runs/det_rescan02_15 --resolution 256 --train-batch-size 16 \
		--learning-rate 2e-4 --lr-decay linear --mixed-precision bf16 --max-train-minutes 15 --max-train-steps 100000 \
		--aging-generator runs/vintage/pipeline --init-from runs/damage_detection_v3/pipeline --eval-steps 100000 \
		--skeleton-recall-weight 1 --rescan-probability 0.2
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
		--val-data data/val --output-dir runs/detector_v5 --resolution 256 --train-batch-size 16 \
		--learning-rate 2e-4 --lr-decay linear --mixed-precision bf16 --max-train-minutes 60 --max-train-steps 100000 \
		--aging-generator runs/vintage/pipeline --init-from runs/det_rescan02_15/pipeline --eval-steps 100000 \
		--skeleton-recall-weight 1 --rescan-probability 0.2
	$(BIN)/python scripts/interpolate_pipelines.py runs/damage_detection_v3/pipeline runs/detector_v5/pipeline \
		runs/damage_detection_soup/pipeline --alpha 0.5

# Critics for the bundled inpainting, style and vintage generators, whose training runs did not keep theirs: each
# learns against the fixed published generator (--critic-only), 15 / 15 / 10 minutes on one thread
CRITIC_ONLY := OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --critic-only --train-data data/train \
	--resolution 128 --train-batch-size 8 --max-train-steps 100000
train-critics: install
	$(CRITIC_ONLY) --task inpainting --init-from pretrained/inpainting --adversarial-weight 0.1 \
		--feature-matching-weight 1 --perceptual-weight 0 --max-train-minutes 15 --output-dir runs/inpainting_critic
	$(CRITIC_ONLY) --task style_transfer --init-from pretrained/style-transfer --vgg-path data/vgg16 \
		--style-data data/art data/art_pieces data/style_train --style-recolour-probability 0.5 --style-weight 2.5 \
		--adversarial-weight 0.05 --style-loss relative --decoder-style-modulation --max-train-minutes 15 \
		--output-dir runs/style_critic
	$(CRITIC_ONLY) --task vintage --init-from pretrained/style-transfer --max-train-minutes 10 \
		--output-dir runs/vintage_critic

# How well each bundled critic ranks real crops above its generator's fakes on the validation photos
eval-critics: install
	for task in "inpainting pretrained/inpainting" "style_transfer pretrained/style-transfer --vgg-path data/vgg16 \
		--style-data data/art_val data/style_val --decoder-style-modulation" "vintage pretrained/style-transfer" "colorization \
		pretrained/colorization --backbone-path data/efficientnet_lite0" "upscale pretrained/upscale"; do set -- $$task; t=$$1 f=$$2; shift 2; \
		$(BIN)/python benchmarks/eval_critic.py --task $$t --init-from $$f --train-data data/val --resolution 128 \
		--train-batch-size 8 "$$@" || exit 1; done | tee benchmarks/results/critics.md

# Trained runs -> the fp16 folders under pretrained/, with the critics of train-critics (the colorization soup keeps
# the bundled critic); the style model is the
# alpha 0.2 blend written by experiment-style-content, run with WCT blended 0.75 with AdaIN (experiment-style-wct,
# experiment-style-wct-weight, experiment-style-wct-weight-again)
bundle: install
	$(BIN)/python scripts/bundle_pipeline.py runs/inpainting_wide_3/pipeline pretrained/inpainting \
		--component discriminator=runs/inpainting_critic/pipeline/discriminator \
		--notes docs/inpainting_card.md --metrics benchmarks/results/inpainting.json
	$(BIN)/python scripts/bundle_pipeline.py runs/style_interp_0.2 pretrained/style-transfer --set feature_transform=wct wct_weight=0.75 \
		--component vintage=runs/vintage/pipeline/generator discriminator=runs/style_critic/pipeline/discriminator \
		vintage_discriminator=runs/vintage_critic/pipeline/discriminator --notes docs/style_transfer_card.md \
		--metrics benchmarks/results/style_transfer.json \
		--preset van-gogh-cafe-terrace=data/art/e89d77e95eee.jpg van-gogh-harvest=data/art/2aee8d38e24e.jpg \
		van-gogh-church-at-auvers=data/art_val/a935b3165915.jpg van-gogh-night-cafe=data/art/8e500088d1ca.jpg
	$(BIN)/python scripts/bundle_pipeline.py runs/color_greedy_soup/pipeline pretrained/colorization \
		--set chroma_smoothing=0.06 chroma_gain=1.06 --notes docs/colorization_card.md \
		--metrics benchmarks/results/colorization_v2.json
	$(BIN)/python scripts/bundle_pipeline.py runs/upscale/pipeline pretrained/upscale \
		--component upscaler_x2=runs/upscale_x2/pipeline/upscaler --set tile_size=512 \
		--notes docs/upscale_card.md --metrics benchmarks/results/upscale.json
	$(BIN)/python scripts/bundle_pipeline.py runs/damage_detection_soup/pipeline pretrained/restoration \
		--pipeline-class OldPhotoRestorationPipeline --set threshold=0.98 working_size=768 \
		line_length=16 line_low=0.1 line_support=0.4 --notes docs/restoration_card.md \
		--metrics benchmarks/results/restoration.json

eval-inpainting: install
	$(BIN)/python benchmarks/eval_inpainting.py --json benchmarks/results/inpainting.json

# The GCompris "art" folders mix Van Gogh paintings with monument photos; these eight are the paintings
# (the file names are content hashes written by make data; the last one is held out from style training).
PAINTINGS := data/art/2aee8d38e24e.jpg data/art/387bf14957b3.jpg data/art/81ff29a8219b.jpg \
	data/art/8e500088d1ca.jpg data/art/d6d62043080e.jpg data/art/e89d77e95eee.jpg data/art/eaa282cba677.jpg \
	data/art_val/a935b3165915.jpg

eval-style-transfer: install
	$(BIN)/pip install -q -r requirements-bench.txt && $(BIN)/pip install -q --no-deps vintagify==0.1.2
	$(BIN)/python benchmarks/eval_style_transfer.py --num-contents 6 --per-layer --json benchmarks/results/style_transfer.json --styles $(PAINTINGS)

eval-restoration: install
	$(BIN)/python benchmarks/eval_restoration.py --json benchmarks/results/restoration.json

load: install
	$(BIN)/python benchmarks/load_test.py --json benchmarks/results/load.json

# v2 (bundled) against v1 (the release before, read from git history) and grayscale, per scene group, on the test
# split and data/varied; settings were chosen on data/val (benchmarks/results/colorization_v2_val.md)
V1_COLORIZER := runs/colorization-v1/pretrained/colorization
$(V1_COLORIZER):
	mkdir -p runs/colorization-v1 && git archive c822613 pretrained/colorization | tar -x -C runs/colorization-v1

eval-colorization: install $(V1_COLORIZER)
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v2=pretrained/colorization v1=$(V1_COLORIZER) --speed \
		--json benchmarks/results/colorization_v2.json

# Enhance: x4 network, L1 + VGG16 perceptual + PatchGAN, on second-order degraded crops; one core beside another run
train-upscale: install
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task upscale --train-data data/train --val-data data/val \
		--cutout-data data/cutouts --vgg-path data/vgg16 --output-dir runs/upscale --resolution 128 \
		--train-batch-size 8 --mixed-precision bf16 --learning-rate 2e-4 --lr-decay linear --max-train-minutes 65 \
		--max-train-steps 100000 --eval-steps 1000 --num-eval-images 12 \
		--train-data-description "photos from gcompris-qt-data, wallpapers and Scratch backgrounds, half of the crops with Scratch / Tux Paint cut-outs pasted on (make data)"

# Enhance x2: its own network at half the input's resolution, grown from the x4 one (runs/upscale or the bundle):
# 15 min of L1, then 75 min more from there, one thread each (docs/training-history.md, "Enhance")
UPSCALE_X2_TRAIN := OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task upscale --upscale-factor 2 \
	--train-data data/train --val-data data/val --cutout-data data/cutouts --vgg-path data/vgg16 --resolution 128 \
	--train-batch-size 8 --mixed-precision bf16 --learning-rate 2e-4 --lr-decay linear --max-train-steps 1000000 \
	--eval-steps 1000000 --num-eval-images 12 --adversarial-weight 0 --perceptual-weight 0
train-upscale-x2: install
	$(UPSCALE_X2_TRAIN) --init-from pretrained/upscale --max-train-minutes 15 --output-dir runs/upscale_x2_15
	$(UPSCALE_X2_TRAIN) --init-from runs/upscale_x2_15/pipeline --max-train-minutes 75 --output-dir runs/upscale_x2

eval-upscale: install
	$(BIN)/python benchmarks/eval_upscale.py --speed --json benchmarks/results/upscale.json

# The shipped models on data/varied: 25 sample photos (people, rooms, objects) of a kind the training photos lack
# (benchmarks/results/varied.md)
eval-varied: install
	$(BIN)/python benchmarks/eval_inpainting.py --data data/varied --json benchmarks/results/varied_inpainting.json
	$(BIN)/python benchmarks/eval_colorization.py --data varied=data/varied \
	  --json benchmarks/results/varied_colorization.json

bench: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) .pytest_cache

help:
	@echo "make                         same as make install"
	@echo "make install                 .venv with the pinned requirements and this package (editable)"
	@echo "make run                     the demo on http://127.0.0.1:7860 (bundled weights, offline)"
	@echo "make test                    the whole test suite (what CI runs); installs Debian chromium if missing"
	@echo "make browser                 Debian chromium for the browser tests"
	@echo "make data                    training and evaluation photos, VGG16 and EfficientNet-Lite0 weights into data/"
	@echo "make train-colorization      train the colorizer (v2 recipe) into runs/colorization-v2"
	@echo "make train-inpainting        first run of the inpainting chain (the rest: experiments.mk, see the Makefile)"
	@echo "make train-style-transfer    first run of the style chain (the rest: experiments.mk, see the Makefile)"
	@echo "make train-vintage           train the vintage preset's generator into runs/vintage"
	@echo "make train-upscale           train the x4 upscaler (Enhance) into runs/upscale"
	@echo "make train-upscale-x2        train the x2 upscaler (Enhance) into runs/upscale_x2"
	@echo "make train-damage-detection  train the damage detector, then its v2 and v3 continuations (after train-vintage)"
	@echo "make train-critics           critics for the bundled inpainting, style and vintage generators"
	@echo "make bundle                  trained runs -> fp16 folders under pretrained/"
	@echo "make eval-colorization       colorization benchmark of pretrained/colorization"
	@echo "make eval-inpainting         inpainting benchmark vs OpenCV"
	@echo "make eval-style-transfer     style benchmark vs Magenta, vintage preset vs vintagify"
	@echo "make eval-upscale            upscaler vs Pillow bicubic / Lanczos and OpenCV, x2 and x4, speed"
	@echo "make eval-restoration        damage detector vs a classical detector, restoration chain"
	@echo "make eval-critics            each bundled critic: real vs fake ranking accuracy on validation crops"
	@echo "make eval-varied             the shipped inpainter and colorizer on data/varied (unseen kinds of scene)"
	@echo "make bench                   speed of every pipeline"
	@echo "make load                    the app under 1, 4 and 16 concurrent users"
	@echo "make clean                   remove .venv and the pytest cache"
	@echo "Experiments: make -f Makefile -f experiments.mk TARGET (targets listed in docs/training-history.md)"
