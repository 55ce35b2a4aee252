# Discretion: `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint fix docs docs-cli policy-tree bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# First start: migrate and build the demo campus in var/; later starts reuse it (a database
# left empty gets the campus too). Serves http://127.0.0.1:8000 (sign in at /sign-in, API
# docs at /docs) with the demo on; it says so once it listens.
run: install
	$(BIN)/discretion db upgrade
	$(BIN)/discretion demo --students 500 --seed 1 --if-empty
	DISCRETION_DEMO=1 DISCRETION_COOKIE_SECURE=0 $(BIN)/discretion serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/yamllint --strict -c .yamllint tests/scenarios
	$(BIN)/mypy
	$(BIN)/lint-imports

# Rewrite what ruff can fix and format; `make lint` only checks.
fix: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# The CLI reference (docs/cli-reference.md) is generated from every command's --help;
# tests/test_docs.py fails when it is out of date.
docs-cli: install
	$(BIN)/python docs/gen_cli_reference.py

# The fully grown decision tree of each built-in profile, shipped with the package
# (src/discretion/policy/prebuilt/*.json.gz) so that decide need not run the rules once per
# class; after any change to the policy's sources or a profile, tests/policy/test_fast_decide.py
# fails until it is written again.
policy-tree: install
	$(BIN)/python -m discretion.policy.prebuilt

# The docs site (Sphinx with MyST Markdown, the docs extra), warnings as errors, in docs/_build/html.
docs: docs-cli
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,docs]'
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html

# The browser tests (tests/web) drive Debian's Chromium at /usr/bin/chromium
# (`apt-get install -y chromium`; nothing downloads a browser) and skip without it,
# except in CI; screenshots go to test-output/screenshots/.
test: lint
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pytest --cov --cov-report=term -q
	$(BIN)/coverage report --include='src/discretion/policy/*' --fail-under=100

# The bench extra (Presidio, spaCy) is for bench/mail.py only; CI and `make test` do without it.
bench: install
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python bench/decide.py
	$(BIN)/python bench/ask_stream.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/redaction_quality.py
	$(BIN)/python bench/mail.py

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache test-output docs/_build
