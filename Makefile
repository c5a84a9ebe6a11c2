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

.PHONY: run serve test lint install

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  KazCMS is serving on http://$(HOST)/"
	@echo "  Admin: http://$(HOST)/admin/  (user: editor  password: kazcms-demo-editor)"
	@echo "  Roles: reporter / kazcms-demo-reporter (contributor), desk / kazcms-demo-desk (editor)"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

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
	@echo ""
	$(SERVE_ENV) KAZCMS_BIND=$(HOST) WEB_CONCURRENCY=$(WORKERS) \
		$(BIN)/gunicorn --config deploy/gunicorn.conf.py

test: $(BIN)/.installed
	SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only} $(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
