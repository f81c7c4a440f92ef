"""`.streamlit/config.toml`: the hardened defaults are in the repository and are options Streamlit knows."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REVIEW_BENCH_CSV_MB = 600          # bench/bench_review.py: a 1,000,000-row CUR 2.0 CSV


def test_hardened_defaults():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["toolbarMode"] == "viewer" and cfg["client"]["showErrorDetails"] == "none"
    server = cfg["server"]
    assert server["address"] == "127.0.0.1" and server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] >= REVIEW_BENCH_CSV_MB


def test_every_option_is_one_streamlit_knows():
    from streamlit import config
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    known = set(config._config_options_template)
    assert {f"{section}.{key}" for section, opts in cfg.items() for key in opts} <= known


def test_make_run_binds_to_localhost_unless_told():
    makefile = (ROOT / "Makefile").read_text()
    assert "ADDRESS ?= 127.0.0.1" in makefile and "--server.address $(ADDRESS)" in makefile
