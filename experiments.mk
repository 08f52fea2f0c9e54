# Experiments, and the later steps of the inpainting and style chains that led to the shipped weights: every run
# behind the numbers in docs/training-history.md. The main Makefile does not include this file. Run a target with
#     make -f Makefile -f experiments.mk TARGET
# (`make -f experiments.mk TARGET` works too: this file then includes the Makefile itself, for BIN, PHOTOS,
# INPAINT_TRAIN, STYLE_TRAIN, PAINTINGS and the install target). Most of these ran on the 2-core development CPU for
# hours and start from runs/ folders or pretrained/ weights of their time (see each comment).
ifeq ($(filter Makefile,$(notdir $(MAKEFILE_LIST))),)
include Makefile
endif

.PHONY: experiment-style-wct experiment-style-wct-train train-style-long device-pack eval-inpainting-device eval-inpainting-ceiling eval-style-length \
	experiment-inpainting-depth experiment-inpainting-anneal experiment-inpainting-width train-inpainting-wide \
	train-inpainting-wide-2 train-inpainting-wide-3 train-inpainting-wide-4 experiment-style-pieces \
	experiment-style-critic experiment-style-weight experiment-style-depth experiment-style-depth-continue \
	experiment-style-loss experiment-style-skips experiment-style-modulation experiment-style-film-skips \
	experiment-style-film-skips-long experiment-continue experiment-continue-more experiment-style-content \
	experiment-inpainting-scale experiment-inpainting-scale-control experiment-colorization-rooms experiment-colorization-encoder experiment-colorization-encoder-fixed-bn train-colorization-encoder-long \
	experiment-colorization-album experiment-colorization-soup experiment-colorization-greedy-soup experiment-colorization-v21-finetune \
	experiment-detector-crop384 experiment-detector-skeleton experiment-detector-rescan experiment-detector-v5 \
	experiment-upscale-x2 experiment-upscale-x2-long experiment-detector-grain experiment-detector-soup \
	experiment-inpainting-ffc-growth experiment-inpainting-ffc-growth-long experiment-style-soup \
	experiment-colorization-working-size experiment-style-wct-weight-again experiment-colorization-rebalancing \
	experiment-colorization-speed experiment-colorization-v21-temperature profile-colorization experiment-upscale-runtime \
	experiment-colorization-context experiment-style-peer

STYLE_BASE := runs/style_transfer/checkpoints/step_00001401

# The base of the shipped style model: the critic-on arm of experiment-style-critic resumed until 315 minutes in all (it was
# run in segments, each resuming the last checkpoint; eval-style-length measures some of its checkpoints).
train-style-long: install
	$(STYLE_TRAIN) --style-data data/art --output-dir runs/style_long --max-train-minutes 315 \
		--resume-from-checkpoint runs/style_critic_on/checkpoints/step_00001865 --adversarial-weight 0.05 \
		--eval-steps 100000 --checkpointing-steps 500 --checkpoints-total-limit 20

# The GPU round (scripts/gpu_round.sh: pack here, train there, unpack here; docs/training-history.md, "GPU round"):
# its runs side by side on one lent GPU, then the inpainting arms measured here beside the shipped generator (the first
# round's arms were inpainting-ffc and inpainting-dilated, both from scratch).
device-pack: install
	PYTHON=$(BIN)/python scripts/gpu_round.sh pack

eval-inpainting-device: install
	$(BIN)/python benchmarks/eval_inpainting.py --pipeline shipped=pretrained/inpainting \
		ffc=runs/gpu_round/bundles/inpainting-ffc-grown continued=runs/gpu_round/bundles/inpainting-continued \
		--json runs/gpu_round/inpainting_val.json

# Does a deeper bottleneck help? The shipped generator trained on 750 steps as it is (control) and with three more
# bottleneck blocks that start as the identity (dilations 1 2 4 8 -> 1 2 4 8 1 2 4), side by side on one thread each,
# both with a fresh critic; then both measured on the 512 px benchmark.
depth_arm = $(INPAINT_CONTINUE) --output-dir runs/$(1) --max-train-steps 750 --max-train-minutes 120 \
	--resume-from-checkpoint latest $(2) >> runs/$(1).log 2>&1
# $(call two_arms,ARM,RUN_A,OPTIONS_A,RUN_B,OPTIONS_B): two arms of the ARM macro side by side, then both measured
# on the 512 px benchmark (one thread each)
two_arms = $(call $(1),$(2),$(3)) & $(call $(1),$(4),$(5)) & wait; \
	$(call eval_inpainting_run,$(2)) --threads 1 > runs/$(2).eval.log 2>&1 & \
	$(call eval_inpainting_run,$(4)) --threads 1 > runs/$(4).eval.log 2>&1 & wait
# $(call control_and_deeper,ARM,CONTROL_RUN,DEEPER_RUN): the second arm with the deeper bottleneck
control_and_deeper = $(call two_arms,$(1),$(2),,$(3),--generator-bottleneck-dilations 1 2 4 8 1 2 4)
experiment-inpainting-depth: install
	mkdir -p runs
	$(call control_and_deeper,depth_arm,inpainting_depth_control,inpainting_depth_7)

# Experiment: anneal. Every continuation so far kept the learning rate constant and wandered along a PSNR/perceptual
# trade-off; here both learning rates fall linearly to zero over the run (--lr-decay linear), in bf16 autocast (this
# CPU has AMX; the training summaries record seconds per step). Two arms side by side, one thread each, 105 min, from
# the shipped weights with the shipped losses: the shipped generator, and the deeper bottleneck (dilations
# 1-2-4-8-1-2-4; the new blocks start as identity). Then both measured on the 512 px benchmark.
anneal_arm = $(INPAINT_CONTINUE) --output-dir runs/$(1) --mixed-precision bf16 --lr-decay linear \
	--max-train-minutes 105 --checkpointing-steps 500 --resume-from-checkpoint latest $(2) >> runs/$(1).log 2>&1
experiment-inpainting-anneal: install
	mkdir -p runs
	$(call control_and_deeper,anneal_arm,inpainting_anneal,inpainting_anneal_depth7)

# Experiment: width. The anneal arm's recipe (bf16, learning rates falling to zero over 105 min, one thread, from the
# shipped weights) on wider generators grown from the shipped one (function-preserving: the new channels start
# unread): 16-32-64-128-320 (wider bottleneck only; the default widths since) and
# 20-40-80-160-320 (every level). runs/inpainting_anneal is the control at the then-shipped width.
WIDTH_320 := --generator-channels 16 32 64 128 320
WIDTH_20_320 := --generator-channels 20 40 80 160 320
experiment-inpainting-width: install
	mkdir -p runs
	$(call two_arms,anneal_arm,inpainting_width_320,$(WIDTH_320),inpainting_width_20_320,$(WIDTH_20_320))

# The shipped generator's first cycle: the 16-32-64-128-320 arm retrained alone on both threads (105 min), measured.
# (It ran when pretrained/inpainting held the 16-32-64-128-256 release of commit 3f3b27e.)
train-inpainting-wide: INPAINT_THREADS := 2
train-inpainting-wide: install
	mkdir -p runs
	$(call anneal_arm,inpainting_wide,$(WIDTH_320))
	$(call eval_inpainting_run,inpainting_wide) > runs/inpainting_wide.eval.log 2>&1

# $(call next_wide_cycle,RUN,PREVIOUS_RUN,OPTIONS): PREVIOUS_RUN's pipeline continued with its critic, both learning
# rates from 1e-4 (half the first cycle's) falling to zero, then measured. (Later flags override INPAINT_CONTINUE's
# --init-from and learning rates and anneal_arm's 105 min.)
next_wide_cycle = $(call anneal_arm,$(1),$(WIDTH_320) --init-from runs/$(2)/pipeline --learning-rate 1e-4 \
	--discriminator-learning-rate 1e-4 $(3)) && $(call eval_inpainting_run,$(1)) > runs/$(1).eval.log 2>&1

