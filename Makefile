# Jineng — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install lint typecheck check migrate demo serve clean

$(STAMP): pyproject.toml constraints.txt package.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==25.3"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	npm install --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_load

serve:
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload

run: demo serve

# The whole suite on the embedded SQLite database, or on DATABASE_URL when it is set.
test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src
	$(VENV)/bin/ruff format --check src

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3*
