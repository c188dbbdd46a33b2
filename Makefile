# Lifeport Regie. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json 2>/dev/null | md5sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets messages messages-update migrate worker beat lint format bench backup restore clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(NODE_STAMP) messages

messages: $(STAMP)
	@DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

## The demo: SQLite and in-process tasks unless DATABASE_URL / CELERY_BROKER_URL are set.
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input -v 0
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_lifeport --demo
	@echo ""
	@echo "Lifeport Regie: http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

## The tests that write, read or delete media files: with LIFEPORT_TEST_SERVICES=1 (as in CI) they run a second
## time on an S3-compatible server started by the tests (moto_server; LIFEPORT_TEST_MEDIA=s3).
MEDIA_TESTS := tests/lifeport/test_media_storage.py tests/contributions/test_imports.py \
	tests/contributions/test_import_export_views.py tests/contributions/test_services.py \
	tests/contributions/test_views.py tests/reports/test_tasks.py tests/reports/test_services.py \
	tests/reports/test_exports.py tests/security/test_uploads.py

## ruff, mypy (services, selectors, permissions, figures, lifeport/lib), then the whole pytest suite.
## Service tests run when LIFEPORT_TEST_SERVICES=1 (as in CI).
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	@if [ "$$LIFEPORT_TEST_SERVICES" = "1" ]; then \
		echo "The media tests again, on S3 (moto_server):"; \
		LIFEPORT_TEST_MEDIA=s3 $(VENV)/bin/pytest -q $(MEDIA_TESTS); \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: install
	$(PY) manage.py migrate --no-input

worker: install
	$(VENV)/bin/celery -A lifeport worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A lifeport beat --loglevel=INFO

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

## Backups: a PostgreSQL dump (pg_dump -Fc) and the media files in a dated folder under var/backups/
## (or BACKUP_DIR). No install step: a backup never waits for pip. See docs/data-retention.md.
backup:
	$(PY) manage.py backup

## make restore BACKUP=var/backups/<folder>: pg_restore --clean into DATABASE_URL's database, media copied
## back. Asks for confirmation; CONFIRM=yes skips the question (scripts, the restore test).
restore:
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<folder> [CONFIRM=yes]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(filter yes,$(CONFIRM)),--no-input)

## After adding or changing translatable strings: refresh both catalogues, then translate locale/nl.
messages-update: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --no-obsolete --add-location=file
	$(PY) bin/po_sync.py .

## Every page and job against a bare signed-in view at 1,000 / 10,000 / 100,000 contributions (PostgreSQL).
bench: install
	$(PY) bench/harness.py $(BENCH_ARGS)
