"""Plan checks: the computed pods, nodes and HPA maximum beside the deployment plan's own ranges."""
from __future__ import annotations

from dataclasses import dataclass

from sizing.nodes import NodePlan
from sizing.pods import PodPlan
from sizing.profiles import PLAN_HPA_MAX_REPLICAS, TierSpec


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCheck:
    """The plan's own range beside the computed value."""

    metric: str
    plan_range: str
    computed: str
    agrees: bool
    note: str


def _pods_check(tier: TierSpec, backend: PodPlan) -> PlanCheck:
    lo, hi = tier.pods
    ok = lo <= backend.replicas <= hi
    note = "" if ok else (
        "fewer pods than the plan: at 250m requests and the HPA's 70% target the load needs only "
        f"{backend.replicas}" if backend.replicas < lo else
        "more pods than the plan: the load needs them at the HPA's 70% CPU target")
    return PlanCheck(metric="backend pods", plan_range=f"{lo}-{hi}", computed=str(backend.replicas), agrees=ok,
                     note=note)


def _nodes_check(tier: TierSpec, nodes: NodePlan) -> PlanCheck:
    nlo, nhi = tier.nodes
    ok = nlo <= nodes.desired <= nhi
    note = "" if ok else (
        f"the pods pack onto fewer nodes than the plan ({nodes.binding_reason}; docs/sizing-facts.md § Backend "
        "pod packing)"
        if nodes.desired < nlo else "more nodes than the plan's range")
    return PlanCheck(metric=f"nodes ({nodes.instance_type})", plan_range=f"{nlo}-{nhi} x {tier.instance_type}",
                     computed=str(nodes.desired), agrees=ok, note=note)


def _hpa_check(tier: TierSpec, backend: PodPlan) -> PlanCheck:
    lo, hi = tier.pods
    ok = PLAN_HPA_MAX_REPLICAS >= hi and backend.hpa_max <= PLAN_HPA_MAX_REPLICAS
    note = "" if ok else (f"the plan's HPA max of {PLAN_HPA_MAX_REPLICAS} contradicts its {tier.name} range of "
                          f"{lo}-{hi} pods; the generated HPA uses {backend.hpa_max}")
    return PlanCheck(metric="HPA maxReplicas", plan_range=f"plan manifest: {PLAN_HPA_MAX_REPLICAS}",
                     computed=str(backend.hpa_max), agrees=ok, note=note)


def plan_checks(tier: TierSpec, backend: PodPlan, nodes: NodePlan) -> tuple[PlanCheck, ...]:
    """Computed pods/nodes/HPA beside the plan's ranges, with the reason when they disagree."""
    return (_pods_check(tier, backend), _nodes_check(tier, nodes), _hpa_check(tier, backend))
