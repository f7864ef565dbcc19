# The two commands a newcomer needs: `make run` and `make test`. Both are idempotent and fast
# once set up: the virtualenv is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the service and its tests need, installed with apt when run as root:
# CJK fonts for the PDFs (WenQuanYi Micro Hei, Zen Hei for CJK Ext-A, HanaMin for the rarer
# characters no sans face has), and the tools the tests check real output with (poppler, zbar,
# NSS's certutil for pdfsig, Chromium for the pages), stress-ng for `make test-busy`, and
# pg_dump / pg_restore for `piaojia backup` and `piaojia restore` on PostgreSQL, and nginx for
# the deployment test (tests/deploy/; the test runs its own, never the package's service).
SYSTEM_PACKAGES := fonts-wqy-microhei fonts-wqy-zenhei fonts-hanazono poppler-utils zbar-tools \
	libnss3-tools chromium stress-ng postgresql-client nginx

# Coverage floors: the whole of backend/ and chain/ together, and chain/ (the ledger that
# outside verifiers rely on) entirely.
COVERAGE_FLOOR := 90
CHAIN_COVERAGE := 100
# Test processes (pytest-xdist): one per core by default; `make test WORKERS=1` runs them in one.
WORKERS ?= auto

.PHONY: run test test-fast test-busy lint system-packages clean

# The demo: `piaojia serve` prints every URL and console login once it listens.
run: $(STAMP)
	PIAOJIA_DEMO=1 $(BIN)/piaojia migrate
	PIAOJIA_DEMO=1 $(BIN)/piaojia demo --quiet
	PIAOJIA_DEMO=1 $(BIN)/piaojia serve

test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal --cov=backend --cov=chain \
		--cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)
	$(BIN)/python -m coverage report --include='chain/*' --fail-under=$(CHAIN_COVERAGE) \
		--skip-covered --show-missing

# The whole of `make test` on a machine as busy as a newcomer's laptop: stress-ng keeps four
# processes spinning on the cores while it runs, and stops with it.
test-busy: $(STAMP)
	stress-ng --cpu 4 --timeout 3600s --quiet & trap "kill $$! 2>/dev/null" EXIT; $(MAKE) test

# The inner loop: lint and every test but the slow and browser ones, without coverage.
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal -m "not slow and not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

$(STAMP): pyproject.toml | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Piaojia needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing system packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Piaojia needs these Debian packages; install them, then run make again:"; \
			echo "  sudo apt-get install -y $$missing"; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info
