# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   - install, ingest the corpus on first run, start the chat (embedded Chroma, no model)
#   make test  - install, run the whole test suite (unit, integration, browser, eval gates)
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: run test install ingest browser-deps audit bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: anything looser pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(PY) -m deelwijzer ingest

run: install
	@$(PY) -m deelwijzer ingest --if-missing
	HF_HUB_OFFLINE=1 $(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Headless Chromium for the browser end-to-end tests (Debian packages; no browser download).
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# After the tests, the dependency audit: a known vulnerability fails the run (exit 1); an advisory
# service that cannot be reached is reported, not failed (the result is printed either way).
test: install browser-deps
	HF_HUB_OFFLINE=1 $(PY) -m pytest
	@timeout 300 bash scripts/audit.sh; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "audit: known vulnerabilities in the locked dependencies" >&2; exit 1; fi; \
	  if [ $$rc -ne 0 ]; then echo "audit: not completed (exit $$rc)"; fi

# Known-vulnerability audit of the locked dependencies (needs PyPI's advisory API).
audit: install
	bash scripts/audit.sh

# Benchmarks print tables and write bench/results/*.json; run them on a quiet machine.
bench: install
	$(PY) bench/ingest.py
	$(PY) -m bench.retrieval
	$(PY) bench/ask.py
	$(PY) bench/query.py
	$(PY) bench/baseline_langchain.py

clean:
	rm -rf $(VENV) .deelwijzer test-output
