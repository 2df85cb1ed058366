# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench dist smoke clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))' || \
		{ echo "Lever Desktop needs Python 3.11, 3.12 or 3.13 (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Install and start the app against the embedded Lever sandbox.
run: $(STAMP)
	$(BIN)/lever-desktop --sandbox

## Install and run the whole test suite (GUI tests offscreen), after the format check and lint
## ([tool.ruff]), the type check ([tool.pyright]) and the layer contracts of pyproject.toml
## ([tool.importlinter]: the core never imports Qt, each layer only those below).
test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pyright
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## Benchmarks (not part of the test suite); each prints its figures.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -s -p no:randomly

## Build the Linux installers into dist/: the PyInstaller bundle, a .tar.gz and a .deb.
dist: $(VENV)/.installed-dist
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN build_spec.spec
	PYTHON=$(BIN)/python packaging/linux/build.sh

$(VENV)/.installed-dist: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dist]"
	touch $@

## Smoke-test what `make dist` built: the bundle, and the .deb unpacked to a temporary root.
smoke:
	$(BIN)/python packaging/smoke_test.py dist/lever-desktop
	$(BIN)/python packaging/smoke_test.py $(wildcard dist/lever-desktop_*.deb)

clean:
	rm -rf $(VENV) build dist *.egg-info
