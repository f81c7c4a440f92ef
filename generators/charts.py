"""Report data series and the plotly figures built from them (one place for the report and the UI).

The series re-run the cost engine for other user counts with every other input unchanged: the
cost curve across the tier bands and a 12-month projection at the scenario's growth rate. Figures
carry no user-supplied text (names stay out of chart JSON), only numbers and fixed labels.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

from pricing.catalog import Catalog, load_snapshot
from pricing.engine import Estimate, estimate
from sizing.profiles import TIERS
from sizing.scenario import PurchaseOption, Scenario


def _field_max(name: str) -> int:
    """Upper bound (`le`) of a Scenario field, read from its constraints."""
    return next(m.le for m in Scenario.model_fields[name].metadata if getattr(m, "le", None) is not None)


MAX_USERS = _field_max("concurrent_users")
CURVE_POINTS = 12
PROJECTION_MONTHS = 12
CURVE_MIN_USERS = 50
CURVE_MAX_USERS = 20_000

COLORS = {"infrastructure": "#1f77b4", "compliance": "#9467bd", "llm": "#ff7f0e", "total": "#2ca02c",
          "marker": "#d62728", "monthly": "#1f77b4", "upfront": "#8c564b", "first_year": "#17becf"}
TIER_COLORS = {"Small": "#e8f4ea", "Medium": "#e6eef8", "Large": "#fdf1e3", "Enterprise": "#f6e7f0"}
OPTION_LABELS = {
    PurchaseOption.on_demand.value: "On-demand",
    PurchaseOption.savings_plan_1y_no_upfront.value: "Savings Plan 1y, no upfront",
    PurchaseOption.savings_plan_1y_all_upfront.value: "Savings Plan 1y, all upfront",
    PurchaseOption.savings_plan_3y_no_upfront.value: "Savings Plan 3y, no upfront",
    PurchaseOption.savings_plan_3y_all_upfront.value: "Savings Plan 3y, all upfront",
}


@dataclass(frozen=True, slots=True)
class BomRow:
    """One bill-of-materials row (a cost line with text fields never None)."""

    service: str
    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal
    price_key: str
    ce_service: str
    category: str
    control: str
    note: str


@dataclass(frozen=True, slots=True)
class CostPoint:
    """The estimate re-run for one user count (cost curve) or one month (projection)."""

    users: int
    monthly_usd: Decimal
    infrastructure_usd: Decimal
    llm_usd: Decimal
    tier: str
    month: int = 0


@dataclass(frozen=True, slots=True)
class ReportSeries:
    """Everything the charts need beyond the estimate itself."""

    curve: tuple[CostPoint, ...]
    projection: tuple[CostPoint, ...]


def fmt_usd(x: Decimal) -> str:
    """Money as the report shows it: `$12,345.67` (`-$1.00` when negative)."""
    x = Decimal(x)
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def bom_rows(est: Estimate) -> list[BomRow]:
    """The estimate's cost lines as BOM rows; they sum to `est.monthly_usd` (checked, not assumed)."""
    rows = [BomRow(ln.service, ln.item, ln.quantity, ln.unit, ln.unit_usd, ln.monthly_usd, ln.price_key or "",
                   ln.ce_service, ln.category, ln.control or "", ln.note) for ln in est.lines]
    total = sum((r.monthly_usd for r in rows), Decimal(0))
    if total != est.monthly_usd:
        raise ValueError(f"estimate: the cost lines sum to {total} but monthly_usd is {est.monthly_usd}; "
                         "a report would not add up")
    return rows


def cost_by_service(est: Estimate) -> "OrderedDict[str, Decimal]":
    """Monthly cost per service, largest first (sums to `est.monthly_usd`)."""
    totals: dict[str, Decimal] = {}
    for r in bom_rows(est):
        totals[r.service] = totals.get(r.service, Decimal(0)) + r.monthly_usd
    return OrderedDict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def cost_split(est: Estimate) -> "OrderedDict[str, Decimal]":
    """Monthly cost as infrastructure (without compliance), compliance controls and LLM tokens."""
    split = OrderedDict((("Infrastructure", Decimal(0)), ("Compliance controls", Decimal(0)),
                         ("LLM tokens", Decimal(0))))
    names = {"infrastructure": "Infrastructure", "compliance": "Compliance controls", "llm": "LLM tokens"}
    for r in bom_rows(est):
        split[names.get(r.category, "Infrastructure")] += r.monthly_usd
    return split


def resolve_catalog(est: Estimate, catalog: Catalog | None) -> Catalog:
    """The catalog the estimate was priced with (checked by checksum), so re-runs use the same prices."""
    cat = catalog or load_snapshot()
    if cat.header.checksum != est.prices_checksum:
        raise ValueError(f"catalog: the estimate was priced with snapshot {est.prices_checksum}, but the catalog "
                         f"given is {cat.header.checksum}; pass the catalog used for the estimate")
    return cat


