"""Plain data behind the Estimate page's tables and charts (no Streamlit; cached by the page)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sizing.scenario import Scenario

if TYPE_CHECKING:
    from pricing.catalog import Catalog
    from pricing.engine import Estimate

@dataclass(frozen=True, slots=True)
class CurvePoint:
    users: int
    monthly_usd: float
    tier: str


@dataclass(frozen=True, slots=True)
class ProjectionRow:
    month: int            # 1 = the scenario as entered
    users: int
    tier: str
    monthly_usd: float
    cumulative_usd: float  # upfront of month 1 + every month's bill so far


def cost_curve(s: Scenario, catalog: "Catalog") -> list[CurvePoint]:
    """Monthly total against concurrent users (the report's grid, generators.charts), other inputs held."""
    from generators.charts import curve_user_counts
    from pricing.engine import estimate
    out = []
    for u in curve_user_counts(s.concurrent_users):
        e = estimate(s.model_copy(update={"concurrent_users": u}), catalog)
        out.append(CurvePoint(u, float(e.monthly_usd), e.plan.tier))
    return out


def projection(s: Scenario, catalog: "Catalog") -> list[ProjectionRow]:
    """Users growing by growth_pct_per_month (generators.charts.projection_users), re-sized and re-priced."""
    from generators.charts import projection_users
    from pricing.engine import estimate
    rows: list[ProjectionRow] = []
    total = Decimal(0)
    for m, users in enumerate(projection_users(s.concurrent_users, s.growth_pct_per_month), start=1):
        e = estimate(s.model_copy(update={"concurrent_users": users}), catalog)
        total += e.monthly_usd + (e.upfront_usd if m == 1 else Decimal(0))
        rows.append(ProjectionRow(m, users, e.plan.tier, float(e.monthly_usd), float(total)))
    return rows


def service_totals(est: "Estimate") -> list[tuple[str, float]]:
    """Monthly USD per AWS service (incl. the LLM), largest first (generators.charts.cost_by_service)."""
    from generators.charts import cost_by_service
    return [(k, float(v)) for k, v in cost_by_service(est).items()]


def split_totals(est: "Estimate") -> list[tuple[str, float]]:
    """Infrastructure (without compliance), compliance controls and LLM (generators.charts.cost_split)."""
    from generators.charts import cost_split
    return [(k, float(v)) for k, v in cost_split(est).items()]


def bom_rows(est: "Estimate") -> list[dict[str, object]]:
    """Bill of materials rows for a table."""
    return [{"Service": ln.service, "Item": ln.item, "Quantity": float(ln.quantity), "Unit": ln.unit,
             "Unit USD": float(ln.unit_usd), "Monthly USD": float(ln.monthly_usd), "Category": ln.category,
             "Note": ln.note} for ln in est.lines]
