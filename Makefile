# newsportal: `make run` serves the portal with demo content, `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 >/dev/null 2>&1 && echo python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# In development the public address (canonical links, feeds, e-mails, the admin address
# seed_demo prints) follows HOST and PORT, unless SITE_URL is set.
DEV := DEBUG=true DEV_HOST=$(HOST) DEV_PORT=$(PORT)

.PHONY: help install run serve worker test lint format migrations-check messages compilemessages clean css bench lighthouse

help:
	@echo "make run    set up (venv, install, migrate, demo content) and serve on http://$(HOST):$(PORT)"
	@echo "make test   lint, migrations check and the whole test suite (DATABASE_URL=postgres://… for PostgreSQL)"

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "newsportal needs Python 3.13 (found %s); set PYTHON=/path/to/python3.13" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	@touch $@

install: $(BIN)/.installed compilemessages

# The French catalogue is compiled with Babel (a Python package), so no system
# gettext is needed on a fresh machine.
compilemessages: $(BIN)/.installed
	@$(BIN)/pybabel compile --statistics -d locale -D django 2>&1 | grep -v '^$$' || true
	@test -f locale/fr/LC_MESSAGES/django.mo

# Extract strings (needs GNU gettext's xgettext: apt-get install gettext).
messages: $(BIN)/.installed
	$(DEV) $(BIN)/python manage.py makemessages --locale fr --no-obsolete --add-location file

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed_demo
	@echo
	@echo "  newsportal is served at  http://$(HOST):$(PORT)/"
	@echo "  the newsroom (admin) at  http://$(HOST):$(PORT)/admin/"
	@echo "  users: admin, editeur, journaliste, moderateur — passwords printed by seed_demo"
	@echo "  on its first run (or DEMO_PASSWORD); reset one with: $(BIN)/python manage.py changepassword admin"
	@echo
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Background tasks run at once in development (DEBUG on: TASKS_BACKEND=immediate), so
# `make run` needs no worker. To try the production queue: `TASKS_BACKEND=database make
# run` in one terminal and `TASKS_BACKEND=database make worker` in another.
worker: install
	$(DEV) $(BIN)/python manage.py db_worker --queue-name '*'

test: install lint migrations-check
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(BIN)/.installed
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

# The Bootstrap rules our markup uses (tools/purge_css.py); run after adding a class.
css: $(BIN)/.installed
	$(BIN)/python tools/purge_css.py

# The benchmark of docs/benchmarks.md: PostgreSQL database np_perf_bench, gunicorn with
# production settings on 127.0.0.1, wrk (installed with apt-get when missing), Redis db 6.
bench: install
	$(BIN)/python tools/bench.py

# Lighthouse (mobile) on home, a section, an article and a search, served by gunicorn with
# production settings behind the nginx recipe (tools/lighthouse.py; needs npm and Chromium).
lighthouse: install
	$(BIN)/python tools/lighthouse.py

clean:
	rm -rf $(VENV) staticfiles artifacts
