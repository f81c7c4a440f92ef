"""Monthly review downloads and charts: CSV, self-contained HTML (plotly inline, works offline) and PDF."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go

from generators.safe_text import csv_cell
from review.variance import Review, Variance

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _f(x: Decimal | None) -> str:
    return "" if x is None else format(x, "f")


def _money(x: Decimal | None) -> str:
    return "" if x is None else f"${x:,.2f}"


def _pct(x: Decimal | None) -> str:
    return "n/a" if x is None else f"{x:+.1f}%"


def review_csv(r: Review) -> str:
    """One table: lines, services, unmatched spend and tax/credits, told apart by `section`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "service", "item", "estimate_usd", "actual_usd", "delta_usd", "delta_pct", "flag", "hint"])
    for section, rows in (("line", r.lines), ("service", r.services)):
        for v in rows:
            w.writerow([section, csv_cell(v.service), csv_cell(v.label), _f(v.estimate_usd), _f(v.actual_usd),
                        _f(v.delta_usd), _f(v.delta_pct), v.flag or "", csv_cell(v.hint)])
    for u in r.unmatched:
        w.writerow(["unmatched", csv_cell(u.line.service), csv_cell(u.line.usage_type), "0", _f(u.line.cost_usd),
                    _f(u.line.cost_usd), "", "", csv_cell(u.reason)])
    for a in r.adjustments:
        w.writerow([f"tax_and_credits:{a.kind}", csv_cell(a.service), csv_cell(a.usage_type), "", _f(a.cost_usd), "",
                    "", "", "account level" if a.account_level else ""])
    w.writerow(["total", "", "estimate vs actual usage", _f(r.estimate_usd), _f(r.actual_usage_usd), _f(r.delta_usd),
                _f(r.delta_pct), "", ""])
    w.writerow(["total", "", "billed (incl. tax and credits)", "", _f(r.actual_usd), "", "", "", ""])
    return buf.getvalue()


def service_chart(r: Review, top: int = 12) -> go.Figure:
    """Estimate vs actual by service (largest first)."""
    rows: Sequence[Variance] = r.services[:top]
    names = [v.service for v in rows]
    fig = go.Figure([go.Bar(name="Estimate", x=names, y=[float(v.estimate_usd) for v in rows]),
                     go.Bar(name="Actual", x=names, y=[float(v.actual_usd) for v in rows])])
    fig.update_layout(barmode="group", title=f"Estimate vs actual by service, {r.month}", yaxis_title="USD / month",
                      height=420, margin=dict(l=40, r=20, t=50, b=120), legend=dict(orientation="h"))
    return fig


