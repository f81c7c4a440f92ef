"""Short explanations of a gap between a review line's estimate and its bill, by direction."""
from __future__ import annotations

from decimal import Decimal

from pricing.services import hints

HINTS: dict[str, tuple[str, str]] = hints()   # bill line -> (above the estimate, below it)


def hint(group: str, estimate_usd: Decimal, actual_usd: Decimal, estimate_qty: Decimal | None,
         actual_qty: Decimal | None, unit: str, extra: str = "") -> str:
    """The reason text for a flagged review line, with the usage ratio when both quantities are known."""
    if actual_usd == 0 and estimate_usd > 0:
        return ("not in the bill: the resource is not deployed, runs in another account/region, or lacks the "
                "Project/Environment tags")
    over, under = HINTS.get(group, ("actual above the estimate", "actual below the estimate"))
    text = over if actual_usd > estimate_usd else under
    if estimate_qty and actual_qty is not None and estimate_qty > 0:
        ratio = actual_qty / estimate_qty
        qty = f"usage {ratio:.1f}x plan ({actual_qty:,.1f} vs {estimate_qty:,.1f} {unit})"
        if Decimal("0.9") <= ratio <= Decimal("1.1"):
            text = f"usage as planned ({qty}); the unit price differs: region, price tier, discount or a price change"
        else:
            text = f"{text}; {qty}"
    return f"{text}; {extra}" if extra else text
