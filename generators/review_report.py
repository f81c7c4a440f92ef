"""The monthly review as files: CSV, self-contained HTML (plotly inline, works offline) and PDF.

The HTML is `cdk_out_templates/report/review.html.j2` rendered with autoescape and StrictUndefined; its
charts are the shared chart functions (generators/charts.py); money and percentages are formatted by
generators/report_model.py, like the page and the cost report.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import jinja2
import plotly.graph_objects as go
from markupsafe import Markup

from generators.report_model import pct_delta, plain_decimal, usd
from generators.report_pdf import TextPDF
from generators.safe_text import csv_cell
from review.variance import Review, Variance

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "cdk_out_templates" / "report"
CSV_COLUMNS = ("section", "service", "item", "estimate_usd", "actual_usd", "delta_usd", "delta_pct", "flag", "hint")
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), undefined=jinja2.StrictUndefined,
                          autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=True))


def _money(x) -> str:  # type: ignore[no-untyped-def]
    return usd(x, none="")


# --- CSV ------------------------------------------------------------------------------------------

def review_csv(r: Review) -> str:
    """One table: lines, services, unmatched spend and tax/credits, told apart by `section`."""
    f = plain_decimal
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for section, rows in (("line", r.lines), ("service", r.services)):
        for v in rows:
            w.writerow([section, csv_cell(v.service), csv_cell(v.label), f(v.estimate_usd), f(v.actual_usd),
                        f(v.delta_usd), f(v.delta_pct), v.flag or "", csv_cell(v.hint)])
    for u in r.unmatched:
        w.writerow(["unmatched", csv_cell(u.line.service), csv_cell(u.line.usage_type), "0", f(u.line.cost_usd),
                    f(u.line.cost_usd), "", "", csv_cell(u.reason)])
    for a in r.adjustments:
        w.writerow([f"tax_and_credits:{a.kind}", csv_cell(a.service), csv_cell(a.usage_type), "", f(a.cost_usd), "",
                    "", "", "account level" if a.account_level else ""])
    w.writerow(["total", "", "estimate vs actual usage", f(r.estimate_usd), f(r.actual_usage_usd), f(r.delta_usd),
                f(r.delta_pct), "", ""])
    w.writerow(["total", "", "billed (incl. tax and credits)", "", f(r.actual_usd), "", "", "", ""])
    return buf.getvalue()


# --- HTML -----------------------------------------------------------------------------------------

def review_html(r: Review, figures: Sequence[go.Figure] = ()) -> str:
    """A self-contained HTML page (plotly.js inline once, so it opens offline)."""
    divs = [Markup(f.to_html(include_plotlyjs=(i == 0), full_html=False, div_id=f"review-chart-{i}"))
            for i, f in enumerate(figures)]
    return _ENV.get_template("review.html.j2").render(r=r, rec=r.recommendation, figures=divs, money=_money,
                                                      pct=pct_delta, threshold=r.threshold_pct)


# --- PDF ------------------------------------------------------------------------------------------

class _ReviewPDF(TextPDF):
    """Landscape A4."""

    def __init__(self) -> None:
        super().__init__("L")
        self.set_auto_page_break(True, margin=12)

    def para(self, text: str, size: float, height: float, style: str = "") -> None:
        self.set_font(self.family, style, size)
        self.multi_cell(0, height, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def table_of(self, title: str, head: Sequence[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        """A titled table; nothing at all when there are no rows."""
        if not rows:
            return
        self.ln(2)
        self.set_font(self.family, "B", 11)
        self.cell(0, 7, self.t(title), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 7.5)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4) as tb:
            tb.row([self.t(h) for h in head])
            for row in rows:
                tb.row([self.t(c) for c in row])


def _headline(r: Review) -> str:
    return (f"Source {r.actuals.source} ({r.actuals.source_name}), {r.actuals.basis} cost. Estimate "
            f"{_money(r.estimate_usd)}, actual usage {_money(r.actual_usage_usd)}, difference "
            f"{_money(r.delta_usd)} ({pct_delta(r.delta_pct)}); tax, credits and fees "
            f"{_money(r.tax_and_credits_usd)}; total billed {_money(r.actual_usd)}. Tier {r.tier}, "
            f"recommended {r.recommended_tier}. {len(r.flagged)} line(s) beyond {r.threshold_pct}%.")


def _variance_rows(vs: Sequence[Variance], label: bool) -> list[list[str]]:
    return [[v.label if label else v.service, _money(v.estimate_usd), _money(v.actual_usd), _money(v.delta_usd),
             pct_delta(v.delta_pct), v.flag or "", v.hint] for v in vs]


def _variance_tables(pdf: _ReviewPDF, r: Review) -> None:
    head = ["Line", "Estimate", "Actual", "Δ USD", "Δ %", "Flag", "Hint"] if pdf.unicode else \
        ["Line", "Estimate", "Actual", "Delta USD", "Delta %", "Flag", "Hint"]
    widths = (70, 22, 22, 22, 16, 12, 103)
    pdf.table_of("Flagged lines", head, _variance_rows(r.flagged, True), widths)
    pdf.table_of("By service", ["Service", *head[1:6], "Note"], _variance_rows(r.services, False), widths)
    pdf.table_of("All lines", head, _variance_rows(r.lines, True), widths)


def _other_tables(pdf: _ReviewPDF, r: Review) -> None:
    pdf.table_of(f"Spend not in the estimate ({_money(r.unmatched_usd)})", ["Service", "Usage type", "Actual", "Reason"],
                 [[u.line.service, u.line.usage_type, _money(u.line.cost_usd), u.reason] for u in r.unmatched],
                 (80, 80, 30, 97))
    pdf.table_of(f"Tax, credits and fees ({_money(r.tax_and_credits_usd)})", ["Kind", "Service", "Detail", "Amount"],
                 [[a.kind, a.service, a.usage_type + (" (account level)" if a.account_level else ""),
                   _money(a.cost_usd)] for a in r.adjustments], (40, 90, 110, 47))
    rec = r.recommendation
    if rec:
        pdf.table_of(f"Recommendation: {rec.recommended_tier} (now {rec.current_tier}); new monthly estimate "
                     f"{_money(rec.new_monthly_usd)}", ["What", "Before", "After"],
                     [[f"observed {c.what}", c.before, c.after] for c in rec.scenario_changes]
                     + [[c.what, c.before, c.after] for c in rec.plan_changes], (100, 90, 97))


def review_pdf(r: Review) -> bytes:
    """The review as a PDF: headline, flagged lines, services, unmatched, tax and credits, recommendation."""
    pdf = _ReviewPDF()
    pdf.add_page()
    pdf.para(f"Monthly review {r.month}: {r.scenario_name}", 15, 8, "B")
    pdf.para(_headline(r), 9, 5)
    _variance_tables(pdf, r)
    _other_tables(pdf, r)
    for w in r.warnings:
        pdf.para(f"warning: {w}", 8, 4)
    return bytes(pdf.output())
