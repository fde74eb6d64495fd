# TRD Navigator. `make run` serves the demo clinic; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	TRDNAV_PLAIN_HTTP=1 $(BIN)/trdnav serve --port $(PORT)

# Browser tests need Debian's chromium; the script installs it when missing.
# TRDNAV_TEST_POSTGRES_URL (set by .ci/run) adds a PostgreSQL run of every database test.
# The tests run in one process per core (pytest-xdist): each has its own databases and servers.
TEST_WORKERS ?= auto
test: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/trdnav bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
