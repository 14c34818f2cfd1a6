# Passation — `make run` serves the demo on SQLite; `make test` runs the whole suite.
# The venv's interpreter: the system's python3 (≥ 3.11, with venv) when there is one, else python3
# from PATH. Distributions build theirs with profile-guided optimisation and LTO: on Debian's,
# the app used 11 % (capacity) to 23 % (70 % load) less CPU per answer cycle than on a plain
# source build such as pyenv's default (loadtests/README.md, round 10), so production and the
# load test use an optimised build. `make PYTHON=...` overrides.
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV := .venv
PY := $(VENV)/bin/python
# Named after the interpreter, so that another one rebuilds the venv from scratch.
STAMP := $(VENV)/.installed-$(subst /,_,$(PYTHON))
HTMX := web/static/vendor/htmx.min.js
# sha256 of htmx.org@2.0.11 dist/htmx.min.js, checked after every install from the npm registry.
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test migrate seed lint typecheck loadtest exposure clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	echo "$(HTMX_SHA256)  node_modules/htmx.org/dist/htmx.min.js" | sha256sum --check --quiet
	mkdir -p $(dir $(HTMX))
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

install: $(STAMP) $(HTMX)

migrate: install
	$(PY) -m web.migrate upgrade

seed: migrate
	DEMO_URL=http://$(HOST):$(PORT) $(PY) -m web.seed

run: seed
	$(PY) -m uvicorn --factory web.app:asgi_app --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check web engine content loadtests tests

typecheck: install
	$(VENV)/bin/mypy web engine content loadtests

# Load test on PostgreSQL (127.0.0.1:5432): WORKERS app processes, Locust distributed, a capacity
# phase then a phase at 70 % of it; reports and summary in var/loadtest/. See loadtests/README.md.
WORKERS ?= 1
LOADTEST_ARGS ?=
loadtest: install
	$(PY) -m loadtests.run --workers $(WORKERS) $(LOADTEST_ARGS)

# Exposure configuration of the real bank (~6 min): export the validated bank, then compute the
# exposure prices by simulation of the production engine (engine/README.md, "Real item bank").
# The web app loads every content/configs/*.json and serves new courses with the highest version:
# bump EXPOSURE_VERSION whenever the bank or the engine rules change, and keep the old files
# (recorded by past courses). Since 2026.2: prices alone aimed at 0.158, refined on the engine
# (per-course preference 0.01, posterior-expected information), no eligibility table.
EXPOSURE_VERSION ?= 2026.2
EXPOSURE_BANK ?= var/exposure/bank.csv
exposure: install
	mkdir -p $(dir $(EXPOSURE_BANK)) content/configs
	$(PY) -m content export-bank $(EXPOSURE_BANK)
	$(PY) -m engine.exposure --bank $(EXPOSURE_BANK) --version $(EXPOSURE_VERSION) \
		--out content/configs/$(EXPOSURE_VERSION).json --examinees 2000 --iterations 0 \
		--price-cap 0.158 --price-steps 40 --noise 0.01 --information posterior

clean:
	rm -rf $(VENV) node_modules $(dir $(HTMX)) var
