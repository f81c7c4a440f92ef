"""Control characters in a share link's scenario name or client: the page names the field, never fails."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.web.components.results import FAILURE_PREFIX

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)


@pytest.mark.parametrize("field", ["name", "client"])
def test_a_share_link_with_control_characters_names_the_field(field):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({field: "evil\x1b[31m\u202ename"})
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert not any(e.startswith(FAILURE_PREFIX) for e in errors), errors
    assert any(field in e and "control characters" in e for e in errors), errors
    assert not any("\x1b" in s.value or "\u202e" in s.value for s in at.subheader)
