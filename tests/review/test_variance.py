"""The review: a bill equal to the estimate has no flags; NAT bytes 5x plan flags NAT with the hint; every actual
dollar lands in a line, the unmatched list or tax-and-credits; thresholds; re-sizing with observed usage."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pricing.engine import estimate
from review.mapping import estimate_groups, group_id
from review.recommend import ObservedUsage
from review.sources import read_cur
from review.variance import build_review, review_to_dict
from sizing.scenario import ScenarioError, parse_scenario
from tests.helpers.cur import PROJECT_TAGS, bill_rows, cur_row, write_cur_csv

M = "2025-05"
TAGS = {"Project": "ChatApp", "Environment": "prod"}


@pytest.fixture(scope="module")
def large():
    # PCI, not HIPAA: under HIPAA the plan sends no bytes through the NAT (all on VPC endpoints)
    return estimate(parse_scenario({"concurrent_users": 5000, "compliance": "pci"}))


@pytest.fixture(scope="module")
def small():
    return estimate(parse_scenario({}))


def _review(tmp_path, est, rows, **kw):
    actuals = read_cur(write_cur_csv(tmp_path / "cur.csv", rows), M, TAGS)
    return build_review(est, actuals, **kw)


def test_bill_equal_to_the_estimate_has_no_flags(tmp_path, large):
    r = _review(tmp_path, large, list(bill_rows(large, M)))
    assert r.flagged == ()
    assert not [s for s in r.services if s.flag]
    assert r.unmatched == () and r.adjustments == ()
    assert r.estimate_usd == large.monthly_usd          # on-demand, no external LLM: every line is AWS-billed
    assert r.actual_usd == r.actual_usage_usd == large.monthly_usd
    assert r.delta_usd == 0 and r.delta_pct == Decimal("0.0")
    assert all(v.delta_usd == 0 for v in r.lines)
    # every estimate line was matched by its usage type, with the same quantity
    nat = next(v for v in r.lines if v.key == "vpc:nat-gateway-gb")
    assert nat.actual_quantity == nat.estimate_quantity


def test_nat_bytes_five_times_plan_flags_nat_with_the_hint(tmp_path, large):
    r = _review(tmp_path, large, list(bill_rows(large, M, scale={"vpc:nat-gateway-gb": Decimal(5)})))
    assert [v.key for v in r.flagged] == ["vpc:nat-gateway-gb"]
    nat = r.flagged[0]
    est_nat = next(ln.monthly_usd for ln in large.lines if ln.price_key == "vpc:nat-gateway-gb")
    assert nat.estimate_usd == est_nat and nat.actual_usd == est_nat * 5
    assert nat.delta_usd == est_nat * 4 and nat.delta_pct == Decimal("400.0")
    assert nat.flag == "over"
    assert "NAT bytes far above plan" in nat.hint and "VPC endpoints" in nat.hint
    assert "usage 5.0x plan" in nat.hint
    other = next(s for s in r.services if s.service == "EC2 - Other")
    assert other.flag == "over" and "NAT data processed" in other.hint
    assert r.delta_usd == est_nat * 4


def test_unit_price_gap_with_planned_usage_says_so(tmp_path, small):
    rows = list(bill_rows(small, M))
    for row in rows:                        # same hours, 30% dearer
        if row["line_item_usage_type"] == "USE1-AmazonEKS-Hours:perCluster":
            row["line_item_unblended_cost"] = str(Decimal(row["line_item_unblended_cost"]) * Decimal("1.3"))
    r = _review(tmp_path, small, rows)
    eks = next(v for v in r.flagged if v.key == "eks:cluster-hour")
    assert eks.delta_pct == Decimal("30.0") and "usage as planned" in eks.hint and "unit price differs" in eks.hint


def test_threshold_is_exclusive_and_small_gaps_are_not_flagged(tmp_path, small):
    eks = next(ln for ln in small.lines if ln.price_key == "eks:cluster-hour")   # $73.00
    assert eks.monthly_usd == Decimal("73.00")
    r = _review(tmp_path, small, list(bill_rows(small, M, scale={"eks:cluster-hour": Decimal("1.15")})))
    v = next(v for v in r.lines if v.key == "eks:cluster-hour")
    assert v.delta_usd == Decimal("10.95") and v.delta_pct == Decimal("15.0") and v.flag is None
    r = _review(tmp_path, small, list(bill_rows(small, M, scale={"eks:cluster-hour": Decimal("1.16")})))
    assert next(v for v in r.lines if v.key == "eks:cluster-hour").flag == "over"
    r = _review(tmp_path, small, list(bill_rows(small, M, scale={"eks:cluster-hour": Decimal("1.16")})),
                threshold_pct=20)
    assert next(v for v in r.lines if v.key == "eks:cluster-hour").flag is None
    # a tiny line 10x over, but less than $1 apart: not flagged
    sm_api = next(ln for ln in small.lines if ln.price_key == "secretsmanager:api-requests-10k")
    assert sm_api.monthly_usd < Decimal("0.10")
    r = _review(tmp_path, small, list(bill_rows(small, M, scale={"secretsmanager:api-requests-10k": Decimal(10)})))
    assert next(v for v in r.lines if v.key == "secretsmanager:api-requests-10k").flag is None


def test_missing_line_and_unmatched_spend_and_tax_reconcile(tmp_path, small):
    rows = [r for r in bill_rows(small, M) if r["line_item_usage_type"] != "USE1-LoadBalancerUsage"]
    rows += [cur_row(M, "AmazonSageMaker", "USE1-Notebk:ml.t3.medium", "12.3456789012", "250", tags=PROJECT_TAGS),
             cur_row(M, "AmazonEC2", "USE1-USW2-AWS-Out-Bytes", "2.00", "100", tags=PROJECT_TAGS),
             cur_row(M, "AmazonEC2", "Tax", "9.87", None, line_type="Tax"),
             cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "-5.00", None, line_type="Credit", tags=PROJECT_TAGS)]
    r = _review(tmp_path, small, rows)
    alb = next(ln.monthly_usd for ln in small.lines if ln.price_key == "elb:alb-hour")
    v = next(v for v in r.lines if v.key == "elb:alb-hour")
    assert v.actual_usd == 0 and v.flag == "under" and v.hint.startswith("not in the bill")
    assert [(u.line.service, u.line.cost_usd) for u in r.unmatched] == [
        ("AmazonSageMaker", Decimal("12.3456789012")), ("EC2 - Other", Decimal("2.00"))]
    assert r.unmatched_usd == Decimal("14.3456789012")
    assert r.tax_and_credits_usd == Decimal("4.87")
    assert r.adjustments_by_kind == {"tax": Decimal("9.87"), "credit": Decimal("-5.00")}
    # by hand: the estimate without the ALB hours, plus the two unmatched lines, plus tax and credit
    assert r.actual_usage_usd == small.monthly_usd - alb + Decimal("14.3456789012")
    assert r.actual_usd == r.actual_usage_usd + Decimal("4.87")
    assert sum(s.actual_usd for s in r.services) + r.tax_and_credits_usd == r.actual_usd
    assert sum(v.actual_usd for v in r.lines) + r.unmatched_usd == r.actual_usage_usd
    sage = next(s for s in r.services if s.service == "AmazonSageMaker")
    assert sage.estimate_usd == 0 and sage.flag == "over" and sage.hint == "service not in the estimate"
    doc = review_to_dict(r)
    assert doc["actual_usd"] == format(r.actual_usd, "f") and doc["tax_and_credits_usd"] == "4.87"
    for key in ("month", "estimate_usd", "actual_usd", "lines", "unmatched", "tax_and_credits_usd",
                "recommended_tier"):
        assert key in doc
    assert set(doc["lines"][0]) >= {"service", "estimate_usd", "actual_usd", "delta_usd", "delta_pct", "flag", "hint"}


def test_spot_and_instance_types_group_whatever_the_type(small):
    groups, _ = estimate_groups(small.lines)
    assert "ec2:nodes:on-demand" in groups
    dev = estimate(parse_scenario({"environment": "dev"}))
    assert {group_id(ln) for ln in dev.lines if ln.price_key == f"ec2:{dev.plan.nodes.instance_type}"} == \
        {"ec2:nodes:spot"}


def test_external_llm_lines_are_not_compared(tmp_path):
    est = estimate(parse_scenario({"llm_model": "external", "external_input_usd_per_1m_tokens": 1,
                                   "external_output_usd_per_1m_tokens": 2}))
    r = _review(tmp_path, est, list(bill_rows(est, M)))
    ext = sum(ln.monthly_usd for ln in est.lines if ln.ce_service == "External LLM provider")
    assert ext > 0 and len(r.excluded) == 2
    assert r.estimate_usd == est.monthly_usd - ext and r.flagged == ()
    assert any("not billed by AWS" in w for w in r.warnings)


def test_observed_usage_recommends_a_tier(tmp_path, small):
    # 5000 users x 20 messages/user-hour x 352.2 peak-hours (default load profile, 48.25 % of 730 h)
    obs = ObservedUsage(peak_concurrent_users=5000, messages_month=5000 * 20 * 352.2)
    r = _review(tmp_path, small, list(bill_rows(small, M)), observed=obs)
    rec = r.recommendation
    assert rec.current_tier == "Small" and rec.recommended_tier == "Large" == r.recommended_tier
    changes = {c.what: (c.before, c.after) for c in rec.scenario_changes}
    assert changes == {"concurrent_users": ("250", "5000"), "messages_per_user_per_hour": ("10.0", "20.0")}
    plan = {c.what: c.after for c in rec.plan_changes}
    assert plan["tier"] == "Large" and plan["node type"] == "c5.xlarge"
    expected = estimate(parse_scenario({"concurrent_users": 5000, "messages_per_user_per_hour": 20}))
    assert rec.new_monthly_usd == expected.monthly_usd
    assert rec.monthly_delta_usd == expected.monthly_usd - small.monthly_usd
    assert review_to_dict(r)["recommendation"]["change_tier"] is True


def test_no_observed_usage_keeps_the_tier(tmp_path, small):
    r = _review(tmp_path, small, list(bill_rows(small, M)))
    assert r.recommendation is None and r.recommended_tier == "Small"


def test_impossible_observed_usage_names_the_option(small):
    from review.recommend import observed_scenario
    with pytest.raises(ScenarioError) as exc:
        observed_scenario(small.scenario, ObservedUsage(peak_concurrent_users=10, messages_month=1e12))
    field, msg = exc.value.errors[0]
    assert field == "--actual-messages" and "allowed 0.." in msg
    with pytest.raises(ScenarioError) as exc:
        observed_scenario(small.scenario, ObservedUsage(peak_concurrent_users=0))
    assert exc.value.errors[0][0] == "--actual-users" and "1..1000000" in exc.value.errors[0][1]


def test_an_observed_number_replaces_its_field_s_range():
    from review.recommend import ObservedUsage, observed_scenario
    from sizing.scenario import parse_scenario
    s = parse_scenario({"messages_per_user_per_hour": "6:10:16", "turns_per_conversation": "2:4:8"})
    new = observed_scenario(s, ObservedUsage(peak_concurrent_users=250, messages_month=250 * 30 * 352.2))
    assert new.messages_per_user_per_hour == pytest.approx(30)
    assert new.ranges == (("turns_per_conversation", 2.0, 8.0),)
