# Corridor: every install step lives here, so a fresh machine (and CI) needs nothing by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
# Debian packages: WeasyPrint's Pango and HarfBuzz subsetting, CJK and Arabic-script (Urdu) fonts,
# symbols and outline emoji for users' text in PDFs (fonts-symbola; app/documents/glyphs.py),
# poppler for reading PDFs back in tests, Node.js for the front-end files we serve ourselves.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-noto-core fonts-symbola poppler-utils
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: help run serve cluster-check test test-pg lint e2e screenshots bench db-upgrade db-migrate translations translations-compile \
        system-deps venv assets seed clean

help:
	@echo "make run    install everything, migrate, seed demo data, serve http://$(HOST):$(PORT)"
	@echo "make serve  production: gunicorn and the job consumer, from the environment (docs/DEPLOY.md)"
	@echo "make cluster-check  kill web and job nodes under load on loopback; nothing may be lost"
	@echo "make test   the test suite on SQLite   (make test-pg: on PostgreSQL)"
	@echo "make lint   ruff check, ruff format --check, mypy on app/, the layer contracts"

.make:
	@mkdir -p .make

.make/system-deps: | .make
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@touch $@

system-deps: .make/system-deps

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# Bootstrap (LTR and RTL), Chart.js and Swagger UI (/api/docs) come from the npm registry, pinned by package-lock.json, and is
# served from static/vendor: never from a CDN. axe-core (a dev dependency, never served) stays in
# node_modules for the browser tests' accessibility checks; make e2e runs this first (via prepare).
static/vendor/.installed: package.json package-lock.json | .make/system-deps
	npm ci --ignore-scripts --no-audit --no-fund --silent
	mkdir -p static/vendor/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.rtl.min.css \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   static/vendor/swagger-ui/
	@touch $@

# The Chinese face the PDFs embed, cut from Debian's Noto Sans CJK (see app/documents/cjk_font.py).
CJK_FONT := static/fonts/NotoSansCJKsc-Regular-GB2312.otf
$(CJK_FONT): $(wildcard app/documents/*.py templates/documents/*.html) | .make/system-deps $(VENV)/.installed
	$(BIN)/python -m app.documents.cjk_font $@

assets: static/vendor/.installed $(CJK_FONT)

translations-compile: venv
	$(BIN)/pybabel compile -f -d app/translations

# Extract every marked string, merge into the catalogs, compile.
translations: venv
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 --no-location --sort-output -o app/translations/messages.pot app templates
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -f -d app/translations

prepare: .make/system-deps venv assets translations-compile
.PHONY: prepare

db-upgrade: prepare
	$(BIN)/flask db upgrade

db-migrate: prepare
	$(BIN)/flask db migrate -m "$(or $(MESSAGE),change)"

seed: db-upgrade
	$(BIN)/flask demo seed

# The web server and the job consumer side by side; Ctrl-C stops both.
run: seed
	@echo "Serving Corridor on http://$(HOST):$(PORT) (job consumer running beside it)"
	@$(BIN)/python -m app.worker --workers 2 --worker-type thread --quiet & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Production on this machine: gunicorn (gunicorn.conf.py) and the job consumer, configured
# only by the environment (docs/DEPLOY.md); production refuses to start, one line per
# missing setting, without PostgreSQL, Redis, mail (or MAIL_LOG_ONLY=1), SECRET_KEY,
# PUBLIC_BASE_URL and shared file storage. CONSUMER_WORKERS sets the consumer's processes
# (0: none, a web-only machine); CONSUMER_PERIODIC=0 on all but one consumer machine keeps
# the schedules from running twice.
CONSUMER_WORKERS ?= 2
CONSUMER_PERIODIC ?= 1
serve: prepare
	@CORRIDOR_CONFIG=production $(BIN)/python config.py || { echo "make serve: not started (see above)"; exit 1; }
	CORRIDOR_CONFIG=production $(BIN)/flask db upgrade
	@metrics=$$(mktemp -d -t corridor-metrics-XXXXXX); export CORRIDOR_CONFIG=production PROMETHEUS_MULTIPROC_DIR=$$metrics; \
	consumer=; if [ "$(CONSUMER_WORKERS)" != 0 ]; then \
	  $(BIN)/python -m app.worker --workers $(CONSUMER_WORKERS) --worker-type process \
	    $$([ "$(CONSUMER_PERIODIC)" = 0 ] && echo --no-periodic) & consumer=$$!; fi; \
	trap '[ -n "$$consumer" ] && kill $$consumer 2>/dev/null; wait; rm -rf $$metrics' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py

# The cluster proof on loopback (docs/DEPLOY.md): nginx from Debian (installed when missing)
# before two gunicorn instances, two consumers on Redis, PostgreSQL and an S3 server; nodes
# are killed under load; prints BENCH cluster_* lines and fails if anything was lost.
cluster-check: prepare
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "Installing Debian package: nginx-light"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light; }
	timeout 300 $(BIN)/python bench/cluster_check.py

test: prepare
	$(BIN)/pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

test-pg: prepare
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

# Browser tests: Debian's Chromium (installed here when missing), never a downloaded one.
.make/chromium: | .make
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian package: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	@touch $@

e2e: prepare .make/chromium
	$(BIN)/pytest tests/e2e -p no:xdist $(PYTEST_ARGS)

# The README's screenshots, taken by the browser suite and copied into docs/screenshots.
screenshots: prepare .make/chromium
	README_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_screenshots.py -p no:xdist $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app
	$(BIN)/lint-imports --no-cache

# Speed targets: scripts in bench/ that print `BENCH <name> <value> <unit>` lines (never timed
# tests). wrk comes from Debian and is installed only when missing. BENCH_PRODUCTS,
# BENCH_SECONDS and BENCH_PG=0 tune the run (see docs/BENCHMARKS.md).
bench: prepare
	@command -v wrk >/dev/null 2>&1 || { echo "Installing Debian package: wrk"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }
	@status=0; $(BIN)/python bench/catalog.py || status=$$?; \
	$(BIN)/python bench/orders.py || { code=$$?; [ $$code -gt $$status ] && status=$$code; }; \
	$(BIN)/python bench/api.py || { code=$$?; [ $$code -gt $$status ] && status=$$code; }; \
	$(BIN)/python bench/documents.py || { code=$$?; [ $$code -gt $$status ] && status=$$code; }; \
	$(BIN)/python bench/finance.py || { code=$$?; [ $$code -gt $$status ] && status=$$code; }; \
	$(BIN)/python bench/trade_statistics.py || { code=$$?; [ $$code -gt $$status ] && status=$$code; }; \
	exit $$status

clean:
	rm -rf .make static/vendor static/fonts node_modules .pytest_cache .mypy_cache .ruff_cache
