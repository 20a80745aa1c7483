# `make` builds the site from a fresh clone; `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BASE_URL ?=

.PHONY: all site test check serve bench clean

all: site

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

site: $(VENV)/.installed
	$(PY) build.py $(if $(BASE_URL),--base-url $(BASE_URL))

test: $(VENV)/.test-installed
	sh tools/ensure-chromium.sh
	$(PY) -m pytest

check: $(VENV)/.installed
	$(PY) build.py check

serve: $(VENV)/.installed
	$(PY) build.py serve

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf public .cache
