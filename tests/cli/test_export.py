"""`python -m app.cli export aws-calculator`: dry run, a run against a fake Pricing Calculator, exit codes 0/1/2."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from app.cli import export as export_cli
from pricing.engine import estimate
from sizing.scenario import parse_scenario

SCEN = {"name": "Acme prod", "environment": "prod", "region": "eu-central-1", "concurrent_users": 2000}
EST = "0f0e0d0c-0b0a-4909-8807-060504030201"


class FakeCalculator:
    """Prices every line at 9 USD, except the keys in `reject` (refused in the batch response)."""

    def __init__(self, reject: tuple[str, ...] = ()) -> None:
        self.reject, self.calls, self.usage = reject, [], []

    def create_workload_estimate(self, **kw: Any) -> dict:
        self.calls.append(("create", kw["rateType"], kw["name"]))
        return {"id": EST}

    def batch_create_workload_estimate_usage(self, **kw: Any) -> dict:
        self.calls.append(("batch", len(kw["usage"])))
        ok = [u for u in kw["usage"] if u["key"] not in self.reject]
        self.usage += ok
        return {"items": [{**u, "id": f"{EST[:-3]}{int(u['key'][1:]):03d}"} for u in ok],
                "errors": [{"key": k, "errorCode": "BAD_REQUEST", "errorMessage": "no such usage type"}
                           for k in self.reject]}

    def get_workload_estimate(self, **kw: Any) -> dict:
        return {"id": EST, "status": "VALID", "totalCost": 9.0 * len(self.usage)}

    def list_workload_estimate_usage(self, **kw: Any) -> dict:
        return {"items": [{**u, "id": f"{EST[:-3]}{int(u['key'][1:]):03d}", "cost": 9.0, "status": "VALID"}
                          for u in self.usage]}

    def delete_workload_estimate(self, **kw: Any) -> dict:
        self.calls.append(("delete", kw["identifier"]))
        return {}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump(SCEN))
    runner = CliRunner()
    return {"est": estimate(parse_scenario(SCEN)), "scen": str(scen),
            "run": lambda *a: runner.invoke(app, ["export", "aws-calculator", "--scenario", str(scen), *a])}


def test_dry_run_lists_usage_lines_and_what_is_not_exported(env) -> None:
    r = env["run"]("--dry-run", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    est = env["est"]
    assert doc["name"] == "tiersizer-Acme-prod" and doc["rate_type"] == "AFTER_DISCOUNTS_AND_COMMITMENTS"
    by_key = {u["price_key"]: u for u in doc["usage"]}
    eks = by_key["eks:cluster-hour"]
    assert (eks["service_code"], eks["usage_type"], eks["operation"]) == ("AmazonEKS", "EUC1-AmazonEKS-Hours:perCluster",
                                                                          "CreateOperation")
    assert Decimal(eks["amount"]) == 1 * 730                      # one cluster x 730 hours
    nat = by_key["vpc:nat-gateway-hour"]
    assert nat["usage_type"] == "EUC1-NatGateway-Hours" and Decimal(nat["amount"]) == 3 * 730   # 3 AZs in prod
    put = next(ln for ln in est.lines if ln.price_key == "s3:put-requests-1k")
    assert Decimal(by_key["s3:put-requests-1k"]["amount"]) == put.quantity * 1000   # 1k-request units -> requests
    assert by_key["kms:key-month"]["usage_type"] == "eu-central-1-KMS-Keys"
    reasons = {x["item"]: x["reason"] for x in doc["not_exported"]}
    assert any("Bedrock tokens" in why for why in reasons.values())
    # every estimate line is either a usage line or listed as not exported, none dropped
    listed = sum(Decimal(u["list_usd"]) for u in doc["usage"]) + sum(Decimal(x["list_usd"]) for x in doc["not_exported"])
    assert listed == sum(ln.monthly_usd for ln in est.lines)
    assert len(doc["usage"]) + len(doc["not_exported"]) == len(est.lines)


def test_run_prices_every_line_at_the_accounts_rate(env, monkeypatch) -> None:
    fake = FakeCalculator()
    monkeypatch.setitem(export_cli.CLIENTS, "factory", lambda profile: (fake, "123456789012"))
    r = env["run"]("--format", "json", "--rate-type", "AFTER_DISCOUNTS", "--estimate-name", "my-est")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    n = len(doc["lines"])
    assert fake.calls[0] == ("create", "AFTER_DISCOUNTS", "my-est")
    assert [c[1] for c in fake.calls if c[0] == "batch"] == [25] * (n // 25) + ([n % 25] if n % 25 else [])
    assert Decimal(doc["aws_total_usd"]) == 9 * n                 # 9 USD per line at the fake's rate
    assert all(ln["status"] == "VALID" and Decimal(ln["aws_usd"]) == 9 for ln in doc["lines"])
    assert Decimal(doc["list_usd"]) == sum(Decimal(ln["list_usd"]) for ln in doc["lines"])
    table = env["run"]("--estimate-name", "my-est")
    assert table.exit_code == 0 and "List price (tiersizer) against your rate (AWS)" in table.stdout


def test_a_rejected_line_exits_1_and_deletes_the_estimate(env, monkeypatch) -> None:
    fake = FakeCalculator(reject=("L002",))
    monkeypatch.setitem(export_cli.CLIENTS, "factory", lambda profile: (fake, "123456789012"))
    r = env["run"]()
    assert r.exit_code == 1
    assert "rejected 1 usage line(s): L002" in r.stderr and "BAD_REQUEST no such usage type" in r.stderr
    assert ("delete", EST) in fake.calls and "nothing kept half-way" in r.stderr


def test_bad_estimate_name_exits_2(env) -> None:
    r = env["run"]("--dry-run", "--estimate-name", "no spaces!")
    assert r.exit_code == 2 and "invalid input: --estimate-name: letters, digits and dashes only" in r.stderr
    r = env["run"]("--dry-run", "--rate-type", "CHEAPEST")
    assert r.exit_code == 2


@pytest.mark.parametrize("args, text", [
    ((), "error: no AWS credentials found"),
    (("--profile", "nope"), "error: AWS profile 'nope' not found"),
])
def test_no_credentials_exit_1(env, monkeypatch, tmp_path, args, text) -> None:
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    for k in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        monkeypatch.setenv(k, str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    r = env["run"](*args)
    assert r.exit_code == 1 and text in r.stderr


def test_a_purchase_option_is_called_out(env) -> None:
    assert json.loads(env["run"]("--dry-run", "--format", "json").stdout)["note"] == ""
    r = env["run"]("--dry-run", "--format", "json", "--purchase-option", "savings_plan_1y_no_upfront")
    assert r.exit_code == 0, r.output
    assert "purchase option savings_plan_1y_no_upfront" in json.loads(r.stdout)["note"]
