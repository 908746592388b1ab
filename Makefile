# Two entry points: `make run` (the acceptance suites, report under reports/) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check serve lint chromium clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Browser runs use Debian's Chromium; Playwright cannot download its own browsers here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(STAMP) chromium
	$(VENV)/bin/session-harness run

# Two workers: the Chromium tests in one of them, one at a time (conftest.py), the rest beside.
test: $(STAMP) chromium lint
	$(PY) -m pytest -q --ignore-console-events -n 2 --dist loadgroup

# The quick loop: lint, then the tests that start no process, no server and no browser.
check: $(STAMP) lint
	$(PY) -m pytest -q --in-process-only -n 2

serve: $(STAMP)
	$(VENV)/bin/session-harness serve

LINTED := harness reference_app tests scenarios benchmarks conftest.py

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) reports/*/ reports/latest
