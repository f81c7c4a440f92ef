"""Every chart of the project, drawn once for the page, the cost report and the monthly review.

Each function takes a `theme`: `REPORT` (the report's look: plotly_white, wide margins; also what the
PDF draws) or `PAGE` (no named template, so Streamlit's theme applies; compact margins). The data and
the traces do not depend on the theme.

The figures are built as one plain dict and validated once by `go.Figure(spec)`. That is what keeps
them cheap enough for every rerun of the page: the old report figures took ~54 ms for four because
each `update_layout` / `update_xaxes` call re-validated the figure and the named template
`plotly_white` costs ~12 ms per figure to validate; without a named template the default is attached
unvalidated. Figures carry no user-supplied text (names stay out of chart JSON), only numbers and
fixed labels; the compare and review charts carry saved scenario names and AWS service names.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from generators.report_model import (
    ReportSeries,
    cost_by_service,
    cost_split,
    fmt_usd,
    option_label,
    tier_band_name,
)
from pricing.engine import Estimate
from sizing.profiles import TIERS

COLORS = {"infrastructure": "#1f77b4", "compliance": "#9467bd", "llm": "#ff7f0e", "total": "#2ca02c",
          "marker": "#d62728", "monthly": "#1f77b4", "upfront": "#8c564b", "first_year": "#17becf"}
TIER_COLORS = {"Small": "#e8f4ea", "Medium": "#e6eef8", "Large": "#fdf1e3", "Enterprise": "#f6e7f0"}


@dataclass(frozen=True, slots=True)
class Theme:
    """How a figure looks where it is shown; `height` (when set) replaces each figure's own height."""

    name: str
    template: str | None
    margin: dict[str, int]
    legend: dict[str, Any]
    font: dict[str, Any] = field(default_factory=dict)
    height: int | None = None


REPORT = Theme("report", "plotly_white", {"l": 60, "r": 20, "t": 50, "b": 50}, {"orientation": "h", "y": -0.18},
               {"size": 12})
# The page: each figure's own height; the legend hangs below the axis title (plotly grows the margin for it).
PAGE = Theme("page", None, {"l": 10, "r": 10, "t": 40, "b": 10}, {"orientation": "h", "yanchor": "top", "y": -0.3})


def _figure(theme: Theme, data: list[dict], heading: str, height: int, **layout: Any) -> go.Figure:
    """One validation pass over the whole figure (see the module docstring). Keys are in the order the
    report's figures always had (template first), so its HTML stays byte for byte the same."""
    lay: dict[str, Any] = {"template": theme.template} if theme.template else {}
    lay.update(layout)
    base = (("title", {"text": heading, "x": 0.01}), ("height", height), ("margin", theme.margin),
            ("font", theme.font), ("legend", theme.legend))
    for key, value in base:
        if value:
            lay.setdefault(key, value)
    return go.Figure({"data": data, "layout": lay})


def _height(theme: Theme, own: int) -> int:
    return own if theme.height is None else theme.height


def _f(x: Decimal) -> float:
    return float(x)


def _usd_axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "tickprefix": "$", "separatethousands": True, **extra}


# --- the estimate (page and report) ---------------------------------------------------------------

def fig_cost_by_service(est: Estimate, theme: Theme = REPORT) -> go.Figure:
    """Horizontal bars: monthly cost per AWS service (and the LLM), largest on top."""
    data = cost_by_service(est)
    names = list(reversed(data.keys()))
    bar = {"type": "bar", "x": [_f(data[n]) for n in names], "y": names, "orientation": "h",
           "marker": {"color": COLORS["infrastructure"]}, "text": [fmt_usd(data[n]) for n in names],
           "textposition": "auto", "hovertemplate": "%{y}: $%{x:,.2f}/month<extra></extra>", "name": "Monthly cost"}
    height = max(_height(theme, 320), 26 * len(names) + 110)
    return _figure(theme, [bar], "Monthly cost by service", height, xaxis=_usd_axis("USD per month"))


def fig_cost_split(est: Estimate, theme: Theme = REPORT) -> go.Figure:
    """Donut: infrastructure, compliance controls and LLM tokens (parts of $0 are left out)."""
    split = {k: v for k, v in cost_split(est).items() if v}
    colors = {"Infrastructure": COLORS["infrastructure"], "Compliance controls": COLORS["compliance"],
              "LLM tokens": COLORS["llm"]}
    pie = {"type": "pie", "labels": list(split), "values": [_f(v) for v in split.values()], "hole": 0.45,
           "sort": False, "marker": {"colors": [colors[k] for k in split]}, "textinfo": "label+percent",
           "hovertemplate": "%{label}: $%{value:,.2f}/month<extra></extra>"}
    return _figure(theme, [pie], "Infrastructure vs LLM (monthly)", _height(theme, 340))


