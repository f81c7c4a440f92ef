"""The CLI acts as the local user unless `--owner SUBJECT` is given: isolation by owner, `share`, `audit`, and a
review of a saved scenario stored as the owner with the scenario's visibility."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli import app
from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, write_cur_csv


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def names(run, *owner: str) -> list[tuple[str, str, str]]:
    r = run("scenarios", "list", "--format", "json", *owner)
    assert r.exit_code == 0, r.output
    return sorted((d["name"], d["owner"], d["visibility"]) for d in json.loads(r.stdout))


def test_owner_option_isolates_and_shares(run):
    assert run("scenarios", "save", "Acme", "--users", "100").exit_code == 0                 # the local user's
    assert run("scenarios", "save", "Acme", "--users", "200", "--owner", "alice-sub").exit_code == 0
    r = run("scenarios", "save", "Team plan", "--users", "300", "--owner", "alice-sub", "--visibility", "team")
    assert r.exit_code == 0 and "(team)" in r.output
    assert names(run) == [("Acme", "local", "private"), ("Team plan", "alice-sub", "team")]
    assert names(run, "--owner", "bob-sub") == [("Team plan", "alice-sub", "team")]
    # Alice's private 'Acme' is not found for Bob; her team plan is visible but not his to change
    shown = run("scenarios", "show", "Acme", "--format", "json", "--owner", "alice-sub")
    assert json.loads(shown.stdout)["scenario"]["concurrent_users"] == 200
    bob_show = run("scenarios", "show", "Acme", "--format", "json", "--owner", "bob-sub")
    assert bob_show.exit_code == 1 and "no saved scenario named 'Acme'" in bob_show.output
    denied = run("scenarios", "delete", "Team plan", "--owner", "bob-sub")
    assert denied.exit_code == 1 and "belongs to alice-sub; only its owner can delete it" in denied.output
    assert run("scenarios", "share", "Acme", "team", "--owner", "alice-sub").exit_code == 0
    assert ("Acme", "alice-sub", "team") in names(run, "--owner", "bob-sub")
    bad = run("scenarios", "list", "--owner", "")
    assert bad.exit_code == 2 and "--owner: must not be empty" in bad.output
    assert run("scenarios", "save", "X", "--users", "100", "--visibility", "all").exit_code == 2


def test_audit_lists_who_did_what(run):
    run("scenarios", "save", "Acme", "--users", "100", "--owner", "alice-sub")
    run("scenarios", "rename", "Acme", "Acme 2", "--owner", "alice-sub")
    run("scenarios", "delete", "Acme 2", "--owner", "bob-sub")                   # refused: not his, no row
    run("scenarios", "save", "Mine", "--users", "100")
    r = run("scenarios", "audit", "--format", "json")
    rows = [(e["actor"], e["action"], e["name"], e["detail"]) for e in json.loads(r.stdout)][::-1]
    assert rows == [("alice-sub", "save", "Acme", "new, private"), ("alice-sub", "rename", "Acme", "to 'Acme 2'"),
                    ("local", "save", "Mine", "new, private")]
    only = json.loads(run("scenarios", "audit", "--format", "json", "--owner", "alice-sub").stdout)
    assert len(only) == 2
    table = run("scenarios", "audit")
    assert table.exit_code == 0 and "Audit (3 newest)" in table.output and "rename" in table.output


def test_review_of_a_saved_scenario_is_stored_as_the_owner(run, tmp_path):
    scenario = parse_scenario({"name": "Acme", "concurrent_users": 800})
    may = write_cur_csv(tmp_path / "may.csv", list(bill_rows(estimate(scenario), "2025-05")))
    assert run("scenarios", "save", "Acme", "--users", "800", "--name", "Acme", "--owner", "alice-sub",
               "--visibility", "team").exit_code == 0
    r = run("review", "--saved", "Acme", "--month", "2025-05", "--cur", str(may), "--owner", "bob-sub",
            "--format", "json")
    assert r.exit_code == 0, r.output
    audit = json.loads(run("scenarios", "audit", "--format", "json").stdout)
    assert (audit[0]["actor"], audit[0]["action"], audit[0]["name"], audit[0]["detail"]) == (
        "bob-sub", "review", "Acme", "2025-05, team")
    from app.storage import Owner
    from app.storage.reviews import open_review_store
    assert [(r.owner_sub, r.visibility) for r in open_review_store(owner=Owner("carol")).list("Acme")] == [
        ("bob-sub", "team")]
    assert run("scenarios", "share", "Acme", "private", "--owner", "alice-sub").exit_code == 0
    hidden = run("review", "--saved", "Acme", "--month", "2025-05", "--cur", str(may), "--owner", "bob-sub")
    assert hidden.exit_code == 2 and "--saved: no saved scenario named 'Acme'" in hidden.output
