"""Re-sizing with observed usage: peak users, messages and tokens per message from the month that was billed."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricing.catalog import Catalog
from pricing.engine import Estimate, estimate
from sizing.load_profile import load_hours
from sizing.scenario import Scenario, ScenarioError, parse_scenario

# Observed-usage option -> the Scenario field it sets (for error messages naming the option).
OPTION_FOR_FIELD = {"concurrent_users": "--actual-users", "messages_per_user_per_hour": "--actual-messages",
                    "input_tokens_per_message": "--actual-input-tokens",
                    "output_tokens_per_message": "--actual-output-tokens"}


@dataclass(frozen=True, slots=True)
class ObservedUsage:
    """What the month really saw; None = keep the scenario's assumption."""

    peak_concurrent_users: int | None = None
    messages_month: float | None = None
    input_tokens_per_message: int | None = None
    output_tokens_per_message: int | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.peak_concurrent_users, self.messages_month,
                                       self.input_tokens_per_message, self.output_tokens_per_message))

    def to_dict(self) -> dict[str, Any]:
        return {"peak_concurrent_users": self.peak_concurrent_users, "messages_month": self.messages_month,
                "input_tokens_per_message": self.input_tokens_per_message,
                "output_tokens_per_message": self.output_tokens_per_message}


@dataclass(frozen=True, slots=True)
class Change:
    what: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    current_tier: str
    recommended_tier: str
    tier_reasons: tuple[str, ...]
    scenario_changes: tuple[Change, ...]
    plan_changes: tuple[Change, ...]
    current_monthly_usd: Decimal
    new_monthly_usd: Decimal
    monthly_delta_usd: Decimal
    observed_scenario: Scenario
    new_estimate: Estimate


def observed_scenario(s: Scenario, obs: ObservedUsage) -> Scenario:
    """The scenario with observed numbers; messages per month become messages per user-hour (workload inverse)."""
    if obs.messages_month is not None and obs.messages_month < 0:
        raise ScenarioError([("--actual-messages", f"must be >= 0, got {obs.messages_month:g}")])
    data = s.to_yaml_dict()
    if obs.peak_concurrent_users is not None:
        data["concurrent_users"] = obs.peak_concurrent_users
    if obs.input_tokens_per_message is not None:
        data["input_tokens_per_message"] = obs.input_tokens_per_message
    if obs.output_tokens_per_message is not None:
        data["output_tokens_per_message"] = obs.output_tokens_per_message
    if obs.messages_month is not None:
        users = data["concurrent_users"]
        if not isinstance(users, int) or users < 1:
            raise ScenarioError([("--actual-users", f"must be 1..1000000, got {users!r}")])
        # messages/month = users x messages per user-hour x sum of the load curve (sizing/load_profile.py)
        hours = users * load_hours(s)
        data["messages_per_user_per_hour"] = round(obs.messages_month / hours, 6)
    if "ranges" in data:     # an observed number replaces its field's planning range
        data["ranges"] = {f: r for f, r in data["ranges"].items() if data[f] == getattr(s, f)}
    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        errs = []
        for field, msg in exc.errors:
            opt = OPTION_FOR_FIELD.get(field.split(".")[0])
            if opt == "--actual-messages":
                hi = 3600 * hours
                msg = f"{obs.messages_month:,.0f} messages is {data['messages_per_user_per_hour']:g} per user-hour " \
                      f"at {data['concurrent_users']:,} peak users; allowed 0..{hi:,.0f} messages per month"
            errs.append((opt or field, msg))
        raise ScenarioError(errs) from None


def _plan_summary(e: Estimate) -> dict[str, str]:
    p, n = e.plan, e.plan.nodes
    return {
        "tier": p.tier,
        "backend pods (peak)": str(p.backend.replicas),
        "backend HPA": f"{p.backend.hpa_min}-{p.backend.hpa_max}",
        "frontend pods": str(p.frontend.replicas),
        "node type": n.instance_type,
        "nodes (desired)": str(n.desired),
        "nodes (min-max)": f"{n.min}-{n.max}",
        "on-demand / spot nodes": f"{n.on_demand} / {n.spot}",
        "DynamoDB mode": e.dynamodb_mode.recommended,
        "DynamoDB WCU / RCU": f"{p.dynamodb.provisioned_wcu} / {p.dynamodb.provisioned_rcu}",
        "NAT gateways": str(p.network.nat_gateways),
        "ALB LCU (average)": f"{p.network.alb_lcu:.2f}",
        "ElastiCache": f"{p.elasticache_nodes} x {p.elasticache_node_type}" if p.elasticache_node_type else "none",
    }


def recommend(est: Estimate, obs: ObservedUsage, catalog: Catalog | None = None) -> Recommendation:
    """Size again with the observed numbers: tier, what changes in the plan, the new monthly estimate."""
    new_s = observed_scenario(est.scenario, obs)
    new = estimate(new_s, catalog)
    before, after = _plan_summary(est), _plan_summary(new)
    plan_changes = tuple(Change(k, before[k], after[k]) for k in before if before[k] != after[k])
    old_d, new_d = est.scenario.to_yaml_dict(), new_s.to_yaml_dict()
    scen_changes = tuple(Change(k, str(old_d[k]), str(new_d[k])) for k in OPTION_FOR_FIELD if old_d[k] != new_d[k])
    return Recommendation(est.plan.tier, new.plan.tier, new.plan.tier_reasons, scen_changes, plan_changes,
                          est.monthly_usd, new.monthly_usd, new.monthly_usd - est.monthly_usd, new_s, new)


def recommendation_to_dict(r: Recommendation) -> dict[str, Any]:
    f = lambda x: format(x, "f")  # noqa: E731
    return {"current_tier": r.current_tier, "recommended_tier": r.recommended_tier,
            "change_tier": r.current_tier != r.recommended_tier, "tier_reasons": list(r.tier_reasons),
            "scenario_changes": [{"field": c.what, "before": c.before, "after": c.after} for c in r.scenario_changes],
            "plan_changes": [{"what": c.what, "before": c.before, "after": c.after} for c in r.plan_changes],
            "current_monthly_usd": f(r.current_monthly_usd), "new_monthly_usd": f(r.new_monthly_usd),
            "monthly_delta_usd": f(r.monthly_delta_usd)}
