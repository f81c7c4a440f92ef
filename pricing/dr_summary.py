"""The DR line group of an estimate: mode, DR Region and the month's cost of its lines (pricing/services/dr.py)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricing.engine import CostLine, Estimate
from pricing.services.dr import DR


@dataclass(frozen=True, slots=True)
class DrSummary:
    mode: str                    # none | backup-copy | warm-standby
    region: str | None           # the DR Region (None with dr: none)
    monthly_usd: Decimal         # the sum of the DR lines
    lines: tuple[CostLine, ...]


def dr_summary(e: Estimate) -> DrSummary:
    dr = e.plan.dr
    lines = tuple(ln for ln in e.lines if ln.category == DR)
    return DrSummary(mode=e.scenario.dr.value, region=dr.region if dr else None,
                     monthly_usd=sum((ln.monthly_usd for ln in lines), Decimal("0.00")), lines=lines)


def dr_doc(e: Estimate) -> dict[str, Any]:
    """The estimate JSON's `dr` block: {mode, region, monthly_usd} (money as a decimal string)."""
    s = dr_summary(e)
    return {"mode": s.mode, "region": s.region, "monthly_usd": str(s.monthly_usd)}
