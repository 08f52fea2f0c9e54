# One command runs the demo (make run), one runs the tests (make test). Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE ?= 1
export GRADIO_ANALYTICS_ENABLED ?= False
DATA_PACKAGES := gcompris-qt-data lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds \
	plasma-workspace-wallpapers ukui-wallpapers gnome-backgrounds

.PHONY: install run test browser data train-colorization eval-colorization bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install
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

train-colorization: install
	$(BIN)/accelerate launch train_accelerate.py --task colorization --train-data data/train --val-data data/val \
		--vgg-path data/vgg16 --output-dir runs/colorization --max-train-minutes 95 --max-train-steps 100000 \
		--train-batch-size 16 --reconstruction-weight 30

eval-colorization: install
	$(BIN)/python benchmarks/eval_colorization.py --pipeline pretrained/colorization --data data/val --vgg-path data/vgg16

bench: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) .pytest_cache
