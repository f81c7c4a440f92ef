"""The cost report: report.html (offline, plotly embedded), report.md, report.pdf, bom.csv, bom.xlsx.

`write_report(est, out_dir)` renders one `ReportDoc` (generators/report_content.py) into every
format, so they all show the same figures; the total is `est.monthly_usd` formatted `$12,345.67`
and the BOM rows (CSV/XLSX) sum to it exactly. User text is escaped per format: jinja2
autoescape for HTML, backslash escapes for Markdown, `csv_cell` for CSV/XLSX cells.
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font

from generators.charts import ReportSeries, bom_rows, build_series, report_figures
from generators.report_content import ReportDoc, build_report
from generators.safe_text import csv_cell
from pricing.catalog import Catalog
from pricing.engine import Estimate

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "cdk_out_templates" / "report"
REPORT_FILES = ("report.html", "report.md", "report.pdf", "bom.csv", "bom.xlsx")
BOM_COLUMNS = ("scenario", "client", "service", "item", "quantity", "unit", "unit_usd", "monthly_usd", "price_key",
               "ce_service", "category", "control", "note")
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


def _bom_records(est: Estimate) -> list[list[object]]:
    s = est.scenario
    return [[csv_cell(s.name), csv_cell(s.client), csv_cell(r.service), csv_cell(r.item), r.quantity, r.unit,
             r.unit_usd, r.monthly_usd, r.price_key, r.ce_service, r.category, r.control, csv_cell(r.note)]
            for r in bom_rows(est)]


def bom_csv(est: Estimate) -> str:
    """bom.csv: one row per BOM line (money as exact decimals), then a TOTAL row equal to the estimate."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(BOM_COLUMNS)
    w.writerows(_bom_records(est))
    total = [""] * len(BOM_COLUMNS)
    total[0], total[BOM_COLUMNS.index("monthly_usd")] = "TOTAL", est.monthly_usd
    w.writerow(total)
    return buf.getvalue()


def bom_xlsx(est: Estimate) -> bytes:
    """bom.xlsx: sheet 'Bill of materials' (lines + TOTAL) and sheet 'Inputs' (the scenario)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bill of materials"
    ws.append(list(BOM_COLUMNS))
    for c in ws[1]:
        c.font = Font(bold=True)
    money_cols = {BOM_COLUMNS.index("unit_usd") + 1: "#,##0.00###", BOM_COLUMNS.index("monthly_usd") + 1: "#,##0.00"}
    for rec in _bom_records(est):
        ws.append(rec)
    total_row = [""] * len(BOM_COLUMNS)
    total_row[0], total_row[BOM_COLUMNS.index("monthly_usd")] = "TOTAL", est.monthly_usd
    ws.append(total_row)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for col, fmt in money_cols.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for letter, width in zip("ABCDEFGHIJKLM", (24, 18, 16, 48, 12, 16, 12, 14, 32, 40, 14, 16, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    inputs = wb.create_sheet("Inputs")
    inputs.append(["field", "value"])
    for name, value in est.scenario.to_yaml_dict().items():
        if isinstance(value, list):
            value = ", ".join(value)
        inputs.append([name, csv_cell("" if value is None else value)])
    inputs.append(["prices_as_of", est.prices_as_of])
    inputs.append(["prices_source", csv_cell(est.prices_source)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- writing ------------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same directory and a rename."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
