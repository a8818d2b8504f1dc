# Two commands for a newcomer: `make run` and `make test`. Everything lands in .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
# `make run` is the laptop setup: debug on, SQLite. Production sets its own environment
# (docs/deployment.md) and calls manage.py directly.
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test install install-test migrate demo static lint format messages catalogs clean \
	bench bench-smoke cluster cluster-stop cluster-status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pins change.
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

catalogs: install
	$(DEV) $(MANAGE) compile_catalogs

migrate: catalogs
	$(DEV) $(MANAGE) migrate --noinput

demo: migrate
	$(DEV) $(MANAGE) seed_demo

# Static files as production serves them, though DEBUG is on: collected, compressed, hashed
# names cached for a year by WhiteNoise (config/settings.py, COLLECTED_STATIC). After changing
# a file under static/, run `make static` (or `make run` again).
STATIC := PERVICHKA_COLLECTED_STATIC=1

static: install
	$(DEV) $(STATIC) $(MANAGE) collectstatic --noinput -v0

run: demo static
	@echo "Pervichka is at http://$(HOST):$(PORT)/ — demo logins are in README.md"
	$(DEV) $(STATIC) $(MANAGE) runserver --nostatic $(HOST):$(PORT)

test: install-test
	PERVICHKA_TESTING=1 $(MANAGE) compile_catalogs
	PERVICHKA_TESTING=1 $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# National scale (needs PostgreSQL at 127.0.0.1:5432 and wrk): generates the database
# pervichka_bench once (about 17 minutes), then measures and writes docs/benchmarks.md.
bench: install-test
	PERVICHKA_TESTING=1 $(MANAGE) compile_catalogs
	$(BIN)/python -m bench.run --notes bench/NOTES.md

# The same at a few thousand rows, on a fresh database: what CI runs (figures not judged).
bench-smoke: install-test
	PERVICHKA_TESTING=1 $(MANAGE) compile_catalogs
	$(BIN)/python -m bench.run --smoke

# ruff, and the floors (.importlinter): a new upward import, sibling link or cycle fails.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext): for developers adding strings, not for running.
messages: install
	$(DEV) $(MANAGE) makemessages -l ru -l kk -l en --no-location --no-obsolete -i ".venv/*" -i "bench/*"
	$(DEV) $(MANAGE) makemessages -d djangojs -l ru -l kk -l en --no-location -i ".venv/*" -i "static/vendor/*" -i "staticfiles/*"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The production cluster on loopback (deploy/cluster.sh): nginx :8080 → two gunicorn nodes →
# PgBouncer → PostgreSQL primary :5433 + streaming replica :5434, Redis :6380, Celery.
cluster: install
	deploy/cluster.sh start

cluster-stop:
	deploy/cluster.sh stop

cluster-status:
	deploy/cluster.sh status
