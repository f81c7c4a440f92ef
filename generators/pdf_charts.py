"""Draw the report's plotly figures as vector graphics with fpdf2 primitives (no browser needed).

Supports exactly what generators/charts.py builds: bar traces (vertical or horizontal, grouped or
stacked), scatter traces (lines, markers, `fill="toself"` polygons) on linear or log axes, and pie
(donut) traces; plus the title and a legend. Data, colours and titles come from the figure itself,
so the PDF shows the same charts as the HTML report.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go
from fpdf import FPDF

GRID = (225, 228, 233)
AXIS = (90, 98, 112)
TEXT = (29, 35, 48)
FALLBACK = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf")


def rgb(color: object, default: str = "#1f77b4") -> tuple[int, int, int]:
    """'#rrggbb' (or 'rgb(r,g,b)') to an RGB tuple."""
    c = str(color or default).strip()
    if c.startswith("#") and len(c) == 7:
        return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)
    if c.startswith("rgb"):
        parts = c[c.index("(") + 1:c.index(")")].split(",")[:3]
        return tuple(int(float(p)) for p in parts)  # type: ignore[return-value]
    return rgb(default)


def compact(v: float, prefix: str = "") -> str:
    """Axis label: 1234 -> 1.2k, 2500000 -> 2.5M (with an optional `$` prefix)."""
    a = abs(v)
    for div, suf in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            s = f"{v / div:.1f}".rstrip("0").rstrip(".")
            return f"{prefix}{s}{suf}"
    s = f"{v:.2f}".rstrip("0").rstrip(".") if a < 10 and v != int(v) else f"{v:,.0f}"
    return f"{prefix}{s}"


def nice_ticks(hi: float, count: int = 5) -> list[float]:
    """0 .. >= hi in round steps (1, 2, 2.5, 5 x 10^k)."""
    if hi <= 0:
        return [0.0, 1.0]
    raw = hi / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(hi / step - 1e-9)
    return [i * step for i in range(n + 1)]


@dataclass
class _Axis:
    lo: float
    hi: float
    log: bool
    start: float      # page coordinate of lo
    end: float        # page coordinate of hi

    def __call__(self, v: float) -> float:
        if self.log:
            v = math.log10(max(v, 1e-12))
        span = (self.hi - self.lo) or 1.0
        return self.start + (v - self.lo) / span * (self.end - self.start)


def _axis_range(axis, values: list[float], zero: bool) -> tuple[float, float, bool]:
    log = axis.type == "log"
    if axis.range is not None:
        lo, hi = float(axis.range[0]), float(axis.range[1])
        return lo, hi, log
    if log:
        pos = [v for v in values if v > 0] or [1.0]
        return math.floor(math.log10(min(pos))), math.ceil(math.log10(max(pos))), True
    hi = max(values + [0.0])
    return 0.0 if zero else min(values + [0.0]), nice_ticks(hi)[-1] if hi > 0 else 1.0, False


def _log_ticks(lo: float, hi: float) -> list[float]:
    return [10.0 ** k for k in range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)]


def _legend_items(fig: go.Figure) -> list[tuple[str, tuple[int, int, int]]]:
    items = []
    for i, t in enumerate(fig.data):
        if t.type == "pie":
            colors = list(t.marker.colors or FALLBACK)
            total = sum(float(v) for v in t.values) or 1.0
            items += [(f"{lbl} {float(v) / total * 100:.1f}%", rgb(colors[j % len(colors)]))
                      for j, (lbl, v) in enumerate(zip(t.labels, t.values))]
        elif t.showlegend is not False and t.name:
            color = (t.fillcolor if t.type == "scatter" and t.fill == "toself" else None) \
                or (t.line.color if t.type == "scatter" and t.mode and "lines" in t.mode else None) \
                or t.marker.color or FALLBACK[i % len(FALLBACK)]
            items.append((str(t.name), rgb(color)))
    return items


def _draw_legend(pdf: FPDF, items, x: float, y: float, w: float) -> float:
    """Legend rows below the plot; returns the height used."""
    pdf.set_font(size=6.5)
    cx, cy = x, y
    for name, color in items:
        tw = pdf.get_string_width(name) + 7
        if cx + tw > x + w and cx > x:
            cx, cy = x, cy + 4
        pdf.set_fill_color(*color)
        pdf.rect(cx, cy + 0.8, 3, 2.4, style="F")
        pdf.set_text_color(*TEXT)
        pdf.text(cx + 4, cy + 3, name)
        cx += tw
    return cy - y + 4


def _legend_height(pdf: FPDF, items, w: float) -> float:
    pdf.set_font(size=6.5)
    rows, cx = 1, 0.0
    for name, _ in items:
        tw = pdf.get_string_width(name) + 7
        if cx + tw > w and cx > 0:
            rows, cx = rows + 1, 0.0
        cx += tw
    return rows * 4 if items else 0


def _bar_layout(fig: go.Figure):
    bars = [t for t in fig.data if t.type == "bar"]
    horizontal = bool(bars) and bars[0].orientation == "h"
    cats: list[str] = []
    for t in bars:
        for c in (t.y if horizontal else t.x):
            if str(c) not in cats:
                cats.append(str(c))
    return bars, horizontal, cats


def _bar_ticks(bars: list, horizontal: bool, stacked: bool) -> list[float]:
    """Value-axis ticks up to the tallest bar (or stack)."""
    sums: dict[str, float] = {}
    for t in bars:
        for c, v in zip(t.y if horizontal else t.x, t.x if horizontal else t.y):
            sums[str(c)] = sums.get(str(c), 0.0) + float(v) if stacked else max(sums.get(str(c), 0.0), float(v))
    return nice_ticks(max(list(sums.values()) + [0.0]))


def _draw_hbars(pdf: FPDF, bars: list, cats: list[str], ticks: list[float], prefix: str,
                box: tuple[float, float, float, float]) -> None:
    """Horizontal bars: category labels on the left, value grid below, the bar's text after it."""
    x0, y0, x1, y1 = box
    label_w = min(45.0, max(pdf.get_string_width(c) for c in cats) + 3)
    val = _Axis(ticks[0], ticks[-1], False, x0 + label_w, x1)
    band = (y1 - y0) / max(1, len(cats))
    for tv in ticks:
        px = val(tv)
        pdf.set_draw_color(*GRID)
        pdf.line(px, y0, px, y1)
        pdf.set_text_color(*AXIS)
        lbl = compact(tv, prefix)
        pdf.text(px - pdf.get_string_width(lbl) / 2, y1 + 3.5, lbl)
    for i, c in enumerate(reversed(cats)):            # plotly draws the first category at the bottom
        pdf.set_text_color(*TEXT)
        pdf.text(x0 + label_w - 2 - pdf.get_string_width(c), y0 + i * band + band / 2 + 1.2, c)
    for t in bars:
        color = rgb(t.marker.color)
        texts = list(t.text) if t.text is not None and not isinstance(t.text, str) else []
        for j, (c, v) in enumerate(zip(t.y, t.x)):
            cy = y0 + (len(cats) - 1 - cats.index(str(c))) * band + band * 0.15
            pdf.set_fill_color(*color)
            a, b = sorted((val(0.0), val(float(v))))     # a bar below zero (the tornado) runs left of the axis
            pdf.rect(a, cy, b - a, band * 0.7, style="F")
            if j < len(texts):
                pdf.set_text_color(*TEXT)
                pdf.text(b + 1, cy + band * 0.35 + 1.2, str(texts[j]))