def trend_chart(points: Sequence[Any], top: int = 6) -> go.Figure:
    """Estimate (dashed) and actual per service over months, plus the totals; `points` are TrendPoints."""
    months = sorted({p.month for p in points})
    totals: dict[str, float] = {}
    for p in points:
        totals[p.service] = totals.get(p.service, 0.0) + float(max(p.actual_usd, p.estimate_usd))
    services = sorted(totals, key=lambda s: -totals[s])[:top]
    fig = go.Figure()
    for label, attr, dash in (("Total actual", "actual_usd", "solid"), ("Total estimate", "estimate_usd", "dash")):
        fig.add_trace(go.Scatter(x=months, y=[float(sum((getattr(p, attr) for p in points if p.month == m),
                                                        Decimal(0))) for m in months],
                                 name=label, mode="lines+markers", line=dict(width=3, dash=dash)))
    for s in services:
        by = {p.month: p for p in points if p.service == s}
        fig.add_trace(go.Scatter(x=months, y=[float(by[m].actual_usd) if m in by else None for m in months],
                                 name=f"{s} actual", mode="lines+markers"))
    fig.update_layout(title="Estimate vs actual over months", yaxis_title="USD / month", height=420,
                      margin=dict(l=40, r=20, t=50, b=40), xaxis=dict(type="category"))
    return fig


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monthly review {{ r.month }}: {{ r.scenario_name }}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;vertical-align:top}td.n{text-align:right}
tr.over td{background:#fde8e8}tr.under td{background:#e8f0fd}.warn{color:#8a5a00}</style>
{{ plotly_js }}</head><body>
<h1>Monthly review {{ r.month }}: {{ r.scenario_name }}</h1>
<p>Source: {{ r.actuals.source }} ({{ r.actuals.source_name }}), {{ r.actuals.basis }} cost. Tier {{ r.tier }};
recommended tier {{ r.recommended_tier }}.</p>
<table><tr><th>Estimate</th><th>Actual usage</th><th>Difference</th><th>Tax, credits and fees</th><th>Total billed</th>
<th>Flags (beyond {{ threshold }}%)</th></tr><tr><td class="n">{{ money(r.estimate_usd) }}</td>
<td class="n">{{ money(r.actual_usage_usd) }}</td><td class="n">{{ money(r.delta_usd) }} ({{ pct(r.delta_pct) }})</td>
<td class="n">{{ money(r.tax_and_credits_usd) }}</td><td class="n">{{ money(r.actual_usd) }}</td>
<td class="n">{{ r.flagged|length }}</td></tr></table>
{% for fig in figures %}{{ fig }}{% endfor %}
<h2>Lines</h2>
<table><tr><th>Line</th><th>Estimate</th><th>Actual</th><th>Δ USD</th><th>Δ %</th><th>Flag</th><th>Hint</th></tr>
{% for v in r.lines %}<tr class="{{ v.flag or '' }}"><td>{{ v.label }}</td><td class="n">{{ money(v.estimate_usd) }}</td>
<td class="n">{{ money(v.actual_usd) }}</td><td class="n">{{ money(v.delta_usd) }}</td><td class="n">{{ pct(v.delta_pct) }}</td>
<td>{{ v.flag or '' }}</td><td>{{ v.hint }}</td></tr>{% endfor %}</table>
<h2>By service</h2>
<table><tr><th>Service</th><th>Estimate</th><th>Actual</th><th>Δ USD</th><th>Δ %</th><th>Flag</th><th>Note</th></tr>
{% for v in r.services %}<tr class="{{ v.flag or '' }}"><td>{{ v.service }}</td><td class="n">{{ money(v.estimate_usd) }}</td>
<td class="n">{{ money(v.actual_usd) }}</td><td class="n">{{ money(v.delta_usd) }}</td><td class="n">{{ pct(v.delta_pct) }}</td>
<td>{{ v.flag or '' }}</td><td>{{ v.hint }}</td></tr>{% endfor %}</table>
{% if r.unmatched %}<h2>Spend not in the estimate ({{ money(r.unmatched_usd) }})</h2>
<table><tr><th>Service</th><th>Usage type</th><th>Actual</th><th>Reason</th></tr>
{% for u in r.unmatched %}<tr><td>{{ u.line.service }}</td><td>{{ u.line.usage_type }}</td>
<td class="n">{{ money(u.line.cost_usd) }}</td><td>{{ u.reason }}</td></tr>{% endfor %}</table>{% endif %}
{% if r.adjustments %}<h2>Tax, credits and fees ({{ money(r.tax_and_credits_usd) }})</h2>
<table><tr><th>Kind</th><th>Service</th><th>Detail</th><th>Amount</th></tr>
{% for a in r.adjustments %}<tr><td>{{ a.kind }}</td><td>{{ a.service }}</td><td>{{ a.usage_type }}
{% if a.account_level %}(account level){% endif %}</td><td class="n">{{ money(a.cost_usd) }}</td></tr>{% endfor %}
</table>{% endif %}
{% if rec %}<h2>Recommendation: {{ rec.recommended_tier }} (now {{ rec.current_tier }})</h2>
<p>New monthly estimate {{ money(rec.new_monthly_usd) }} ({{ money(rec.monthly_delta_usd) }}).</p>
<ul>{% for c in rec.scenario_changes %}<li>observed {{ c.what }}: {{ c.before }} → {{ c.after }}</li>{% endfor %}
{% for c in rec.plan_changes %}<li>{{ c.what }}: {{ c.before }} → {{ c.after }}</li>{% endfor %}</ul>{% endif %}
{% for w in r.warnings %}<p class="warn">warning: {{ w }}</p>{% endfor %}
</body></html>
"""
_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_TEMPLATE = _ENV.from_string(_HTML)


def review_html(r: Review, figures: Sequence[go.Figure] = ()) -> str:
    """A self-contained HTML page (plotly.js inline once, so it opens offline)."""
    from markupsafe import Markup
    divs = [Markup(f.to_html(include_plotlyjs=(i == 0), full_html=False, div_id=f"review-chart-{i}"))
            for i, f in enumerate(figures)]
    js = Markup("")
    return _TEMPLATE.render(r=r, rec=r.recommendation, figures=divs, plotly_js=js, money=_money, pct=_pct,
                            threshold=r.threshold_pct)


def review_pdf(r: Review) -> bytes:
    """The review as a PDF: headline, flagged lines, services, unmatched, tax and credits, recommendation."""
    from fpdf import FPDF
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    family, uni = "Helvetica", False
    for d in FONT_DIRS:
        if (d / "DejaVuSans.ttf").is_file() and (d / "DejaVuSans-Bold.ttf").is_file():
            pdf.add_font("DejaVu", "", str(d / "DejaVuSans.ttf"))
            pdf.add_font("DejaVu", "B", str(d / "DejaVuSans-Bold.ttf"))
            family, uni = "DejaVu", True
            break
    t = (lambda s: str(s)) if uni else (lambda s: str(s).encode("latin-1", "replace").decode("latin-1"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(family, "B", 15)
    pdf.multi_cell(0, 8, t(f"Monthly review {r.month}: {r.scenario_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.multi_cell(0, 5, t(f"Source {r.actuals.source} ({r.actuals.source_name}), {r.actuals.basis} cost. Estimate "
                           f"{_money(r.estimate_usd)}, actual usage {_money(r.actual_usage_usd)}, difference "
                           f"{_money(r.delta_usd)} ({_pct(r.delta_pct)}); tax, credits and fees "
                           f"{_money(r.tax_and_credits_usd)}; total billed {_money(r.actual_usd)}. Tier {r.tier}, "
                           f"recommended {r.recommended_tier}. {len(r.flagged)} line(s) beyond {r.threshold_pct}%."),
                   new_x="LMARGIN", new_y="NEXT")

    def table(title: str, head: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        if not rows:
            return
        pdf.ln(2)
        pdf.set_font(family, "B", 11)
        pdf.cell(0, 7, t(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 7.5)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4) as tb:
            tb.row([t(h) for h in head])
            for row in rows:
                tb.row([t(c) for c in row])

    def vrows(vs: Sequence[Variance], label: bool) -> list[list[str]]:
        return [[v.label if label else v.service, _money(v.estimate_usd), _money(v.actual_usd), _money(v.delta_usd),
                 _pct(v.delta_pct), v.flag or "", v.hint] for v in vs]

    head = ["Line", "Estimate", "Actual", "Δ USD", "Δ %", "Flag", "Hint"] if uni else \
        ["Line", "Estimate", "Actual", "Delta USD", "Delta %", "Flag", "Hint"]
    widths = (70, 22, 22, 22, 16, 12, 103)
    table("Flagged lines", head, vrows(r.flagged, True), widths)
    table("By service", ["Service", *head[1:6], "Note"], vrows(r.services, False), widths)
    table("All lines", head, vrows(r.lines, True), widths)
    table(f"Spend not in the estimate ({_money(r.unmatched_usd)})", ["Service", "Usage type", "Actual", "Reason"],
          [[u.line.service, u.line.usage_type, _money(u.line.cost_usd), u.reason] for u in r.unmatched],
          (80, 80, 30, 97))
    table(f"Tax, credits and fees ({_money(r.tax_and_credits_usd)})", ["Kind", "Service", "Detail", "Amount"],
          [[a.kind, a.service, a.usage_type + (" (account level)" if a.account_level else ""), _money(a.cost_usd)]
           for a in r.adjustments], (40, 90, 110, 47))
    rec = r.recommendation
    if rec:
        table(f"Recommendation: {rec.recommended_tier} (now {rec.current_tier}); new monthly estimate "
              f"{_money(rec.new_monthly_usd)}", ["What", "Before", "After"],
              [[f"observed {c.what}", c.before, c.after] for c in rec.scenario_changes]
              + [[c.what, c.before, c.after] for c in rec.plan_changes], (100, 90, 97))
    for w in r.warnings:
        pdf.set_font(family, "", 8)
        pdf.multi_cell(0, 4, t(f"warning: {w}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