def _point(e: Estimate, month: int = 0) -> CostPoint:
    return CostPoint(e.scenario.concurrent_users, e.monthly_usd, e.infrastructure_usd, e.llm_usd, e.plan.tier,
                     month)


def _with_users(s: Scenario, users: int) -> Scenario:
    return s.model_copy(update={"concurrent_users": max(1, min(MAX_USERS, users))})


def curve_user_counts(users: int, points: int = CURVE_POINTS) -> list[int]:
    """`points` user counts spaced evenly on a log scale, both sides of every tier boundary inside that range
    (so the chart shows each tier's step), and `users` itself."""
    lo = min(CURVE_MIN_USERS, users)
    hi = min(MAX_USERS, max(CURVE_MAX_USERS, users * 2))
    ratio = (hi / lo) ** (1 / (points - 1))
    counts = {int(round(lo * ratio ** i)) for i in range(points)} | {users}
    counts |= {u for t in TIERS if t.min_users > 1 for u in (t.min_users - 1, t.min_users) if lo <= u <= hi}
    return sorted(counts)


def projection_users(users: int, growth_pct: float, months: int = PROJECTION_MONTHS) -> list[int]:
    """Users in months 1..`months`: month 1 is today's count, then compound growth per month."""
    return [max(1, min(MAX_USERS, int(round(users * (1 + growth_pct / 100) ** m)))) for m in range(months)]


def build_series(est: Estimate, catalog: Catalog | None = None) -> ReportSeries:
    """Re-estimate for the cost curve and the 12-month projection (about 1 ms per estimate)."""
    cat = resolve_catalog(est, catalog)
    s = est.scenario
    cache: dict[int, Estimate] = {s.concurrent_users: est}

    def at(users: int) -> Estimate:
        if users not in cache:
            cache[users] = estimate(_with_users(s, users), cat)
        return cache[users]

    curve = tuple(_point(at(u)) for u in curve_user_counts(s.concurrent_users))
    proj = tuple(_point(at(u), m + 1) for m, u in enumerate(projection_users(s.concurrent_users,
                                                                                  s.growth_pct_per_month)))
    return ReportSeries(curve, proj)


# --- figures ------------------------------------------------------------------------------------

def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01}, height=height, template="plotly_white",
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, font={"size": 12},
                      legend={"orientation": "h", "y": -0.18})
    return fig


def _f(x: Decimal) -> float:
    return float(x)


def fig_cost_by_service(est: Estimate) -> go.Figure:
    """Horizontal bars: monthly cost per AWS service (and the LLM), largest on top."""
    data = cost_by_service(est)
    names = list(reversed(data.keys()))
    values = [_f(data[n]) for n in names]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=COLORS["infrastructure"],
                           text=[fmt_usd(data[n]) for n in names], textposition="auto",
                           hovertemplate="%{y}: $%{x:,.2f}/month<extra></extra>", name="Monthly cost"))
    fig.update_xaxes(title_text="USD per month", tickprefix="$", separatethousands=True)
    return _layout(fig, "Monthly cost by service", height=max(320, 26 * len(names) + 110))


def fig_cost_split(est: Estimate) -> go.Figure:
    """Donut: infrastructure, compliance controls and LLM tokens."""
    split = {k: v for k, v in cost_split(est).items() if v}
    colors = {"Infrastructure": COLORS["infrastructure"], "Compliance controls": COLORS["compliance"],
              "LLM tokens": COLORS["llm"]}
    fig = go.Figure(go.Pie(labels=list(split), values=[_f(v) for v in split.values()], hole=0.45, sort=False,
                           marker={"colors": [colors[k] for k in split]}, textinfo="label+percent",
                           hovertemplate="%{label}: $%{value:,.2f}/month<extra></extra>"))
    return _layout(fig, "Infrastructure vs LLM (monthly)", height=340)


def tier_band_name(t) -> str:
    """Legend name of a tier band, e.g. `Small tier (0-499 users)`."""
    upper = "+" if t.max_users is None else f"-{t.max_users - 1:,}"
    return f"{t.name} tier ({t.min_users:,}{upper} users)"


