"""The monthly review: per line and per service estimate vs actual, flags beyond a threshold, hints,
unmatched spend, tax and credits shown apart, and (with observed usage) a tier recommendation.

Reconciliation (checked on every review): sum of the services' actual + tax_and_credits == actual_usd
== the source's total after its month/tag filters; lines' actual + unmatched == actual usage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pricing.catalog import Catalog
from pricing.engine import CostLine, Estimate
from review.hints import hint
from review.mapping import Mapping, Unmatched, map_actuals
from review.model import ZERO, ActualLine, Actuals
from review.recommend import ObservedUsage, Recommendation, recommend, recommendation_to_dict

DEFAULT_THRESHOLD_PCT = Decimal(15)
DEFAULT_MIN_DELTA_USD = Decimal(1)     # gaps below a dollar are never flagged, whatever the percentage
PCT = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Variance:
    """One compared row (a review line or a service)."""

    key: str
    service: str
    label: str
    estimate_usd: Decimal
    actual_usd: Decimal
    delta_usd: Decimal
    delta_pct: Decimal | None        # None when the estimate is zero
    flag: str | None                 # over | under | None
    hint: str
    unit: str = ""
    estimate_quantity: Decimal | None = None
    actual_quantity: Decimal | None = None
    usage_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    month: str
    scenario_name: str
    tier: str
    actuals: Actuals
    threshold_pct: Decimal
    min_delta_usd: Decimal
    estimate_usd: Decimal            # AWS-billed estimate lines (external LLM lines excluded)
    actual_usd: Decimal              # everything the source billed after the filters (reconciles with it)
    actual_usage_usd: Decimal        # actual_usd without tax, credits, refunds, savings plan fees
    lines: tuple[Variance, ...]
    services: tuple[Variance, ...]
    unmatched: tuple[Unmatched, ...]
    adjustments: tuple[ActualLine, ...]
    excluded: tuple[CostLine, ...]
    recommendation: Recommendation | None
    warnings: tuple[str, ...]

    @property
    def delta_usd(self) -> Decimal:
        return self.actual_usage_usd - self.estimate_usd

    @property
    def delta_pct(self) -> Decimal | None:
        return _pct(self.estimate_usd, self.actual_usage_usd)

    @property
    def unmatched_usd(self) -> Decimal:
        return sum((u.line.cost_usd for u in self.unmatched), ZERO)

    @property
    def tax_and_credits_usd(self) -> Decimal:
        return sum((a.cost_usd for a in self.adjustments), ZERO)

    @property
    def adjustments_by_kind(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for a in self.adjustments:
            out[a.kind] = out.get(a.kind, ZERO) + a.cost_usd
        return out

    @property
    def recommended_tier(self) -> str:
        return self.recommendation.recommended_tier if self.recommendation else self.tier

    @property
    def flagged(self) -> tuple[Variance, ...]:
        return tuple(v for v in self.lines if v.flag)


def _pct(estimate: Decimal, actual: Decimal) -> Decimal | None:
    if estimate == 0:
        return None
    return ((actual - estimate) / estimate * 100).quantize(PCT, rounding=ROUND_HALF_UP)


def _flag(estimate: Decimal, actual: Decimal, threshold: Decimal, min_delta: Decimal) -> str | None:
    delta = actual - estimate
    if abs(delta) < min_delta or delta == 0:
        return None
    pct = _pct(estimate, actual)
    if pct is not None and abs(pct) <= threshold:
        return None
    return "over" if delta > 0 else "under"


_INSTANCE = re.compile(r"(?:BoxUsage|SpotUsage|DedicatedUsage):([a-z0-9]+\.[a-z0-9]+)")


def _line_variances(m: Mapping, threshold: Decimal, min_delta: Decimal) -> list[Variance]:
    out = []
    for g in m.groups.values():
        act = g.actual_usd
        flag = _flag(g.estimate_usd, act, threshold, min_delta)
        extra = ""
        if g.id.startswith("ec2:nodes"):
            types = sorted({t for ut in g.usage_types for t in _INSTANCE.findall(ut)})
            if types:
                extra = f"billed instance types: {', '.join(types)}"
        h = hint(g.id, g.estimate_usd, act, g.estimate_quantity, g.actual_quantity, g.unit, extra) if flag else ""
        out.append(Variance(g.id, g.service, g.label, g.estimate_usd, act, act - g.estimate_usd,
                            _pct(g.estimate_usd, act), flag, h, g.unit, g.estimate_quantity, g.actual_quantity,
                            tuple(g.usage_types)))
    return out


def _service_variances(lines: list[Variance], unmatched: list[Unmatched], threshold: Decimal,
                       min_delta: Decimal) -> list[Variance]:
    est: dict[str, Decimal] = {}
    act: dict[str, Decimal] = {}
    extra: dict[str, Decimal] = {}
    flagged: dict[str, list[str]] = {}
    for v in lines:
        est[v.service] = est.get(v.service, ZERO) + v.estimate_usd
        act[v.service] = act.get(v.service, ZERO) + v.actual_usd
        if v.flag:
            flagged.setdefault(v.service, []).append(v.label.split(": ", 1)[-1])
    for u in unmatched:
        s = u.line.service
        est.setdefault(s, ZERO)
        act[s] = act.get(s, ZERO) + u.line.cost_usd
        extra[s] = extra.get(s, ZERO) + u.line.cost_usd
    out = []
    for s in sorted(est, key=lambda k: (-max(est[k], act[k]), k)):
        e, a = est[s], act[s]
        flag = _flag(e, a, threshold, min_delta)
        parts = []
        if e == 0 and a != 0:
            parts.append("service not in the estimate")
        if flagged.get(s):
            parts.append("flagged: " + "; ".join(flagged[s]))
        if extra.get(s) and e != 0:
            parts.append(f"includes ${extra[s]:,.2f} of usage types not in the estimate")
        out.append(Variance(s, s, s, e, a, a - e, _pct(e, a), flag, ", ".join(parts) if flag or parts else ""))
    return out


def _by_service_only(est: Estimate, actuals: Actuals, threshold: Decimal, min_delta: Decimal) -> Mapping:
    """Console CSV (no usage types): one pseudo review line per service."""
    from review.mapping import NOT_BILLED_BY_AWS, ReviewGroup
    groups: dict[str, ReviewGroup] = {}
    excluded = []
    for ln in est.lines:
        if ln.ce_service == NOT_BILLED_BY_AWS:
            excluded.append(ln)
            continue
        g = groups.setdefault(ln.ce_service, ReviewGroup(ln.ce_service, ln.ce_service, ln.ce_service, "", ZERO,
                                                         ZERO, ()))
        g.estimate_usd += ln.monthly_usd
    unmatched, adjustments = [], []
    for a in actuals.lines:
        if a.kind != "usage":
            adjustments.append(a)
        elif a.service in groups:
            groups[a.service].actual.append(a)
        else:
            unmatched.append(Unmatched(a, "service not in the estimate"))
    for g in groups.values():
        g.actual_quantity = None
    return Mapping(groups, excluded, unmatched, adjustments)


def build_review(est: Estimate, actuals: Actuals, threshold_pct: Decimal | float | str = DEFAULT_THRESHOLD_PCT,
                 min_delta_usd: Decimal | float | str = DEFAULT_MIN_DELTA_USD, observed: ObservedUsage | None = None,
                 catalog: Catalog | None = None, scenario_name: str | None = None) -> Review:
    """Compare one month's actuals with the estimate; re-size when observed usage is given.

    `scenario_name` names the review (default the scenario's own name; a saved scenario's name when given)."""
    threshold = Decimal(str(threshold_pct))
    min_delta = Decimal(str(min_delta_usd))
    if not (0 < threshold <= 1000):
        raise ValueError(f"--threshold: must be 0..1000 percent (exclusive of 0), got {threshold_pct}")
    if not (0 <= min_delta <= 1_000_000):
        raise ValueError(f"--min-delta: must be 0..1000000 USD, got {min_delta_usd}")
    if actuals.granularity == "service":
        m = _by_service_only(est, actuals, threshold, min_delta)
    else:
        m = map_actuals(est.lines, actuals.lines)
    lines = _line_variances(m, threshold, min_delta)
    if actuals.granularity == "service":
        services = [Variance(v.key, v.service, v.label, v.estimate_usd, v.actual_usd, v.delta_usd, v.delta_pct,
                             v.flag, v.hint or ("see the per-service hints of a CUR or API review" if v.flag else ""))
                    for v in lines]
        services += [Variance(u.line.service, u.line.service, u.line.service, ZERO, u.line.cost_usd,
                              u.line.cost_usd, None, _flag(ZERO, u.line.cost_usd, threshold, min_delta),
                              "service not in the estimate") for u in m.unmatched]
        services.sort(key=lambda v: (-max(v.estimate_usd, v.actual_usd), v.service))
        lines = services
    else:
        services = _service_variances(lines, m.unmatched, threshold, min_delta)
    estimate_usd = sum((g.estimate_usd for g in m.groups.values()), ZERO)
    usage = sum((v.actual_usd for v in services), ZERO)
    adjustments = tuple(m.adjustments)
    total = usage + sum((a.cost_usd for a in adjustments), ZERO)
    if total != actuals.total_usd:       # every actual line lands in exactly one place
        raise AssertionError(f"review does not reconcile: {total} != source {actuals.total_usd}")
    rec = None
    if observed is not None and not observed.empty:
        rec = recommend(est, observed, catalog)
    warnings = list(actuals.warnings)
    if actuals.excluded_untagged_usd:
        warnings.append(f"${actuals.excluded_untagged_usd:,.2f} of usage without the Project/Environment tags was "
                        f"left out (untagged resources: activate the tags as cost allocation tags)")
    if m.excluded:
        warnings.append(f"{len(m.excluded)} estimate line(s) are not billed by AWS and not compared: "
                        + ", ".join(f"{ln.service} {ln.item} ${ln.monthly_usd:,.2f}" for ln in m.excluded))
    if est.purchase_options and est.upfront_usd and actuals.basis != "amortized":
        warnings.append("the estimate assumes a savings plan paid (partly) upfront: compare with amortized cost (--basis "
                        "amortized) so the prepaid commitment is spread over the month")
    return Review(actuals.month, scenario_name or est.scenario.name, est.plan.tier, actuals, threshold, min_delta, estimate_usd,
                  total, usage, tuple(lines), tuple(services), tuple(m.unmatched), adjustments, tuple(m.excluded),
                  rec, tuple(warnings))


def _s(x: Decimal | None) -> str | None:
    return None if x is None else format(x, "f")


def _v(v: Variance, with_detail: bool) -> dict[str, Any]:
    d: dict[str, Any] = {"service": v.service, "item": v.label, "estimate_usd": _s(v.estimate_usd),
                         "actual_usd": _s(v.actual_usd), "delta_usd": _s(v.delta_usd), "delta_pct": _s(v.delta_pct),
                         "flag": v.flag, "hint": v.hint}
    if with_detail:
        d.update({"key": v.key, "unit": v.unit, "estimate_quantity": _s(v.estimate_quantity),
                  "actual_quantity": _s(v.actual_quantity), "usage_types": list(v.usage_types)})
    return d


def review_to_dict(r: Review) -> dict[str, Any]:
    """The review JSON document (money as decimal strings, exact)."""
    a = r.actuals
    return {
        "month": r.month,
        "scenario": r.scenario_name,
        "tier": r.tier,
        "source": {"kind": a.source, "name": a.source_name, "basis": a.basis, "granularity": a.granularity,
                   "rows_read": a.rows_read, "rows_used": a.rows_used, "source_total_usd": _s(a.source_total_usd),
                   "excluded_untagged_usd": _s(a.excluded_untagged_usd),
                   "excluded_other_tags_usd": _s(a.excluded_other_tags_usd)},
        "threshold_pct": _s(r.threshold_pct),
        "min_delta_usd": _s(r.min_delta_usd),
        "estimate_usd": _s(r.estimate_usd),
        "actual_usd": _s(r.actual_usd),
        "actual_usage_usd": _s(r.actual_usage_usd),
        "delta_usd": _s(r.delta_usd),
        "delta_pct": _s(r.delta_pct),
        "flags": len(r.flagged),
        "lines": [_v(v, True) for v in r.lines],
        "services": [_v(v, False) for v in r.services],
        "unmatched": [{"service": u.line.service, "usage_type": u.line.usage_type, "region": u.line.region,
                       "actual_usd": _s(u.line.cost_usd), "usage_amount": _s(u.line.usage_amount),
                       "reason": u.reason} for u in r.unmatched],
        "unmatched_usd": _s(r.unmatched_usd),
        "tax_and_credits": [{"kind": x.kind, "service": x.service, "detail": x.usage_type,
                             "account_level": x.account_level, "actual_usd": _s(x.cost_usd)} for x in r.adjustments],
        "tax_and_credits_by_kind": {k: _s(v) for k, v in sorted(r.adjustments_by_kind.items())},
        "tax_and_credits_usd": _s(r.tax_and_credits_usd),
        "not_billed_by_aws": [{"service": ln.service, "item": ln.item, "estimate_usd": _s(ln.monthly_usd)}
                              for ln in r.excluded],
        "recommended_tier": r.recommended_tier,
        "recommendation": recommendation_to_dict(r.recommendation) if r.recommendation else None,
        "warnings": list(r.warnings),
    }
