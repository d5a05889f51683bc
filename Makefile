# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate seed schema lint format audit image worker beat messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Install, migrate, load the demo and serve on http://127.0.0.1:8000 with the embedded defaults.
run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install the dev requirements and run the whole suite (DATABASE_URL and REDIS_URL when set).
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Write the OpenAPI schema the API serves into docs/api/openapi.yaml (a test compares them).
schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Check every pinned package against the known-vulnerability database (OSV; needs the internet).
audit: install-dev
	$(BIN)/pip-audit --vulnerability-service osv --requirement requirements.txt --requirement requirements-dev.txt --progress-spinner off

## Build the image: Docker when a daemon answers, else podman. Without a registry, podman
## first builds a stand-in base from Debian's mirror (deploy/local_base.sh).
IMAGE ?= localhost/huntaze:latest
BASE ?= python:3.11-slim-bookworm
image:
	@if docker info >/dev/null 2>&1; then \
		docker build --build-arg BASE=$(BASE) -t $(IMAGE) . ; \
	else \
		export CONTAINERS_CONF=$(CURDIR)/deploy/containers.conf; \
		base=$(BASE); \
		if ! podman image exists $$base && ! podman pull -q $$base >/dev/null 2>&1; then \
			base=$$(sh deploy/local_base.sh); \
		fi; \
		certs=""; [ -f /etc/ssl/certs/ca-certificates.crt ] && certs="--volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro"; \
		podman build --format docker --network host $$certs --build-arg BASE=$$base -t $(IMAGE) . ; \
	fi
	@if docker info >/dev/null 2>&1; then docker image inspect $(IMAGE) --format '{{.Size}}'; \
		else podman image inspect $(IMAGE) --format '{{.Size}}'; fi \
		| awk '{ printf "image $(IMAGE): %.0f MB\n", $$1 / 1000000 }'

worker: install
	$(BIN)/celery -A huntaze worker --loglevel=info

beat: install
	$(BIN)/celery -A huntaze beat --loglevel=info

## Refresh the translation catalogues (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale fr --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles test-results .coverage
