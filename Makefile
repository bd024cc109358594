# Two commands: `make demo` and `make test`. Both build the virtualenv from nothing.
PYTHON ?= python3
VENV ?= .venv
# torch first: it is a CPU build on these machines; a bare `torch` requirement pulls CUDA wheels.
TORCH_SPEC ?= torch==2.13.0
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
PYTEST_WORKERS ?= 2

.PHONY: install install-dev demo test lint typecheck clean refusal-head gpu-check browser

$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check $(TORCH_SPEC)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[local]'
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[local,dev]'
	touch $@

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

demo: install
	OMP_WAIT_POLICY=PASSIVE $(BIN)/mmtrust demo --out out

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: install-dev
	$(BIN)/mypy

# Passive OpenMP threads: with the default spinning ones, torch runs several times slower
# whenever another process (a second test worker) holds the cores (shared/notes).
# loadgroup: a module's tests that share one expensive run (the reference model's demo) are
# kept on one worker (pytest.mark.xdist_group), so the run happens once.
test: lint typecheck browser
	HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --durations=15

# The refusal judge's learned head and its judge card (deterministic; about 3 minutes on 2 cores).
XSTEST ?= ../shared/data/xstest
refusal-head: install
	HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m mmtrust.scoring.refusal.training --xstest $(XSTEST)

# On a machine with a GPU only (never in CI): the local provider on CUDA, one summary table.
gpu-check: install
	$(BIN)/python benchmarks/gpu_check.py

# Headless Chromium for the report's browser tests (tests/browser.py drives it with Playwright,
# never a browser download of Playwright's own). Debian's package, when missing; if it cannot be
# installed, those tests skip and `make test` still runs.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then \
		echo "browser: $$($(CHROMIUM) --version 2>/dev/null || echo $(CHROMIUM))"; \
	elif apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends chromium >/dev/null; then \
		echo "browser: installed $$($(CHROMIUM) --version 2>/dev/null)"; \
	else \
		echo "browser: could not install Debian's chromium; the browser tests will skip" >&2; \
	fi

clean:
	rm -rf $(VENV) out logs .mypy_cache .ruff_cache .pytest_cache
