# One entry point for people and CI. `make book` and `make test` set everything up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= quick
SHARED_DATA ?= ../shared/data
export BATCHSIZE_DATA ?= $(CURDIR)/data

.PHONY: setup data test lint sweep book bench clean

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
	@$(BIN)/batchsize data verify || true

lint: setup
	$(BIN)/ruff check lib tests notebooks benchmarks

test: data lint
	$(BIN)/python -m pytest

sweep: data
	$(BIN)/batchsize sweep --profile $(PROFILE)

book: sweep

bench: data
	$(BIN)/python benchmarks/trainer.py

clean:
	rm -rf _build
