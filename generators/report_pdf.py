"""report.pdf with fpdf2: the same sections as the HTML report, tables, and the charts.

Charts are vector drawings of the plotly figures (generators/pdf_charts.py) by default;
`chart_mode="kaleido"` embeds PNGs from plotly's static export through Chromium instead (needs
`/usr/bin/chromium` or BROWSER_PATH; ~3 s for the browser start on this machine).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import plotly.graph_objects as go
from fpdf import FPDF

from generators.pdf_charts import draw_figure
from generators.report_content import Block, ReportDoc, Table

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
CHART_MODES = ("vector", "kaleido")
CHART_HEIGHT_MM = 88.0
DEFAULT_BROWSER = "/usr/bin/chromium"


class ChartExportError(RuntimeError):
    """Static chart export through kaleido/Chromium failed."""


class TextPDF(FPDF):
    """A4 in mm with DejaVu Sans when installed, else Helvetica (latin-1 only); `t()` makes text drawable.
    The base of the cost report's and the monthly review's PDFs."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.unicode = add_fonts(self)
        self.family = "DejaVu" if self.unicode else "Helvetica"

    def t(self, text: object) -> str:
        """Text the font can draw (core fonts are latin-1 only)."""
        s = str(text)
        return s if self.unicode else s.encode("latin-1", "replace").decode("latin-1")


