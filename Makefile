# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Embedded defaults for local use; production sets its own environment.
export DEBUG ?= true
export PYTHONUNBUFFERED := 1

.PHONY: run test install migrate demo demo-code lint frontend bench audit clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# The current two-factor code of the demo facilitators and admin.
demo-code: install
	@$(BIN)/python manage.py demo_code

run: demo
	$(BIN)/python manage.py serve $(if $(PORT),--port $(PORT))

# ruff for style; import-linter for the layers declared in pyproject.toml;
# mypy (with django-stubs) for the types of services, selectors and views
# (config in pyproject.toml; `make typecheck` runs it alone).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy


# Browser tests run in a second pytest process: Playwright's sync API keeps an
# event loop running in the main thread, which async tests must not inherit.
test: install lint
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Refresh the vendored NHS.UK frontend (and axe-core for the browser tests)
# from the versions pinned in package.json / package-lock.json.
frontend:
	npm ci --no-audit --no-fund
	$(BIN)/python scripts/update_frontend.py

# Known vulnerabilities in every installed package (transitive ones too), from
# PyPI's advisory data; fails on any not waived in pip-audit-waivers.txt, and
# (--strict) on any package it could not check. pip-audit lives in a venv of
# its own so its dependencies never mix with the project's.
AUDIT_VENV := .venv-audit
WAIVED := $(shell sed -n 's/^\([A-Za-z0-9][A-Za-z0-9_-]*\).*/--ignore-vuln \1/p' pip-audit-waivers.txt)
audit: install
	test -x $(AUDIT_VENV)/bin/pip-audit || ($(PYTHON) -m venv $(AUDIT_VENV) && $(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1)
	$(AUDIT_VENV)/bin/pip-audit --strict --progress-spinner off --vulnerability-service $${AUDIT_SERVICE:-pypi} \
		--path $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') $(WAIVED)

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var staticfiles

# Benchmarks against the real PostgreSQL and Redis (BENCH_DATABASE_URL,
# BENCH_REDIS_URL); writes docs/PERFORMANCE.md. See bench/README.md.
bench: install
	DEBUG=false $(BIN)/python -m bench $(BENCH_ARGS)

typecheck: install
	$(BIN)/mypy
