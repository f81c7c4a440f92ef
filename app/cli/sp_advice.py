"""Savings Plans advice in `review`: asked of Cost Explorer with --cost-explorer, a note for the offline sources."""
from __future__ import annotations

from typing import Any, Optional

from rich.console import Console

from app.cli.common import fail
from app.cli.tables import add_rows, table
from review.model import ActualsError
from review.sources.savings_plans import (
    OFFLINE_NOTE,
    SCOPE_NOTE,
    PlanAdvice,
    advice_to_dict,
    fetch_savings_plans_advice,
)

__all__ = ["advice_to_dict", "print_advice", "savings_plans_advice"]

TERMS = {"ONE_YEAR": "1 year", "THREE_YEARS": "3 years"}
TYPES = {"COMPUTE_SP": "Compute", "EC2_INSTANCE_SP": "EC2 Instance"}


def savings_plans_advice(cost_explorer: bool, profile: Optional[str], client: Any = None
                         ) -> Optional[tuple[PlanAdvice, ...]]:
    """The recommendations with --cost-explorer (AWS failures exit 1), else None."""
    if not cost_explorer:
        return None
    try:
        return fetch_savings_plans_advice(client, profile)
    except ActualsError as exc:
        raise fail(f"--cost-explorer: {exc}", 1) from None


def print_advice(advice: Optional[tuple[PlanAdvice, ...]]) -> None:
    out = Console()
    if advice is None:
        out.print(OFFLINE_NOTE, highlight=False)
        return
    money = ("Hourly commitment", "Saving / month", "Saving %", "Upfront")
    t = table(out, "Plan", "Term", *money, "Break-even", numeric=money,
              title="Savings Plans advice (no upfront, 30-day lookback)")
    out.print(add_rows(out, t, ((TYPES.get(a.plan_type, a.plan_type), TERMS.get(a.term, a.term),
                                 f"{a.hourly_commitment_usd:,.3f}", f"{a.monthly_saving_usd:,.2f}",
                                 f"{a.saving_pct:.1f}%", f"{a.upfront_usd:,.2f}", a.break_even) for a in advice)))
    out.print(f"Savings Plans advice is {SCOPE_NOTE}.", highlight=False)