def _tier_bands(x_lo: float, x_hi: float, y_lo: float, y_hi: float) -> list[dict]:
    bands = []
    for t in TIERS:
        a = max(t.min_users, x_lo)
        b = min(t.max_users if t.max_users is not None else x_hi, x_hi)
        if a < b:
            bands.append({"type": "scatter", "x": [a, b, b, a, a], "y": [y_lo, y_lo, y_hi, y_hi, y_lo],
                          "fill": "toself", "mode": "lines", "line": {"width": 0}, "fillcolor": TIER_COLORS[t.name],
                          "name": tier_band_name(t), "hoverinfo": "skip", "legendgroup": "tiers"})
    return bands


def fig_cost_vs_users(est: Estimate, series: ReportSeries, theme: Theme = REPORT) -> go.Figure:
    """Monthly cost against users (log-log) with the plan's tier bands shaded and this scenario marked."""
    pts = series.curve
    xs = [p.users for p in pts]
    totals = [_f(p.monthly_usd) for p in pts]
    infra = [_f(p.infrastructure_usd) for p in pts]
    x_lo, x_hi = min(xs), max(xs)
    y_lo = max(1.0, min(infra + totals) / 1.5)
    y_hi = max(infra + totals) * 1.5
    tiers = [p.tier for p in pts]
    hover = "%{x:,} users: $%{y:,.2f}/month (%{customdata})<extra></extra>"
    data = _tier_bands(x_lo, x_hi, y_lo, y_hi)
    data.append({"type": "scatter", "x": xs, "y": totals, "mode": "lines+markers", "name": "Total (with LLM)",
                 "line": {"color": COLORS["total"]}, "customdata": tiers, "hovertemplate": hover})
    if any(p.llm_usd for p in pts):
        data.append({"type": "scatter", "x": xs, "y": infra, "mode": "lines+markers", "name": "Infrastructure",
                     "line": {"color": COLORS["infrastructure"], "dash": "dash"}, "customdata": tiers,
                     "hovertemplate": hover})
    data.append({"type": "scatter", "x": [est.scenario.concurrent_users], "y": [_f(est.monthly_usd)],
                 "mode": "markers", "name": "This scenario",
                 "marker": {"color": COLORS["marker"], "size": 14, "symbol": "star"},
                 "hovertemplate": "this scenario: %{x:,} users, $%{y:,.2f}/month<extra></extra>"})
    xaxis = {"type": "log", "title": {"text": "Peak concurrent users (log scale)"}, "dtick": 1,
             "separatethousands": True, "range": [math.log10(x_lo), math.log10(x_hi)]}
    yaxis = {"type": "log", "title": {"text": "USD per month (log scale)"}, "tickprefix": "$", "dtick": 1,
             "separatethousands": True, "range": [math.log10(y_lo), math.log10(y_hi)]}
    return _figure(theme, data, "Monthly cost against users, with the plan's tier bands", _height(theme, 430),
                   xaxis=xaxis, yaxis=yaxis)


def fig_projection(est: Estimate, series: ReportSeries, theme: Theme = REPORT) -> go.Figure:
    """Stacked monthly bars (infrastructure, LLM) over 12 months of user growth."""
    pts = series.projection
    labels = [f"M{p.month}<br>{p.users:,}" for p in pts]
    llm = [_f(p.monthly_usd - p.infrastructure_usd) for p in pts]
    data = [{"type": "bar", "x": labels, "y": [_f(p.infrastructure_usd) for p in pts], "name": "Infrastructure",
             "marker": {"color": COLORS["infrastructure"]}, "customdata": [p.tier for p in pts],
             "hovertemplate": "%{x}: infrastructure $%{y:,.2f} (%{customdata})<extra></extra>"}]
    if any(llm):
        data.append({"type": "bar", "x": labels, "y": llm, "name": "LLM tokens", "marker": {"color": COLORS["llm"]},
                     "hovertemplate": "%{x}: LLM $%{y:,.2f}<extra></extra>"})
    g = est.scenario.growth_pct_per_month
    return _figure(theme, data, f"12-month projection at {g:g}% user growth per month", _height(theme, 400),
                   barmode="stack", yaxis=_usd_axis("USD per month"),
                   xaxis={"title": {"text": "Month and peak concurrent users"}})


def fig_purchase_options(est: Estimate, theme: Theme = REPORT) -> go.Figure:
    """Grouped bars per purchase option: monthly, upfront and first-year cost."""
    chosen = est.scenario.purchase_option.value
    labels = [option_label(q.option, chosen) for q in est.purchase_options]
    data = []
    for attr, name in (("monthly_usd", "Monthly"), ("upfront_usd", "Upfront"), ("first_year_usd", "First year")):
        data.append({"type": "bar", "x": labels, "y": [_f(getattr(q, attr)) for q in est.purchase_options],
                     "name": name, "marker": {"color": COLORS[attr.removesuffix("_usd")]},
                     "hovertemplate": "%{x}: " + name.lower() + " $%{y:,.2f}<extra></extra>"})
    return _figure(theme, data, "Purchase options compared", _height(theme, 400), barmode="group",
                   yaxis=_usd_axis("USD"))


