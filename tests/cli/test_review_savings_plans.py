"""`review --cost-explorer` shows the Savings Plans advice (table and JSON); Stubber on the real Cost Explorer shapes."""
from __future__ import annotations

import json

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from typer.testing import CliRunner

from app.cli import app
from review.sources.savings_plans import PLANS
from tests.review.test_savings_plans import response


def _groups(keys, amount):
    return {"Keys": list(keys), "Metrics": {k: {"Amount": str(amount), "Unit": "USD"}
                                            for k in ("UnblendedCost", "AmortizedCost")}
            | {"UsageQuantity": {"Amount": "730", "Unit": "Hrs"}}}


def _resp(groups):
    return {"ResultsByTime": [{"TimePeriod": {"Start": "2025-05-01", "End": "2025-06-01"}, "Total": {},
                               "Groups": groups, "Estimated": False}]}


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump({"name": "Acme prod", "environment": "prod"}))

    def invoke(*args):
        client = boto3.client("ce", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        stub = Stubber(client)
        stub.add_response("get_cost_and_usage", _resp([_groups(["Usage", "Amazon Elastic Container Service for "
                                                                          "Kubernetes"], 73)]))
        stub.add_response("get_cost_and_usage", _resp([_groups(["Amazon Elastic Container Service for Kubernetes",
                                                                "USE1-AmazonEKS-Hours:perCluster"], 73)]))
        stub.add_response("get_cost_and_usage", _resp([]))
        for plan, term in PLANS:   # 3-year Compute: 0.42 USD/h commitment saves 110.50 USD a month (37.5%)
            figures = ("0.420", "110.50", "37.5") if (plan, term) == ("COMPUTE_SP", "THREE_YEARS") else ("0", "0", "0")
            stub.add_response("get_savings_plans_purchase_recommendation", response(plan, term, *figures))
        stub.activate()
        monkeypatch.setattr("review.sources.ce_api.ce_client", lambda profile=None: client)
        r = CliRunner().invoke(app, ["review", "--scenario", str(scen), "--month", "2025-05", "--cost-explorer",
                                     "--no-store", *args])
        stub.assert_no_pending_responses()
        return r
    return invoke


def test_json_has_the_advice(run) -> None:
    r = run("--format", "json")
    assert r.exit_code == 0, r.output
    sp = json.loads(r.stdout)["savings_plans"]
    assert sp["available"] and [(p["type"], p["term"]) for p in sp["plans"]] == [
        ("COMPUTE_SP", "ONE_YEAR"), ("COMPUTE_SP", "THREE_YEARS"), ("EC2_INSTANCE_SP", "ONE_YEAR"),
        ("EC2_INSTANCE_SP", "THREE_YEARS")]
    three = sp["plans"][1]
    assert (three["hourly_commitment_usd"], three["monthly_saving_usd"], three["break_even"]) == (
        "0.420", "110.50", "month 1 (no upfront)")


def test_table_shows_the_advice_and_its_scope(run) -> None:
    r = run()
    assert r.exit_code == 0, r.output
    assert "Savings Plans advice" in r.stdout and "110.50" in r.stdout and "0.420" in r.stdout
    assert "not by tags" in r.stdout.replace("\n", " ")
