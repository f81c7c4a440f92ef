"""Disaster-recovery lines (pricing/services/dr.py), derived by hand: the DR Region's list prices from
pricing/data/manual_prices.yaml and tools/reference/aws-list-prices.yaml, times the quantities of sizing/dr.py
(tests/sizing/test_dr.py derives those). Each line names the DR Region and is priced there; the data sent to it
is priced at the primary Region's inter-Region rate."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from typer.testing import CliRunner

from app.cli import app
from pricing.dr_summary import dr_summary
from pricing.engine import estimate
from pricing.schema import estimate_to_dict
from pricing.services.base import qty
from sizing.scenario import parse_scenario

GB = 1024 ** 3
# DR Region list prices: us-west-2 and eu-central-1 (manual_prices.yaml); inter-Region out of us-east-1/eu-west-1
BACKUP_GB_MONTH = Decimal("0.10")       # AWS Backup DynamoDB warm storage, us-west-2
INTER_REGION_GB = Decimal("0.02")       # data transfer to another Region, us-east-1 and eu-west-1
FRA = {"eks": Decimal("0.10"), "t3.medium": Decimal("0.048"), "gp3": Decimal("0.0952"), "nat": Decimal("0.052"),
       "ipv4": Decimal("0.005"), "alb": Decimal("0.027")}   # eu-central-1


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dr_lines(est) -> dict[str, object]:
    return {ln.item.split(": ", 1)[1]: ln for ln in dr_summary(est).lines}


def table_gb(est) -> float:
    # chats a month x 12.0 months kept x 8,828 bytes (tests/sizing/test_dr.py)
    return est.plan.workload.messages_per_month / 4 * (365 / (730 / 24)) * 8828 / GB


def test_backup_copy_lines_by_hand() -> None:
    est = estimate(parse_scenario({"dr": "backup-copy"}))
    lines = dr_lines(est)
    assert all(ln.item.startswith("DR us-west-2: ") and ln.category == "dr" for ln in dr_summary(est).lines)
    t = table_gb(est)
    copies = lines["DynamoDB backup copies (5 full copies)"]
    assert copies.unit_usd == BACKUP_GB_MONTH
    assert copies.monthly_usd == cents(qty(5 * t) * BACKUP_GB_MONTH)               # 108.59 GB-month -> $10.86
    assert copies.monthly_usd == Decimal("10.86")
    sent = lines["backup copies sent from us-east-1 (4.35 a month)"]
    assert sent.monthly_usd == cents(qty(t * 730 / 24 / 7) * INTER_REGION_GB)       # 94.37 GB -> $1.89
    assert sent.monthly_usd == Decimal("1.89")
    assert dr_summary(est).monthly_usd == Decimal("12.75") == copies.monthly_usd + sent.monthly_usd
    base = estimate(parse_scenario({}))
    assert est.monthly_usd - base.monthly_usd == Decimal("12.75")


def test_backup_copy_pitr_only_prices_the_added_rule() -> None:
    est = estimate(parse_scenario({"dr": "backup-copy", "environment": "dev"}))
    lines, t = dr_lines(est), table_gb(est)
    assert lines["DynamoDB backup copies (7 full copies)"].monthly_usd == cents(qty(7 * t) * BACKUP_GB_MONTH)
    assert lines["backup copies sent from us-east-1 (30.42 a month)"].monthly_usd == \
        cents(qty(t * 730 / 24) * INTER_REGION_GB)
    src = lines["source recovery point of the copy, in us-east-1"]
    assert src.monthly_usd == cents(qty(t) * Decimal("0.1"))      # one day's copy in the primary vault, us-east-1


def test_warm_standby_cluster_by_hand_at_the_dr_region_prices() -> None:
    est = estimate(parse_scenario({"dr": "warm-standby", "region": "eu-west-1"}))
    lines = dr_lines(est)
    assert {ln.item.split(":")[0] for ln in dr_summary(est).lines} == {"DR eu-central-1"}
    assert lines["standby cluster control plane, Kubernetes 1.35"].monthly_usd == cents(730 * FRA["eks"]) \
        == Decimal("73.00")
    assert lines["standby nodes (3 x t3.medium, on demand)"].monthly_usd == cents(3 * 730 * FRA["t3.medium"]) \
        == Decimal("105.12")
    assert lines["standby node root volumes (50 GiB x 3)"].monthly_usd == cents(150 * FRA["gp3"]) == Decimal("14.28")
    assert lines["standby NAT gateway (1)"].monthly_usd == cents(730 * FRA["nat"]) == Decimal("37.96")
    assert lines["standby public IPv4 addresses (3)"].monthly_usd == cents(3 * 730 * FRA["ipv4"]) == Decimal("10.95")
    assert lines["standby Application Load Balancer"].monthly_usd == cents(730 * FRA["alb"]) == Decimal("19.71")


def test_warm_standby_replica_by_hand() -> None:
    est = estimate(parse_scenario({"dr": "warm-standby"}))
    lines, t, m = dr_lines(est), table_gb(est), est.plan.workload.messages_per_month
    storage = lines["replica table and GSI storage"]
    assert storage.monthly_usd == cents(qty(2 * t) * Decimal("0.25"))             # no free tier counted
    assert lines["replica point-in-time recovery"].monthly_usd == cents(qty(t) * Decimal("0.20"))
    sent = lines["global-table replication from us-east-1"]
    assert sent.monthly_usd == cents(qty(m * (2377 + 4494 + 6611 + 8728) / 4 / GB) * INTER_REGION_GB)
    if est.dynamodb_mode.recommended == "provisioned":
        wcu = est.plan.dynamodb.provisioned_wcu_hours_month / 2          # the tables' half; the GSIs' other half
        assert lines["replicated write capacity (global tables)"].monthly_usd == cents(qty(wcu) * Decimal("0.00065"))
        assert lines["replica read capacity (standby, minimum)"].monthly_usd == cents(4 * 730 * Decimal("0.00013"))
    # on demand (a flat, quiet load): 6 rWRU and 9.75 GSI WRU a message at $0.625 per million
    od = estimate(parse_scenario({"dr": "warm-standby", "active_load_pct_of_peak": 10, "quiet_load_pct_of_peak": 10}))
    assert od.dynamodb_mode.recommended == "on_demand"
    mo, lo = od.plan.workload.messages_per_month, dr_lines(od)
    assert lo["replicated write request units (global tables)"].monthly_usd == \
        cents(qty(mo * 24 / 4 / 1e6) * Decimal("0.625"))
    assert lo["replica GSI write request units"].monthly_usd == cents(qty(mo * 39 / 4 / 1e6) * Decimal("0.625"))


def test_replica_key_with_a_customer_managed_key() -> None:
    est = estimate(parse_scenario({"dr": "warm-standby", "compliance": "hipaa"}))
    assert dr_lines(est)["replica tables' customer-managed key"].monthly_usd == Decimal("1.00")   # $1 a key-month


def test_first_year_grows_the_dr_copies_with_the_table() -> None:
    base, est = estimate(parse_scenario({})), estimate(parse_scenario({"dr": "backup-copy"}))
    # month 1 holds 1 of 12 months of chats: the copies and their transfer are 1/12 of the steady month's quantities
    t = table_gb(est) / 12.0
    month1 = cents(qty(5 * t) * BACKUP_GB_MONTH) + cents(qty(t * 730 / 24 / 7) * INTER_REGION_GB)
    assert est.first_year_months[0].monthly_usd - base.first_year_months[0].monthly_usd == month1
    assert est.first_year_months[11].monthly_usd - base.first_year_months[11].monthly_usd == Decimal("12.75")


def test_estimate_json_dr_block_and_cli() -> None:
    doc = estimate_to_dict(estimate(parse_scenario({"dr": "backup-copy"})))
    assert doc["dr"] == {"mode": "backup-copy", "region": "us-west-2", "monthly_usd": "12.75"}
    assert estimate_to_dict(estimate(parse_scenario({})))["dr"] == {"mode": "none", "region": None,
                                                                     "monthly_usd": "0.00"}
    out = CliRunner().invoke(app, ["estimate", "--dr", "backup-copy", "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["dr"]["monthly_usd"] == "12.75"
    table = CliRunner().invoke(app, ["estimate", "--dr", "backup-copy"])
    assert "Disaster recovery: backup-copy in us-west-2, $12.75/month" in " ".join(table.stdout.split())


@pytest.mark.parametrize(("args", "flag"), [(["--dr", "cold"], "--dr"),
                                            (["--dr", "warm-standby", "--dr-region", "us-east-1"], "--dr-region")])
def test_cli_bad_dr_input_exits_2_naming_the_flag(args: list[str], flag: str) -> None:
    out = CliRunner().invoke(app, ["estimate", *args])
    assert out.exit_code == 2 and flag in out.stderr and "Traceback" not in out.stderr


def test_report_and_page_show_the_dr_group() -> None:
    from app.web.components.results import capacity_table
    from generators.report import build_report, build_series
    est = estimate(parse_scenario({"dr": "backup-copy"}))
    doc = build_report(est, build_series(est))
    (section,) = [s for s in doc.sections if s.id == "dr"]
    assert section.title == "Disaster recovery: backup-copy in us-west-2"
    assert ("Disaster recovery", "$12.75 (backup-copy)") in doc.headline
    assert [s.id for s in doc.sections].index("dr") == [s.id for s in doc.sections].index("compliance") + 1
    table = capacity_table(est)
    assert list(table[table["Component"] == "Disaster recovery"]["Plan"]) == ["backup-copy in us-west-2"]
    assert "dr" not in [s.id for s in build_report(estimate(parse_scenario({})), build_series(est)).sections]
