"""Bounds on bill files (docs/app.md § Limits): file size, text cell length, control characters, real dates
and the range of numbers, checked before any Decimal arithmetic. Errors name the file, data row and column."""
from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from review.model import ActualsError

MAX_CUR_MB_DEFAULT = 4096          # env TIERSIZER_MAX_CUR_MB; a large account's month is a few GB of CSV
MAX_TEXT_CHARS = 1024              # a product code, usage type, line item type, region or date
MAX_TAGS_CHARS = 64 * 1024         # resource_tags JSON (AWS allows 50 tags of 128 + 256 characters)
MAX_NUMBER_CHARS = 40
MAX_ADJUSTED_EXPONENT = 14         # |value| < 10**15 (USD or usage units on one line)
MIN_ADJUSTED_EXPONENT = -40        # smaller non-zero values are not money
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def max_cur_mb() -> float:
    """The largest bill file read, in MB: TIERSIZER_MAX_CUR_MB (default 4096)."""
    raw = os.environ.get("TIERSIZER_MAX_CUR_MB", "").strip()
    try:
        mb = float(raw) if raw else MAX_CUR_MB_DEFAULT
    except ValueError:
        mb = MAX_CUR_MB_DEFAULT
    return max(mb, 0.001)


def check_size(path: Path, name: str) -> None:
    """A bill file larger than max_cur_mb() is refused before reading (TIERSIZER_MAX_CUR_MB overrides)."""
    mb = max_cur_mb()
    if path.stat().st_size > mb * 1024 * 1024:
        raise ActualsError(f"{name}: larger than {mb:g} MB (raise TIERSIZER_MAX_CUR_MB to read it)",
                           field="cur_file")


def check_number(d: Decimal, text: str, where: str) -> None:
    """A finite number of sane magnitude, else ActualsError naming ``where`` (file, row, column)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise ActualsError(f"{where}: a number longer than {MAX_NUMBER_CHARS} characters")
    if d and not MIN_ADJUSTED_EXPONENT <= d.adjusted() <= MAX_ADJUSTED_EXPONENT:
        raise ActualsError(f"{where}: {text!r} is out of range (|value| < 1e{MAX_ADJUSTED_EXPONENT + 1})")


def check_text(sub: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...], name: str) -> None:
    """Cells too long (tags: MAX_TAGS_CHARS, others MAX_TEXT_CHARS) or with control characters."""
    for col in columns:
        if col not in sub.columns or sub[col].dtype != object:
            continue
        values = sub[col].astype(str)
        limit = MAX_TAGS_CHARS if col == "resource_tags" else MAX_TEXT_CHARS
        bad = (values.str.len() > limit).to_numpy(dtype=bool)
        if bad.any():
            raise ActualsError(f"{name}: data row {rows[int(np.flatnonzero(bad)[0])] + 1}, column {col}: "
                               f"longer than {limit} characters")
        bad = values.str.contains(_CONTROL, regex=True).to_numpy(dtype=bool, na_value=False)
        if bad.any():
            raise ActualsError(f"{name}: data row {rows[int(np.flatnonzero(bad)[0])] + 1}, column {col}: "
                               "control characters are not allowed")


def check_dates(dates: pd.Series, rows: np.ndarray, column: str, name: str) -> None:
    """Each distinct start date must begin with a real calendar day (not 2025-02-30)."""
    for v in pd.unique(dates):
        text = str(v)
        try:
            if not _ISO_DAY.match(text):
                raise ValueError
            date.fromisoformat(text[:10])
        except ValueError:
            i = int(np.flatnonzero((dates == v).to_numpy(dtype=bool, na_value=False))[0])
            raise ActualsError(f"{name}: data row {rows[i] + 1}, column {column}: {text[:40]!r} is not a "
                               "date (YYYY-MM-DD...)") from None
