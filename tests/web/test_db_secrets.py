"""The pages with a mistyped, unreachable or down database: the URL's password never appears, the page says
the database is unavailable (never "0 saved so far"), and no page fails."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.storage import dispose_engines, open_repository
from app.web.components import saved as ui_saved
from app.web.components.results import FAILURE_PREFIX
from tests.helpers.db_urls import BAD_URLS as ALL_BAD_URLS
from tests.helpers.db_urls import SECRET
from tests.pg import REQUIRE_ENV, PgServer, find_pg_bin

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")
PAGES = ("views/compare.py", "views/review.py")
#: The malformed and unreachable URLs (the CLI test checks the rest of tests/helpers/db_urls.py's list too).
BAD_URLS = {k: ALL_BAD_URLS[k] for k in ("missing colon after the scheme", "unreachable host", "bad port",
                                         "password and a query string")}


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(ui_saved, "_failures", {})
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
    dispose_engines()


def shown(at: AppTest) -> list[str]:
    """Every text the page shows (messages, Markdown, captions, exceptions), main area and sidebar."""
    out: list[str] = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption", "exception", "title", "subheader",
                 "code", "text"):
        out += [str(getattr(e, "value", e)) for e in at.get(kind)]
    return out


def unavailable(texts: list[str]) -> bool:
    return any(t.startswith("Saved scenarios are unavailable") for t in texts)


@pytest.mark.parametrize("kind", list(BAD_URLS))
def test_no_page_shows_the_database_password(kind, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATABASE_URL", BAD_URLS[kind])
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["result_tab"] = "Share & save"           # the estimate page's saved panel is in this tab
    at.run()
    for page in (None, *PAGES):
        if page:
            monkeypatch.setattr(ui_saved, "_failures", {})     # each page tries the database itself
            at.switch_page(page).run()
        texts = shown(at)
        assert not at.exception, (page, at.exception)
        assert not any(SECRET in t.replace("\\", "") for t in texts), (page, texts)   # Markdown escapes removed
        assert not any(t.startswith(FAILURE_PREFIX) for t in texts), (page, texts)
        assert unavailable(texts), (page, texts)
        assert not any("saved so far" in t or "Save a scenario on the Estimate page" in t for t in texts), texts


@pytest.fixture
def pg_server():
    bin_dir = find_pg_bin()
    if bin_dir is None:
        if REQUIRE_ENV in __import__("os").environ:
            pytest.fail(f"{REQUIRE_ENV} is set but PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PgServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_database_that_goes_down_is_reported_as_down_not_as_0_saved(pg_server, monkeypatch):
    url = pg_server.url + "?connect_timeout=2"
    monkeypatch.setenv("TIERSIZER_DATABASE_URL", url)
    from sizing.scenario import parse_scenario
    open_repository(url).save("Only one", parse_scenario({"concurrent_users": 100}))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/compare.py").run()
    assert any("1 saved so far" in t for t in shown(at)), shown(at)          # up: the count is real
    pg_server.stop()                                                        # the server goes away
    for page, empty_text in (("views/compare.py", "saved so far"),
                             ("views/review.py", "Save a scenario on the Estimate page")):
        monkeypatch.setattr(ui_saved, "_failures", {})
        at.switch_page(page).run()
        texts = shown(at)
        assert not at.exception, at.exception
        assert unavailable(texts), (page, texts)
        assert not any(empty_text in t for t in texts), (page, texts)
