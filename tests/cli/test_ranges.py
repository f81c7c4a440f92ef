"""Ranges on the command line and in files: `6:10:16` flags, YAML {low, expected, high}, exit 2 naming the field."""
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from app.cli import app
from pricing.engine import estimate
from sizing.scenario import parse_scenario

runner = CliRunner()


def test_colon_syntax_sets_the_expected_value_and_the_range():
    r = runner.invoke(app, ["estimate", "--users", "800", "--messages-per-user-per-hour", "6:10:16",
                            "--format", "json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["scenario"]["messages_per_user_per_hour"] == 10
    assert doc["scenario"]["ranges"] == {"messages_per_user_per_hour": [6, 16]}
    rng = doc["cost"]["range"]
    assert Decimal(rng["p10_usd"]) <= Decimal(rng["p50_usd"]) <= Decimal(rng["p90_usd"])
    expected = estimate(parse_scenario({"concurrent_users": 800, "messages_per_user_per_hour": "6:10:16"}), ranges=True)
    assert Decimal(rng["p50_usd"]) == expected.range.p50_usd
    top = {d["field"]: d for d in doc["cost"]["drivers"]}["messages_per_user_per_hour"]
    assert (top["low"], top["high"]) == (6, 16)


def test_table_prints_the_range_beside_the_total():
    r = runner.invoke(app, ["estimate", "--users", "800"])
    assert r.exit_code == 0
    assert "Range (p10-p50-p90" in r.stdout and "Drivers" in r.stdout


@pytest.mark.parametrize("flags, field, words", [
    (["--messages-per-user-per-hour", "16:10:6"], "messages_per_user_per_hour", "out of order"),
    (["--quiet-load-pct-of-peak", "10:30:130"], "quiet_load_pct_of_peak", "outside the field's range"),
    (["--turns-per-conversation", "2:4"], "turns_per_conversation", "low:expected:high"),
    (["--ranges", "history_turns_kept=1:9"], "ranges", "cannot take a range"),
])
def test_bad_range_flags_exit_2_naming_the_field(flags, field, words):
    r = runner.invoke(app, ["estimate", *flags])
    assert r.exit_code == 2
    assert field in r.stderr and words in r.stderr and "Traceback" not in r.stderr


def test_bad_range_in_a_file_exits_2_naming_the_field(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("concurrent_users: 300\nmessages_per_user_per_hour: {low: 12, expected: 10, high: 16}\n")
    r = runner.invoke(app, ["estimate", "--scenario", str(f)])
    assert r.exit_code == 2 and "messages_per_user_per_hour" in r.stderr and "out of order" in r.stderr
    f.write_text("concurrent_users: 300\noutput_tokens_per_message: {low: 0, expected: 400, high: 800}\n")
    r = runner.invoke(app, ["estimate", "--scenario", str(f)])
    assert r.exit_code == 2 and "output_tokens_per_message" in r.stderr and "outside" in r.stderr


def test_a_file_range_round_trips_through_the_bundle_scenario_yaml(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("concurrent_users: 300\nmessages_per_user_per_hour: {low: 6, expected: 10, high: 16}\n"
                 "turns_per_conversation: 2:4:8\n")   # unquoted: read as text, not YAML 1.1 base 60
    a = runner.invoke(app, ["estimate", "--scenario", str(f), "--format", "json"])
    out = tmp_path / "bundle"
    assert runner.invoke(app, ["generate", "--out", str(out), "--scenario", str(f)]).exit_code == 0
    b = runner.invoke(app, ["estimate", "--scenario", str(out / "scenario.yaml"), "--format", "json"])
    assert json.loads(a.stdout)["cost"] == json.loads(b.stdout)["cost"]
    assert "RANGE_P90" in (out / "report" / "bom.csv").read_text()
    assert "Range and drivers" in (out / "report" / "report.md").read_text()
