"""Plotly figures of the Estimate page, built from plain data (app.ui_data) so they are cheap to redraw."""
from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from app.ui_data import CurvePoint, ProjectionRow
from sizing.profiles import TIERS

TIER_COLOURS: dict[str, str] = {"Small": "#2e7d32", "Medium": "#1565c0", "Large": "#ef6c00",
                                "Enterprise": "#6a1b9a"}
PART_COLOURS: dict[str, str] = {"Infrastructure": "#1565c0", "Compliance controls": "#8e24aa", "LLM tokens": "#ef6c00"}
# No named template: st.plotly_chart applies the Streamlit theme, and a template costs ~8 ms per figure.
LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), height=340)


def cost_by_service(services: Sequence[tuple[str, float]]) -> go.Figure:
    """Horizontal bars: monthly USD per AWS service, largest on top."""
    names = [s for s, _ in services][::-1]
    values = [v for _, v in services][::-1]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color="#1565c0",
                           text=[f"${v:,.0f}" for v in values], textposition="auto",
                           hovertemplate="%{y}: $%{x:,.2f}/month<extra></extra>"))
    fig.update_layout(title="Monthly cost by service", xaxis_title="USD per month", **LAYOUT)
    fig.update_layout(height=max(LAYOUT["height"], 24 * len(names) + 80))
    return fig


def infra_vs_llm(parts: Sequence[tuple[str, float]]) -> go.Figure:
    """Donut: infrastructure, compliance controls and LLM tokens (parts of $0 are left out)."""
    parts = [(p, v) for p, v in parts if v > 0]
    fig = go.Figure(go.Pie(labels=[p for p, _ in parts], values=[v for _, v in parts], hole=0.55, sort=False,
                           marker=dict(colors=[PART_COLOURS.get(p, "#999") for p, _ in parts]),
                           texttemplate="%{label}<br>$%{value:,.0f}", hovertemplate="%{label}: $%{value:,.2f}"
                           " (%{percent})<extra></extra>"))
    fig.update_layout(title="Infrastructure vs LLM", showlegend=False, **LAYOUT)
    return fig


def cost_vs_users(points: Sequence[CurvePoint], users: int, monthly_usd: float) -> go.Figure:
    """Monthly total against concurrent users (log scale) over the plan's tier bands; this scenario marked."""
    x_max = max(p.users for p in points) * 1.1
    shapes, notes = [], []
    for t in TIERS:
        lo = max(t.min_users, 1)
        hi = min(t.max_users or x_max, x_max)
        if hi <= lo:
            continue
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=lo, x1=hi, y0=0, y1=1, line_width=0,
                           fillcolor=TIER_COLOURS[t.name], opacity=0.08, layer="below"))
        notes.append(dict(xref="x", yref="paper", x=math.log10(lo), y=1, text=t.name, showarrow=False,
                          xanchor="left", yanchor="top", font=dict(color=TIER_COLOURS[t.name])))
    data = [
        go.Scatter(x=[p.users for p in points], y=[p.monthly_usd for p in points], mode="lines+markers",
                   name="monthly total", line=dict(color="#455a64"), customdata=[p.tier for p in points],
                   hovertemplate="%{x:,} users (%{customdata}): $%{y:,.0f}/month<extra></extra>"),
        go.Scatter(x=[users], y=[monthly_usd], mode="markers", name="this scenario",
                   marker=dict(size=14, color="#d32f2f", symbol="diamond"),
                   hovertemplate="this scenario: %{x:,} users, $%{y:,.2f}/month<extra></extra>"),
    ]
    layout = dict(title=dict(text="Cost against concurrent users"), shapes=shapes, annotations=notes,
                  xaxis=dict(title=dict(text="peak concurrent users (log)"), type="log"),
                  yaxis=dict(title=dict(text="USD per month")), legend=dict(orientation="h", y=-0.25), **LAYOUT)
    return go.Figure(data=data, layout=layout)


def projection_chart(rows: Sequence[ProjectionRow]) -> go.Figure:
    """12 months of growth: monthly bill (bars, coloured by tier) and the running total (line)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=[r.month for r in rows], y=[r.monthly_usd for r in rows], name="monthly bill",
                         marker_color=[TIER_COLOURS.get(r.tier, "#999") for r in rows],
                         customdata=[[r.users, r.tier] for r in rows],
                         hovertemplate="month %{x}: %{customdata[0]:,} users (%{customdata[1]}), "
                                       "$%{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[r.month for r in rows], y=[r.cumulative_usd for r in rows], name="running total",
                             yaxis="y2", mode="lines+markers", line=dict(color="#263238"),
                             hovertemplate="by month %{x}: $%{y:,.0f}<extra></extra>"))
    fig.update_layout(title="12-month projection with user growth", xaxis_title="month", yaxis_title="USD per month",
                      yaxis2=dict(title="running total USD", overlaying="y", side="right", showgrid=False),
                      legend=dict(orientation="h", y=-0.25), **LAYOUT)
    fig.update_xaxes(dtick=1)
    return fig


def compare_chart(names: Sequence[str], services: Sequence[str], values: Sequence[Sequence[float]]) -> go.Figure:
    """Grouped bars: monthly USD per service for each compared scenario (log scale: LLM dwarfs the rest)."""
    fig = go.Figure([go.Bar(name=n, x=list(services), y=list(v),
                            hovertemplate=f"{n}<br>%{{x}}: $%{{y:,.2f}}<extra></extra>")
                     for n, v in zip(names, values)])
    fig.update_layout(title="Monthly cost by service (log scale)", barmode="group", yaxis_type="log",
                      yaxis_title="USD per month",
                      legend=dict(orientation="h", y=-0.3), **{**LAYOUT, "height": 420})
    return fig
