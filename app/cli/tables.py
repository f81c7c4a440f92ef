"""Rich tables for `--format table` that stay readable in an 80-column terminal: text columns fold (wrap, and
break a word longer than the column) instead of ending in "…"; number columns and short text columns (keys,
units) never wrap and keep their full width, so no amount or key is cut. On a narrow console the borders and
padding shrink and a number column's header may take two lines ("Monthly" / "USD") to leave the text room."""
from __future__ import annotations

from typing import Iterable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

NARROW_COLUMNS = 100     # below this console width: light borders, one space between columns
SHORT_TEXT = 18          # a text column whose cells are all this short keeps its full width (keys, units)
MIN_FOLDED = 10          # the narrowest a long text column is folded to
MAX_WORD = 16            # ... or as wide as its longest word up to this, so words are not broken when there is room


def table(console: Console, *columns: str, numeric: Iterable[str] = (), title: str | None = None) -> Table:
    """A table whose `numeric` columns are right-aligned and never wrapped or cut; the others fold."""
    nums = set(numeric)
    narrow = console.width < NARROW_COLUMNS
    t = Table(title=title, box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, pad_edge=not narrow,
              padding=(0, 1), collapse_padding=narrow)
    for name in columns:
        if name in nums:
            t.add_column(name, justify="right", no_wrap=True, overflow="fold")
        else:
            t.add_column(name, overflow="fold")
    return t


def add_rows(console: Console, t: Table, rows: Iterable[Sequence[str]]) -> Table:
    """Add the rows and fix the column widths: number and short text columns as wide as their widest cell (on a
    narrow console a header of several words may wrap), the long text columns share what is left, each at least
    as wide as its longest word (between MIN_FOLDED and MAX_WORD)."""
    rows = [tuple(r) for r in rows]
    narrow = console.width < NARROW_COLUMNS
    widths: dict[int, int] = {}
    folded: dict[int, int] = {}
    floor: dict[int, int] = {}
    for i, col in enumerate(t.columns):
        header = str(col.header)
        cells = max([0, *(cell_len(r[i]) for r in rows)])
        words = max([0, *(cell_len(w) for w in header.split())]) if narrow else cell_len(header)
        if col.no_wrap or max(cells, cell_len(header)) <= SHORT_TEXT:
            widths[i] = max(cells, words)
            if cell_len(header) > widths[i]:
                col.header = "\n".join(header.split())      # a number column's header on two lines
        else:
            folded[i] = max(cells, cell_len(header))
            floor[i] = min(max([MIN_FOLDED, *(cell_len(w) for r in rows for w in r[i].split())]), MAX_WORD)
    for i, col in enumerate(t.columns):                      # measure what borders and padding take
        col.width = widths.get(i, 1)
    overhead = Measurement.get(console, console.options, t).maximum - sum(c.width or 0 for c in t.columns)
    spare = console.width - overhead - sum(widths.values())
    total = sum(folded.values()) or 1
    for i, want in folded.items():
        widths[i] = max(floor[i], min(want, spare * want // total))
    excess = sum(widths.values()) + overhead - console.width
    for i in sorted(folded, key=lambda k: -widths[k]):      # too wide: break words rather than cut a number
        cut = min(max(excess, 0), widths[i] - MIN_FOLDED)
        widths[i] -= cut
        excess -= cut
    for i, col in enumerate(t.columns):
        col.width = widths[i]
    for r in rows:
        t.add_row(*r)
    return t
