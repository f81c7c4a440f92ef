"""Bad input: exit 2, the message names the field (and the allowed range), no traceback, nothing written."""
import json

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()

BAD_FLAGS = [
    (["--turns-per-conversation", "0"], "turns_per_conversation", "1..200"),
    (["--turns-per-conversation", "-2"], "turns_per_conversation", "1..200"),
    (["--history-turns-kept", "500"], "history_turns_kept", "0..200"),
    (["--inference-profile", "everywhere"], "inference_profile", "global"),
    (["--llm-model", "amazon.nova-pro", "--inference-profile", "global"], "inference_profile", "geo or in-region"),
    (["--llm-model", "amazon.nova-lite", "--prompt-caching", "on"], "prompt_caching", "models that cache"),
    (["--llm-models", "anthropic.claude-haiku-4-5:70"], "llm_models", "adding up to 100"),
    (["--llm-model", "anthropic.claude-3-5-haiku", "--region", "eu-west-1"], "region",
     "allowed for this model: us-east-1"),
    (["--llm-model", "anthropic.claude-3-haiku"], "llm_model", "end of life"),
    (["--users", "-5"], "concurrent_users", "1..1000000"),
    (["--users", "0"], "concurrent_users", "1..1000000"),
    (["--users", "1e12"], "concurrent_users", "1..1000000"),
    (["--users", "99999999999"], "concurrent_users", "1..1000000"),
    (["--users", "many"], "concurrent_users", "integer"),
    (["--users", "2.5"], "concurrent_users", "integer"),
    (["--messages-per-user-per-hour", "nan"], "messages_per_user_per_hour", "finite"),
    (["--messages-per-user-per-hour", "inf"], "messages_per_user_per_hour", "finite"),
    (["--messages-per-user-per-hour", "-1"], "messages_per_user_per_hour", "0..3600"),
    (["--api-requests-per-user-per-minute", "-infinity"], "api_requests_per_user_per_minute", "finite"),
    (["--average-load-pct-of-peak", "0"], "average_load_pct_of_peak", "1..100"),
    (["--average-load-pct-of-peak", "50", "--active-days-per-week", "6"], "active_days_per_week",
     "average_load_pct_of_peak"),
    (["--active-hours-per-day", "0"], "active_hours_per_day", "1..24"),
    (["--active-hours-per-day", "25"], "active_hours_per_day", "1..24"),
    (["--active-days-per-week", "8"], "active_days_per_week", "1..7"),
    (["--active-load-pct-of-peak", "101"], "active_load_pct_of_peak", "1..100"),
    (["--quiet-load-pct-of-peak", "-5"], "quiet_load_pct_of_peak", "0..100"),
    (["--hourly-load-pct-of-peak", "10,20,30"], "hourly_load_pct_of_peak", "24 values 0..100"),
    (["--hourly-load-pct-of-peak", ",".join(["50"] * 23 + ["150"])], "hourly_load_pct_of_peak", "0..100"),
    (["--hourly-load-pct-of-peak", ",".join(["50"] * 23 + ["lots"])], "hourly_load_pct_of_peak", "not a number"),
    (["--input-tokens-per-message", "0"], "input_tokens_per_message", "1..2000000"),
    (["--output-tokens-per-message", "abc"], "output_tokens_per_message", "integer"),
    (["--region", "mars-1"], "region", "us-east-1"),
    (["--env", "production"], "environment", "dev, staging, prod"),
    (["--compliance", "hipaa,iso27001"], "compliance", "hipaa, soc2, gdpr, pci"),
    (["--llm-model", "gpt-17"], "llm_model", "anthropic.claude"),
    (["--llm-model", "external"], "llm_model", "external_input_usd_per_1m_tokens"),
    (["--node-instance-type", "x1e.32xlarge"], "node_instance_type", "t3.medium"),
    (["--spot-share-pct", "101"], "spot_share_pct", "0..100"),
    (["--availability-zones", "7"], "availability_zones", "2..3"),
    (["--availability-zones", "1"], "availability_zones", "2..3"),
    (["--purchase-option", "reserved"], "purchase_option", "on_demand"),
    (["--node-provisioner", "cluster-autoscaler"], "node_provisioner", "managed-nodegroup, karpenter"),
    (["--node-provisioner", "Karpenter"], "node_provisioner", "managed-nodegroup, karpenter"),
    (["--growth-pct-per-month", "1000"], "growth_pct_per_month", "-50..100"),
    (["--chat-history-retention-days", "0"], "chat_history_retention_days", "1..3650"),
    (["--backup-policy", "weekly"], "backup_policy", "pitr-only, pitr+weekly, daily-30"),
    (["--name", ""], "name", "1..200"),
    (["--name", "x" * 201], "name", "1..200"),
    (["--waf-enabled", "maybe"], "waf_enabled", "bool"),
    (["--backend-cpu-request-m", "10"], "backend_cpu_request_m", "50..16000"),
]


