"""Disaster recovery sizing (sizing/dr.py, sizing/dr_regions.py): quantities derived by hand from the item model and
the month's messages (the workload's own tests cover messages_per_month), and the input checks."""
from __future__ import annotations

import pytest

from sizing.capacity import size
from sizing.scenario import DrMode, ScenarioError, parse_scenario

GB = 1024 ** 3
DAYS_PER_MONTH = 730 / 24
# Default conversation: (100 + 400 tokens) x 4 bytes + 117 = 2,117 bytes a turn on 260 bytes of metadata.
SIZES = (260 + 2117, 260 + 2 * 2117, 260 + 3 * 2117, 260 + 4 * 2117)     # 2,377 4,494 6,611 8,728 bytes
TABLE_WRU = (3, 5, 7, 9)                      # ceil(size / 1,024)
GSI_WRU = (3, 3 + 5, 5 + 7, 7 + 9)            # ALL projection: put of the new entry + delete of the old
FINAL_BYTES = 8728 + 100                      # + 100 bytes storage overhead per item


def _plan(**raw):
    return size(parse_scenario(raw))


def _table_gb(p) -> float:
    chats_per_month = p.workload.messages_per_month / 4          # 4 turns a chat
    return chats_per_month * (365 / DAYS_PER_MONTH) * FINAL_BYTES / GB     # 365-day retention = 12.0 months


def test_none_has_no_dr_region_and_no_quantities() -> None:
    p = _plan()
    assert p.dr.mode is DrMode.none and p.dr.region is None
    assert p.dr.copy_gb == p.dr.replica_gb == p.dr.nodes == 0


def test_backup_copy_weekly_by_hand() -> None:
    p = _plan(dr="backup-copy")                   # prod: pitr+weekly, 5 copies kept 35 days
    table = _table_gb(p)
    assert p.dynamodb.table_gb == pytest.approx(table, rel=1e-12)
    assert p.dr.region == "us-west-2"             # us-east-1's documented pair
    assert (p.dr.copies_kept, p.dr.copy_retention_days, p.dr.copy_rule_added) == (5, 35, False)
    assert p.dr.copy_gb == pytest.approx(5 * table, rel=1e-12)                 # 5 full copies in the DR vault
    assert p.dr.copy_jobs_month == pytest.approx(30.416667 / 7, rel=1e-6)      # one a week
    assert p.dr.copy_transfer_gb_month == pytest.approx(table * 730 / 24 / 7, rel=1e-12)   # full copies each time
    assert p.dr.source_gb == 0


def test_backup_copy_with_pitr_only_adds_a_daily_rule() -> None:
    p = _plan(dr="backup-copy", environment="dev")     # dev: pitr-only, no backup rule of its own
    table = _table_gb(p)
    assert p.dynamodb.backups_enabled is False
    assert (p.dr.copy_rule_added, p.dr.copies_kept, p.dr.copy_retention_days) == (True, 7, 7)
    assert p.dr.copy_gb == pytest.approx(7 * table, rel=1e-12)
    assert p.dr.copy_transfer_gb_month == pytest.approx(table * 730 / 24, rel=1e-12)    # a full copy a day
    assert p.dr.source_gb == pytest.approx(1 * table, rel=1e-12)                       # source kept 1 day


def test_backup_copy_daily_30() -> None:
    p = _plan(dr="backup-copy", backup_policy="daily-30")
    table = _table_gb(p)
    assert p.dr.copy_gb == pytest.approx(30 * table, rel=1e-12)
    assert p.dr.copy_transfer_gb_month == pytest.approx(table * 730 / 24, rel=1e-12)