class _ReportPDF(TextPDF):
    def __init__(self, title: str) -> None:
        super().__init__("P")
        self.report_title = " ".join(title.split())
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 15, 15)
        self.set_title(self.t(title))
        self.set_creator("tiersizer")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(self.family, size=7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, self.t(f"{self.report_title}  -  page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def add_fonts(pdf: FPDF) -> bool:
    """Register DejaVu Sans (regular and bold) when installed; False means only latin-1 core fonts."""
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return True
    return False


def _heading(pdf: _ReportPDF, text: str, size: float) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", size)
    pdf.multi_cell(0, size * 0.5, pdf.t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(pdf.family, "", 9)


TABLE_FONT_PT = 7.5
LINE_MM = 3.6
PAD_MM = 0.9
HEADER_FILL = (241, 243, 246)
RULE = (200, 204, 212)


def _cell_lines(pdf: _ReportPDF, text: str, width: float) -> list[str]:
    """Lines of a cell: one when it fits (the common case, cheap), else fpdf2's word wrap."""
    if "\n" not in text and pdf.get_string_width(text) <= width:
        return [text]
    return pdf.multi_cell(width, LINE_MM, text, dry_run=True, output="LINES")


def _table_row(pdf: _ReportPDF, cells: tuple[str, ...], widths: list[float], align: tuple[str, ...],
               bold: bool = False, fill: bool = False) -> float:
    """Draw one row at the current y; return its height."""
    pdf.set_font(pdf.family, "B" if bold else "", TABLE_FONT_PT)
    lines = [_cell_lines(pdf, pdf.t(c), w - 2 * PAD_MM) for c, w in zip(cells, widths)]
    height = max(len(ls) for ls in lines) * LINE_MM + 2 * PAD_MM
    x, y = pdf.l_margin, pdf.get_y()
    if fill:
        pdf.set_fill_color(*HEADER_FILL)
        pdf.rect(x, y, sum(widths), height, style="F")
    for ls, w, al in zip(lines, widths, align):
        for i, line in enumerate(ls):
            pdf.set_xy(x + PAD_MM, y + PAD_MM + i * LINE_MM)
            pdf.cell(w - 2 * PAD_MM, LINE_MM, line, align=al)
        x += w
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_xy(pdf.l_margin, y + height)
    return height


def _table(pdf: _ReportPDF, t: Table) -> None:
    """A table across the page width; the heading row repeats after a page break; footer in bold."""
    n = len(t.headers)
    rel = t.widths if len(t.widths) == n else tuple(1.0 for _ in range(n))
    widths = [pdf.epw * r / sum(rel) for r in rel]
    align = tuple("R" if (t.numeric and t.numeric[i]) else "L" for i in range(n))
    limit = pdf.h - pdf.b_margin
    rows = [(r, False) for r in t.rows] + ([(t.footer, True)] if t.footer else [])
    if pdf.get_y() + 3 * (LINE_MM + 2 * PAD_MM) > limit:
        pdf.add_page()
    _table_row(pdf, t.headers, widths, align, bold=True, fill=True)
    for cells, bold in rows:
        pdf.set_font(pdf.family, "B" if bold else "", TABLE_FONT_PT)
        need = max(len(_cell_lines(pdf, pdf.t(c), w - 2 * PAD_MM)) for c, w in zip(cells, widths))
        if pdf.get_y() + need * LINE_MM + 2 * PAD_MM > limit:
            pdf.add_page()
            _table_row(pdf, t.headers, widths, align, bold=True, fill=True)
        _table_row(pdf, cells, widths, align, bold=bold)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font(pdf.family, "", 9)


def _chart(pdf: _ReportPDF, fig: go.Figure, png: bytes | None) -> None:
    h = CHART_HEIGHT_MM
    if pdf.get_y() + h > pdf.h - pdf.b_margin:
        pdf.add_page()
    x, y, w = pdf.l_margin, pdf.get_y(), pdf.epw
    if png is not None:
        pdf.image(io.BytesIO(png), x=x, y=y, w=w, h=h, keep_aspect_ratio=True)
    else:
        draw_figure(pdf, fig, x, y, w, h)
        pdf.set_font(pdf.family, "", 9)
    pdf.set_xy(x, y + h + 3)


def _block(pdf: _ReportPDF, b: Block, figures: dict, pngs: dict[str, bytes]) -> None:
    if b.kind == "para":
        pdf.multi_cell(0, 4.5, pdf.t(b.text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif b.kind == "bullets":
        bullet = "\u2022 " if pdf.unicode else "- "
        for item in b.items:
            pdf.set_x(pdf.l_margin + 2)
            pdf.multi_cell(pdf.epw - 2, 4.5, pdf.t(bullet + item), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif b.kind == "table" and b.table is not None:
        _table(pdf, b.table)
    elif b.kind == "chart":
        _chart(pdf, figures[b.chart_id], pngs.get(b.chart_id))


def export_pngs(figures: dict[str, go.Figure], width: int = 1000, height: int = 520) -> dict[str, bytes]:
    """Plotly static export of every figure in one Chromium session (kaleido 1.x)."""
    import asyncio

    try:
        import kaleido
    except ImportError as exc:   # pragma: no cover - kaleido is pinned in requirements
        raise ChartExportError(f"kaleido is not installed: {exc}") from None
    browser = os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER
    if not Path(browser).is_file():
        raise ChartExportError(f"no Chromium at {browser}; install the Debian 'chromium' package or set BROWSER_PATH")

    async def run() -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        async with kaleido.Kaleido(n=1) as k:
            for key, fig in figures.items():
                out[key] = await k.calc_fig(fig, opts={"format": "png", "width": width, "height": height})
        return out

    saved = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = browser      # how kaleido 1.x finds Chrome; restored afterwards
    try:
        return asyncio.run(run())
    except Exception as exc:  # kaleido raises several browser/runtime error types
        raise ChartExportError(f"chart export through {browser} failed: {exc}") from exc
    finally:
        if saved is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = saved


def render_pdf(doc: ReportDoc, figures: dict[str, go.Figure], chart_mode: str = "vector") -> bytes:
    """The report as PDF bytes."""
    if chart_mode not in CHART_MODES:
        raise ValueError(f"pdf_charts must be one of {', '.join(CHART_MODES)}, got {chart_mode!r}")
    pngs = export_pngs(figures) if chart_mode == "kaleido" else {}
    pdf = _ReportPDF(doc.title)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.multi_cell(0, 8, pdf.t(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.multi_cell(0, 4.5, pdf.t(doc.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _table(pdf, Table(("Figure", "Amount"), doc.headline, (False, True), widths=(3, 2)))
    for section in doc.sections:
        _heading(pdf, section.title, 12)
        for b in section.blocks:
            _block(pdf, b, figures, pngs)
    return bytes(pdf.output())