def fig_drivers(est: Estimate, theme: Theme = REPORT, top: int = 10) -> go.Figure:
    """Tornado: the month's change from the expected total with each input at its low and at its high
    (the others at expected), largest swing on top; inputs that do not move the month are left out."""
    rows = [d for d in est.drivers if d.swing_usd][:top]
    names = [d.field for d in reversed(rows)]
    base = est.monthly_usd
    data = []
    for attr, value, label, color in (("low_usd", "low_value", "Input at its low", COLORS["infrastructure"]),
                                      ("high_usd", "high_value", "Input at its high", COLORS["llm"])):
        xs = [_f(getattr(d, attr) - base) for d in reversed(rows)]
        data.append({"type": "bar", "orientation": "h", "x": xs, "y": names, "name": label,
                     "marker": {"color": color}, "customdata": [getattr(d, value) for d in reversed(rows)],
                     "hovertemplate": "%{y} = %{customdata:,}: %{x:+$,.2f} vs expected<extra></extra>"})
    height = max(_height(theme, 320), 30 * len(names) + 120)
    return _figure(theme, data, f"What moves the month (vs the expected {fmt_usd(base)})", height, barmode="overlay",
                   xaxis=_usd_axis("Change in USD per month"), yaxis={"automargin": True})


def report_figures(est: Estimate, series: ReportSeries, theme: Theme = REPORT) -> "OrderedDict[str, go.Figure]":
    """All report charts, keyed by a stable id (used for HTML element ids and the PDF)."""
    return OrderedDict((
        ("drivers", fig_drivers(est, theme)),
        ("cost-by-service", fig_cost_by_service(est, theme)),
        ("infra-vs-llm", fig_cost_split(est, theme)),
        ("cost-vs-users", fig_cost_vs_users(est, series, theme)),
        ("projection", fig_projection(est, series, theme)),
        ("purchase-options", fig_purchase_options(est, theme)),
    ))


# --- compared scenarios (page) --------------------------------------------------------------------

def fig_compare(names: Sequence[str], services: Sequence[str], values: Sequence[Sequence[float]],
                theme: Theme = PAGE) -> go.Figure:
    """Grouped bars: monthly USD per service for each compared scenario (log scale: LLM dwarfs the rest)."""
    data = [{"type": "bar", "name": n, "x": list(services), "y": list(v),
             "hovertemplate": f"{n}<br>%{{x}}: $%{{y:,.2f}}<extra></extra>"} for n, v in zip(names, values)]
    return _figure(theme, data, "Monthly cost by service (log scale)", 420, barmode="group",
                   yaxis={"type": "log", "title": {"text": "USD per month"}})


# --- the monthly review (page and review report) --------------------------------------------------

def fig_review_services(r: Any, theme: Theme = PAGE, top: int = 12) -> go.Figure:
    """Estimate vs actual by service (largest first); `r` is a review.variance.Review."""
    rows = r.services[:top]
    names = [v.service for v in rows]
    data = [{"type": "bar", "name": "Estimate", "x": names, "y": [float(v.estimate_usd) for v in rows]},
            {"type": "bar", "name": "Actual", "x": names, "y": [float(v.actual_usd) for v in rows]}]
    title = f"Estimate vs actual by service, {r.month}"
    return _figure(theme, data, title, 420, barmode="group", title={"text": title},
                   yaxis={"title": {"text": "USD / month"}}, margin={"l": 40, "r": 20, "t": 50, "b": 120},
                   legend={"orientation": "h"})


def fig_review_trend(points: Sequence[Any], theme: Theme = PAGE, top: int = 6) -> go.Figure:
    """Estimate (dashed) and actual per service over months, plus the totals; `points` are TrendPoints
    (month, service, estimate_usd, actual_usd)."""
    months = sorted({p.month for p in points})
    totals: dict[str, float] = {}
    for p in points:
        totals[p.service] = totals.get(p.service, 0.0) + float(max(p.actual_usd, p.estimate_usd))
    services = sorted(totals, key=lambda s: -totals[s])[:top]
    data = []
    for label, attr, dash in (("Total actual", "actual_usd", "solid"), ("Total estimate", "estimate_usd", "dash")):
        ys = [float(sum((getattr(p, attr) for p in points if p.month == m), Decimal(0))) for m in months]
        data.append({"type": "scatter", "x": months, "y": ys, "name": label, "mode": "lines+markers",
                     "line": {"width": 3, "dash": dash}})
    for s in services:
        by = {p.month: p for p in points if p.service == s}
        data.append({"type": "scatter", "x": months, "y": [float(by[m].actual_usd) if m in by else None
                                                            for m in months],
                     "name": f"{s} actual", "mode": "lines+markers"})
    title = "Estimate vs actual over months"
    return _figure(theme, data, title, 420, title={"text": title}, yaxis={"title": {"text": "USD / month"}},
                   margin={"l": 40, "r": 20, "t": 50, "b": 40}, xaxis={"type": "category"})
