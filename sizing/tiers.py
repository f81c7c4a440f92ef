"""Tier choice: the plan's user band, escalation when pods or nodes outgrow it, and the node type.

The node type is the scenario's override, else the tier's plan type, else (when a backend pod cannot fit on
the plan type) the smallest type it fits on, same family first. The cache node type follows the tier.
"""
from __future__ import annotations

from sizing import assumptions as A
from sizing.instances import INSTANCE_SHAPES
from sizing.nodes import NodePlan
from sizing.pods import PodPlan
from sizing.profiles import TIERS, TierSpec
from sizing.scenario import Environment, Scenario


def tier_for_users(users: int) -> TierSpec:
    """The tier whose user band holds this many concurrent users."""
    return next(t for t in TIERS if t.max_users is None or users < t.max_users)


def _over_plan(t: TierSpec, backend: PodPlan, candidates: dict[str, NodePlan]) -> list[str]:
    """Why the load outgrows tier t's pod or node range (empty when it fits)."""
    nodes_on_plan_type = candidates[t.instance_type].desired
    over = []
    if backend.replicas > t.pods[1]:
        over.append(f"{backend.replicas} backend pods needed at peak exceed the {t.name} plan's {t.pods[1]}")
    if nodes_on_plan_type > t.nodes[1]:
        over.append(f"{nodes_on_plan_type} x {t.instance_type} nodes needed exceed the {t.name} plan's "
                    f"{t.nodes[1]}")
    return over


def choose_tier(s: Scenario, backend: PodPlan, candidates: dict[str, NodePlan]) -> tuple[TierSpec, list[str]]:
    """The user band's tier, escalated one step at a time while the load exceeds its ranges; with the reasons."""
    tier = tier_for_users(s.concurrent_users)
    reasons = [f"{s.concurrent_users:,} concurrent users is in the {tier.name} band "
               f"({tier.min_users:,}-{'' if tier.max_users is None else f'{tier.max_users - 1:,}'} users)"]
    idx = TIERS.index(tier)
    while idx < len(TIERS) - 1:
        over = _over_plan(TIERS[idx], backend, candidates)
        if not over:
            break
        idx += 1
        reasons.append("; ".join(over) + f": escalated to {TIERS[idx].name}")
    return TIERS[idx], reasons


def choose_node_type(s: Scenario, tier: TierSpec, backend: PodPlan,
                     candidates: dict[str, NodePlan]) -> tuple[str, list[str]]:
    """The scenario's node type, else the tier's, else the smallest type a backend pod fits on; with the reason."""
    chosen = s.node_instance_type or tier.instance_type
    if s.node_instance_type:
        return chosen, [f"node type {chosen} chosen by the scenario (the {tier.name} plan uses {tier.instance_type})"]
    if candidates[chosen].feasible:
        return chosen, []
    # the plan's type cannot hold one backend pod: take the smallest type that can, same family first
    family = INSTANCE_SHAPES[chosen].family
    fits = sorted((n for n, c in candidates.items() if c.feasible),
                  key=lambda n: (INSTANCE_SHAPES[n].family != family, INSTANCE_SHAPES[n].vcpu,
                                 INSTANCE_SHAPES[n].memory_gib, n))
    if not fits:
        return chosen, []
    return fits[0], [f"a backend pod ({backend.cpu_request_m}m/{backend.memory_request_mi}Mi) does not fit on "
                     f"the {tier.name} plan's {chosen}: using {fits[0]}, the smallest type it fits on"]


def node_fit_warnings(backend: PodPlan, nodes: NodePlan) -> tuple[str, ...]:
    """A warning when a backend pod fits on no node of the chosen type."""
    if nodes.feasible:
        return ()
    return (f"a backend pod ({backend.cpu_request_m}m/{backend.memory_request_mi}Mi) does not fit on "
            f"{nodes.instance_type} after system reservations; choose a larger node type",)


def cache_nodes(s: Scenario, tier: TierSpec) -> tuple[str | None, int]:
    """ElastiCache node type and count: none unless enabled; small for Small/Medium, large above; 2 in prod."""
    if not s.elasticache_enabled:
        return None, 0
    node_type = A.ELASTICACHE_SMALL_NODE if TIERS.index(tier) < 2 else A.ELASTICACHE_LARGE_NODE
    return node_type, 2 if s.environment is Environment.prod else 1
