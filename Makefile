# KazCMS: `make run` serves the demo newsroom, `make test` runs the whole suite,
# `make serve` runs the production stack (gunicorn, DEBUG off) on this machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1:8000
WORKERS ?= 2

# The production settings, with the two exceptions that only hold on this machine: plain HTTP
# (no proxy terminates TLS here) and media served by the app (no nginx in front).
SERVE_ENV := DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	KAZCMS_INSECURE_HTTP=1 KAZCMS_SERVE_MEDIA="$${KAZCMS_SERVE_MEDIA:-1}" \
	KAZCMS_SITE_URL="$${KAZCMS_SITE_URL:-http://$(HOST)}"

# Background tasks: `make run` runs them inside the request (KAZCMS_TASKS=immediate); `make serve`
# starts the worker of the queue KAZCMS_TASKS names (the database's by default) beside gunicorn.
RUN_ENV := DEBUG=1 KAZCMS_TASKS="$${KAZCMS_TASKS:-immediate}"
WORKER = $(if $(filter redis,$(KAZCMS_TASKS)),rqworker --with-scheduler --job-class django_tasks_rq.Job default,db_worker)

.PHONY: run serve worker test lint install

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  KazCMS is serving on http://$(HOST)/"
	@echo "  Admin: http://$(HOST)/admin/  (user: editor  password: kazcms-demo-editor)"
	@echo "  Roles: reporter / kazcms-demo-reporter (contributor), desk / kazcms-demo-desk (editor)"
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST)

# A generated key, kept out of git (.gitignore); a SECRET_KEY in the environment wins.
.secret_key:
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: $(BIN)/.installed .secret_key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  KazCMS (production settings, $(WORKERS) gunicorn workers) on http://$(HOST)/"
	@echo "  Admin: http://$(HOST)/admin/  (user: editor  password: kazcms-demo-editor)"
	@echo "  Background worker: manage.py $(WORKER)"
	@echo ""
	$(SERVE_ENV) $(BIN)/python manage.py send_mailings
	$(SERVE_ENV) $(BIN)/python manage.py $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) KAZCMS_BIND=$(HOST) WEB_CONCURRENCY=$(WORKERS) \
		$(BIN)/gunicorn --config deploy/gunicorn.conf.py

# The background worker alone (e.g. a second one, or beside `make run KAZCMS_TASKS=database`).
worker: $(BIN)/.installed .secret_key
	$(SERVE_ENV) $(BIN)/python manage.py $(WORKER)

test: $(BIN)/.installed
	SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only} $(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
