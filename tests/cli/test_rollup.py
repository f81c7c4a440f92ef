"""`rollup`: one scenario priced as dev, staging and prod; each environment equals `estimate --env ENV`;
totals checked by adding the environments here; bad options exit 2 naming the option, with nothing on stdout."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "medium-prod.yaml")
ENVS = ("dev", "staging", "prod")


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def doc() -> dict:
    res = run("rollup", "--scenario", EXAMPLE, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_json_environments_equal_estimate_with_that_environment(doc):
    assert list(doc["environments"]) == list(ENVS)
    for env in ENVS:
        res = run("estimate", "--scenario", EXAMPLE, "--env", env, "--format", "json")
        assert res.exit_code == 0, res.stderr
        assert doc["environments"][env] == json.loads(res.stdout), env
        assert doc["environments"][env]["scenario"]["environment"] == env


def test_json_totals_are_the_sums_of_the_environments(doc):
    month = {e: Decimal(doc["environments"][e]["cost"]["monthly_usd"]) for e in ENVS}
    year = {e: Decimal(doc["environments"][e]["cost"]["first_year_usd"]) for e in ENVS}
    assert Decimal(doc["monthly_usd"]) == month["dev"] + month["staging"] + month["prod"]
    assert Decimal(doc["first_year_usd"]) == year["dev"] + year["staging"] + year["prod"]
    # no upfront in the example (a no-upfront savings plan): each first year is the sum of its 12 months
    # (the DynamoDB table grows from empty, so the first year is below 12 x the steady month)
    for e in ENVS:
        months = doc["environments"][e]["cost"]["first_year_months"]
        assert [m["month"] for m in months] == list(range(1, 13))
        assert year[e] == sum(Decimal(m["monthly_usd"]) for m in months) < 12 * month[e]
    # the example leaves AZs, spot and WAF to the environment: dev 2 AZs / 1 NAT, prod 3 AZs / 3 NATs
    assert doc["environments"]["dev"]["capacity"]["availability_zones"] == 2
    assert doc["environments"]["prod"]["capacity"]["nat_gateways"] == 3
    assert doc["kept_from_scenario"] == []
    assert doc["users"]["dev"] == {"concurrent_users": 1200, "source": "scenario"}


def test_csv_has_a_row_per_environment_and_a_total(doc):
    res = run("rollup", "--scenario", EXAMPLE, "--format", "csv")
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["environment"] for r in rows] == [*ENVS, "total"]
    for r in rows[:3]:
        assert r["monthly_usd"] == doc["environments"][r["environment"]]["cost"]["monthly_usd"]
    total = rows[3]
    assert Decimal(total["monthly_usd"]) == sum(Decimal(r["monthly_usd"]) for r in rows[:3])
    assert Decimal(total["first_year_usd"]) == sum(Decimal(r["first_year_usd"]) for r in rows[:3])
    assert total["monthly_usd"] == doc["monthly_usd"]


def test_table_has_a_column_per_environment_and_the_totals(doc):
    res = runner.invoke(app, ["rollup", "--scenario", EXAMPLE], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    for env in ENVS:
        assert env in out
    assert f"${Decimal(doc['monthly_usd']):,.2f}" in out and f"${Decimal(doc['first_year_usd']):,.2f}" in out
    for line in ("Tier", "Nodes", "Infrastructure", "LLM", "Monthly", "First year", "Total"):
        assert line in out
    assert "carry the scenario's peak users" in out


def test_env_users_override_equals_estimate_with_those_users():
    res = run("rollup", "--scenario", EXAMPLE, "--environments", "dev,prod", "--env-users", "dev=20", "--format", "json")
    assert res.exit_code == 0, res.stderr
    d = json.loads(res.stdout)
    assert list(d["environments"]) == ["dev", "prod"]
    ref = json.loads(run("estimate", "--scenario", EXAMPLE, "--env", "dev", "--users", "20", "--format", "json").stdout)
    assert d["environments"]["dev"] == ref
    assert d["users"] == {"dev": {"concurrent_users": 20, "source": "override"},
                          "prod": {"concurrent_users": 1200, "source": "scenario"}}
    assert Decimal(d["monthly_usd"]) == Decimal(ref["cost"]["monthly_usd"]) + Decimal(
        d["environments"]["prod"]["cost"]["monthly_usd"])


def test_flags_set_explicitly_are_kept_in_every_environment():
    res = run("rollup", "--scenario", EXAMPLE, "--availability-zones", "3", "--format", "json")
    d = json.loads(res.stdout)
    assert d["kept_from_scenario"] == ["availability_zones"]
    assert [d["environments"][e]["capacity"]["availability_zones"] for e in ENVS] == [3, 3, 3]
    assert [d["environments"][e]["capacity"]["nat_gateways"] for e in ENVS] == [1, 1, 3]   # NAT per AZ in prod only


@pytest.mark.parametrize("value, message", [
    ("", "empty"), ("dev,qa", "unknown environment 'qa'"), ("prod,prod", "'prod' is given twice"), (",", "empty"),
])
def test_bad_environments_exit_2_naming_the_option(value, message):
    res = run("rollup", "--scenario", EXAMPLE, "--environments", value, "--format", "json")
    assert res.exit_code == 2
    err = " ".join(res.stderr.split())
    assert "--environments" in err and message in err and "dev, staging, prod" in err
    assert res.stdout == "" and "Traceback" not in res.stderr


@pytest.mark.parametrize("value", ["dev", "dev=0", "qa=3", "dev=1,dev=2", "staging=lots"])
def test_bad_env_users_exit_2_naming_the_option(value):
    res = run("rollup", "--env-users", value, "--format", "json")
    assert res.exit_code == 2
    assert "--env-users" in res.stderr and "1..1,000,000" in " ".join(res.stderr.split())
    assert res.stdout == ""


def test_bad_scenario_input_gives_the_usual_messages(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("concurrent_users: -5\n", encoding="utf-8")
    res = run("rollup", "--scenario", str(bad), "--format", "json")
    assert res.exit_code == 2 and "concurrent_users" in res.stderr and "1..1000000" in res.stderr
    assert res.stdout == ""
    res = run("rollup", "--scenario", str(tmp_path / "missing.yaml"))
    assert res.exit_code == 2 and "Traceback" not in res.stderr and res.stdout == ""
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1\n", encoding="utf-8")
    res = run("rollup", "--scenario", str(broken))
    assert res.exit_code == 2 and "not valid YAML" in res.stderr and res.stdout == ""
