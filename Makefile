# Callboard: `make run` serves the demo, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
APT := DEBIAN_FRONTEND=noninteractive apt-get -y -q
CHROMIUM := /usr/bin/chromium
# Every JavaScript test (service worker, outbox, page scripts) lives in sync/test/.
JS_TESTS = $(wildcard sync/test/*.test.mjs)
# Parallel pytest workers (pytest-xdist): one per core; XDIST=0 runs in this process.
XDIST ?= auto
export FLASK_APP := app:create_app

.PHONY: run test test-fast test-python test-e2e test-js test-postgres lint chromium nodejs migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(APT) update && $(APT) install python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

run: seed
	$(BIN)/gunicorn --config gunicorn.conf.py 'app:create_app()'

# Debian's Chromium for the browser tests (never `playwright install`: no browser downloads).
chromium:
	@test -x $(CHROMIUM) || { $(APT) update && $(APT) install chromium; }
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is still missing" >&2; exit 1; }

nodejs:
	@command -v node >/dev/null 2>&1 || { $(APT) update && $(APT) install nodejs; }
	@command -v node >/dev/null 2>&1 || { echo "node is still missing" >&2; exit 1; }

# Every test: Python (in parallel), real-browser (one at a time), then JavaScript (node --test).
# A failing or empty run fails: pytest exits 5 when it collects no test.
test: $(VENV)/.dev-installed chromium
	@$(MAKE) --no-print-directory lint
	$(BIN)/pytest -m "not e2e" -n $(XDIST)
	$(BIN)/pytest -m e2e
	@$(MAKE) --no-print-directory test-js

# The inner loop: no browser, no server or worker processes (`slow`), in parallel.
test-fast: $(VENV)/.dev-installed
	$(BIN)/pytest -m "not e2e and not slow" -n $(XDIST)

test-python: $(VENV)/.dev-installed
	$(BIN)/pytest -m "not e2e" -n $(XDIST)

test-e2e: $(VENV)/.dev-installed chromium
	$(BIN)/pytest -m e2e

test-js:
ifeq ($(strip $(JS_TESTS)),)
	@echo "test-js: no JavaScript tests in sync/test/ yet"
else
	@$(MAKE) --no-print-directory nodejs
	node --test $(JS_TESTS)
endif

# ruff's checks and its formatter's verdict (run `$(BIN)/ruff format` to apply it).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-postgres: $(VENV)/.dev-installed
	DATABASE_URL=$${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not e2e" -n $(XDIST)

# Each bench/<name>.py (not _helpers) runs as `python -m bench.<name>` and prints its ratios.
bench: $(VENV)/.dev-installed
	@set -e; for script in bench/[!_]*.py; do \
	  [ -e "$$script" ] || continue; \
	  echo "== bench.$$(basename $$script .py)"; \
	  $(BIN)/python -m bench.$$(basename $$script .py); \
	done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
