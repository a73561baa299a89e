# nudgebot: `make run` starts the bot (local sandbox without chat credentials); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck pytest bench postgres system-packages clean help

help:
	@echo "make run    - install into .venv, migrate, start nudgebot (sandbox at http://127.0.0.1:3000/ without Slack/Teams)"
	@echo "make test   - install, then ruff, mypy --strict and pytest (SQLite and PostgreSQL)"
	@echo "make bench  - benchmarks that print figures"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nudgebot needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/nudgebot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot handlers jobs storage tests benchmarks

# PostgreSQL and Chromium from Debian's packages, when missing and we may install them (root with apt).
system-packages:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then bash scripts/install-system-packages.sh; fi

postgres: system-packages
	@bash scripts/test-postgres.sh > /dev/null

pytest: $(STAMP) postgres
	NUDGEBOT_TEST_POSTGRES_URL="$$(bash scripts/test-postgres.sh)" $(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP) postgres
	NUDGEBOT_TEST_POSTGRES_URL="$$(bash scripts/test-postgres.sh)" $(BIN)/python -m benchmarks --results benchmarks/RESULTS.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
