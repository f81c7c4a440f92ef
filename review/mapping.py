"""Actual lines -> the estimate's lines, by Cost Explorer service and usage-type pattern.

Estimate lines are grouped into review lines by their `bill_line` (pricing/services/ decides it):
lines priced by the same key are one review line (e.g. the base and the compliance KMS keys), EC2
nodes split into on-demand and spot whatever the instance type, Bedrock into input and output tokens
whatever the model. Each service module's bill rules say which usage types (after the region prefix,
e.g. `EUW1-`, is removed) feed which review line, and how to convert the billed usage amount into the
estimate's unit (`per_unit`, None when unknown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pricing.engine import CostLine
from pricing.services import EXTERNAL_CE, KEYS, bill_rules
from pricing.usage_types import usage_type
from review.model import USAGE, ZERO, ActualLine, split_usage_type

NOT_BILLED_BY_AWS = EXTERNAL_CE


def group_id(line: CostLine) -> str:
    """The review line an estimate line belongs to."""
    return line.bill_line


@dataclass(frozen=True, slots=True)
class Rule:
    group: str
    usage: re.Pattern[str]
    services: tuple[str, ...] | None = None   # Cost Explorer services it applies to (None: any)
    per_unit: Decimal | None = Decimal(1)     # billed usage amount x per_unit = the estimate's quantity unit


# First match wins: rules tied to a service before open ones (see pricing.services.bill_rules).
RULES: tuple[Rule, ...] = tuple(Rule(line, re.compile(r.usage), r.services, r.per_unit) for line, r in bill_rules())


@dataclass
class ReviewGroup:
    """One review line: the estimate lines it sums and the actual lines mapped to it."""

    id: str
    service: str                 # Cost Explorer service of the estimate lines
    label: str
    unit: str
    estimate_usd: Decimal
    estimate_quantity: Decimal
    price_keys: tuple[str, ...]
    actual: list[ActualLine] = field(default_factory=list)
    actual_quantity: Decimal | None = ZERO   # in the estimate's unit; None once a line without conversion joins

    @property
    def actual_usd(self) -> Decimal:
        return sum((a.cost_usd for a in self.actual), ZERO)

    @property
    def usage_types(self) -> list[str]:
        return sorted({a.usage_type for a in self.actual if a.usage_type})


@dataclass(frozen=True, slots=True)
class Unmatched:
    line: ActualLine
    reason: str


@dataclass
class Mapping:
    groups: dict[str, ReviewGroup]
    excluded: list[CostLine]           # estimate lines the AWS bill never carries (external LLM)
    unmatched: list[Unmatched]
    adjustments: list[ActualLine]      # tax, credits, refunds, savings plan fees, discounts


def estimate_groups(lines: tuple[CostLine, ...] | list[CostLine]) -> tuple[dict[str, ReviewGroup], list[CostLine]]:
    groups: dict[str, ReviewGroup] = {}
    excluded: list[CostLine] = []
    for ln in lines:
        if ln.ce_service == NOT_BILLED_BY_AWS:
            excluded.append(ln)
            continue
        gid = group_id(ln)
        g = groups.get(gid)
        if g is None:
            groups[gid] = ReviewGroup(gid, ln.ce_service, f"{ln.service}: {ln.item}", ln.unit, ln.monthly_usd,
                                      ln.quantity, (ln.price_key,) if ln.price_key else ())
        else:
            g.label += f" + {ln.item}"
            g.estimate_usd += ln.monthly_usd
            g.estimate_quantity += ln.quantity if ln.unit == g.unit else ZERO
            if ln.price_key and ln.price_key not in g.price_keys:
                g.price_keys += (ln.price_key,)
    return groups, excluded


def rule_for(line: ActualLine) -> Rule | None:
    """The first rule whose service and usage pattern fit the actual line."""
    base = split_usage_type(line.usage_type)[1]
    for r in RULES:
        if r.services is not None and line.service not in r.services:
            continue
        if r.usage.search(base):
            return r
    return None


def bill_line_of(key: str, region: str) -> str | None:
    """The review line the usage type of `key` in `region` (pricing/usage_types.py, the spelling the calculator export
    sends) is matched to, or None; tests/review/test_usage_type_rules.py checks it is the key's own bill line."""
    rule = rule_for(ActualLine(KEYS[key].ce, usage_type(key, region), USAGE, ZERO))
    return None if rule is None else rule.group


def map_actuals(estimate_lines: tuple[CostLine, ...], actual: tuple[ActualLine, ...]) -> Mapping:
    """Attach every actual line to a review line, the adjustments, or the unmatched list; none is dropped."""
    groups, excluded = estimate_groups(estimate_lines)
    unmatched: list[Unmatched] = []
    adjustments: list[ActualLine] = []
    for a in actual:
        if a.kind != USAGE:
            adjustments.append(a)
            continue
        rule = rule_for(a)
        if rule is None:
            unmatched.append(Unmatched(a, "no estimate line for this usage type"))
            continue
        g = groups.get(rule.group)
        if g is None:
            unmatched.append(Unmatched(a, f"the estimate has no {rule.group} line"))
            continue
        g.actual.append(a)
        if g.actual_quantity is not None:
            if rule.per_unit is None or a.usage_amount is None:
                g.actual_quantity = None
            else:
                g.actual_quantity += a.usage_amount * rule.per_unit
    return Mapping(groups, excluded, unmatched, adjustments)
