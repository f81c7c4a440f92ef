"""DynamoDB sizing by hand: item sizes and units per turn, storage growth with the retention cap, backup policies,
provisioned capacity over a curve, reserved capacity (docs/sizing-model.md § DynamoDB)."""
from decimal import Decimal

import pytest

from pricing.engine import estimate
from sizing.capacity import size
from sizing.dynamodb import chat_item, hourly_capacity
from sizing.scenario import BackupPolicy, parse_scenario

GB = 1024 ** 3


def test_item_sizes_and_units_for_four_turns_of_100_plus_400_tokens():
    item = chat_item(parse_scenario({"turns_per_conversation": 4, "user_message_tokens": 100,
                                     "output_tokens_per_message": 400}))
    # a turn adds (100 + 400) tokens x 4 bytes + 117 bytes of two message maps = 2,117 bytes; metadata 260
    assert item.bytes_by_turn == (260 + 2117, 260 + 2 * 2117, 260 + 3 * 2117, 260 + 4 * 2117) \
        == (2377, 4494, 6611, 8728)
    # the whole item is rewritten each turn: ceil(size / 1,024) WRU
    assert item.table_wru_by_turn == (3, 5, 7, 9)
    # updated_at is the GSI sort key: put the new entry (+ delete the old one from turn 2): 3, 3+5, 5+7, 7+9
    assert item.gsi_wru_by_turn == (3, 8, 12, 16)
    # the read before each turn sees the previous size: turn 1 an empty get (1), then ceil(2377/4096),
    # ceil(4494/4096), ceil(6611/4096)
    assert item.rru_by_turn == (1, 1, 2, 2)
    d = size(parse_scenario({})).dynamodb
    assert d.write_units_per_message == (3 + 5 + 7 + 9 + 3 + 8 + 12 + 16) / 4 == 15.75
    assert d.read_units_per_message == 6 / 4
    assert d.table_bytes_per_chat == d.gsi_bytes_per_chat == 8728 + 100     # + 100 bytes per item stored


@pytest.mark.parametrize("days, cap", [(365, 12.0), (90, 90 / (730 / 24))])
def test_storage_grows_month_by_month_to_the_retention_cap(days, cap):
    d = size(parse_scenario({"chat_history_retention_days": days})).dynamodb
    per_month = d.chats_per_month * 8828 / GB            # one month of chats in the table (the GSI holds the same)
    for m in range(1, 14):
        held = min(m, cap)                                # month 13 of a 365-day history still holds 12 months
        dm = d.at_month(m)
        assert dm.table_gb == pytest.approx(held * per_month) and dm.gsi_gb == pytest.approx(held * per_month)
        assert dm.pitr_gb == pytest.approx(dm.table_gb)
    assert d.table_gb == pytest.approx(cap * per_month)   # the steady month keeps the full retention


@pytest.mark.parametrize("policy, copies", [("pitr-only", 0), ("pitr+weekly", 5), ("daily-30", 30)])
def test_backup_gb_months_per_policy(policy, copies):
    d = size(parse_scenario({"backup_policy": policy})).dynamodb
    assert d.backup_policy is BackupPolicy(policy) and d.backup_copies == copies
    assert d.pitr_gb == pytest.approx(d.table_gb)               # PITR on every policy, billed on the table size
    assert d.backup_gb == pytest.approx(copies * d.table_gb)    # every AWS Backup copy is a full copy
    assert d.at_month(1).backup_gb == pytest.approx(copies * d.table_gb / 12)
    est = estimate(parse_scenario({"backup_policy": policy}))
    assert any(ln.price_key == "backup:dynamodb-gb-month" for ln in est.lines) == (copies > 0)


@pytest.mark.parametrize("data, policy, vault", [
    ({"environment": "dev"}, "pitr-only", False),
    ({"environment": "staging"}, "pitr-only", False),
    ({"environment": "prod"}, "pitr+weekly", False),
    ({"environment": "dev", "compliance": "hipaa"}, "pitr+weekly", True),     # a copy outside the table
    ({"environment": "prod", "compliance": "pci"}, "pitr+weekly", True),
    ({"environment": "prod", "backup_policy": "daily-30"}, "daily-30", False),
])
def test_default_policy_per_environment_and_compliance(data, policy, vault):
    d = size(parse_scenario(data)).dynamodb
    assert (d.backup_policy.value, d.backup_vault_separate) == (policy, vault)
    assert d.backup_policy_reason


