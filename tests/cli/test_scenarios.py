"""`python -m app.cli scenarios ...`: save / list / show / rename / delete against a SQLite file."""
from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from pricing.engine import estimate
from sizing.scenario import parse_scenario


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["scenarios", *args])
    return invoke


def test_save_list_show_rename_delete_round_trip(run):
    r = run("save", "Acme prod", "--users", "5000", "--compliance", "hipaa,pci", "--client", "Acme",
            "--notes", "from the call")
    assert r.exit_code == 0, r.output
    expected = estimate(parse_scenario({"concurrent_users": 5000, "compliance": "hipaa,pci", "client": "Acme"}))
    rows = json.loads(run("list", "--format", "json").stdout)
    assert [(x["name"], x["client"], x["concurrent_users"], x["totals"]["tier"]) for x in rows] == [
        ("Acme prod", "Acme", 5000, "Large")]
    assert rows[0]["totals"]["monthly_usd"] == format(expected.monthly_usd, "f")
    shown = run("show", "Acme prod")
    assert shown.exit_code == 0
    data = yaml.safe_load(shown.stdout)                  # comment header + the exact input YAML
    assert parse_scenario(data) == expected.scenario
    assert "# notes: from the call" in shown.stdout
    doc = json.loads(run("show", "Acme prod", "--format", "json").stdout)
    assert doc["scenario"]["compliance"] == ["hipaa", "pci"] and doc["notes"] == "from the call"
    assert run("rename", "Acme prod", "Acme v2").exit_code == 0
    assert run("delete", "Acme v2").exit_code == 0
    assert json.loads(run("list", "--format", "json").stdout) == []


def test_errors_exit_with_the_documented_codes(run):
    assert run("save", "A", "--users", "10").exit_code == 0
    dup = run("save", "A", "--users", "20")
    assert dup.exit_code == 1 and "already exists" in dup.output
    assert run("save", "A", "--users", "20", "--overwrite").exit_code == 0
    assert json.loads(run("show", "A", "--format", "json").stdout)["scenario"]["concurrent_users"] == 20
    bad = run("save", "B", "--users", "0")
    assert bad.exit_code == 2 and "concurrent_users (--users)" in bad.output and "1..1000000" in bad.output
    empty = run("save", " ", "--users", "5")
    assert empty.exit_code == 2 and "name: must not be empty (1..200 characters)" in empty.output
    missing = run("show", "nope")
    assert missing.exit_code == 1 and "no saved scenario named 'nope'" in missing.output
    assert run("delete", "nope").exit_code == 1
    assert "Traceback" not in bad.output + missing.output


def test_bad_database_url_is_a_clear_error(run):
    r = run("list", "--db", "mysql://h/db")
    assert r.exit_code == 1 and "unsupported database 'mysql'" in r.output


def test_names_that_look_like_rich_markup_are_printed_literally(run, monkeypatch):
    """'[/x]' or '[bold red]' in a name or client is text: no MarkupError traceback, no styling."""
    monkeypatch.setenv("COLUMNS", "200")                 # one table row per scenario, nothing wrapped
    name, client = "Q3 [/x] plan", "[bold red]Evil[/] Corp"
    r = run("save", name, "--client", client, "--users", "300")
    assert r.exit_code == 0 and r.exception is None, r.output
    assert f"saved {name!r}: tier Small" in r.output
    r = run("list")
    assert r.exit_code == 0 and r.exception is None, r.output
    assert "Q3 [/x] plan" in r.output and "[bold red]Evil[/] Corp" in r.output
    r = run("show", "[/nope]")
    assert r.exit_code == 1 and (r.exception is None or isinstance(r.exception, SystemExit))
    assert "no saved scenario named '[/nope]'" in r.output
    r = run("rename", name, "[i]renamed[/i]")
    assert r.exit_code == 0 and "renamed 'Q3 [/x] plan' to '[i]renamed[/i]'" in r.output
    r = run("delete", "[i]renamed[/i]")
    assert r.exit_code == 0 and "deleted '[i]renamed[/i]'" in r.output
