"""The inventory without synthesis: every key has one kind, every line one item, counts derived by hand.

The synthesized comparison (CloudFormation and Kubernetes objects, both ways) is
tests/generators/test_inventory_matrix.py.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from app.cli import app
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from pricing.inventory import (
    EXTERNAL,
    EXTERNAL_BY_KEY,
    EXTERNAL_UNPRICED,
    KIND_BY_KEY,
    KIND_BY_PREFIX,
    LLM_REASON,
    inventory,
)
from pricing.services import KEYS
from sizing.scenario import parse_scenario


@pytest.fixture(scope="module")
def catalog():
    return load_snapshot()


def test_every_price_key_has_one_kind() -> None:
    """A key is in KIND_BY_KEY or EXTERNAL_BY_KEY (never both), else one of the per-type prefixes (an explicit
    entry wins: ec2:t-unlimited-vcpu-hour is external although it starts with ec2:)."""
    unmapped = []
    for key in KEYS:
        unpriced = any(key in keys for _, keys in EXTERNAL_UNPRICED)
        direct = (key in KIND_BY_KEY) + (key in EXTERNAL_BY_KEY) + unpriced
        assert direct <= 1, key
        llm = key.startswith("bedrock:")                  # LLM tokens: external by category
        dynamodb_reserved = key.startswith("dynamodb:reserved-")   # quotes in capacity.dynamodb, never a line
        if not direct and not any(key.startswith(p) for p, _ in KIND_BY_PREFIX) and not (llm or dynamodb_reserved):
            unmapped.append(key)
    assert unmapped == []


def test_dev_counts_by_hand(catalog) -> None:
    """dev, 40 users, managed node group: 2 AZs, 1 NAT + its EIP, 1 interface endpoint (Secrets Manager), 2 tables,
    no backup plan (pitr-only), 2 buckets (static assets, log archive), 1 key (secrets), 3 secrets, no WAF."""
    est = estimate(parse_scenario({"environment": "dev", "concurrent_users": 40}), catalog)
    items = {it.kind: it for it in inventory(est) if it.kind != EXTERNAL}
    counts = {k: it.count for k, it in items.items()}
    assert counts["AWS::EC2::NatGateway"] == counts["AWS::EC2::EIP"] == 1
    assert counts["AWS::EC2::VPCEndpoint"] == 1 and counts["AWS::DynamoDB::Table"] == 2
    assert counts["AWS::S3::Bucket"] == 2 and counts["AWS::KMS::Key"] == 1 and counts["AWS::SecretsManager::Secret"] == 3
    assert "AWS::Backup::BackupPlan" not in counts and "AWS::WAFv2::WebACL" not in counts
    assert counts["k8s:Ingress"] == 1 and counts["AWS::EKS::Nodegroup"] == 1
    # the ALB's public addresses: 2 AZs x 730 h, a line of the Ingress; the NAT's EIP: 1 x 730 h
    ipv4 = {est.lines[i].quantity for i in items["k8s:Ingress"].lines if est.lines[i].price_key == "vpc:public-ipv4-hour"}
    assert ipv4 == {Decimal(2 * 730)}
    assert [est.lines[i].quantity for i in items["AWS::EC2::EIP"].lines] == [Decimal(730)]
    externals = {it.reason: it for it in inventory(est) if it.kind == EXTERNAL}
    assert externals[LLM_REASON].count == 0 and len(externals[LLM_REASON].lines) == 2    # input and output tokens
    # used but not created by the bundle, so not priced: the customer's DNS zone, the certificate, the registry
    unpriced = {r.split(":")[0]: it for r, it in externals.items() if not it.lines}
    assert set(unpriced) == {"Route 53", "ACM", "ECR"}
    assert all(it.lines == () and it.count == 0 for it in unpriced.values())
    assert unpriced["Route 53"].price_keys == ("route53:hosted-zone-month", "route53:queries-million")
    assert not any(ln.price_key.startswith("route53:") for ln in est.lines if ln.price_key)


def test_cli_estimate_json_carries_the_inventory(tmp_path) -> None:
    res = CliRunner().invoke(app, ["estimate", "--format", "json", "--users", "40", "--env", "dev"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    lines, items = doc["cost"]["lines"], doc["inventory"]
    assert sorted(i for it in items for i in it["lines"]) == list(range(len(lines)))
    for it in items:
        for i in it["lines"]:
            assert lines[i]["inventory_kind"] == it["kind"]
    nat = next(it for it in items if it["kind"] == "AWS::EC2::NatGateway")
    assert nat["count"] == 1 and nat["where"] == "network stack"
    assert nat["price_keys"] == ["vpc:nat-gateway-hour", "vpc:nat-gateway-gb"]
