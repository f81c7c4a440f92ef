"""`python -m app.cli review`: JSON contract, table view, --saved, storage and trend, exit codes 0/1/2."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, cur_row, write_cur_csv

# PCI, not HIPAA: under HIPAA the plan sends no bytes through the NAT (all on VPC endpoints)
SCEN = {"name": "Acme prod", "concurrent_users": 5000, "compliance": ["pci"]}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    est = estimate(parse_scenario(SCEN))
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump(SCEN))
    may = write_cur_csv(tmp_path / "may.csv", [*bill_rows(est, "2025-05", scale={"vpc:nat-gateway-gb": Decimal(5)}),
                                                cur_row("2025-05", "AmazonEC2", "Tax", "12.34", None, line_type="Tax")])
    june = write_cur_csv(tmp_path / "june.csv", list(bill_rows(est, "2025-06")))
    runner = CliRunner()
    return {"est": est, "scen": str(scen), "may": str(may), "june": str(june), "tmp": tmp_path,
            "run": lambda *a: runner.invoke(app, ["review", *a])}


def test_json_contract_store_and_trend(env):
    r = env["run"]("--scenario", env["scen"], "--month", "2025-05", "--cur", env["may"], "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    est = env["est"]
    nat = next(ln.monthly_usd for ln in est.lines if ln.price_key == "vpc:nat-gateway-gb")
    assert doc["month"] == "2025-05" and doc["scenario"] == "Acme prod" and doc["recommended_tier"] == "Large"
    assert Decimal(doc["estimate_usd"]) == est.monthly_usd
    assert Decimal(doc["actual_usd"]) == est.monthly_usd + 4 * nat + Decimal("12.34")
    assert doc["tax_and_credits_usd"] == "12.34" and doc["unmatched"] == []
    flagged = [ln for ln in doc["lines"] if ln["flag"]]
    assert [ln["key"] for ln in flagged] == ["vpc:nat-gateway-gb"] and "VPC endpoints" in flagged[0]["hint"]
    assert flagged[0]["delta_pct"] == "400.0" and Decimal(flagged[0]["delta_usd"]) == 4 * nat
    assert doc["savings_plans"] == {"available": False, "note": "Savings Plans advice needs --cost-explorer",
                                    "plans": []}
    assert env["run"]("--scenario", env["scen"], "--month", "2025-06", "--cur", env["june"],
                      "--format", "json").exit_code == 0
    from app.storage.reviews import open_review_store
    store = open_review_store()
    assert [(x.month, x.flags) for x in store.list("Acme prod")] == [("2025-05", 1), ("2025-06", 0)]
    trend = [t for t in store.trend("Acme prod") if t.service == "EC2 - Other"]
    assert [t.month for t in trend] == ["2025-05", "2025-06"]
    assert trend[0].actual_usd - trend[1].actual_usd == 4 * nat and trend[0].estimate_usd == trend[1].estimate_usd
    assert store.load("Acme prod", "2025-05")["actual_usd"] == doc["actual_usd"]
    # reviewing the same month again replaces it
    assert env["run"]("--scenario", env["scen"], "--month", "2025-06", "--cur", env["june"]).exit_code == 0
    assert len(store.list("Acme prod")) == 2


def test_table_view_and_saved_scenario(env, monkeypatch):
    from app.storage import open_repository
    monkeypatch.setenv("COLUMNS", "400")            # rich: no wrapping inside table cells
    open_repository().save("Acme saved", parse_scenario(SCEN))
    r = env["run"]("--saved", "Acme saved", "--month", "2025-05", "--cur", env["may"], "--actual-users", "12000",
                   "--no-store")
    assert r.exit_code == 0, r.output
    assert "NAT bytes far above plan" in r.stdout and "Recommendation:" in r.stdout and "Enterprise" in r.stdout
    assert "Tax, credits and fees ($12.34)" in r.stdout
    assert "Savings Plans advice needs --cost-explorer" in r.stdout
    both = env["run"]("--saved", "Acme saved", "--scenario", env["scen"], "--month", "2025-05", "--cur", env["may"])
    assert both.exit_code == 2 and "not both" in both.output
    missing = env["run"]("--saved", "nope", "--month", "2025-05", "--cur", env["may"])
    assert missing.exit_code == 2 and "no saved scenario named 'nope'" in missing.output


@pytest.mark.parametrize("args, code, text", [
    ([], 2, "give exactly one source"),
    (["--cur", "{may}", "--ce-csv", "{may}"], 2, "got --cur, --ce-csv"),
    (["--cur", "{may}", "--month", "05/2025"], 2, "--month: expected YYYY-MM"),
    (["--cur", "{tmp}/absent.csv"], 2, "invalid input: --cur: no such file"),
    (["--ce-csv", "{tmp}/absent.csv"], 2, "invalid input: --ce-csv: no such file"),
    (["--cur", "{bad}"], 2, "data row 2, column line_item_unblended_cost: 'abc' is not a number"),
    (["--cur", "{may}", "--threshold", "0"], 2, "--threshold"),
    (["--cur", "{may}", "--actual-users", "10", "--actual-messages", "1e12"], 2, "--actual-messages"),
    (["--cur", "{may}", "--users", "0"], 2, "concurrent_users (--users)"),
    (["--cost-explorer"], 1, "error: --cost-explorer: no AWS credentials found"),
    (["--cost-explorer", "--profile", "nope"], 1, "error: --profile: AWS profile 'nope' not found"),
])
def test_errors_exit_2_for_input_and_1_for_aws(env, monkeypatch, args, code, text):
    bad = env["tmp"] / "bad.csv"
    rows = [cur_row("2025-05", "AmazonEKS", "USE1-AmazonEKS-Hours:perCluster", "73", "730",
                    tags={"user_project": "ChatApp", "user_environment": "prod"}) for _ in range(2)]
    rows[1]["line_item_unblended_cost"] = "abc"
    write_cur_csv(bad, rows)
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(env["tmp"] / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(env["tmp"] / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    fmt = {"may": env["may"], "tmp": str(env["tmp"]), "bad": str(bad)}
    args = [a.format(**fmt) for a in args]
    if "--month" not in args:
        args += ["--month", "2025-05"]
    r = env["run"]("--scenario", env["scen"], *args)
    assert r.exit_code == code, r.output
    assert text in " ".join(r.output.split()), r.output
    assert "Traceback" not in r.output