def _draw_vbars(pdf: FPDF, bars: list, cats: list[str], ticks: list[float], prefix: str, stacked: bool,
                box: tuple[float, float, float, float]) -> None:
    """Vertical bars, grouped or stacked: value grid on the left, wrapped category labels below."""
    x0, y0, x1, y1 = box
    val = _Axis(0.0, ticks[-1], False, y1, y0)
    label_w = max(pdf.get_string_width(compact(tv, prefix)) for tv in ticks) + 2
    px0 = x0 + label_w
    for tv in ticks:
        py = val(tv)
        pdf.set_draw_color(*GRID)
        pdf.line(px0, py, x1, py)
        pdf.set_text_color(*AXIS)
        lbl = compact(tv, prefix)
        pdf.text(px0 - 1 - pdf.get_string_width(lbl), py + 1.2, lbl)
    band = (x1 - px0) / max(1, len(cats))
    bw = band * 0.8 / (1 if stacked else len(bars))
    base = {c: 0.0 for c in cats}
    for g, t in enumerate(bars):
        pdf.set_fill_color(*rgb(t.marker.color, FALLBACK[g % len(FALLBACK)]))
        for c, v in zip(t.x, t.y):
            bx = px0 + cats.index(str(c)) * band + band * 0.1 + (0 if stacked else g * bw)
            lo = base[str(c)] if stacked else 0.0
            hi = lo + float(v)
            pdf.rect(bx, val(hi), bw, max(0.0, val(lo) - val(hi)), style="F")
            if stacked:
                base[str(c)] = hi
    pdf.set_text_color(*TEXT)
    for i, c in enumerate(cats):
        lines = [ln for part in c.split("<br>") for ln in _wrap(pdf, part, band - 1)]
        for k, ln in enumerate(lines[:3]):
            pdf.text(px0 + i * band + (band - pdf.get_string_width(ln)) / 2, y1 + 3.2 + k * 2.8, ln)