# The second cycle: 105 min on both threads.
train-inpainting-wide-2: INPAINT_THREADS := 2
train-inpainting-wide-2: install
	mkdir -p runs
	$(call next_wide_cycle,inpainting_wide_2,inpainting_wide)

# The shipped inpainting generator: a third cycle, 80 min on both threads.
train-inpainting-wide-3: INPAINT_THREADS := 2
train-inpainting-wide-3: install
	mkdir -p runs
	$(call next_wide_cycle,inpainting_wide_3,inpainting_wide_2,--max-train-minutes 80)

# A fourth cycle: 90 min on both threads (a trade, not shipped: benchmarks/results/inpainting_width.md).
train-inpainting-wide-4: INPAINT_THREADS := 2
train-inpainting-wide-4: install
	mkdir -p runs
	$(call next_wide_cycle,inpainting_wide_4,inpainting_wide_3,--max-train-minutes 90)

# Experiment (#37): two FFC blocks (LaMa's fast Fourier convolutions) grown into the shipped generator as the identity,
# against the same 15 minutes without them (one thread each, the recipe of the shipped cycles); the shipped generator
# and both arms measured in one validation run.
FFC_ARM := $(WIDTH_320) --learning-rate 1e-4 --discriminator-learning-rate 1e-4 --max-train-minutes 15
experiment-inpainting-ffc-growth: install
	mkdir -p runs
	$(call anneal_arm,inpainting_ffc_control,$(FFC_ARM)) & \
	$(call anneal_arm,inpainting_ffc_grown,$(FFC_ARM) --generator-ffc-blocks 2) & wait
	$(BIN)/python benchmarks/eval_inpainting.py --data data/val --pipeline shipped=pretrained/inpainting \
		control=runs/inpainting_ffc_control/pipeline ffc=runs/inpainting_ffc_grown/pipeline \
		--json benchmarks/results/inpainting_ffc_growth_val.json > benchmarks/results/inpainting_ffc_growth_val.md

# Its FFC arm continued 30 minutes on both threads (critic kept, learning rates 1e-4 falling to zero), then measured
# beside the shipped generator on validation.
experiment-inpainting-ffc-growth-long: INPAINT_THREADS := 2
experiment-inpainting-ffc-growth-long: install
	mkdir -p runs
	$(call anneal_arm,inpainting_ffc_long,$(FFC_ARM) --generator-ffc-blocks 2 --max-train-minutes 30 \
		--init-from runs/inpainting_ffc_grown/pipeline)
	$(BIN)/python benchmarks/eval_inpainting.py --data data/val --pipeline shipped=pretrained/inpainting \
		ffc_long=runs/inpainting_ffc_long/pipeline \
		--json benchmarks/results/inpainting_ffc_long_val.json > benchmarks/results/inpainting_ffc_long_val.md

# Oracle ceilings: how far a correction computed at the working size could go (benchmarks/results/inpainting_ceiling.md)
eval-inpainting-ceiling: install
	$(BIN)/python benchmarks/inpainting_ceiling.py --json benchmarks/results/inpainting_ceiling.json

# ours only, on a pipeline folder: $(EVAL_STYLE_OURS) --pipeline DIR --json FILE
EVAL_STYLE_OURS = $(BIN)/python benchmarks/eval_style_transfer.py --ours-only --num-contents 6 --styles $(PAINTINGS)

# Experiment reported in docs/training-history.md (not shipped): the 1,401-step style run resumed with the jigsaw-piece paintings.
experiment-style-pieces: install
	$(STYLE_TRAIN) --style-data data/art data/art_pieces --output-dir runs/style_ft --resume-from-checkpoint $(STYLE_BASE) \
		--max-train-minutes 130 --style-weight 3 --identity-weight 2 --checkpointing-steps 100
	$(BIN)/python scripts/bundle_pipeline.py runs/style_ft/pipeline runs/style_ft/bundle --drop discriminator \
		--component vintage=runs/vintage/pipeline/generator
	$(BIN)/python benchmarks/eval_style_transfer.py --pipeline runs/style_ft/bundle --num-contents 6 \
		--json runs/style_ft/eval.json --styles $(PAINTINGS)

