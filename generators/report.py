"""The cost report: report.html (offline, plotly embedded), report.md, report.pdf, bom.csv, bom.xlsx.

`write_report(est, out_dir)` renders one `ReportDoc` (generators/report_content.py) into every
format, so they all show the same figures; the total is `est.monthly_usd` formatted `$12,345.67`
and the BOM rows (CSV/XLSX) sum to it exactly. User text is escaped per format: jinja2
autoescape for HTML, backslash escapes for Markdown, `csv_cell` for CSV/XLSX cells.
"""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font

from generators.charts import report_figures
from generators.report_content import ReportDoc, build_report
from generators.report_model import BOM_COLUMNS, ReportSeries, bom_csv, bom_records, bom_total_record, build_series
from generators.safe_text import csv_cell
from pricing.catalog import Catalog
from pricing.engine import Estimate
from pricing.files import write_atomic
from sizing.ranges import ranges_text

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "cdk_out_templates" / "report"
REPORT_FILES = ("report.html", "report.md", "report.pdf", "bom.csv", "bom.xlsx")
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

# --- escaping -----------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_BLOCK_START = re.compile(r"^(\d*)([#+=>.)-])")


def md_text(value: object) -> str:
    """Escape text for a Markdown line or table cell: no HTML, links, emphasis, pipes or block starts."""
    text = " ".join(str(value).split())          # newlines (and tabs) would end a table row or a list item
    text = _MD_INLINE.sub(r"\\\1", text)
    # a leading '#', '-', '+', '>', '=' or '1.' / '1)' would start a heading, list or quote
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False) if autoescape else False,
        finalize=None if autoescape else md_text, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


_HTML_ENV = _env(True)
_MD_ENV = _env(False)


# --- renderers ----------------------------------------------------------------------------------

def _chart_order(doc: ReportDoc) -> list[str]:
    return [b.chart_id for s in doc.sections for b in s.blocks if b.kind == "chart"]


def render_html(doc: ReportDoc, figures: dict, prices_as_of: str) -> str:
    """Self-contained HTML: plotly.js is embedded once (in the first chart), no external script."""
    charts: dict[str, Markup] = {}
    for i, chart_id in enumerate(_chart_order(doc)):
        html = figures[chart_id].to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"chart-{chart_id}",
                                         config=PLOTLY_CONFIG)
        charts[chart_id] = Markup(html)      # plotly's own markup; the figures carry no user text
    return _HTML_ENV.get_template("report.html.j2").render(doc=doc, charts=charts, prices_as_of=prices_as_of)


def render_markdown(doc: ReportDoc, figures: dict) -> str:
    """Markdown with every interpolated value escaped (charts as captions; their data is in tables)."""
    titles = {k: f.layout.title.text for k, f in figures.items()}
    return _MD_ENV.get_template("report.md.j2").render(doc=doc, chart_titles=titles)


def _range_sheet(wb: Workbook, est: Estimate) -> None:
    """Sheet 'Range': p10/p50/p90 beside the expected total, then the drivers (none without a range)."""
    if est.range is None:
        return
    ws = wb.create_sheet("Range")
    r = est.range
    for row in (["figure", "monthly_usd"], ["p10", r.p10_usd], ["p50", r.p50_usd], ["p90", r.p90_usd],
                ["expected (the total)", est.monthly_usd], ["samples", r.samples], ["seed", r.seed], [],
                ["driver (input)", "low", "high", "monthly_usd at low", "monthly_usd at high"]):
        ws.append(row)
    for d in est.drivers:
        ws.append([d.field, d.low_value, d.high_value, d.low_usd, d.high_usd])
    ws.column_dimensions["A"].width = 34


def bom_xlsx(est: Estimate) -> bytes:
    """bom.xlsx: sheet 'Bill of materials' (lines + TOTAL) and sheet 'Inputs' (the scenario)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bill of materials"
    ws.append(list(BOM_COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    money_cols = {BOM_COLUMNS.index("unit_usd") + 1: "#,##0.00###", BOM_COLUMNS.index("monthly_usd") + 1: "#,##0.00"}
    for rec in bom_records(est):
        ws.append(rec)
    ws.append(bom_total_record(est))
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for col, fmt in money_cols.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for letter, width in zip("ABCDEFGHIJKLM", (24, 18, 16, 48, 12, 16, 12, 14, 32, 40, 14, 16, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _range_sheet(wb, est)
    inputs = wb.create_sheet("Inputs")
    inputs.append(["field", "value"])
    for name, value in est.scenario.to_yaml_dict().items():
        if isinstance(value, dict):
            value = ranges_text(value)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        inputs.append([name, csv_cell("" if value is None else value)])
    inputs.append(["prices_as_of", est.prices_as_of])
    inputs.append(["prices_source", csv_cell(est.prices_source)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- writing ------------------------------------------------------------------------------------

def write_report(est: Estimate, out_dir: Path, *, catalog: Catalog | None = None, today: date | None = None,
                 pdf_charts: str = "vector", series: ReportSeries | None = None) -> list[Path]:
    """Write the five report files into `out_dir` (created if missing); return their paths.

    `catalog` must be the one `est` was priced with (default: the active snapshot, checked by checksum);
    the cost curve and projection re-run the engine with it. `pdf_charts` is `vector` (drawn with fpdf2,
    fast, no browser) or `kaleido` (plotly static export through Chromium).
    """
    from generators.report_pdf import render_pdf  # fpdf2 is only loaded when a report is written

    series = series or build_series(est, catalog)
    doc = build_report(est, series, today)
    figures = report_figures(est, series)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    makers: dict[str, Callable[[], bytes | str]] = {
        "report.html": lambda: render_html(doc, figures, est.prices_as_of),
        "report.md": lambda: render_markdown(doc, figures),
        "report.pdf": lambda: render_pdf(doc, figures, chart_mode=pdf_charts),
        "bom.csv": lambda: bom_csv(est),
        "bom.xlsx": lambda: bom_xlsx(est),
    }
    return [write_atomic(out_dir / name, makers[name]()) for name in REPORT_FILES]
