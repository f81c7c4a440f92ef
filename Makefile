# tiersizer: `make run` starts the app, `make test` runs the whole suite, `make bench` prints benchmarks.
# Set-up is idempotent: the venv is reinstalled only when a requirements file changes.
SHELL := /bin/bash
PY := .venv/bin/python
STAMP := .venv/.stamp-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
PORT ?= 8501
# Where the app listens: this machine only by default (.streamlit/config.toml); `make run ADDRESS=0.0.0.0` in a
# container or behind a reverse proxy on another host.
ADDRESS ?= 127.0.0.1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: run test bench venv sysdeps golden

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || { echo "== creating .venv (Python 3.11)"; python3 -m venv .venv; }
	@echo "== installing the pinned packages into .venv: a few minutes on the first run (several hundred MB to download)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@echo "== .venv ready"
	@rm -f .venv/.stamp-*; touch $(STAMP)

# System packages the tests need: Chromium (browser tests, kaleido chart export), PostgreSQL (storage
# tests), Node.js (jsii for aws-cdk-lib). Installed only when missing.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: venv
	$(PY) -m streamlit run app/web/streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true

test: venv sysdeps
	$(PY) -m ruff check . cdk_out_templates/cdk
	TIERSIZER_REQUIRE_PG=1 $(PY) -m pytest -n 2 --dist loadfile -q tests

bench: venv sysdeps
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

golden: venv
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests -k golden
