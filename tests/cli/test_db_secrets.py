"""A mistyped or unreachable database URL: every CLI command that opens the database exits 1 or 2 with the
project's own message (the URL's password masked), never the password, a traceback or a driver's text."""
from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, write_cur_csv
from tests.helpers.db_urls import BAD_URLS, SECRET


@pytest.fixture
def files(tmp_path):
    scen = {"name": "Acme prod", "concurrent_users": 500}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scen))
    write_cur_csv(tmp_path / "may.csv", list(bill_rows(estimate(parse_scenario(scen)), "2025-05")))
    return tmp_path


def commands(tmp) -> dict[str, list[str]]:
    review = ["review", "--month", "2025-05", "--cur", str(tmp / "may.csv")]
    return {
        "scenarios list": ["scenarios", "list"],
        "scenarios show": ["scenarios", "show", "A"],
        "scenarios save": ["scenarios", "save", "A", "--users", "100"],
        "scenarios rename": ["scenarios", "rename", "A", "B"],
        "scenarios delete": ["scenarios", "delete", "A"],
        "review --saved": [*review, "--saved", "A"],
        "review --scenario (stored)": [*review, "--scenario", str(tmp / "s.yaml")],
    }


@pytest.mark.parametrize("how", ["env", "--db"])
@pytest.mark.parametrize("kind", list(BAD_URLS))
def test_no_command_shows_the_database_password(kind, how, files, monkeypatch):
    url = BAD_URLS[kind]
    monkeypatch.delenv("TIERSIZER_LOG_LEVEL", raising=False)
    if how == "env":
        monkeypatch.setenv("TIERSIZER_DATABASE_URL", url)
    runner = CliRunner()
    for name, args in commands(files).items():
        r = runner.invoke(app, args + (["--db", url] if how == "--db" else []))
        out = r.output + (r.stderr if r.stderr_bytes is not None else "")
        assert r.exit_code in (1, 2), (name, r.exit_code, out, r.exception)
        assert isinstance(r.exception, SystemExit), (name, r.exception)
        assert SECRET not in out, (name, out)
        assert "Traceback" not in out and "sqlalche.me" not in out and "psycopg." not in out, (name, out)
        assert "database" in out.lower(), (name, out)


def test_the_malformed_url_message_names_the_setting_and_the_expected_shape(monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATABASE_URL", BAD_URLS["missing colon after the scheme"])
    r = CliRunner().invoke(app, ["scenarios", "list"])
    assert r.exit_code == 1
    assert "TIERSIZER_DATABASE_URL is not a valid database URL" in r.output
    assert "postgresql+psycopg//user:***@host/db" in r.output and "dialect+driver://user:***@host" in r.output


def test_an_unreachable_server_is_named_as_such(monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATABASE_URL", BAD_URLS["unreachable host"])
    r = CliRunner().invoke(app, ["scenarios", "list"])
    assert r.exit_code == 1
    assert "cannot open the scenario database at postgresql+psycopg://user:***@127.0.0.1:" in r.output
    assert "the server refused the connection" in r.output
