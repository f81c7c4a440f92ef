"""Plain data behind the Estimate page's tables and charts (no Streamlit; cached by the page)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sizing.profiles import TIERS
from sizing.scenario import Scenario

if TYPE_CHECKING:
    from pricing.catalog import Catalog
    from pricing.engine import Estimate

MAX_USERS = Scenario.model_fields["concurrent_users"].metadata[1].le   # 1,000,000
PROJECTION_MONTHS = 12
# Users at which the cost curve is evaluated: a log-ish grid plus both sides of every tier boundary.
CURVE_GRID: tuple[int, ...] = (10, 25, 50, 100, 175, 250, 350, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500,
                               10_000, 15_000, 25_000, 50_000, 100_000)


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


def _with_users(s: Scenario, users: int) -> Scenario:
    return s.model_copy(update={"concurrent_users": max(1, min(MAX_USERS, users))})


def curve_users(users: int) -> list[int]:
    """Grid of user counts for the cost curve: CURVE_GRID, each tier's lower edge - 1, up to 2x the scenario."""
    top = max(CURVE_GRID[-1], 2 * users)
    points = set(CURVE_GRID) | {users, min(MAX_USERS, top)}
    points |= {t.min_users - 1 for t in TIERS if t.min_users > 1}
    return sorted(u for u in points if 1 <= u <= min(MAX_USERS, top))


def cost_curve(s: Scenario, catalog: "Catalog") -> list[CurvePoint]:
    """Monthly total against concurrent users, every other input held."""
    from pricing.engine import estimate
    out = []
    for u in curve_users(s.concurrent_users):
        e = estimate(_with_users(s, u), catalog)
        out.append(CurvePoint(u, float(e.monthly_usd), e.plan.tier))
    return out


def projection(s: Scenario, catalog: "Catalog", months: int = PROJECTION_MONTHS) -> list[ProjectionRow]:
    """Users growing by growth_pct_per_month, re-sized and re-priced each month."""
    from pricing.engine import estimate
    rows: list[ProjectionRow] = []
    total = Decimal(0)
    factor = 1 + s.growth_pct_per_month / 100
    for m in range(1, months + 1):
        users = round(s.concurrent_users * factor ** (m - 1))
        e = estimate(_with_users(s, users), catalog)
        total += e.monthly_usd + (e.upfront_usd if m == 1 else Decimal(0))
        rows.append(ProjectionRow(m, e.scenario.concurrent_users, e.plan.tier, float(e.monthly_usd), float(total)))
    return rows


def service_totals(est: "Estimate") -> list[tuple[str, float]]:
    """Monthly USD per AWS service (incl. the LLM), largest first."""
    by: dict[str, Decimal] = {}
    for ln in est.lines:
        by[ln.service] = by.get(ln.service, Decimal(0)) + ln.monthly_usd
    return sorted(((k, float(v)) for k, v in by.items()), key=lambda kv: (-kv[1], kv[0]))


def split_totals(est: "Estimate") -> list[tuple[str, float]]:
    """Infrastructure (without compliance), compliance controls and LLM: the three parts of the bill."""
    return [("Infrastructure", float(est.infrastructure_usd - est.compliance_usd)),
            ("Compliance controls", float(est.compliance_usd)), ("LLM", float(est.llm_usd))]


def bom_rows(est: "Estimate") -> list[dict[str, object]]:
    """Bill of materials rows for a table."""
    return [{"Service": ln.service, "Item": ln.item, "Quantity": float(ln.quantity), "Unit": ln.unit,
             "Unit USD": float(ln.unit_usd), "Monthly USD": float(ln.monthly_usd), "Category": ln.category,
             "Note": ln.note} for ln in est.lines]
