# Two commands matter: `make run` and `make test`. Everything they need is installed
# from uv.lock into .venv, using a pinned uv kept in .tools (nothing global is touched).
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/cooptrack.duckdb
PORT ?= 8501
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test catalogs messages check lint typecheck contracts install browser-deps bench fuzz soak clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(BIN)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	touch $@

install: $(BIN)/.installed

# The compiled translation catalogs (.mo) from their .po sources: gettext reads the compiled ones.
PO_FILES := $(wildcard src/cooptrack/locales/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
catalogs: $(MO_FILES)
$(MO_FILES): %.mo: %.po | $(BIN)/.installed
	$(BIN)/python -m tools.catalogs compile

# After changing interface text: new messages into the catalogs, then translate them there.
messages: $(BIN)/.installed
	$(BIN)/python -m tools.catalogs update

$(DB): | $(BIN)/.installed
	$(BIN)/cooptrack init --db $(DB)

# The bundled record, also after a pull brought a newer one: `init --refresh` rebuilds a
# database built from an earlier bundled record unless it holds saved changes (then it says so).
run: $(BIN)/.installed catalogs
	$(BIN)/cooptrack init --db $(DB) --refresh
	$(BIN)/cooptrack serve --db $(DB) --port $(PORT)

# Two passes, so `make test` takes about 8 minutes on two cores: the tests that need no browser
# spread over TEST_WORKERS processes (pytest-xdist; "worksteal" evens out the long property
# runs: 3.9 min against 5.6 with the default), then the browser tests one at a time (each
# drives a real server and Chromium, and several time what the page paints). Plain `pytest`
# runs the same tests in one process.
TEST_WORKERS ?= 2
test: $(BIN)/.installed catalogs
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) --dist worksteal
	$(BIN)/pytest -m browser

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

contracts: $(BIN)/.installed
	$(BIN)/lint-imports

check: lint typecheck contracts test

# Long property runs, kept out of `make test`: generated hostile input at every entry point
# (1,000+ per test) and the write-invariant state machine over thousands of sequences.
fuzz: $(BIN)/.installed
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -m fuzz --timeout 0

soak: $(BIN)/.installed
	HYPOTHESIS_PROFILE=soak $(BIN)/pytest -m soak --timeout 0

# The benchmark: every page at the bundled data, 10k, 100k and 1M commitments, beside a naive
# pandas baseline; writes docs/benchmarks.md. SCALES="small 10k" for a quicker run; BENCH_FLAGS
# for more options (`python -m benchmarks --help`), e.g. "--browser" or "--output /tmp/bench.md".
SCALES ?= small 10k 100k 1m
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks $(foreach s,$(SCALES),--scale $(s)) $(BENCH_FLAGS)

# Debian's chromium for the browser tests (needs root; CI runs this).
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core)

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache

# The press-release reader scored on the corpus in tests/fixtures/press: accuracy per field,
# dev and held-out, English and Russian, time per release. PART=dev|heldout, MISSES=1 lists
# every wrong field as expected vs got.
.PHONY: extract-score
extract-score: $(BIN)/.installed
	$(BIN)/python -m tools.extract_score --part $(or $(PART),all) $(if $(MISSES),--misses)

# Many visitors at once: phases of LOAD_SESSIONS concurrent headless-Chromium sessions (links
# and page switches, LOAD_SECONDS each) against a real server on a copy of DB, or of a benchmark
# scale with LOAD_SCALE=1m; prints errors, median and p95 time to first chart, server CPU and
# memory. Loopback only, bounded, stops by itself. LOAD_FLAGS for more, e.g. "--viewers 2
# --change-every 10" (an editor and two viewers, a change imported every 10 s), "--client
# protocol" (Streamlit's websocket protocol, no browser: the servers' capacity alone) or
# "--think 5" (visitors read each page for about 5 s).
LOAD_SESSIONS ?= 1 10 20
LOAD_SECONDS ?= 60
.PHONY: load
load: $(BIN)/.installed $(DB)
	$(BIN)/python -m benchmarks.load $(if $(LOAD_SCALE),--scale $(LOAD_SCALE),--db $(DB)) \
		$(foreach n,$(LOAD_SESSIONS),--sessions $(n)) --seconds $(LOAD_SECONDS) $(LOAD_FLAGS)

# Every page at 1400 px and 390 px, in English and Russian: a full-page screenshot each and the
# chart labels that collide or are cut (tests/browser/test_screens.py; `make test` runs a
# subset). COOPTRACK_UPDATE_SCREENSHOTS=1 writes the screenshots into docs/screenshots/.
.PHONY: screens
screens: $(BIN)/.installed catalogs
	COOPTRACK_SCREENS=all $(BIN)/pytest tests/browser/test_screens.py