def _draw_bars(pdf: FPDF, fig: go.Figure, box: tuple[float, float, float, float]) -> None:
    bars, horizontal, cats = _bar_layout(fig)
    stacked = fig.layout.barmode == "stack"
    ticks = _bar_ticks(bars, horizontal, stacked)
    prefix = (fig.layout.xaxis.tickprefix if horizontal else fig.layout.yaxis.tickprefix) or ""
    pdf.set_font(size=6.5)
    if horizontal:
        low = min([float(v) for t in bars for v in t.x] + [0.0])
        if low < 0:      # ticks on both sides of zero, in the positive side's step
            step = nice_ticks(max(-low, ticks[-1]))[1]
            ticks = [-k * step for k in range(math.ceil(-low / step - 1e-9), 0, -1)] + \
                [k * step for k in range(math.ceil(max(ticks[-1], 0) / step - 1e-9) + 1)]
        _draw_hbars(pdf, bars, cats, ticks, prefix, box)
    else:
        _draw_vbars(pdf, bars, cats, ticks, prefix, stacked, box)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for wd in words:
        cand = f"{cur} {wd}".strip()
        if pdf.get_string_width(cand) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = wd
    return lines + ([cur] if cur else [])


def _draw_scatter(pdf: FPDF, fig: go.Figure, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    lay = fig.layout
    xs = [float(v) for t in fig.data for v in t.x]
    ys = [float(v) for t in fig.data for v in t.y]
    xlo, xhi, xlog = _axis_range(lay.xaxis, xs, zero=False)
    ylo, yhi, ylog = _axis_range(lay.yaxis, ys, zero=True)
    pdf.set_font(size=6.5)
    yprefix = lay.yaxis.tickprefix or ""
    yticks = _log_ticks(ylo, yhi) if ylog else nice_ticks(yhi)
    label_w = max(pdf.get_string_width(compact(v, yprefix)) for v in yticks) + 2
    ax = _Axis(xlo, xhi, xlog, x0 + label_w, x1)
    ay = _Axis(ylo, yhi, ylog, y1, y0)
    for i, t in enumerate(fig.data):             # bands (filled polygons) first, like plotly
        if t.fill == "toself":
            pdf.set_fill_color(*rgb(t.fillcolor, FALLBACK[i % len(FALLBACK)]))
            pts = [(ax(float(a)), ay(float(b))) for a, b in zip(t.x, t.y)]
            pts = [(min(max(px, x0 + label_w), x1), min(max(py, y0), y1)) for px, py in pts]
            pdf.polygon(pts, style="F")
    pdf.set_line_width(0.15)
    for tv in yticks:
        py = ay(tv)
        pdf.set_draw_color(*GRID)
        pdf.line(x0 + label_w, py, x1, py)
        pdf.set_text_color(*AXIS)
        lbl = compact(tv, yprefix)
        pdf.text(x0 + label_w - 1 - pdf.get_string_width(lbl), py + 1.2, lbl)
    xticks = _log_ticks(xlo, xhi) if xlog else nice_ticks(xhi)
    for tv in xticks:
        px = ax(tv)
        pdf.set_draw_color(*GRID)
        pdf.line(px, y0, px, y1)
        pdf.set_text_color(*AXIS)
        lbl = compact(tv, lay.xaxis.tickprefix or "")
        pdf.text(px - pdf.get_string_width(lbl) / 2, y1 + 3.5, lbl)
    for i, t in enumerate(fig.data):
        if t.fill == "toself":
            continue
        color = rgb(t.line.color or t.marker.color, FALLBACK[i % len(FALLBACK)])
        pts = [(ax(float(a)), ay(float(b))) for a, b in zip(t.x, t.y)]
        mode = t.mode or "lines"
        if "lines" in mode and len(pts) > 1:
            pdf.set_draw_color(*color)
            pdf.set_line_width(0.5)
            if t.line.dash:
                pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.polyline(pts)
            pdf.set_dash_pattern()
        if "markers" in mode:
            size = float(t.marker.size or 6)
            pdf.set_fill_color(*rgb(t.marker.color or t.line.color, FALLBACK[i % len(FALLBACK)]))
            r = max(0.6, size / 10)
            for px, py in pts:
                pdf.circle(px, py, r, style="F")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*AXIS)
    pdf.line(x0 + label_w, y1, x1, y1)


