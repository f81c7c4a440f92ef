"""The shipped price snapshot (pricing/data/snapshot.json): completeness, integrity, values."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pricing import catalog
from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.keys import GLOBAL_KEYS, KEY_UNITS, REGIONS, canonical_pairs
from pricing.snapshot import SnapshotError, points_checksum
from sizing.instances import INSTANCE_SHAPES
from tools import build_snapshot as snapshot_build

EC2_INSTANCE_TYPES = tuple(INSTANCE_SHAPES)
REFERENCE = snapshot_build.DEFAULT_REFERENCE


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return load_snapshot(EMBEDDED_SNAPSHOT)


def test_every_canonical_key_in_every_region(cat: catalog.Catalog) -> None:
    present = {(p.key, p.region) for p in cat.points()}
    assert present == set(canonical_pairs())
    # 39 EC2 types + 47 service keys + 2 ElastiCache + 18 Bedrock tokens + 4 prompt-cache = 110 keys;
    # 108 regional keys x 5 regions + 2 global keys = 542 points.
    assert len(EC2_INSTANCE_TYPES) == 39
    # + DynamoDB reserved capacity (2 terms x 2 units x 2) + DR: replicated WRU, replicated WCU-hour, inter-Region GB
    assert cat.header.key_count == len(KEY_UNITS) == 110 + 8 + 3
    assert cat.header.point_count == (108 + 8 + 3) * 5 + 2 == 597
    assert set(cat.header.regions) == set(REGIONS) | {"global"}
    for key in GLOBAL_KEYS:
        assert cat.price(key, "eu-central-1").region == "global"


def test_header_and_order(cat: catalog.Catalog) -> None:
    raw = json.loads(EMBEDDED_SNAPSHOT.read_text())
    assert raw["header"]["schema_version"] == 1
    assert raw["header"]["as_of"] == "2026-11-25"
    assert raw["header"]["checksum"] == points_checksum(raw["points"])
    order = [(p["key"], p["region"]) for p in raw["points"]]
    assert order == sorted(order)
    assert all(isinstance(p["usd"], str) for p in raw["points"])
    assert any("aws-list-prices.yaml" in s for s in cat.header.sources)


def test_tampered_copy_raises_naming_the_file(tmp_path: Path) -> None:
    doc = json.loads(EMBEDDED_SNAPSHOT.read_text())
    t3 = next(p for p in doc["points"] if p["key"] == "ec2:t3.medium" and p["region"] == "us-east-1")
    t3["usd"] = "0.0001"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError) as err:
        load_snapshot(bad)
    assert str(bad) in str(err.value)
    assert "checksum mismatch" in str(err.value)


def test_truncated_copy_raises(tmp_path: Path) -> None:
    bad = tmp_path / "cut.json"
    bad.write_bytes(EMBEDDED_SNAPSHOT.read_bytes()[:5000])
    with pytest.raises(SnapshotError, match="not valid JSON"):
        load_snapshot(bad)


@pytest.mark.parametrize(("key", "region", "usd", "confidence"), [
    # Values copied from tools/reference/aws-list-prices.yaml.
    ("ec2:t3.medium", "us-east-1", "0.0416", "high"),
    ("ec2:t3.large", "us-east-1", "0.0832", "high"),
    ("ec2:c5.xlarge", "us-east-1", "0.17", "high"),
    ("ec2:c5.2xlarge", "us-east-1", "0.34", "high"),
    ("ec2:t3.medium", "eu-central-1", "0.048", "high"),
    ("ec2:t3.medium", "ap-southeast-1", "0.0528", "high"),
    ("ec2:m7i.large", "eu-west-1", "0.11235", "medium"),
    ("eks:cluster-hour", "us-east-1", "0.1", "high"),
    ("vpc:nat-gateway-hour", "us-east-1", "0.045", "high"),
    ("vpc:nat-gateway-gb", "ap-southeast-1", "0.059", "medium"),
    ("vpc:nat-gateway-gb", "eu-central-1", "0.052", "low"),
    ("elb:alb-hour", "us-east-1", "0.0225", "high"),
    ("elb:alb-lcu-hour", "us-east-1", "0.008", "high"),
    ("dynamodb:write-request-million", "us-east-1", "0.625", "high"),
    ("dynamodb:read-request-million", "us-east-1", "0.125", "high"),
    ("dynamodb:wcu-hour", "us-east-1", "0.00065", "medium"),
    ("dynamodb:rcu-hour", "us-east-1", "0.00013", "medium"),
    ("dynamodb:storage-gb-month", "us-east-1", "0.25", "high"),
    ("cloudfront:https-requests-10k", "us-east-1", "0.01", "high"),
    ("cloudfront:https-requests-10k", "eu-west-1", "0.012", "medium"),
    ("ebs:gp3-gb-month", "us-east-1", "0.08", "high"),
    ("vpc:public-ipv4-hour", "ap-southeast-1", "0.005", "high"),
    ("route53:hosted-zone-month", "global", "0.5", "high"),
    ("elasticache:cache.t3.medium", "us-east-1", "0.0544", "high"),
    ("elasticache:cache.r6g.large", "ap-southeast-1", "0.1976", "medium"),
    ("datatransfer:inter-az-gb", "eu-west-1", "0.01", "high"),
    ("bedrock:anthropic.claude-3-5-haiku:output-1k", "us-east-1", "0.004", "medium"),
    ("bedrock:amazon.nova-pro:output-1k", "us-east-1", "0.0032", "medium"),
    ("guardduty:flow-logs-gb", "us-east-1", "1.0", "medium"),
])
def test_reference_values_and_confidence(cat: catalog.Catalog, key: str, region: str, usd: str,
                                         confidence: str) -> None:
    point = cat.price(key, region)
    assert point.usd == Decimal(usd)
    assert point.confidence == confidence
    assert point.approximation is None
    assert "recalled" not in point.source


def test_derived_and_approximated_points_are_marked(cat: catalog.Catalog) -> None:
    c5_large = cat.price("ec2:c5.large", "us-east-1")  # 0.17 / 2
    assert c5_large.usd == Decimal("0.085")
    assert c5_large.confidence == "medium"
    assert c5_large.note.startswith("derived from c5.xlarge x 0.5")
    t3a_xl = cat.price("ec2:t3a.xlarge", "eu-west-1")  # 0.0408 x 4
    assert t3a_xl.usd == Decimal("0.1632")
    dyn = cat.price("dynamodb:write-request-million", "eu-central-1")
    assert dyn.approximation == "us-east-1 price used; no regional source"
    assert dyn.confidence == "low"
    m7g = cat.price("ec2:m7g.large", "eu-west-1")  # 0.0816 x (0.086 / 0.077)
    assert m7g.usd == Decimal("0.0911")
    assert m7g.approximation and "m6g" in m7g.approximation
    macie = cat.price("macie:bucket-month", "us-east-1")
    assert (macie.usd, macie.confidence) == (Decimal("0.10"), "low")
    assert cat.price("ec2:t-unlimited-vcpu-hour", "ap-southeast-1").usd == Decimal("0.05")
    # in-Region price = the global $15 per 1M x 1.1; cache read 0.1x and 5-minute write 1.25x the input price
    assert cat.price("bedrock:anthropic.claude-sonnet-4-5:output-1k", "us-east-1").usd == Decimal("0.0165")
    assert cat.price("bedrock:anthropic.claude-sonnet-4-5:cache-read-1k", "us-east-1").usd == Decimal("0.00033")
    assert cat.price("bedrock:anthropic.claude-haiku-4-5:cache-write-1k", "us-east-1").usd == Decimal("0.001375")
    assert cat.price("bedrock:meta.llama3-70b-instruct:input-1k", "us-east-1").usd == Decimal("0.00265")


def test_honesty_invariants(cat: catalog.Catalog) -> None:
    for p in cat.points():
        assert p.source and p.unit and p.as_of
        assert p.confidence in ("high", "medium", "low")
        if p.approximation:
            assert p.confidence == "low", p
        if "(recalled)" in p.source and "tiers:" not in p.source:
            assert p.confidence in ("medium", "low"), p
        if p.key.startswith("ec2:") and p.key != "ec2:t-unlimited-vcpu-hour":
            assert p.service_code == "AmazonEC2"
            assert p.usage_type and p.usage_type.endswith("BoxUsage:" + p.key[4:])
        assert p.usd > 0


def test_tiers_are_contiguous_and_start_at_price(cat: catalog.Catalog) -> None:
    tiered = [p for p in cat.points() if p.tiers]
    assert {p.key for p in tiered} == {"cloudfront:data-out-gb", "datatransfer:internet-out-gb"}
    assert len(tiered) == 10
    for p in tiered:
        assert p.tiers[0].begin_units == 0 and p.tiers[0].usd == p.usd
        assert p.tiers[-1].end_units is None
        for a, b in zip(p.tiers, p.tiers[1:]):
            assert a.end_units == b.begin_units
            assert b.usd < a.usd
    asia = cat.price("cloudfront:data-out-gb", "ap-southeast-1")
    assert asia.usd == Decimal("0.120") and asia.tiers[1].usd == Decimal("0.100")
    us = cat.price("datatransfer:internet-out-gb", "us-west-2")
    assert [t.end_units for t in us.tiers] == [Decimal(10240), Decimal(51200), Decimal(153600), None]


def test_build_reproduces_shipped_snapshot(tmp_path: Path) -> None:

    out = tmp_path / "snapshot.json"
    assert snapshot_build.main(["--reference", str(REFERENCE), "--output", str(out)]) == 0
    assert out.read_bytes() == EMBEDDED_SNAPSHOT.read_bytes()
    assert snapshot_build.main(["--reference", str(REFERENCE), "--output", str(EMBEDDED_SNAPSHOT),
                                "--check"]) == 0


def test_build_fails_on_unmapped_reference_entry(tmp_path: Path) -> None:
    import yaml


    doc = yaml.safe_load(REFERENCE.read_text())
    doc["prices"].append({"service": "Lambda", "item": "Requests", "region": "us-east-1", "unit": "x",
                          "usd": 0.2, "source": "s", "as_of": "2026-01-01", "confidence": "high"})
    manual = yaml.safe_load(snapshot_build.DEFAULT_MANUAL.read_text())
    with pytest.raises(snapshot_build.BuildError, match="not mapped: Lambda / Requests"):
        snapshot_build.build_points(doc, manual)
    shutil.rmtree(tmp_path, ignore_errors=True)