def test_warm_standby_by_hand() -> None:
    p = _plan(dr="warm-standby", region="eu-west-1")
    m = p.workload.messages_per_month
    assert p.dr.region == "eu-central-1"
    assert p.dr.replicated_wru_month == pytest.approx(m * (3 + 5 + 7 + 9) / 4, rel=1e-12)     # 6 rWRU a message
    assert p.dr.replica_gsi_wru_month == pytest.approx(m * (3 + 8 + 12 + 16) / 4, rel=1e-12)  # 9.75 WRU a message
    assert p.dr.replica_gb == pytest.approx(2 * _table_gb(p), rel=1e-12)     # table + ALL-projection GSI
    assert p.dr.replica_pitr_gb == pytest.approx(_table_gb(p), rel=1e-12)
    assert p.dr.replication_gb_month == pytest.approx(m * (2377 + 4494 + 6611 + 8728) / 4 / GB, rel=1e-12)
    # provisioned: the chats table's WCU-hours = (all WCU-hours - users table and GSI at 1 x 730) / 2 (GSI mirrors)
    chats_table = (p.dynamodb.provisioned_wcu_hours_month - 2 * 730) / 2
    assert p.dr.replicated_wcu_hours_month == chats_table + 730            # + the users table's minimum
    assert p.dr.replica_gsi_wcu_hours_month == chats_table + 730           # the two GSIs
    assert p.dr.replica_rcu_hours_month == 4 * 1 * 730                     # 2 tables + 2 GSIs at the minimum read
    # the standby cluster: the environment's floor (prod: 3 nodes), 2 AZs, 1 NAT, NAT + ALB addresses = 1 + 2
    assert (p.dr.nodes, p.dr.instance_type) == (p.nodes.min, p.nodes.instance_type) == (3, "t3.medium")
    assert (p.dr.availability_zones, p.dr.nat_gateways, p.dr.public_ipv4_addresses) == (2, 1, 3)


@pytest.mark.parametrize(("region", "pair"), [("us-east-1", "us-west-2"), ("us-west-2", "us-east-1"),
                                              ("eu-west-1", "eu-central-1"), ("eu-central-1", "eu-west-1"),
                                              ("ap-southeast-1", "us-west-2")])
def test_default_pairs(region: str, pair: str) -> None:
    assert _plan(dr="backup-copy", region=region).dr.region == pair


def test_explicit_dr_region() -> None:
    assert _plan(dr="warm-standby", dr_region="eu-west-1").dr.region == "eu-west-1"


@pytest.mark.parametrize(("raw", "field", "text"), [
    ({"dr": "cold"}, "dr", "none, backup-copy, warm-standby"),
    ({"dr": "backup-copy", "dr_region": "us-east-1"}, "dr_region", "must differ"),
    ({"dr": "backup-copy", "dr_region": "mars-1"}, "dr_region", "unknown"),
    ({"dr": "backup-copy", "region": "eu-west-1", "compliance": "gdpr", "dr_region": "us-east-1"}, "dr_region",
     "out of the EU"),
])
def test_bad_input_names_the_field(raw: dict, field: str, text: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(raw)
    assert [f for f, _ in exc.value.errors] == [field]
    assert text in exc.value.errors[0][1] and "allowed" in exc.value.errors[0][1]


def test_gdpr_in_the_eu_keeps_the_default_pair_in_the_eu() -> None:
    assert _plan(dr="warm-standby", region="eu-central-1", compliance="gdpr").dr.region == "eu-west-1"


def test_enterprise_prod_without_dr_warns() -> None:
    warn = [w for w in _plan(concurrent_users=20_000).warnings if "dr: none" in w]
    assert len(warn) == 1 and "Enterprise" in warn[0]
    assert not [w for w in _plan(concurrent_users=20_000, dr="backup-copy").warnings if "dr: none" in w]
    assert not [w for w in _plan(concurrent_users=20_000, environment="staging").warnings if "dr: none" in w]
    assert not [w for w in _plan(concurrent_users=5_000).warnings if "dr: none" in w]       # Large


def test_dr_region_without_dr_is_ignored_with_a_warning() -> None:
    p = _plan(dr_region="us-west-2")
    assert p.dr.region is None and any("dr_region us-west-2 is ignored" in w for w in p.warnings)
