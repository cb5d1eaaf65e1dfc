# One entry point for people and CI. `make book` and `make test` set everything up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= quick
SHARED_DATA ?= ../shared/data
export BATCHSIZE_DATA ?= $(CURDIR)/data

.PHONY: setup data test lint sweep book chromium bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0  # first: the CPU wheel; a looser pin pulls CUDA
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[book,dask,dev]'
	touch $@

# On these offline machines the data comes from ../shared/data (see its README); elsewhere the
# loaders download the official files themselves.
data: setup
	@mkdir -p data
	@if [ -d $(SHARED_DATA)/mnist ] && [ ! -e data/mnist ]; then ln -s $(abspath $(SHARED_DATA))/mnist data/mnist; fi
	@if [ -f $(SHARED_DATA)/cifar10_jpeg75.npz ] && [ ! -f data/cifar-10-batches-py/test_batch ]; then \
		$(BIN)/python $(SHARED_DATA)/cifar10_to_batches.py data; fi
	@[ -d /usr/share/datasets/fashion-mnist ] || [ "$$(id -u)" != 0 ] || \
		apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || \
		echo "fashion-mnist: Debian's dataset-fashion-mnist not installed (offline?): its runs and tests skip"
	@$(BIN)/batchsize data verify || true

lint: setup
	$(BIN)/ruff check lib tests notebooks benchmarks

# The smoke runs are trained first, on both cores: the smoke book executes one notebook at a time, so it only reads
# them; the checks chapter's paired seeds (notebooks/checks.py: seeds = 3) too. It is built into its own folder (the
# book `make book` built stays), so that the browser test (tests/test_browser.py) finds the site there.
CHECK_SECTIONS = --section init-check --section precision-check --section replay-check --section cifar10
test: data lint chromium
	$(BIN)/batchsize sweep --profile smoke --skip-absent --executor local --workers 2 --no-progress > /dev/null
	$(BIN)/batchsize sweep --profile smoke $(CHECK_SECTIONS) --seeds 3 --skip-absent --executor local --workers 2 --no-progress > /dev/null
	$(MAKE) book PROFILE=smoke BOOK_OUT=_build/smoke
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder  # CI's two cores: a file's tests on one worker, files with slow tests first (conftest)

sweep: data
	$(BIN)/batchsize sweep --profile $(PROFILE)

# The book renders `paper` results where the store has them, else `quick` (trained on the spot if missing);
# `make book PROFILE=smoke` is the fast build. Any execution error or Sphinx warning fails it.
# The site goes to $(BOOK_OUT)/_build/html (jupyter-book's --path-output layout).
BOOK_PROFILE = $(if $(filter command line environment,$(origin PROFILE)),$(PROFILE),auto)
BOOK_OUT ?= .
book: data
	rm -rf $(BOOK_OUT)/_build/html $(BOOK_OUT)/_build/.doctrees $(BOOK_OUT)/_build/jupyter_execute
	BATCHSIZE_BOOK_PROFILE=$(BOOK_PROFILE) BATCHSIZE_STATIC=1 \
		$(BIN)/jupyter-book build . --path-output $(BOOK_OUT) --warningiserror --nitpick --keep-going
	@echo "book: $(BOOK_OUT)/_build/html/index.html"

# Headless Chromium for the browser test (Debian package; installed only when absent and we are root).
chromium:
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || \
		apt-get install -y -q chromium >/dev/null 2>&1 || \
		(apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) || \
		echo "chromium not installed: the browser test will skip"

# Speed benchmarks (benchmarks/results/README.md): trainer vs. a plain loop, CNN steps against the GEMM peak,
# where a CNN step's time goes, stacked CNN seeds against separate ones, and torch threads when two processes share
# the cores (why the tests' workers take one thread each).
bench: data
	$(BIN)/python benchmarks/trainer.py
	$(BIN)/python benchmarks/cnn.py
	$(BIN)/python benchmarks/step_breakdown.py
	$(BIN)/python benchmarks/stacked_cnn.py
	$(BIN)/python benchmarks/threads.py

clean:
	rm -rf _build
