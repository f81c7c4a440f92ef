"""Property tests: monotonic tier and cost, finite non-negative lines, totals, JSON round trip."""
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.engine import estimate
from pricing.schema import EstimateDoc, estimate_to_dict
from sizing.profiles import TIERS
from sizing.scenario import REGIONS, parse_scenario

TIER_ORDER = [t.name for t in TIERS]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scenarios = st.fixed_dictionaries({
    "concurrent_users": st.integers(1, 200_000),
    "messages_per_user_per_hour": st.floats(0, 120, allow_nan=False),
    "api_requests_per_user_per_minute": st.floats(0, 30, allow_nan=False),
    "region": st.sampled_from(REGIONS),
    "environment": st.sampled_from(["dev", "staging", "prod"]),
    "compliance": st.sets(st.sampled_from(["hipaa", "soc2", "gdpr", "pci"])).map(sorted),
    "purchase_option": st.sampled_from(["on_demand", "savings_plan_1y_no_upfront", "savings_plan_3y_all_upfront"]),
    "elasticache_enabled": st.booleans(),
})


@FAST
@given(scenarios)
def test_lines_finite_non_negative_and_total_is_their_sum(data):
    est = estimate(parse_scenario(data))
    for ln in est.lines:
        assert ln.monthly_usd.is_finite() and ln.monthly_usd >= 0, ln
        assert ln.quantity.is_finite() and ln.quantity >= 0, ln
    assert est.monthly_usd == sum((ln.monthly_usd for ln in est.lines), Decimal(0))
    assert est.first_year_usd == est.upfront_usd + sum((m.monthly_usd for m in est.first_year_months), Decimal(0))
    assert all(m.monthly_usd <= est.monthly_usd for m in est.first_year_months)   # a young table costs no more


@FAST
@given(scenarios, st.integers(1, 50_000), st.floats(0, 60, allow_nan=False))
def test_tier_never_falls_and_cost_never_falls_on_the_same_node_type(data, more_users, more_msgs):
    """Tier is monotonic in load. Cost is monotonic for a fixed node type (a tier change switches to the
    next tier's plan node type, which can pack pods more cheaply; that step is reported, see docs)."""
    base = parse_scenario(data)
    bigger = base.model_copy(update={"concurrent_users": min(1_000_000, base.concurrent_users + more_users),
                                     "messages_per_user_per_hour": base.messages_per_user_per_hour + more_msgs})
    a, b = estimate(base), estimate(bigger)
    assert TIER_ORDER.index(b.plan.tier) >= TIER_ORDER.index(a.plan.tier)
    pinned = {"node_instance_type": a.plan.nodes.instance_type}
    a2, b2 = estimate(base.model_copy(update=pinned)), estimate(bigger.model_copy(update=pinned))
    assert b2.monthly_usd >= a2.monthly_usd
    if a.plan.tier == b.plan.tier:
        assert b.monthly_usd >= a.monthly_usd


@FAST
@given(scenarios)
def test_json_round_trips_into_the_model(data):
    est = estimate(parse_scenario(data))
    doc = estimate_to_dict(est)
    back = EstimateDoc.model_validate_json(json.dumps(doc))
    assert back.cost.monthly_usd == est.monthly_usd
    assert [ln.monthly_usd for ln in back.cost.lines] == [ln.monthly_usd for ln in est.lines]
    assert parse_scenario(back.scenario) == est.scenario
    assert back.capacity.nodes.desired == est.plan.nodes.desired
