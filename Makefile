# Special Exams. `make help` lists the targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Marks a virtualenv that has the current requirements installed.
VENV_STAMP := $(VENV)/.requirements-installed

.DEFAULT_GOAL := help
.PHONY: help venv node-deps locale messages run lti-demo test check worker beat migrate seed clean bench
.PHONY: check-lint check-format check-types check-imports check-migrations

help: ## List the targets
	@echo "Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

venv: $(VENV_STAMP) ## Create .venv and install requirements-dev.txt (again only when they change)

$(VENV_STAMP): requirements.txt requirements-dev.txt scripts/venv.sh
	@PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/venv.sh
	@touch $@

# The browser tests' JavaScript tools (axe-core), pinned by package-lock.json.
NODE_STAMP := node_modules/.npm-ci-done

node-deps: $(NODE_STAMP) ## Install the browser tests' JavaScript tools (npm ci), again only when the lock changes

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

locale: venv ## Compile the translations (exams/locale/*/LC_MESSAGES/*.po) for Django to read
	@scripts/locale.sh

messages: venv ## Gather marked strings into the translation catalogs (then translate, make locale)
	@scripts/messages.sh

run: venv locale ## Migrate, seed demo users, serve 127.0.0.1:$PORT (8000) plus a Celery worker
	@scripts/run.sh

lti-demo: venv locale ## `make run` plus a test LTI 1.3 platform on 127.0.0.1:$LTI_PORT (8800), registered
	@scripts/lti_demo.sh

test: ## Install what tests need, start throwaway PostgreSQL + Redis, run check and all tests
	@PYTHON="$(PYTHON)" MAKE="$(MAKE)" scripts/test.sh

bench: ## Benchmarks on throwaway PostgreSQL + Redis (not part of test); see docs/benchmarks.md
	@MAKE="$(MAKE)" scripts/bench.sh

# `make -k check` runs every check even when one fails.
check: check-lint check-format check-types check-imports check-migrations ## Lint, format check, types, import layers, missing migrations

check-lint: venv
	$(VENV)/bin/ruff check .
check-format: venv
	$(VENV)/bin/ruff format --check .
check-types: venv
	$(VENV)/bin/mypy .
check-imports: venv
	$(VENV)/bin/lint-imports
check-migrations: venv
	$(PY) manage.py makemigrations --check --dry-run

worker: venv locale ## Run a Celery worker (solo pool) in the foreground
	$(PY) -m celery -A settings worker --pool=solo --loglevel=info

beat: venv ## Run Celery beat (the periodic sweeps) in the foreground; run exactly one
	mkdir -p "$${VAR_DIR:-var}"
	$(PY) -m celery -A settings beat --loglevel=info \
		--schedule="$${VAR_DIR:-var}/celerybeat-schedule"

migrate: venv ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: venv ## Create the demo course and users (prints their passwords)
	$(PY) manage.py seed_demo

clean: ## Remove caches, .venv and node_modules (keeps var/, the local database)
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
