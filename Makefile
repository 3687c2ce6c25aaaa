# Two commands for a new machine: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := run.py

.PHONY: run test lint bench load setup translations db demo clean help

help:
	@echo "make run    - set up, migrate, load the demo programme if empty, serve http://127.0.0.1:5000"
	@echo "make test   - set up, lint (ruff, mypy, bandit), run the whole test suite"
	@echo "make bench  - run the benchmarks and print their figures"
	@echo "make load   - load-test gunicorn + DATABASE_URL (PostgreSQL) with users of every role"
	@echo "              LOAD_ARGS='--users 50 --seconds 60 --json' or '--step 50,100,150,200'"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-nodeps.txt | $(BIN)/activate
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -r requirements-nodeps.txt
	touch $@

translations: $(VENV)/.installed
	@$(BIN)/python tools/i18n.py compile >/dev/null

setup: $(VENV)/.installed translations

db: setup
	$(BIN)/flask db upgrade

run: db
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r govtech matching
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r govtech matching

bench: setup
	$(BIN)/python -m tools.bench_search --challenges 20000
	$(BIN)/python -m matching.bench --challenges 20000 --startups 20000

# DATABASE_URL (and REDIS_URL, LOAD_PASSWORD) pass through the environment to tools/load.py.
load: setup
	@test -n "$(DATABASE_URL)" || { echo "make load needs DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/govtech_national)"; exit 2; }
	DATABASE_URL="$(DATABASE_URL)" $(BIN)/python -m tools.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