def fig_cost_vs_users(est: Estimate, series: ReportSeries) -> go.Figure:
    """Monthly cost against users (log-log) with the plan's tier bands shaded and this scenario marked."""
    pts = series.curve
    xs = [p.users for p in pts]
    totals = [_f(p.monthly_usd) for p in pts]
    infra = [_f(p.infrastructure_usd) for p in pts]
    x_lo, x_hi = min(xs), max(xs)
    y_lo = max(1.0, min(infra + totals) / 1.5)
    y_hi = max(infra + totals) * 1.5
    fig = go.Figure()
    for t in TIERS:
        a = max(t.min_users, x_lo)
        b = min(t.max_users if t.max_users is not None else x_hi, x_hi)
        if a >= b:
            continue
        fig.add_trace(go.Scatter(x=[a, b, b, a, a], y=[y_lo, y_lo, y_hi, y_hi, y_lo], fill="toself", mode="lines",
                                 line={"width": 0}, fillcolor=TIER_COLORS[t.name], name=tier_band_name(t),
                                 hoverinfo="skip", legendgroup="tiers"))
    tiers = [p.tier for p in pts]
    fig.add_trace(go.Scatter(x=xs, y=totals, mode="lines+markers", name="Total (with LLM)",
                             line={"color": COLORS["total"]}, customdata=tiers,
                             hovertemplate="%{x:,} users: $%{y:,.2f}/month (%{customdata})<extra></extra>"))
    if any(p.llm_usd for p in pts):
        fig.add_trace(go.Scatter(x=xs, y=infra, mode="lines+markers", name="Infrastructure",
                                 line={"color": COLORS["infrastructure"], "dash": "dash"}, customdata=tiers,
                                 hovertemplate="%{x:,} users: $%{y:,.2f}/month (%{customdata})<extra></extra>"))
    fig.add_trace(go.Scatter(x=[est.scenario.concurrent_users], y=[_f(est.monthly_usd)], mode="markers",
                             name="This scenario", marker={"color": COLORS["marker"], "size": 14, "symbol": "star"},
                             hovertemplate="this scenario: %{x:,} users, $%{y:,.2f}/month<extra></extra>"))
    fig.update_xaxes(type="log", title_text="Peak concurrent users (log scale)", dtick=1, separatethousands=True,
                     range=[math.log10(x_lo), math.log10(x_hi)])
    fig.update_yaxes(type="log", title_text="USD per month (log scale)", tickprefix="$", dtick=1,
                     separatethousands=True, range=[math.log10(y_lo), math.log10(y_hi)])
    return _layout(fig, "Monthly cost against users, with the plan's tier bands", height=430)


def fig_projection(est: Estimate, series: ReportSeries) -> go.Figure:
    """Stacked monthly bars (infrastructure, LLM) over 12 months of user growth."""
    pts = series.projection
    labels = [f"M{p.month}<br>{p.users:,}" for p in pts]
    infra = [_f(p.infrastructure_usd) for p in pts]
    llm = [_f(p.monthly_usd - p.infrastructure_usd) for p in pts]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=infra, name="Infrastructure", marker_color=COLORS["infrastructure"],
                         customdata=[p.tier for p in pts],
                         hovertemplate="%{x}: infrastructure $%{y:,.2f} (%{customdata})<extra></extra>"))
    if any(llm):
        fig.add_trace(go.Bar(x=labels, y=llm, name="LLM tokens", marker_color=COLORS["llm"],
                             hovertemplate="%{x}: LLM $%{y:,.2f}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="USD per month", tickprefix="$", separatethousands=True)
    fig.update_xaxes(title_text="Month and peak concurrent users")
    g = est.scenario.growth_pct_per_month
    return _layout(fig, f"12-month projection at {g:g}% user growth per month", height=400)


def fig_purchase_options(est: Estimate) -> go.Figure:
    """Grouped bars per purchase option: monthly, upfront and first-year cost."""
    chosen = est.scenario.purchase_option.value
    labels = [OPTION_LABELS.get(q.option, q.option) + (" (chosen)" if q.option == chosen else "")
              for q in est.purchase_options]
    fig = go.Figure()
    for attr, name in (("monthly_usd", "Monthly"), ("upfront_usd", "Upfront"), ("first_year_usd", "First year")):
        vals = [getattr(q, attr) for q in est.purchase_options]
        fig.add_trace(go.Bar(x=labels, y=[_f(v) for v in vals], name=name,
                             marker_color=COLORS[attr.removesuffix("_usd")],
                             hovertemplate="%{x}: " + name.lower() + " $%{y:,.2f}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="USD", tickprefix="$", separatethousands=True)
    return _layout(fig, "Purchase options compared", height=400)


def report_figures(est: Estimate, series: ReportSeries) -> "OrderedDict[str, go.Figure]":
    """All report charts, keyed by a stable id (used for HTML element ids and the PDF)."""
    return OrderedDict((
        ("cost-by-service", fig_cost_by_service(est)),
        ("infra-vs-llm", fig_cost_split(est)),
        ("cost-vs-users", fig_cost_vs_users(est, series)),
        ("projection", fig_projection(est, series)),
        ("purchase-options", fig_purchase_options(est)),
    ))