def test_provisioned_capacity_follows_a_business_hours_curve():
    # 8 busy hours at the peak, 16 quiet hours at 10%; peak need 7 WCU/s
    curve = (1.0,) * 8 + (0.1,) * 16
    held = hourly_capacity(7.0, curve)
    # busy: 7 / 0.7 = 10; quiet: 0.7 / 0.7 = 1; the first quiet hour still holds 10 (scale-down an hour late)
    assert list(held) == [10] * 8 + [10] + [1] * 15
    assert held.sum() == 9 * 10 + 15 * 1 == 105          # WCU-hours a day, against 24 x 10 = 240 at flat peak
    assert list(hourly_capacity(0.0, curve)) == [1] * 24  # never below the minimum of 1


def test_reserved_capacity_covers_the_always_on_base():
    est = estimate(parse_scenario({"concurrent_users": 3000, "average_load_pct_of_peak": 90}))
    d, mode = est.plan.dynamodb, est.dynamodb_mode
    # flat curve: chats table and GSI 105 WCU every hour (tests/pricing/test_estimate_by_hand.py), users 2 x 1:
    # base 2 x 105 + 2 = 212 -> 2 blocks of 100 reserved
    one, three = mode.reserved
    assert (one.term_years, one.wcu_reserved, three.wcu_reserved) == (1, 200, 200)
    rcu_blocks = (2 * d.provisioned_rcu_base + 2) // 100
    assert one.rcu_reserved == rcu_blocks * 100
    # 1 year: $150 per 100 WCU + $30 per 100 RCU upfront; 100 WCU-hours $0.0128, 100 RCU-hours $0.0025; the hours
    # above the reservation at the provisioned $0.00065 / $0.00013
    assert one.upfront_usd == 2 * 150 + rcu_blocks * 30
    wcu_month = 2 * 730 * Decimal("0.0128") + (Decimal(154_760) - 200 * 730) * Decimal("0.00065")
    rcu_month = rcu_blocks * 730 * Decimal("0.0025") \
        + (Decimal(repr(d.provisioned_rcu_hours_month)) - rcu_blocks * 100 * 730) * Decimal("0.00013")
    assert one.monthly_usd == (wcu_month + rcu_month).quantize(Decimal("0.01"))
    assert one.provisioned_monthly_usd == mode.provisioned_usd
    # saving over 12 months = 12 x (provisioned - reserved month, in cents) - the upfront (1-year term: all of it)
    assert one.saving_12_months_usd == 12 * (mode.provisioned_usd - one.monthly_usd) - one.upfront_usd
    assert one.saving_12_months_usd > 0 and three.monthly_usd < one.monthly_usd


def test_reserved_buys_nothing_under_one_block():
    # 250 users on the default curve: the quiet hour needs a handful of units, below a block of 100
    r = estimate(parse_scenario({})).dynamodb_mode.reserved[0]
    assert (r.wcu_reserved, r.rcu_reserved, r.upfront_usd, r.saving_12_months_usd) == (0, 0, 0, 0)


def test_first_year_months_grow_from_zero():
    est = estimate(parse_scenario({}))
    months = est.first_year_months
    assert [m.month for m in months] == list(range(1, 13))
    d = est.plan.dynamodb
    assert months[0].storage_gb == Decimal(repr(round((d.table_gb + d.gsi_gb) / 12, 3)))   # month 1: 1/12 of it
    # month 12 holds the full 365-day history; the steady month adds the rotated KMS key versions billed from
    # month 13: 2 versions x $1 per key (1 key here, the secrets key)
    rotated = [ln for ln in est.lines if ln.unit == "rotated key versions"]
    assert [(ln.quantity, ln.unit_usd) for ln in rotated] == [(2, 1)]
    assert months[-1].monthly_usd == est.monthly_usd - 2
    assert all(a.monthly_usd <= b.monthly_usd for a, b in zip(months, months[1:]))
    assert est.first_year_usd == est.upfront_usd + sum(m.monthly_usd for m in months) < est.monthly_usd * 12


def test_regulated_data_with_pitr_only_is_warned():
    est = estimate(parse_scenario({"compliance": "hipaa", "backup_policy": "pitr-only"}))
    assert any("HIPAA with backup_policy pitr-only" in w for w in est.warnings)
    assert not est.plan.dynamodb.backup_vault_separate and not est.plan.dynamodb.backups_enabled
    assert not any("pitr-only" in w for w in estimate(parse_scenario({"compliance": "hipaa"})).warnings)
