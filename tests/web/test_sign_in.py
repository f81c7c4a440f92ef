"""Sign-in gate and per-user saved scenarios in the page (Streamlit AppTest with `at.secrets` / `at.user`; the
real OIDC round trip through a browser is tests/web/test_sign_in_browser.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.storage import Owner, open_repository
from app.web.components.results import FAILURE_PREFIX
from sizing.scenario import parse_scenario

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")
TIMEOUT = 60
SECRET = "do-not-show-this-secret"
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": SECRET, "client_id": "tiersizer",
        "client_secret": SECRET, "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ALICE = {"is_logged_in": True, "sub": "alice-sub", "email": "alice@example.com"}
BOB = {"is_logged_in": True, "sub": "bob-sub", "email": "bob@example.com"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)


def app(user: dict, params: dict[str, str] | None = None, auth: dict | None = None) -> AppTest:
    """The app as `user`, with the estimate page's "Share & save" tab open (the saved-scenario panel)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["result_tab"] = "Share & save"
    at.secrets["auth"] = AUTH if auth is None else auth
    at.user = user
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if e.value.startswith(FAILURE_PREFIX)]
    return at


def everything_shown(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(
        str(getattr(e, "value", "")) for e in at.sidebar)


@pytest.mark.parametrize("params", [None, {"users": "5000", "name": "Acme"}, {"saved": "1"}])
def test_before_sign_in_only_the_sign_in_page_is_drawn(params):
    open_repository(owner=Owner("alice-sub")).save("Acme", parse_scenario({"concurrent_users": 5000}))
    at = app({"is_logged_in": False}, params)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.sidebar.children and not at.number_input and not at.selectbox
    shown = everything_shown(at)
    assert "Acme" not in shown and "5,000" not in shown and SECRET not in shown


def test_an_incomplete_auth_section_names_the_missing_keys_not_the_values():
    at = app({"is_logged_in": False}, auth={"cookie_secret": SECRET, "client_id": "x"})
    assert not at.button
    text = at.error[0].value
    assert "redirect_uri, client_secret, server_metadata_url" in text and SECRET not in text


def test_each_signed_in_user_sees_their_own_and_the_teams_scenarios():
    alice = open_repository(owner=Owner("alice-sub", "alice@example.com"))
    private = alice.save("Acme private", parse_scenario({"concurrent_users": 1234}))
    team = alice.save("Team plan", parse_scenario({"concurrent_users": 600}), visibility="team")
    at = app(BOB)
    assert any("Signed in as" in c.value and "bob@example" in c.value for c in at.sidebar.caption)
    labels = at.selectbox(key="saved_choice").options          # as shown: the formatted labels
    assert len(labels) == 1 and labels[0].startswith("Team plan") and "alice@example.com" in labels[0]
    assert not [b for b in at.button if b.key in ("saved_rename", "saved_delete", "saved_share")]  # not his
    # a link with Alice's private id shows Bob the default scenario and a neutral message
    at = app(BOB, {"saved": str(private.id)})
    assert any("does not exist or is not shared with you" in e.value for e in at.error)
    assert at.number_input(key="in_concurrent_users").value == 250
    at = app(BOB, {"saved": str(team.id)})
    assert any("Opened the saved scenario 'Team plan'" in s.value for s in at.success)
    assert at.number_input(key="in_concurrent_users").value == 600
    # Alice sees both, saves a third as team from the page, and may share or rename her own
    at = app(ALICE)
    assert len(at.selectbox(key="saved_choice").options) == 2
    at.text_input(key="save_name").set_value("From the page")
    at.radio(key="save_visibility").set_value("team")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert any("Saved 'From the page' \\(team\\)" in s.value for s in at.success)   # Markdown-escaped
    assert {r.name for r in open_repository(owner=Owner("bob-sub")).list()} == {"Team plan", "From the page"}
    assert at.button(key="saved_share") and at.button(key="saved_rename")


def test_compare_tells_a_team_scenario_from_ones_own_of_the_same_name():
    open_repository(owner=Owner("alice-sub", "alice@example.com")).save(
        "Plan", parse_scenario({"concurrent_users": 600}), visibility="team")
    open_repository(owner=Owner("bob-sub")).save("Plan", parse_scenario({"concurrent_users": 5000}))
    open_repository(owner=Owner("alice-sub")).save("Hidden", parse_scenario({"concurrent_users": 100}))
    at = app(BOB)
    at.switch_page("views/compare.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Plan", "Plan (alice@example.com)"]       # Bob's (newest) first; no 'Hidden'
    assert table.loc["Tier", "Plan"] == "Large" and table.loc["Tier", "Plan (alice@example.com)"] == "Medium"
