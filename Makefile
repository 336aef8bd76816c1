# The two commands a newcomer needs are `make demo` and `make test`; the rest is for the inner loop.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
TARGET ?=
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
BASE_STAMP := $(VENV)/.base-installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test test-fast test-py test-ts test-e2e lint fixtures bench vsix node system-deps clean

$(BASE_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing amct-lsp into $(VENV)/ (log: $(VENV)/install.log)"
	@$(PIP) install -q -e . > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $@

## demo: create .venv, install the package, check the bundled seed example and show the fix
demo: $(BASE_STAMP)
	@bash examples/demo.sh $(VENV)/bin/amct-lsp

$(TEST_STAMP): $(BASE_STAMP) pyproject.toml
	@echo "installing test dependencies (TensorFlow, pytest-lsp, ...) into $(VENV)/ (log: $(VENV)/install-test.log)"
	@$(PIP) install -q -e '.[test]' > $(VENV)/install-test.log 2>&1 || { cat $(VENV)/install-test.log; exit 1; }
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

node: $(NODE_STAMP)

system-deps:
	bash scripts/system-deps.sh

## fixtures: build every model fixture with real TensorFlow (cached by the generator's own hash)
fixtures: $(TEST_STAMP)
	$(PY) tests/fixtures/generate.py

## test: install everything and run every test (Python, TypeScript, real VS Code)
test: system-deps $(TEST_STAMP) $(NODE_STAMP) fixtures
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest
	npm test
	bash tests/e2e/run.sh

## test-fast: Python tests without the slow ones (Keras models, editors)
test-fast: $(TEST_STAMP) fixtures
	$(PY) -m pytest -m "not slow" -q

test-py: $(TEST_STAMP) fixtures
	$(PY) -m pytest

test-ts: $(NODE_STAMP)
	npm test

test-e2e: system-deps $(TEST_STAMP) $(NODE_STAMP)
	bash tests/e2e/run.sh

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check server tests benchmarks
	$(VENV)/bin/ruff format --check server tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	@if [ -d node_modules ]; then npx tsc -p client --noEmit; fi

## bench: speed and memory against the TensorFlow way (prints a table; not part of the tests)
bench: $(TEST_STAMP)
	$(PY) benchmarks/run.py

## vsix: the platform VS Code extension with the server and its dependency wheels inside (works offline);
## TARGET=linux-x64|linux-arm64 (default: this machine) -> dist/amct-lsp-$(TARGET)-<version>.vsix
vsix: $(BASE_STAMP) $(NODE_STAMP)
	TARGET=$(TARGET) bash client/scripts/package.sh

clean:
	rm -rf $(VENV) node_modules client/out client/wheels dist build .e2e tests/fixtures/models tests/artifacts
