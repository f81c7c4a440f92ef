"""Number format of a Cost Explorer console CSV: the console writes money in the browser's locale, so an export
may read ``1,234.56`` (decimal point) or ``1.234,56`` / ``100,50`` (decimal comma).

The format is decided once per file from every money cell: a cell whose separators can only be read one way
(``100,50``, ``1.234,56``, ``1,234,567``, ``60.25``) is evidence; ``1,234`` or ``1.234`` alone could be either.
A file with evidence for both formats, or with ambiguous cells only, is refused with the cell named.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from review.model import ZERO, ActualsError

DOT, COMMA = "decimal point", "decimal comma"
MAX_ABS_USD = Decimal("1e12")        # more than a trillion dollars in one cell is a broken export, not a bill
FIX = ("export the CSV again with a dot as the decimal separator (an English (US) number format in the "
       "browser or console settings)")
_SHAPE = re.compile(r"^[+-]?[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?$")
_EXP = re.compile(r"[eE][+-]?[0-9]+$")
_STRICT = {DOT: re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"),
           COMMA: re.compile(r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$")}
_NON_FINITE = re.compile(r"^[+-]?(?:nan|s?nan|inf|infinity)$", re.I)

Cell = tuple[int, str, str]          # (1-based row number, column header, text)


def _evidence(text: str) -> str | None:
    """DOT or COMMA when the cell can be read only one way; None for plain digits or ambiguous cells."""
    t = _EXP.sub("", text.lstrip("+-"))
    if t != text.lstrip("+-"):
        return DOT                                   # 1.5E-7: only the decimal-point format writes exponents
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        return COMMA if t.rfind(",") > t.rfind(".") else DOT
    sep, count = (".", dots) if dots else (",", commas)
    if count == 0:
        return None
    if count > 1:                                    # repeated: a thousands separator
        return COMMA if sep == "." else DOT
    head, tail = t.split(sep)
    if len(tail) != 3 or head in ("", "0") or head.startswith("0") or len(head) > 3:
        return DOT if sep == "." else COMMA          # 100,50  0,123  1234,567: only a decimal separator
    return None                                      # 1,234 / 1.234: either


def _ambiguous(text: str) -> bool:
    return _evidence(text) is None and bool(re.search(r"[.,]", text))


def detect_format(cells: Iterable[Cell], name: str) -> str:
    """DOT or COMMA for the whole file; ActualsError naming the cells when mixed or undecidable."""
    first: dict[str, Cell] = {}
    ambiguous: Cell | None = None
    for cell in cells:
        text = cell[2].strip()
        if not _SHAPE.match(text):
            continue                                 # not a number: reported when the month's row is read
        kind = _evidence(text)
        if kind is not None:
            first.setdefault(kind, cell)
        elif ambiguous is None and _ambiguous(text):
            ambiguous = cell
    if DOT in first and COMMA in first:
        (r1, c1, t1), (r2, c2, t2) = first[DOT], first[COMMA]
        raise ActualsError(f"{name}: mixed number formats: row {r1}, column {c1!r} has {t1.strip()!r} (a "
                           f"{DOT}) but row {r2}, column {c2!r} has {t2.strip()!r} (a {COMMA}); {FIX}")
    if first:
        return next(iter(first))
    if ambiguous is not None:
        r, c, t = ambiguous
        t = t.strip()
        raise ActualsError(f"{name}: row {r}, column {c!r}: {t!r} could be {t.replace(',', '').replace('.', '')} "
                           f"or {t.replace(',', '.')} (no cell in the file shows whether ',' or '.' is the decimal "
                           f"separator); {FIX}")
    return DOT


def parse_money(text: str, fmt: str, row: int, column: str, name: str) -> Decimal:
    """One money cell in the file's format: empty or '-' is zero; non-finite or beyond $1e12 is refused."""
    t = text.strip()
    if t in ("", "-"):
        return ZERO
    where = f"{name}: row {row}, column {column!r}"
    if _NON_FINITE.match(t):
        raise ActualsError(f"{where}: {t[:40]!r} is not a finite number")
    if not _STRICT[fmt].match(t):
        other = COMMA if fmt == DOT else DOT
        hint = f" (the file uses a {fmt}; {FIX})" if _STRICT[other].match(t) else ""
        raise ActualsError(f"{where}: {t[:40]!r} is not a number{hint}")
    plain = t.replace(",", "") if fmt == DOT else t.replace(".", "").replace(",", ".")
    try:
        d = Decimal(plain)
    except InvalidOperation:
        raise ActualsError(f"{where}: {t[:40]!r} is not a number") from None
    if not d.is_finite() or abs(d) > MAX_ABS_USD:
        raise ActualsError(f"{where}: {t[:40]!r} is beyond the plausible range of a monthly bill "
                           f"(at most ${MAX_ABS_USD:,.0f} a cell)")
    return d
