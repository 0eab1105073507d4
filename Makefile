# ninja-viewsets: every task starts here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
# The newest Python (3.11+) that actually runs. pyenv's shims refuse to run without
# PYENV_VERSION, so the interpreters under `pyenv root` are tried by full path first.
PYENV_ROOT_DIR := $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
# PYVER=3.11 restricts the search to that version (CI uses it for the Django 5.2 LTS run).
PYVER ?=
PY_CANDIDATES := $(sort $(wildcard $(PYENV_ROOT_DIR)/versions/3.1[1-9]*/bin/python3)) \
	$(shell command -v python3.11 python3.12 python3.13 python3.14 python3 2>/dev/null)
PYTHON ?= $(shell for p in $(PY_CANDIDATES); do \
	  v=$$($$p -c 'import sys; print("%d%03d" % sys.version_info[:2]) if sys.version_info >= (3, 11) else None' 2>/dev/null) \
	  && [ -n "$$v" ] && [ "$$v" != None ] \
	  && { [ -z "$(PYVER)" ] || [ "$$($$p -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$(PYVER)" ]; } \
	  && echo "$$v $$p"; \
	done | sort -n | tail -1 | cut -d' ' -f2)
# Extra pytest arguments for `make test`, e.g. PYTEST_ARGS='-m "not e2e"' (CI's Ninja 1.6 run).
PYTEST_ARGS ?=
# Extra pip requirements, e.g. PINS="django>=5.2,<6 django-ninja==1.5.*" to test lower bounds.
PINS ?=
PIP := $(VENV)/bin/pip
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := cd example_project && ../$(PY) manage.py

.PHONY: help install run serve-prod test test-e2e fuzz docs lint bench clean loadtest

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## Create .venv and install the package with its dev tools (again when pyproject.toml changes)
	@want="$$(md5sum pyproject.toml | cut -c1-12) $(PINS)"; \
	if [ -x $(PY) ] && [ -f $(STAMP) ] && [ "$$(cat $(STAMP))" = "$$want" ]; then exit 0; fi; \
	test -n "$(PYTHON)" || { echo "No Python 3.11+ found (looked at: $(PY_CANDIDATES))"; exit 1; }; \
	echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"; \
	set -e; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	$(PIP) install -q --upgrade pip; \
	$(PIP) install -q -e ".[dev]" $(foreach p,$(PINS),"$(p)"); \
	echo "$$want" > $(STAMP)

run: install ## Migrate, seed and serve example_project on http://127.0.0.1:8000 (Swagger UI: /api/docs)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed
	cd example_project && ../$(VENV)/bin/uvicorn config.asgi:application --host 127.0.0.1 --port 8000

test: install ## Run the whole suite on SQLite, then again on PostgreSQL when DATABASE_URL is set
	$(PY) -c 'import sys; from importlib.metadata import version as v; print("Python", sys.version.split()[0], *(f"{p} {v(p)}" for p in ("django", "django-ninja", "pydantic")))'
	env -u DATABASE_URL NINJA_VIEWSETS_SKIP_BROWSER=1 $(VENV)/bin/pytest -q $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then echo "== again on $$DATABASE_URL"; \
	  NINJA_VIEWSETS_SKIP_BROWSER=1 $(VENV)/bin/pytest -q $(PYTEST_ARGS); fi

serve-prod: install ## Several uvicorn workers on PostgreSQL (pooled) + Redis (DATABASE_URL, REDIS_URL; see docs/deployment.md)
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL=postgres://... (and REDIS_URL=redis://...)"; exit 1; }
	@$(PY) -c "import psycopg_pool, redis, httptools" 2>/dev/null || $(PIP) install -q -e ".[prod]"
	$(MANAGE) migrate --noinput
	$(MANAGE) seed
	cd example_project && DJANGO_DEBUG=0 WEB_CONCURRENCY=$${WORKERS:-4} ../$(VENV)/bin/uvicorn \
		config.asgi:application --host 127.0.0.1 --port 8000 --workers $${WORKERS:-4} \
		--no-access-log --timeout-graceful-shutdown 30

test-e2e: install ## The Swagger UI browser test (installs Debian's chromium and Playwright if missing)
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium (apt-get)"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "Could not install chromium: run 'sudo apt-get install chromium'"; exit 1; }
	@$(PY) -c "import playwright" 2>/dev/null || $(PIP) install -q playwright
	env -u NINJA_VIEWSETS_SKIP_BROWSER NINJA_VIEWSETS_E2E=1 $(VENV)/bin/pytest -q tests/test_swagger_e2e.py

fuzz: install ## Fuzz the example API from its OpenAPI document (schemathesis; FUZZ_EXAMPLES=500 for longer)
	@$(PY) -c "import schemathesis" 2>/dev/null || $(PIP) install -q "schemathesis>=4,<5"
	NINJA_VIEWSETS_FUZZ=1 NINJA_VIEWSETS_FUZZ_REQUIRED=1 $(VENV)/bin/pytest -q tests/test_fuzz.py

docs: install ## Build the documentation site with mkdocs --strict (into site/)
	@$(PY) -c "import material, mkdocstrings_handlers.python" 2>/dev/null || $(PIP) install -q mkdocs-material "mkdocstrings[python]"
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

lint: install ## ruff (lint + format check), mypy and the import-linter contracts (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

loadtest: install ## Production mode under load, pool vs no pool (DATABASE_URL=postgres://...); writes bench/LOADTEST.md
	@$(PY) -c "import psycopg_pool, httptools" 2>/dev/null || $(PIP) install -q -e ".[prod]"
	@command -v wrk >/dev/null || { echo "Installing wrk (apt-get)"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; } \
	  || { echo "Could not install wrk: run 'sudo apt-get install wrk'"; exit 1; }
	$(PY) bench/loadtest.py

bench: ## Benchmark against the peers in one run; writes bench/RESULTS.md (see bench/README.md)
	bash bench/run.sh

clean: ## Remove the virtualenvs and caches
	rm -rf .venv .venv-* .pytest_cache .mypy_cache .ruff_cache example_project/db.sqlite3
