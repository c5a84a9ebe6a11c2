# KazCMS: `make run` serves the demo newsroom, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1:8000

.PHONY: run test lint install

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

test: $(BIN)/.installed
	SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only} $(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
