# Stabil: `make run` to serve the app, `make test` to check everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# uv installs the locked dependencies (and re-resolves them for `make lock`): a fresh venv in
# about 10 s instead of pip's 45.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
SOURCES := src tests bench

.PHONY: run demo test lint fmt bench lock docs clean pdf-libs test-libs

run: $(VENV)/.run-deps pdf-libs
	$(BIN)/stabil db upgrade
	$(BIN)/stabil service load declarations/*.yaml
	$(BIN)/stabil user init-admin
	@$(BIN)/stabil assets fetch || echo "note: the pages will use plain styling until 'stabil assets fetch' succeeds"
	$(BIN)/stabil serve

# Like `run`, on a database of its own filled with a year of history to look at; the mail
# stays in var/demo/mailbox whatever STABIL_SMTP_HOST says elsewhere.
DEMO_SERVICE ?= borger-dk
DEMO_MONTHS ?= 12
DEMO_ENV := STABIL_DATABASE_URL=sqlite:///var/demo.db STABIL_VAR_DIR=var/demo STABIL_SMTP_HOST=

demo: $(VENV)/.run-deps pdf-libs
	$(DEMO_ENV) $(BIN)/stabil db upgrade
	$(DEMO_ENV) $(BIN)/stabil service load declarations/*.yaml
	$(DEMO_ENV) $(BIN)/stabil demo --service $(DEMO_SERVICE) --months $(DEMO_MONTHS)
	@$(DEMO_ENV) $(BIN)/stabil assets fetch || echo "note: the pages will use plain styling until 'stabil assets fetch' succeeds"
	$(DEMO_ENV) $(BIN)/stabil serve

test: test-libs lint
	$(BIN)/pytest -n auto --dist worksteal

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy --strict src

fmt: $(VENV)/.dev-deps
	$(BIN)/ruff check --fix $(SOURCES)
	$(BIN)/ruff format $(SOURCES)

bench: $(VENV)/.dev-deps
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

docs: $(VENV)/.dev-deps
	$(BIN)/python -m stabil.cli.reference docs/cli.md

# The reports' PDFs: WeasyPrint lays them out with Debian's Pango, in DejaVu Sans (every
# Danish letter); the tests read them back with poppler. Missing ones stop the run with the
# command that installs them (as root; .ci/run does it).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(PDF_PACKAGES) poppler-utils
LDCONFIG := $(or $(shell command -v ldconfig),/sbin/ldconfig)
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

pdf-libs:
	@for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0; do \
		$(LDCONFIG) -p | grep -q "$$lib" || { \
			echo "The PDF reports need $$lib: apt-get install -y $(PDF_PACKAGES)"; exit 1; }; \
	done
	@test -f $(DEJAVU) || { \
		echo "The PDF reports need the DejaVu fonts: apt-get install -y $(PDF_PACKAGES)"; exit 1; }

test-libs: pdf-libs
	@command -v pdftoppm >/dev/null || { \
		echo "The tests read the PDFs with poppler: apt-get install -y $(TEST_PACKAGES)"; exit 1; }

# Re-resolve the locked dependencies after changing pyproject.toml.
lock: $(VENV)/.dev-deps
	cd requirements && ../$(BIN)/uv pip compile ../pyproject.toml --python-version 3.11 \
		--generate-hashes --quiet -o run.txt
	cd requirements && ../$(BIN)/uv pip compile ../pyproject.toml --python-version 3.11 \
		--extra dev --generate-hashes --quiet -o dev.txt

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Stabil needs Python 3.11 or newer; run e.g. 'make PYTHON=python3.12 $(MAKECMDGOALS)'"; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(PIP) install uv==$(UV_VERSION)

$(VENV)/.run-deps: requirements/run.txt pyproject.toml | $(UV)
	$(INSTALL) --require-hashes -r requirements/run.txt
	$(INSTALL) --no-deps -e .
	@touch $@

$(VENV)/.dev-deps: requirements/dev.txt pyproject.toml | $(UV)
	$(INSTALL) --require-hashes -r requirements/dev.txt
	$(INSTALL) --no-deps -e .
	@touch $@ $(VENV)/.run-deps

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