@pytest.mark.parametrize("args,field,allowed", BAD_FLAGS, ids=[" ".join(a)[:40] for a, _, _ in BAD_FLAGS])
def test_bad_flag_exits_2_naming_field(args, field, allowed, tmp_path):
    result = runner.invoke(app, ["estimate", "--format", "json", *args])
    assert result.exit_code == 2, result.output
    assert field in result.stderr and allowed in result.stderr, result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


BAD_FILES = [
    ("users: [1, 2\n", "not valid YAML at line"),
    ("concurrent_users: 10\nunknown_field: 3\n", "unknown_field"),
    ("- just\n- a list\n", "mapping"),
    ("concurrent_users: .nan\n", "finite"),
    ("concurrent_users: 10\ncompliance: [hipaa, fedramp]\n", "compliance"),
    ("region: 42\n", "region"),
    ("hourly_load_pct_of_peak: [50, 50]\n", "hourly_load_pct_of_peak"),
    ("active_hours_per_day: 30\n", "active_hours_per_day"),
    ("average_load_pct_of_peak: 50\nquiet_load_pct_of_peak: 5\n", "quiet_load_pct_of_peak"),
    ("llm_model: anthropic.claude-3-5-haiku\nregion: eu-central-1\n", "region (--region): region 'eu-central-1' does not offer"),
    ("node_provisioner: fargate\n", "node_provisioner"),
]