# Experiment: does the texture critic help? The 1,401-step run resumed twice for 30 min, critic on (weight 0.05)
# and off (1e-9: trained but with no pull on the generator, so the checkpoint's state still loads).
experiment-style-critic: install
	for setting in on:0.05 off:1e-9; do name=$${setting%%:*}; \
	  $(STYLE_TRAIN) --style-data data/art --output-dir runs/style_critic_$$name --resume-from-checkpoint $(STYLE_BASE) \
	    --max-train-minutes 112 --adversarial-weight $${setting##*:} --eval-steps 100000 --checkpointing-steps 100; \
	  $(EVAL_STYLE_OURS) --pipeline runs/style_critic_$$name/pipeline --json runs/style_critic_$$name/eval.json; done

# Experiment (arm B continued in experiment-style-depth): the 7,144-step train-style-long run resumed (the arms ran two at a time, one thread each):
# B style weight 2.5 for 80 min; C the same on 192 px crops (batch 4: the same pixels) and D style weight 5, 45 min each.
STYLE_ARMS := B:128:8:2.5:395 C:192:4:2.5:360 D:128:8:5:360
experiment-style-weight: install
	for arm in $(STYLE_ARMS); do set -- $$(echo $$arm | tr : ' '); name=$$1 res=$$2 batch=$$3 weight=$$4 minutes=$$5; \
	  OMP_NUM_THREADS=1 $(STYLE_TRAIN) --style-data data/art --output-dir runs/style_arm_$$name --resolution $$res \
	    --train-batch-size $$batch --style-weight $$weight --adversarial-weight 0.05 --max-train-minutes $$minutes \
	    --resume-from-checkpoint runs/style_long/checkpoints/step_00007144 --eval-steps 100000 --checkpointing-steps 300 \
	  && $(EVAL_STYLE_OURS) --pipeline runs/style_arm_$$name/pipeline --json runs/style_arm_$$name/eval.json | grep gan_models; done

# Experiment: does decoder depth help? The 8,181-step checkpoint (arm B above) restarted with --init-from,
# once as it is (control, shipped: `make bundle`) and once with identity-initialized conv layers added to the decoder (QUARTER:HALF:FULL),
# the same steps and settings; the arms ran side by side, one thread each.
STYLE_DEPTHS := 0:0:0 0:1:0
STYLE_DEPTH_TRAIN := $(STYLE_TRAIN) --style-data data/art --style-weight 2.5 --adversarial-weight 0.05 \
	--init-from runs/style_arm_B/checkpoints/step_00008181 --eval-steps 100000 --checkpointing-steps 250
experiment-style-depth: install
	for depth in $(STYLE_DEPTHS); do name=$$(echo $$depth | tr : _); \
	  OMP_NUM_THREADS=1 $(STYLE_DEPTH_TRAIN) --output-dir runs/style_depth_$$name \
	    --decoder-extra-layers $$(echo $$depth | tr : ' ') --max-train-steps 1000 --max-train-minutes 75 \
	  && $(EVAL_STYLE_OURS) --pipeline runs/style_depth_$$name/pipeline --json runs/style_depth_$$name/eval.json | grep gan_models; done

# Not shipped yet: the control arm above resumed for 30 more minutes (447 steps, one thread).
experiment-style-depth-continue: install
	OMP_NUM_THREADS=1 $(STYLE_DEPTH_TRAIN) --output-dir runs/style_depth_cont --decoder-extra-layers 0 0 0 \
	  --max-train-minutes 105 --resume-from-checkpoint runs/style_depth_0_0_0/checkpoints/step_00000909
	$(EVAL_STYLE_OURS) --pipeline runs/style_depth_cont/pipeline --json runs/style_depth_cont/eval.json | grep gan_models

# Experiment: the benchmark's style distance as the style loss? The bundled decoder (9,090 steps) trained further from
# pretrained/style-transfer itself (fp16 weights, fresh critic, refitted distillation projections), 80 min side by
# side on one thread each: the relative style loss (control) and the absolute one, then measured (ours only).
STYLE_LOSS_TRAIN := $(STYLE_TRAIN) --style-data data/art --style-weight 2.5 --adversarial-weight 0.05 \
	--init-from pretrained/style-transfer --eval-steps 100000 --checkpointing-steps 100 --checkpoints-total-limit 30
experiment-style-loss: install
	for loss in relative absolute; do OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss $$loss \
	  --output-dir runs/style_loss_$$loss --max-train-minutes 80 > runs/style_loss_$$loss.log 2>&1 & done; wait
	for loss in relative absolute; do \
	  $(EVAL_STYLE_OURS) --pipeline runs/style_loss_$$loss/pipeline --json runs/style_loss_$$loss/eval.json | grep gan_models; done
	$(BIN)/python benchmarks/eval_style_transfer.py --num-contents 6 --sizes 384 --per-layer --styles $(PAINTINGS) \
	  --extra-pipeline "relative loss=runs/style_loss_relative/pipeline" "absolute loss=runs/style_loss_absolute/pipeline"

# Experiment: multi-level AdaIN. The relative-loss control of experiment-style-loss again (same start, settings and
# step count, one thread each, side by side) with shallower encoder features, AdaIN'd to the style, fed to the decoder
# through zero-initialized 1x1 convolutions: relu3_1 + relu2_1 (runs/style_skips), and also relu1_1
# (runs/style_skips_all); then measured per layer beside the control and Magenta.
experiment-style-skips: install
	for arm in style_skips:relu3_1:relu2_1 style_skips_all:relu3_1:relu2_1:relu1_1; do name=$${arm%%:*}; \
	  OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss relative --decoder-skip-layers $$(echo $${arm#*:} | tr : ' ') \
	  --output-dir runs/$$name --max-train-steps 1281 --max-train-minutes 90 > runs/$$name.log 2>&1 & done; wait
	for arm in style_skips style_skips_all; do \
	  $(EVAL_STYLE_OURS) --pipeline runs/$$arm/pipeline --json runs/$$arm/eval.json | grep gan_models; done
	$(BIN)/python benchmarks/eval_style_transfer.py --num-contents 6 --sizes 384 --per-layer --styles $(PAINTINGS) \
	  --extra-pipeline "relative loss=runs/style_loss_relative/pipeline" "skips 3-2=runs/style_skips/pipeline" \
	  "skips 3-2-1=runs/style_skips_all/pipeline"

# Experiment: two ways to spend on relu2_1 / relu3_1. Arm 1 is the relative-loss control of experiment-style-loss
# again (same start, settings and step count) with style modulation: every decoder layer scaled and shifted from the
# style's relu1_1..relu4_1 statistics (--decoder-style-modulation, runs/style_film). Arm 2 resumes the skips 3-2 arm
# of experiment-style-skips with style weight 5 for 1,567 more steps (runs/style_skips_w5). One thread each, side by side.
experiment-style-modulation: install
	OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss relative --decoder-style-modulation --output-dir runs/style_film \
	  --max-train-steps 1281 --max-train-minutes 95 > runs/style_film.log 2>&1 & \
	OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss relative --decoder-skip-layers relu3_1 relu2_1 --style-weight 5 \
	  --output-dir runs/style_skips_w5 --resume-from-checkpoint runs/style_skips/checkpoints/step_00001281 \
	  --max-train-steps 2848 --max-train-minutes 200 > runs/style_skips_w5.log 2>&1 & wait
	for arm in style_film style_skips_w5; do for size in 384 512; do \
	  $(EVAL_STYLE_OURS) --sizes $$size --per-layer --pipeline runs/$$arm/pipeline --json runs/$$arm/eval$$size.json \
	  | grep gan_models; done; done

# Modulation and skips together: the skips 3-2 + style weight 5 arm (runs/style_skips_w5, step 2848) gains the FiLM
# modulation (added at zero) and trains on at style weight 5 (runs/style_film_skips_w5) and 8 (runs/style_film_skips_w8),
# 1,281 steps each. One thread each, side by side.
STYLE_FILM_SKIPS := OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss relative --decoder-style-modulation \
	--decoder-skip-layers relu3_1 relu2_1 --init-from runs/style_skips_w5/checkpoints/step_00002848 \
	--max-train-steps 1281 --max-train-minutes 95
experiment-style-film-skips: install
	for weight in 5 8; do $(STYLE_FILM_SKIPS) --style-weight $$weight --output-dir runs/style_film_skips_w$$weight \
	  > runs/style_film_skips_w$$weight.log 2>&1 & done; wait
	for weight in 5 8; do for size in 384 512; do \
	  $(EVAL_STYLE_OURS) --sizes $$size --per-layer --pipeline runs/style_film_skips_w$$weight/pipeline \
	  --json runs/style_film_skips_w$$weight/eval$$size.json | grep gan_models; done; done

# The weight-5 arm of experiment-style-film-skips trained on (runs/style_film_skips_w5_long).
experiment-style-film-skips-long: install
	$(STYLE_FILM_SKIPS) --style-weight 5 --output-dir runs/style_film_skips_w5_long \
	  --resume-from-checkpoint runs/style_film_skips_w5/checkpoints/step_00001281 --max-train-steps 1800 \
	  --max-train-minutes 200 > runs/style_film_skips_w5_long.log 2>&1
	$(EVAL_STYLE_OURS) --sizes 384 --per-layer --pipeline runs/style_film_skips_w5_long/pipeline \
	  --json runs/style_film_skips_w5_long/eval384.json | grep gan_models

# Two arms side by side, one thread each, both continuing a bundled model with a fresh critic. Inpainting: the
# generator now corrects a relaxed pyramid fill (--fill-relaxation-steps, default 10) and trains with the VGG16
# perceptual loss (relu1_2..relu3_3 on the composite, weight 5) added to the shipped second-phase weights, 110 min
# (runs/inpainting_relaxed). Style: the shipped style-modulated decoder trained on with its own settings, 125 min
# (runs/style_film_cont). Then both measured. (It ran when pretrained/ held the releases of commit 5675ee5.)
INPAINT_THREADS ?= 1
INPAINT_CONTINUE = OMP_NUM_THREADS=$(INPAINT_THREADS) $(INPAINT_TRAIN) --init-from pretrained/inpainting --adversarial-weight 0.1 \
	--feature-matching-weight 1 --perceptual-weight 5 --eval-steps 100000 --max-train-steps 100000
STYLE_CONTINUE := OMP_NUM_THREADS=1 $(STYLE_LOSS_TRAIN) --style-loss relative --decoder-style-modulation
# $(call eval_inpainting_run,RUN): the 512 px benchmark on runs/RUN/pipeline, results in runs/RUN/eval.json
eval_inpainting_run = $(BIN)/python benchmarks/eval_inpainting.py --pipeline runs/$(1)/pipeline --json runs/$(1)/eval.json
# $(call measure_continued,INPAINTING_RUN,STYLE_RUN): both runs measured (ours only for style, at 384 and 512 px)
measure_continued = $(call eval_inpainting_run,$(1)) && \
	for size in 384 512; do $(EVAL_STYLE_OURS) --sizes $$size --per-layer --pipeline runs/$(2)/pipeline \
	  --json runs/$(2)/eval$$size.json | grep gan_models; done
experiment-continue: install
	mkdir -p runs
	$(INPAINT_CONTINUE) --output-dir runs/inpainting_relaxed --max-train-minutes 110 > runs/inpainting_relaxed.log 2>&1 & \
	$(STYLE_CONTINUE) --output-dir runs/style_film_cont --max-train-minutes 125 > runs/style_film_cont.log 2>&1 & wait
	$(call measure_continued,inpainting_relaxed,style_film_cont)

# experiment-continue resumed (optimizer and critic state kept) for about 95 more minutes per arm, one thread each,
# into new folders: runs/inpainting_relaxed2 and runs/style_film_cont2 (the time limits count the first segment too).
experiment-continue-more: install
	$(INPAINT_CONTINUE) --output-dir runs/inpainting_relaxed2 --max-train-minutes 205 \
	  --resume-from-checkpoint runs/inpainting_relaxed/checkpoints/step_00001296 > runs/inpainting_relaxed2.log 2>&1 & \
	$(STYLE_CONTINUE) --output-dir runs/style_film_cont2 --max-train-minutes 220 \
	  --resume-from-checkpoint runs/style_film_cont/checkpoints/step_00001501 > runs/style_film_cont2.log 2>&1 & wait
	$(call measure_continued,inpainting_relaxed2,style_film_cont2)

# Experiment: train at the scale the benchmark runs at. The shipped generator learnt on 128 px crops (scene shorter side
# 128-256 px, stroke widths relative to 128), but a 512 px photo is corrected at the 256 px working size, where holes
# are twice as wide in pixels. It continues on 256 px crops (batch 4, 100 min, one thread), PSNR-minded (perceptual
# weight 0: at 256 px the VGG loss triples the step time), then is measured on the 512 px benchmark.
experiment-inpainting-scale: install
	mkdir -p runs
	$(INPAINT_CONTINUE) --output-dir runs/inpainting_256_p0 --resolution 256 --train-batch-size 4 --perceptual-weight 0 \
	  --ema-decay 0.998 --max-train-minutes 100 > runs/inpainting_256_p0.log 2>&1
	$(call eval_inpainting_run,inpainting_256_p0) --threads 1 > runs/inpainting_256_p0.eval.log 2>&1

# Its control: the same PSNR-minded continuation on the 128 px crops the generator learnt on (batch 8, 70 min, one
# thread, started beside it 30 minutes in), so the crop size and the loss change can be told apart.
experiment-inpainting-scale-control: install
	mkdir -p runs
	$(INPAINT_CONTINUE) --output-dir runs/inpainting_128_p0 --perceptual-weight 0 --ema-decay 0.998 \
	  --max-train-minutes 70 > runs/inpainting_128_p0.log 2>&1
	$(call eval_inpainting_run,inpainting_128_p0) --threads 1 > runs/inpainting_128_p0.eval.log 2>&1

# Experiment: a content-side lever for #4 (at 384 px the decoder of runs/style_film_cont2 keeps less content than
# Magenta: 1.170 vs 1.150). That decoder trained on with its own settings plus the LPIPS-like content term
# (relu1_2..relu3_3, output vs content photo, --perceptual-weight) at two weights, 85 min side by side on one thread
# each, then measured; both overshoot towards the content, so the weight-1 arm is blended back into its start
# (network interpolation, as ESRGAN does between its PSNR and GAN models) at alpha 0.1 and 0.2 and measured at 384 px.
# (It ran when pretrained/style-transfer held runs/style_film_cont2 in fp16, commit b45ed73.)
STYLE_INTERP_BASE := runs/style_film_cont2/pipeline
experiment-style-content: install
	mkdir -p runs
	for weight in 1 3; do $(STYLE_CONTINUE) --perceptual-weight $$weight --output-dir runs/style_content_w$$weight \
	  --max-train-minutes 85 > runs/style_content_w$$weight.log 2>&1 & done; wait
	for weight in 1 3; do for size in 384 512; do \
	  $(EVAL_STYLE_OURS) --sizes $$size --per-layer --pipeline runs/style_content_w$$weight/pipeline \
	  --json runs/style_content_w$$weight/eval$$size.json | grep gan_models; done; done
	for alpha in 0.1 0.2; do \
	  $(BIN)/python scripts/interpolate_pipelines.py $(STYLE_INTERP_BASE) runs/style_content_w1/pipeline \
	    runs/style_interp_$$alpha --alpha $$alpha && \
	  $(EVAL_STYLE_OURS) --sizes 384 --per-layer --pipeline runs/style_interp_$$alpha \
	    --json runs/style_interp_$$alpha/eval384.json | grep gan_models; done

# Style distance against training length: checkpoints of train-style-long exported and measured (ours only).
STYLE_LENGTH_STEPS := 4481 5500 6500 7144
eval-style-length: install
	for step in $(STYLE_LENGTH_STEPS); do \
	  $(STYLE_TRAIN) --style-data data/art --output-dir runs/style_length/$$step --max-train-steps $$step \
	    --resume-from-checkpoint runs/style_long/checkpoints/$$(printf step_%08d $$step) --adversarial-weight 0.05 && \
	  $(EVAL_STYLE_OURS) --pipeline runs/style_length/$$step/pipeline --json runs/style_length/$$step.json | grep gan_models; done


# Experiment (#34, rooms): the bundled colorizer fine-tuned 15 minutes on one thread with 30% of the crops synthetic
# rooms and table tops (gan_models.training.rooms, cut-outs pasted in) against the same fine-tune without them, then
# both beside the bundled one on data/val (choosing) and on data/test + data/varied (reporting). Neither was shipped.
COLOR_FINETUNE := OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task colorization --train-data data/train \
	--val-data data/val --cutout-data data/cutouts --backbone-path data/efficientnet_lite0 --vgg-path data/vgg16 \
	--resolution 256 --train-batch-size 16 --mixed-precision bf16 --learning-rate 1e-4 --lr-decay linear \
	--max-train-minutes 15 --max-train-steps 100000 --eval-steps 100000 --init-from pretrained/colorization
COLOR_FINETUNE_TWO_THREADS := $(subst OMP_NUM_THREADS=1,OMP_NUM_THREADS=2,$(COLOR_FINETUNE))
experiment-colorization-rooms: install
	$(COLOR_FINETUNE) --room-probability 0.3 --output-dir runs/color_rooms15
	$(COLOR_FINETUNE) --room-probability 0 --output-dir runs/color_control15
	for data in val=data/val "test=data/test varied=data/varied"; do \
	  $(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	    rooms=runs/color_rooms15/pipeline control=runs/color_control15/pipeline --data $$data --threads 1; done

# Experiment (#34, encoder): the bundled colorizer fine-tuned 15 minutes on one thread with its EfficientNet-Lite0
# encoder unfrozen at 0.1 x the decoder's learning rate, against the same fine-tune with the encoder frozen; the two
# arms run side by side (one thread each, equal wall time), then beside the bundled one on data/val. (This ran while
# a trained encoder's batch statistics still moved; since ColorizationUNet keeps them fixed, its encoder arm is the
# next target's.)
experiment-colorization-encoder: install
	$(COLOR_FINETUNE) --room-probability 0 --encoder-learning-rate-scale 0.1 --output-dir runs/color_encoder15 & \
	$(COLOR_FINETUNE) --room-probability 0 --output-dir runs/color_frozen15; wait
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  encoder=runs/color_encoder15/pipeline frozen=runs/color_frozen15/pipeline --data val=data/val --threads 2 \
	  --json benchmarks/results/colorization_encoder_val.json | tee benchmarks/results/colorization_encoder_val.md

# Second arm: the same encoder fine-tune once the encoder's batch norms keep their ImageNet statistics in training
# mode (ColorizationUNet.train since 2026-12-07), run beside the style per-layer analysis (one thread each).
experiment-colorization-encoder-fixed-bn: install
	$(COLOR_FINETUNE) --room-probability 0 --encoder-learning-rate-scale 0.1 --output-dir runs/color_encoder15_bn
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  encoder_fixed_bn=runs/color_encoder15_bn/pipeline frozen=runs/color_frozen15/pipeline --data val=data/val \
	  --threads 2 --json benchmarks/results/colorization_encoder_bn_val.json \
	  | tee benchmarks/results/colorization_encoder_bn_val.md

# The fixed-statistics encoder fine-tune lengthened: 65 minutes on two threads from the bundled colorizer, the same
# learning rates (1e-4 falling to 0, encoder at 0.1 x), validation photos scored every 500 steps.
train-colorization-encoder-long: install
	$(COLOR_FINETUNE_TWO_THREADS) --room-probability 0 --encoder-learning-rate-scale 0.1 \
		--max-train-minutes 65 --eval-steps 500 --num-eval-images 28 --checkpoints-total-limit 3 \
		--output-dir runs/colorization_encoder_long

# Experiment (#34, data): KPhotoAlbum's demo photos (people, a bar, a pool hall) joined data/train and data/val
# (make data, 2026-12-07). The fixed-statistics encoder fine-tune again, 15 minutes on one thread, now on the new
# training photos, beside the same with 30% synthetic rooms; scored on the new data/val (which now holds rooms and
# people) against the same fine-tune on the old photos (runs/color_encoder15_bn) and the bundle.
experiment-colorization-album: install
	$(COLOR_FINETUNE) --room-probability 0 --encoder-learning-rate-scale 0.1 --output-dir runs/color_album15 & \
	$(COLOR_FINETUNE) --room-probability 0.3 --encoder-learning-rate-scale 0.1 --output-dir runs/color_album_rooms15; wait
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  album=runs/color_album15/pipeline album_rooms=runs/color_album_rooms15/pipeline \
	  old_photos=runs/color_encoder15_bn/pipeline --data val=data/val --threads 2 \
	  --json benchmarks/results/colorization_album_val.json | tee benchmarks/results/colorization_album_val.md

# Experiment (#34, no training): the bundled colorizer's weights blended with its 65-minute encoder fine-tune
# (train-colorization-encoder-long), as the detector's were; alpha chosen on data/val, then reported on test and varied.
experiment-colorization-soup: install
	for a in 0.3 0.5 0.7; do $(INTERPOLATE) pretrained/colorization runs/colorization_encoder_long/pipeline \
		runs/color_soup_$$a/pipeline --alpha $$a; done
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  soup03=runs/color_soup_0.3/pipeline soup05=runs/color_soup_0.5/pipeline soup07=runs/color_soup_0.7/pipeline \
	  tuned=runs/colorization_encoder_long/pipeline --data val=data/val --threads 2 \
	  --json benchmarks/results/colorization_soup_val.json | tee benchmarks/results/colorization_soup_val.md
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  soup05=runs/color_soup_0.5/pipeline soup07=runs/color_soup_0.7/pipeline tuned=runs/colorization_encoder_long/pipeline \
	  --data test=data/test varied=data/varied --threads 2 \
	  --json benchmarks/results/colorization_soup_test.json | tee benchmarks/results/colorization_soup_test.md

# Experiment (#34, no training): a greedy model soup of the bundle and every fine-tune of it on disk whose batch
# statistics stayed fixed (all but color_encoder15), chosen on data/val; then the soup against the bundle on test
# and varied.
experiment-colorization-greedy-soup: install
	$(BIN)/python benchmarks/colorization_greedy_soup.py shipped=pretrained/colorization \
	  long=runs/colorization_encoder_long/pipeline encoder15=runs/color_encoder15_bn/pipeline \
	  frozen15=runs/color_frozen15/pipeline album15=runs/color_album15/pipeline \
	  album_rooms15=runs/color_album_rooms15/pipeline --data data/val --output runs/color_greedy_soup/pipeline \
	  | tee benchmarks/results/colorization_greedy_soup_val.md
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  soup=runs/color_greedy_soup/pipeline --data test=data/test varied=data/varied --threads 2 \
	  --json benchmarks/results/colorization_greedy_soup_test.json | tee benchmarks/results/colorization_greedy_soup_test.md
	$(BIN)/python benchmarks/eval_colorization.py --pipeline soup=runs/color_greedy_soup/pipeline \
	  --chroma-gain 1.03 1.06 1.1 --data val=data/val --threads 2 --json benchmarks/results/colorization_greedy_soup_gain_val.json \
	  | tee benchmarks/results/colorization_greedy_soup_gain_val.md
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  --chroma-gain 1.03 1.06 1.1 --data val=data/val --threads 2 --json benchmarks/results/colorization_gain_val.json \
	  | tee benchmarks/results/colorization_gain_val.md
	$(BIN)/python scripts/bundle_pipeline.py runs/color_greedy_soup/pipeline runs/color_soup_candidate --set chroma_gain=1.06
	$(BIN)/python scripts/bundle_pipeline.py pretrained/colorization runs/color_bundle_gain103 --set chroma_gain=1.03
	$(BIN)/python benchmarks/eval_colorization.py --pipeline shipped=pretrained/colorization \
	  shipped_gain103=runs/color_bundle_gain103 soup_gain106=runs/color_soup_candidate \
	  --data test=data/test varied=data/varied --threads 2 \
	  --json benchmarks/results/colorization_soup_candidate_test.json | tee benchmarks/results/colorization_soup_candidate_test.md

# Experiment (#34): v2.1 (the soup) fine-tuned 15 minutes more on two threads, on the training photos with the album,
# encoder at 0.1 x; scored on data/val beside v2.1.
experiment-colorization-v21-finetune: install
	$(COLOR_FINETUNE_TWO_THREADS) --room-probability 0 --encoder-learning-rate-scale 0.1 \
		--output-dir runs/color_v21_ft15
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v21=pretrained/colorization ft15=runs/color_v21_ft15/pipeline \
	  --data val=data/val --threads 2 --json benchmarks/results/colorization_v21_ft15_val.json \
	  | tee benchmarks/results/colorization_v21_ft15_val.md

# Experiment (#38): the bundled v2 detector continued 35 minutes on 384 px crops (batch 8, the pixels of a 256 px
# batch of 16), beside the 85-minute 256 px continuation that shipped as v3 (runs/damage_detection_v3 in the Makefile)
experiment-detector-crop384: install
	OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
		--val-data data/val --output-dir runs/detector_v3_384 --resolution 384 --train-batch-size 8 \
		--learning-rate 2e-4 --mixed-precision bf16 --max-train-minutes 35 --max-train-steps 100000 \
		--aging-generator runs/vintage/pipeline --init-from runs/damage_detection_v2/pipeline --eval-steps 100000
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only \
		--extra-detector v3=runs/damage_detection_v3/pipeline v3_384=runs/detector_v3_384/pipeline

# Experiment (#38, 2026-12-06): a loss for thin strokes. Two 15-minute continuations of v3 side by side on one thread
# each, identical but for the skeleton-recall term (the missed share of the damage's centre lines), then (round 2) the
# same with the detector grown to twice the width; all scored on data/val beside
# the bundled v3
DETECTOR_FINETUNE := OMP_NUM_THREADS=1 $(BIN)/python train_accelerate.py --task damage_detection --train-data data/train \
	--val-data data/val --resolution 256 --train-batch-size 16 --learning-rate 2e-4 --lr-decay linear \
	--mixed-precision bf16 --max-train-minutes 15 --max-train-steps 100000 --aging-generator runs/vintage/pipeline \
	--init-from runs/damage_detection_v3/pipeline --eval-steps 100000
experiment-detector-skeleton: install
	$(DETECTOR_FINETUNE) --output-dir runs/det_control15 & \
	$(DETECTOR_FINETUNE) --skeleton-recall-weight 1 --output-dir runs/det_skel15 & wait
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		control=runs/det_control15/pipeline skeleton=runs/det_skel15/pipeline

# Round 2 of the above, then the 60-minute run of the best arm (skeleton recall + re-scan): runs/detector_v4, not shipped
# (docs/training-history.md, "Thin strokes and a re-scan augmentation")
experiment-detector-rescan: install
	$(DETECTOR_FINETUNE) --skeleton-recall-weight 1 --generator-channels 16 32 64 128 --output-dir runs/det_wide15 & \
	$(DETECTOR_FINETUNE) --skeleton-recall-weight 1 --rescan-probability 0.5 --output-dir runs/det_rescan15 & wait
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		skeleton=runs/det_skel15/pipeline wide=runs/det_wide15/pipeline rescan=runs/det_rescan15/pipeline
	$(DETECTOR_FINETUNE:15=60) --skeleton-recall-weight 1 --rescan-probability 0.5 --output-dir runs/detector_v4
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		skeleton15=runs/det_skel15/pipeline rescan15=runs/det_rescan15/pipeline v4=runs/detector_v4/pipeline
	$(DETECTOR_FINETUNE) --skeleton-recall-weight 1 --rescan-probability 0.2 --output-dir runs/det_rescan02_15
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		rescan15=runs/det_rescan15/pipeline rescan02_15=runs/det_rescan02_15/pipeline

# The re-scan 0.2 arm above lengthened by 60 minutes (docs/training-history.md, "Thin strokes and a re-scan augmentation")
experiment-detector-v5: install
	$(subst runs/damage_detection_v3/pipeline,runs/det_rescan02_15/pipeline,$(DETECTOR_FINETUNE:15=60)) \
		--skeleton-recall-weight 1 --rescan-probability 0.2 --output-dir runs/detector_v5
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		rescan02_15=runs/det_rescan02_15/pipeline v5=runs/detector_v5/pipeline

# Enhance: a dedicated x2 network (unshuffle 2, a quarter of the x4 network's cost at x2) grown from the x4
# weights then in pretrained/upscale, 15 min L1 then 15 min L1 + perceptual; scored beside the x2 path of that time
# (benchmarks/results/upscale_x2_val.md). (UPSCALE_X2_TRAIN is the Makefile's; it has --perceptual-weight 0.)
experiment-upscale-x2: install
	$(UPSCALE_X2_TRAIN) --init-from pretrained/upscale --max-train-minutes 15 --output-dir runs/upscale_x2_15
	$(UPSCALE_X2_TRAIN) --init-from runs/upscale_x2_15/pipeline --max-train-minutes 15 --perceptual-weight 1 \
		--output-dir runs/upscale_x2_perc15
	$(BIN)/python benchmarks/eval_upscale.py --data val=data/val --scales 2 --threads 1 --pipeline \
		shipped=pretrained/upscale x2_l1=runs/upscale_x2_15/pipeline x2_perc=runs/upscale_x2_perc15/pipeline

# Enhance x2, 75 more minutes from runs/upscale_x2_15 in two arms side by side (one thread each): L1 alone (the shipped
# x2 network, as make train-upscale-x2 runs it) and L1 + the perceptual loss on all five VGG16 layers of the
# LPIPS-like distance (weight 0.25), plus their 50/50 weight blend; scored per layer on validation
# (benchmarks/results/upscale_x2_long_val.md)
experiment-upscale-x2-long: install
	$(UPSCALE_X2_TRAIN) --init-from runs/upscale_x2_15/pipeline --max-train-minutes 75 --output-dir runs/upscale_x2 & \
	$(UPSCALE_X2_TRAIN) --init-from runs/upscale_x2_15/pipeline --max-train-minutes 75 --perceptual-weight 0.25 \
		--perceptual-layers relu1_2 relu2_2 relu3_3 relu4_3 relu5_3 --output-dir runs/upscale_x2_deep & wait
	$(BIN)/python scripts/interpolate_pipelines.py runs/upscale_x2/pipeline runs/upscale_x2_deep/pipeline \
		runs/upscale_x2_mix05 --alpha 0.5
	$(BIN)/python benchmarks/eval_upscale.py --data val=data/val --scales 2 --threads 1 --per-layer --pipeline \
		shipped=pretrained/upscale x2_l1_75=runs/upscale_x2/pipeline x2_deep_75=runs/upscale_x2_deep/pipeline \
		x2_mix05=runs/upscale_x2_mix05

# Grain under the re-tone: the re-scan 0.2 arm again with --rescan-grain-probability 0.5 (not shipped)
experiment-detector-grain: install
	$(DETECTOR_FINETUNE) --skeleton-recall-weight 1 --rescan-probability 0.2 --rescan-grain-probability 0.5 --output-dir runs/det_grain15
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		rescan02_15=runs/det_rescan02_15/pipeline grain15=runs/det_grain15/pipeline

# Network interpolation between v3 and its fine-tunes (runs/det_rescan02_15, runs/det_grain15 and runs/detector_v5 from
# the targets above), scored on validation in two rounds; v3 + v5 at alpha 0.5 ships (train-damage-detection rebuilds it)
INTERPOLATE := $(BIN)/python scripts/interpolate_pipelines.py
experiment-detector-soup: install
	for a in 0.3 0.5 0.7; do $(INTERPOLATE) runs/damage_detection_v3/pipeline runs/det_rescan02_15/pipeline \
		runs/det_soup_$$a/pipeline --alpha $$a; done
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		rescan02_15=runs/det_rescan02_15/pipeline soup03=runs/det_soup_0.3/pipeline soup05=runs/det_soup_0.5/pipeline \
		soup07=runs/det_soup_0.7/pipeline
	for a in 0.3 0.5 0.6 0.7; do $(INTERPOLATE) runs/damage_detection_v3/pipeline runs/detector_v5/pipeline \
		runs/det_soupv5_$$a/pipeline --alpha $$a; done
	$(INTERPOLATE) runs/det_rescan02_15/pipeline runs/det_grain15/pipeline runs/det_tuned_pair/pipeline --alpha 0.5
	$(INTERPOLATE) runs/damage_detection_v3/pipeline runs/det_tuned_pair/pipeline runs/det_souppair_0.5/pipeline --alpha 0.5
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		soup05=runs/det_soup_0.5/pipeline soupv5_03=runs/det_soupv5_0.3/pipeline soupv5_05=runs/det_soupv5_0.5/pipeline \
		souppair05=runs/det_souppair_0.5/pipeline
	$(BIN)/python benchmarks/eval_restoration.py --data data/val --masks-only --extra-detector \
		soupv5_06=runs/det_soupv5_0.6/pipeline soupv5_07=runs/det_soupv5_0.7/pipeline

# Experiment: WCT instead of AdaIN between encoder and decoder (no training: the shipped weights). Validation styles
# (choose), then the held-out kinds and the paintings (report), each beside Magenta in the same run (the paintings'
# AdaIN rows in a run of their own right after).
experiment-style-wct: install
	$(BIN)/python benchmarks/eval_style_transfer.py --styles data/style_val --num-contents 6 --sizes 384 512 \
		--feature-transform adain wct --json benchmarks/results/style_wct_val.json
	$(BIN)/python benchmarks/eval_style_transfer.py --styles data/style_test --num-contents 6 --sizes 384 512 \
		--feature-transform adain wct --json benchmarks/results/style_wct_test.json
	$(BIN)/python benchmarks/eval_style_transfer.py --styles $(PAINTINGS) --num-contents 6 --sizes 384 512 \
		--feature-transform wct --json benchmarks/results/style_wct_paintings.json
	$(BIN)/python benchmarks/eval_style_transfer.py --styles $(PAINTINGS) --num-contents 6 --sizes 384 512 \
		--ours-only --feature-transform adain

# Experiment: does a decoder trained on WCT'd features beat the shipped one run with WCT? Two arms from
# pretrained/style-transfer (its published critic too), one thread each side by side, the same 232 steps (what 15
# minutes gave such an arm alone): AdaIN (control) and WCT; then both measured with WCT on the validation styles.
STYLE_WCT_TRAIN := $(STYLE_LOSS_TRAIN) --style-data data/art data/art_pieces data/style_train \
	--style-recolour-probability 0.5 --style-loss relative --decoder-style-modulation --max-train-steps 232 \
	--max-train-minutes 45
experiment-style-wct-train: install
	for t in adain wct; do OMP_NUM_THREADS=1 $(STYLE_WCT_TRAIN) --feature-transform $$t \
	  --output-dir runs/style_train_$$t > runs/style_train_$$t.log 2>&1 & done; wait
	for t in adain wct; do $(BIN)/python benchmarks/eval_style_transfer.py --styles data/style_val --num-contents 6 \
	  --sizes 384 --ours-only --pipeline runs/style_train_$$t/pipeline --feature-transform wct \
	  --json runs/style_train_$$t/eval_val.json | grep gan_models; done

# Experiment: WCT blended with AdaIN (`wct_weight`), no training. Validation styles one by one (choose: the largest WCT
# share whose content distance stays at or below Magenta's on both validation sets at both sizes), then the held-out
# kinds and the paintings (report) beside the unblended WCT and Magenta in the same run.
experiment-style-wct-weight: install
	$(BIN)/python benchmarks/style_wct_weight.py --size 384 --weights 0 0.25 0.5 0.75 0.9 1 --magenta \
		--styles data/art_val data/style_val --json benchmarks/results/style_wct_weight_val_384.json
	$(BIN)/python benchmarks/style_wct_weight.py --size 512 --weights 0.5 0.75 0.9 1 --magenta \
		--styles data/art_val data/style_val --json benchmarks/results/style_wct_weight_val_512.json
	$(BIN)/python benchmarks/eval_style_transfer.py --styles data/style_test --num-contents 6 --sizes 384 512 \
		--feature-transform wct --wct-weight 0.9 --json benchmarks/results/style_wct_weight_test.json
	$(BIN)/python benchmarks/eval_style_transfer.py --styles $(PAINTINGS) --num-contents 6 --sizes 384 512 \
		--feature-transform wct --wct-weight 0.9 --json benchmarks/results/style_wct_weight_paintings.json

# Experiment: a model soup of style fine-tunes (Wortsman et al., 2022), as the colorizer's v2.1. Two arms from
# pretrained/style-transfer (its critic too), one thread each side by side, 40 minutes, on the broadened styles and
# WCT'd features (what the bundle runs with), at half the usual learning rate and differing in seed and objective:
# A keeps the content term (weight 1), B pushes the style (weight 4, no content term). Then the arms alone, their
# average and that average blended half into the bundle (all with the bundle's settings: WCT 0.9, colour transfer)
# are measured beside the bundle and Magenta on both validation style sets at 384 px. The rule, set before the run:
# the lowest style distance (mean over the two sets of each set's distance / the bundle's) among the candidates
# whose content distance stays at or below Magenta's on both sets. Then the bundle's own trade-off knob in the same
# setting (WCT's share 0.5 and 0.75, one thread beside another job), the line a soup has to beat.
STYLE_SOUP_TRAIN := OMP_NUM_THREADS=1 $(STYLE_TRAIN) --init-from pretrained/style-transfer \
	--style-data data/art data/art_pieces data/style_train --style-recolour-probability 0.5 --style-loss relative \
	--decoder-style-modulation --feature-transform wct --adversarial-weight 0.05 --learning-rate 1e-4 \
	--discriminator-learning-rate 1e-4 --max-train-minutes 40 --eval-steps 100000 --checkpointing-steps 200
experiment-style-soup: install
	mkdir -p runs
	$(STYLE_SOUP_TRAIN) --seed 1 --style-weight 2.5 --perceptual-weight 1 --output-dir runs/style_soup_a \
	  > runs/style_soup_a.log 2>&1 & \
	$(STYLE_SOUP_TRAIN) --seed 2 --style-weight 4 --output-dir runs/style_soup_b > runs/style_soup_b.log 2>&1 & wait
	$(BIN)/python scripts/interpolate_pipelines.py pretrained/style-transfer runs/style_soup_a/pipeline \
	  runs/style_soup_arm_a --alpha 1
	$(BIN)/python scripts/interpolate_pipelines.py pretrained/style-transfer runs/style_soup_b/pipeline \
	  runs/style_soup_arm_b --alpha 1
	for alpha in 0.5 1; do $(BIN)/python scripts/interpolate_pipelines.py pretrained/style-transfer \
	  runs/style_soup_a/pipeline runs/style_soup_b/pipeline runs/style_soup_$$alpha --alpha $$alpha; done
	for styles in art_val style_val; do $(BIN)/python benchmarks/eval_style_transfer.py --styles data/$$styles \
	  --num-contents 6 --sizes 384 --json benchmarks/results/style_soup_$$styles.json --extra-pipeline \
	  "arm A=runs/style_soup_arm_a" "arm B=runs/style_soup_arm_b" "soup=runs/style_soup_1" \
	  "half soup=runs/style_soup_0.5" > benchmarks/results/style_soup_$$styles.md; done
	for styles in art_val style_val; do $(BIN)/python benchmarks/eval_style_transfer.py --styles data/$$styles \
	  --num-contents 6 --sizes 384 --ours-only --threads 1 --wct-weight 0.5 0.75 \
	  --json benchmarks/results/style_soup_knob_$$styles.json > benchmarks/results/style_soup_knob_$$styles.md; done

# Experiment: a smaller working size for speed (not shipped). The bundle at 192-288 px on validation, then 224 px at the
# gains that keep its colourfulness at 0.75 x the truth's (a copy of the bundle with that size in its config), then the
# chosen setting (224 px, gain 1.09) against the bundle on the reporting sets.
COLOR_WS224 := runs/color_ws224
experiment-colorization-working-size: install
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v2.1=pretrained/colorization --data val=data/val \
	  --working-size 192 224 288 --threads 1 --json benchmarks/results/colorization_working_size_val.json \
	  > benchmarks/results/colorization_working_size_val.md
	rm -rf $(COLOR_WS224) && cp -r pretrained/colorization $(COLOR_WS224)
	$(BIN)/python -c "import json; p = '$(COLOR_WS224)/pipeline_config.json'; c = json.load(open(p)); \
	  c['working_size'] = 224; json.dump(c, open(p, 'w'), indent=2)"
	$(BIN)/python benchmarks/eval_colorization.py --pipeline ws224=$(COLOR_WS224) --data val=data/val \
	  --chroma-gain 1.09 1.12 --threads 1 --json benchmarks/results/colorization_working_size_gain_val.json \
	  > benchmarks/results/colorization_working_size_gain_val.md
	$(BIN)/python -c "import json; p = '$(COLOR_WS224)/pipeline_config.json'; c = json.load(open(p)); \
	  c['chroma_gain'] = 1.09; json.dump(c, open(p, 'w'), indent=2)"
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v2.1=pretrained/colorization \
	  "v2.1 at 224 px=$(COLOR_WS224)" --data test=data/test varied=data/varied \
	  --json benchmarks/results/colorization_working_size_test.json > benchmarks/results/colorization_working_size_test.md

# Experiment: the WCT share's rule (experiment-style-wct-weight) again, now that data/val holds the album's photos (the
# benchmark's content photos are its first six). At 384 px experiment-style-soup's two validation runs measure the
# bundle (0.9), 0.75 and Magenta; here 512 px on both validation sets, then the reporting sets with 0.9 and 0.75.
experiment-style-wct-weight-again: install
	for styles in art_val style_val; do $(BIN)/python benchmarks/eval_style_transfer.py --styles data/$$styles \
	  --num-contents 6 --sizes 512 --wct-weight 0.75 --json benchmarks/results/style_wct_weight_newval_512_$$styles.json \
	  > benchmarks/results/style_wct_weight_newval_512_$$styles.md; done
	$(BIN)/python benchmarks/eval_style_transfer.py --styles data/style_test --num-contents 6 --sizes 384 512 \
	  --wct-weight 0.75 --json benchmarks/results/style_wct_weight_album_test.json \
	  > benchmarks/results/style_wct_weight_album_test.md
	$(BIN)/python benchmarks/eval_style_transfer.py --styles $(PAINTINGS) --num-contents 6 --sizes 384 512 \
	  --wct-weight 0.75 --json benchmarks/results/style_wct_weight_album_paintings.json \
	  > benchmarks/results/style_wct_weight_album_paintings.md

# Experiment (#34, colourfulness): class rebalancing (Zhang et al. 2016: each pixel's loss weighted by the inverse of its
# colour's share of the training photos, mixed 0.5 : 0.5 with uniform) against the same 15-minute fine-tune of the
# bundle without it, side by side on one thread each (encoder frozen); both on data/val at several chroma gains, so that
# the two are compared at equal colourfulness, not only at the bundle's gain.
experiment-colorization-rebalancing: install
	$(COLOR_FINETUNE) --class-rebalancing 0.5 --output-dir runs/color_rebalance15 > runs/color_rebalance15.log 2>&1 & \
	$(COLOR_FINETUNE) --output-dir runs/color_rebalance_control15 > runs/color_rebalance_control15.log 2>&1; wait
	for arm in rebalanced=runs/color_rebalance15/pipeline control=runs/color_rebalance_control15/pipeline; do \
	  $(BIN)/python benchmarks/eval_colorization.py --pipeline $$arm --chroma-gain 0.8 0.9 1.2 1.4 --data val=data/val \
	    --threads 2; done > benchmarks/results/colorization_rebalancing_val.md

# Experiment (#34, speed): the colorizer before and after the speed work of 2026-12-07 (constant same-padding in the
# exported graph, the gray computed outside it, the chroma joined in place; same weights), timed in turn twice, each
# beside OpenCV NS in its own run. The code before is a git worktree of d93ebbc.
experiment-colorization-speed: install
	rm -rf /tmp/gan_models_before_speed && git worktree prune && git worktree add -f /tmp/gan_models_before_speed d93ebbc
	for round in 1 2; do for tree in /tmp/gan_models_before_speed $(CURDIR); do echo "### $$tree, round $$round"; \
	  (cd $$tree && $(CURDIR)/$(BIN)/python benchmarks/eval_colorization.py --data --speed \
	    --pipeline v2.1=$(CURDIR)/pretrained/colorization | grep -A4 "^| what"); done; done \
	  > benchmarks/results/colorization_speed_before_after.md
	git worktree remove --force /tmp/gan_models_before_speed

# Check (#34): v2.1's annealed-mean temperature (chosen for v2 before the soup and the smoothing) re-swept on data/val
# at the bundle's gain
experiment-colorization-v21-temperature: install
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v2.1=pretrained/colorization --temperature 0.45 0.5 0.6 0.65 \
	  --data val=data/val --threads 1 > benchmarks/results/colorization_v21_temperature_val.md

# Where a colorization call spends its time (ONNX Runtime's operator profile, the graph as exported before and now;
# the pipeline's steps around it)
profile-colorization: install
	$(BIN)/python benchmarks/profile_colorization.py > benchmarks/results/colorization_profile.md

# Enhance: PyTorch and ONNX Runtime timed in turn, three rounds (the machine's PyTorch convolutions have a slow mode)
experiment-upscale-runtime: install
	for round in 1 2 3; do for rt in torch onnxruntime; do echo "### $$rt, round $$round"; \
	  $(BIN)/python benchmarks/eval_upscale.py --data --speed --runtime $$rt | grep -A5 "^| what" | tail -3; done; done

# Experiment (#34, rooms and people): a scene branch (ColorizationUNet's GlobalContext, Iizuka et al. 2016: the
# ImageNet head's pooled features modulate the decoder's first features) grown into v2.1 at zero, 15 minutes on one
# thread each, side by side: arm A trains only the branch (the rest of v2.1 frozen, so v2.1 itself is its control),
# arm B the branch and the decoder at 0.3 x. Scored on data/val beside v2.1.
experiment-colorization-context: install
	$(COLOR_FINETUNE) --room-probability 0 --global-context --decoder-learning-rate-scale 0 --learning-rate 3e-4 \
	  --output-dir runs/color_context15 > runs/color_context15.log 2>&1 & \
	$(COLOR_FINETUNE) --room-probability 0 --global-context --decoder-learning-rate-scale 0.3 --learning-rate 3e-4 \
	  --output-dir runs/color_context_decoder15 > runs/color_context_decoder15.log 2>&1; wait
	$(BIN)/python benchmarks/eval_colorization.py --pipeline v2.1=pretrained/colorization \
	  context=runs/color_context15/pipeline context_decoder=runs/color_context_decoder15/pipeline \
	  --data val=data/val --threads 2 --json benchmarks/results/colorization_context_val.json \
	  | tee benchmarks/results/colorization_context_val.md
	(echo "### At about equal colourfulness: arm A a little more vivid, v2.1 a little less"; \
	  $(BIN)/python benchmarks/eval_colorization.py --pipeline context=runs/color_context15/pipeline --chroma-gain 1.1 \
	    --data val=data/val --threads 2; \
	  $(BIN)/python benchmarks/eval_colorization.py --pipeline v2.1=pretrained/colorization --chroma-gain 0.91 \
	    --data val=data/val --threads 2) >> benchmarks/results/colorization_context_val.md

# Experiment (#38, styles of kinds never trained on): the bundle's decoder fine-tuned 15 minutes on one thread,
# as experiment-style-soup's arm (broadened styles, WCT'd features, style weight 2.5), with and without distilling
# Magenta's arbitrary-style network (--peer-weight 2: VGG16 features of our output vs those of its output for the same
# crop and style; its style network reads the whole style image at 256 px). Each carried into the bundle's settings
# (interpolate_pipelines --alpha 1), then scored beside the bundle and Magenta on both validation style sets at 384 px.
# (The first peer arm, runs/style_peer, gave the teacher the 128 px style crop upsampled: the code of 12f00af.)
experiment-style-peer: install
	mkdir -p runs
	$(STYLE_SOUP_TRAIN) --seed 1 --style-weight 2.5 --max-train-minutes 15 --output-dir runs/style_peer_control \
	  > runs/style_peer_control.log 2>&1 & \
	$(STYLE_SOUP_TRAIN) --seed 1 --style-weight 2.5 --max-train-minutes 15 --peer-weight 2 \
	  --output-dir runs/style_peer_whole > runs/style_peer_whole.log 2>&1 & wait
	for arm in style_peer_control style_peer_whole; do $(BIN)/python scripts/interpolate_pipelines.py \
	  pretrained/style-transfer runs/$$arm/pipeline runs/$${arm}_bundled --alpha 1; done
	for styles in art_val style_val; do $(BIN)/python benchmarks/eval_style_transfer.py --styles data/$$styles \
	  --num-contents 6 --sizes 384 --json benchmarks/results/style_peer_$$styles.json --extra-pipeline \
	  "control=runs/style_peer_control_bundled" "peer, crop=runs/style_peer_bundled" \
	  "peer, whole=runs/style_peer_whole_bundled" > benchmarks/results/style_peer_$$styles.md; done