def _draw_pie(pdf: FPDF, fig: go.Figure, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    t = next(tr for tr in fig.data if tr.type == "pie")
    values = [float(v) for v in t.values]
    total = sum(values) or 1.0
    colors = list(t.marker.colors or FALLBACK)
    r = min(x1 - x0, y1 - y0) / 2 - 2
    cx, cy = x0 + (x1 - x0) / 2, y0 + (y1 - y0) / 2
    start = 90.0
    for j, v in enumerate(values):
        sweep = v / total * 360
        if sweep <= 0:
            continue
        pdf.set_fill_color(*rgb(colors[j % len(colors)]))
        if sweep >= 359.99:
            pdf.circle(cx, cy, r, style="F")
        else:
            pdf.solid_arc(cx - r, cy - r, 2 * r, start, start + sweep, clockwise=False, style="F")
        mid = math.radians(start + sweep / 2)
        if sweep > 12:
            lbl = f"{v / total * 100:.1f}%"
            pdf.set_font(size=7)
            pdf.set_text_color(*TEXT)
            lx, ly = cx + math.cos(mid) * (r + 5), cy - math.sin(mid) * (r + 5)
            pdf.text(lx - pdf.get_string_width(lbl) / 2, ly + 1, lbl)
        start += sweep
    hole = float(t.hole or 0)
    if hole:
        pdf.set_fill_color(255, 255, 255)
        pdf.circle(cx, cy, r * hole, style="F")


def draw_figure(pdf: FPDF, fig: go.Figure, x: float, y: float, w: float, h: float) -> None:
    """Draw `fig` into the box (x, y, w, h) in mm on the current page."""
    pdf.set_font(style="B", size=9)
    pdf.set_text_color(*TEXT)
    pdf.text(x, y + 4, str(fig.layout.title.text or ""))
    items = _legend_items(fig)
    if any(t.type == "bar" for t in fig.data) and len([t for t in fig.data if t.type == "bar"]) == 1:
        items = []            # a single series needs no legend
    leg_h = _legend_height(pdf, items, w)
    kinds = {t.type for t in fig.data}
    vertical_bars = "bar" in kinds and _bar_layout(fig)[1] is False
    box = (x, y + 8, x + w, y + h - leg_h - (11 if vertical_bars else 6))
    pdf.set_font(style="", size=6.5)
    if "pie" in kinds:
        _draw_pie(pdf, fig, box)
    elif "bar" in kinds:
        _draw_bars(pdf, fig, box)
    else:
        _draw_scatter(pdf, fig, box)
    _draw_legend(pdf, items, x, y + h - leg_h, w)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.2)