def test_node_provisioner_from_yaml_and_flag(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("concurrent_users: 1000\nenvironment: prod\nnode_provisioner: karpenter\n")
    result = runner.invoke(app, ["estimate", "--scenario", str(f), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    items = [ln["item"] for ln in json.loads(result.stdout)["cost"]["lines"]]
    assert "t3.medium Karpenter system node group, on-demand" in items
    capacity = json.loads(result.stdout)["capacity"]
    assert capacity["provisioner"]["provisioner"] == "karpenter" and capacity["provisioner"]["system_nodes"] == 2
    flag = runner.invoke(app, ["estimate", "--scenario", str(f), "--node-provisioner", "managed-nodegroup",
                               "--format", "json"])
    assert flag.exit_code == 0 and not [i for i in json.loads(flag.stdout)["cost"]["lines"] if "Karpenter" in i["item"]]


@pytest.mark.parametrize("text,expected", BAD_FILES)
def test_bad_scenario_file_exits_2(text, expected, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    result = runner.invoke(app, ["estimate", "--scenario", str(f)])
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_scenario_file_exits_2(tmp_path):
    result = runner.invoke(app, ["estimate", "--scenario", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2


def test_bad_pricing_region_and_snapshot(tmp_path):
    assert runner.invoke(app, ["pricing", "list", "--region", "xx"]).exit_code == 2
    assert runner.invoke(app, ["estimate", "--snapshot", str(tmp_path / "none.json")]).exit_code == 2
    corrupt = tmp_path / "bad.json"
    corrupt.write_text("{not json")
    r = runner.invoke(app, ["estimate", "--snapshot", str(corrupt)])
    assert r.exit_code == 1 and "Traceback" not in r.stderr


def test_file_values_are_overridden_by_flags(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("concurrent_users: 100\nregion: eu-west-1\nname: 'Acme: \"pilot\"'\n")
    r = runner.invoke(app, ["estimate", "--scenario", str(f), "--users", "3000", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["scenario"]["concurrent_users"] == 3000 and doc["scenario"]["region"] == "eu-west-1"
    assert doc["scenario"]["name"] == 'Acme: "pilot"' and doc["tier"] == "Large"


def test_estimate_csv_lines_sum_to_total():
    import csv
    import io
    from decimal import Decimal
    r = runner.invoke(app, ["estimate", "--users", "700", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    end = [x["service"] for x in rows].index("TOTAL")       # after TOTAL: the range and driver rows
    total = rows[end]
    assert sum(Decimal(x["monthly_usd"]) for x in rows[:end]) == Decimal(total["monthly_usd"])
    assert [x["service"] for x in rows[end + 1:end + 4]] == ["RANGE_P10", "RANGE_P50", "RANGE_P90"]


def test_stale_snapshot_is_flagged_on_stderr(tmp_path):
    """A snapshot older than 90 days still prices, with a warning naming its age and the refresh command."""
    from datetime import date, timedelta

    from pricing.catalog import load_snapshot
    from pricing.snapshot import write_snapshot
    old = (date.today() - timedelta(days=120)).isoformat()
    path = tmp_path / "old.json"
    cat = load_snapshot()
    write_snapshot(cat.points(), path, as_of=old, sources=cat.header.sources)
    r = runner.invoke(app, ["estimate", "--snapshot", str(path), "--format", "json"])
    assert r.exit_code == 0
    assert "prices are 120 days old" in r.stderr and "pricing refresh" in r.stderr
    assert json.loads(r.stdout)["prices"]["as_of"] == old
    recent = tmp_path / "recent.json"
    write_snapshot(cat.points(), recent, as_of=date.today().isoformat(), sources=cat.header.sources)
    fresh = runner.invoke(app, ["estimate", "--snapshot", str(recent), "--format", "json"])
    assert fresh.exit_code == 0 and "days old" not in fresh.stderr


def test_prices_source_names_the_snapshot_used(tmp_path):
    from pricing.catalog import load_snapshot
    from pricing.snapshot import write_snapshot
    cat = load_snapshot()
    other = tmp_path / "refreshed.json"
    write_snapshot(cat.points(), other, as_of=cat.header.as_of, sources=cat.header.sources)
    embedded = json.loads(runner.invoke(app, ["estimate", "--format", "json"]).stdout)
    given = json.loads(runner.invoke(app, ["estimate", "--format", "json", "--snapshot", str(other)]).stdout)
    assert embedded["prices"]["source"].startswith("embedded snapshot")
    assert given["prices"]["source"] == f"snapshot {other}"


def test_user_text_that_looks_like_rich_markup_is_printed_literally():
    r = runner.invoke(app, ["estimate", "--region", "[/x]"])
    assert r.exit_code == 2 and "'[/x]'" in r.stderr and "Traceback" not in r.stderr
    ok = runner.invoke(app, ["estimate", "--name", "[/x] [bold]", "--users", "10"])
    assert ok.exit_code == 0 and "[/x] [bold]" in ok.stdout


def test_old_load_field_in_a_file_converts_and_flags_override_it(tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("concurrent_users: 400\naverage_load_pct_of_peak: 70\n")
    result = runner.invoke(app, ["estimate", "--format", "json", "--scenario", str(old)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["assumptions"]["average_load_pct_of_peak"] == 70.0
    assert any("converted to a flat load profile of 70 %" in w for w in doc["warnings"])
    # a profile flag replaces the file's old field (flags override the file) ...
    result = runner.invoke(app, ["estimate", "--format", "json", "--scenario", str(old), "--active-days-per-week", "7"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scenario"]["active_days_per_week"] == 7 and doc["scenario"]["active_hours_per_day"] == 10
    # ... and the old flag replaces a new file's profile
    new = tmp_path / "new.yaml"
    new.write_text("active_hours_per_day: 12\nquiet_load_pct_of_peak: 5\n")
    result = runner.invoke(app, ["estimate", "--format", "json", "--scenario", str(new), "--average-load-pct-of-peak", "40"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["scenario"]["active_hours_per_day"] == 24
