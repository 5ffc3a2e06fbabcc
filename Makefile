# raft-sim: every target sets up .venv first (created or refreshed when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The install compiles the Raft core (setup.py), so it runs again when a compiled module's source changes
# (raft/compiled.py lists them).
COMPILED_SOURCES := setup.py raft/compiled.py $(shell $(PYTHON) raft/compiled.py)

.PHONY: venv demo test lint browser bench notebooks clean

venv: $(STAMP)

$(STAMP): pyproject.toml $(COMPILED_SOURCES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[plots,experiments,serve,notebooks,dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/raft-sim run scenarios/leader-crash.yaml --plot demo-timeline.png

lint: $(STAMP)
	$(BIN)/ruff check raft tests $(wildcard benchmarks)
	$(BIN)/ruff format --check raft tests $(wildcard benchmarks)
	$(BIN)/mypy
	$(BIN)/lint-imports

# The player's browser tests drive Debian's headless Chromium through Playwright (nothing downloads a browser):
# install the distribution's package when it is missing (skipped with RAFT_SIM_SKIP_BROWSER=1).
CHROMIUM := $(or $(RAFT_SIM_CHROMIUM),/usr/bin/chromium)
browser:
	@test -n "$(RAFT_SIM_SKIP_BROWSER)" || test -x $(CHROMIUM) || { \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; export DEBIAN_FRONTEND=noninteractive; \
	  $$sudo apt-get install -y chromium || { $$sudo apt-get update && $$sudo apt-get install -y chromium; }; }

test: $(STAMP) lint browser
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --nbmake notebooks

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -q --benchmark-only --benchmark-columns=min,mean,max,rounds

notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info raft/*/*.so raft_core__mypyc*.so
