"""The cheapest-node-type search ranks candidates in floats and prices only the near-cheapest exactly
(pricing/engine.py `_node_options`): it must choose exactly what pricing every candidate in Decimal chooses."""
from __future__ import annotations

from decimal import Decimal

from pricing.catalog import load_snapshot
from pricing.engine import _node_month, _node_options
from sizing.capacity import size
from sizing.scenario import REGIONS, parse_scenario


def _brute_force(plan, catalog, region: str, sp: Decimal):  # type: ignore[no-untyped-def]
    best = (plan.nodes.instance_type, _node_month(plan.nodes, catalog, region, sp))
    for n in plan.node_candidates.values():
        if n.feasible and catalog.has(f"ec2:{n.instance_type}", region):
            cost = _node_month(n, catalog, region, sp)
            if cost < best[1]:
                best = (n.instance_type, cost)
    return best


def test_the_float_prefilter_chooses_what_exact_pricing_chooses() -> None:
    catalog = load_snapshot()
    checked = 0
    for users in (10, 40, 250, 1_000, 3_333, 12_000, 60_000):
        for env in ("dev", "prod"):
            for spot in (0, 40):
                for region in REGIONS:
                    plan = size(parse_scenario({"concurrent_users": users, "environment": env, "region": region,
                                                "spot_share_pct": spot}))
                    for sp in (Decimal(0), Decimal("0.28")):
                        _, best = _node_options(plan, catalog, region, sp)
                        assert (best.instance_type, best.monthly_usd) == _brute_force(plan, catalog, region, sp)
                        checked += 1
    assert checked == 7 * 2 * 2 * len(REGIONS) * 2
