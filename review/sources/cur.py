"""CUR 2.0 (Data Exports) reader: CSV, gzip CSV or Parquet, read in chunks, filtered by month and tags.

Rows are aggregated per (service, usage type, kind, region) with exact Decimal sums, so memory stays
flat however large the file is. Both cost bases are summed in one pass; `basis="auto"` picks amortized
when savings plan or reservation lines are present.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from review.model import (
    USAGE,
    ZERO,
    ActualLine,
    Actuals,
    ActualsError,
    kind_of,
    parse_month,
    service_for,
    split_usage_type,
)
from review.sources.limits import (
    MAX_ADJUSTED_EXPONENT,
    MAX_NUMBER_CHARS,
    check_dates,
    check_number,
    check_size,
    check_text,
)

DATE = "line_item_usage_start_date"
PRODUCT = "line_item_product_code"
USAGE_TYPE = "line_item_usage_type"
LINE_TYPE = "line_item_line_item_type"
AMOUNT = "line_item_usage_amount"
UNBLENDED = "line_item_unblended_cost"
CURRENCY = "line_item_currency_code"
TAGS = "resource_tags"
REGION = "product_region_code"
REQUIRED: tuple[str, ...] = (DATE, PRODUCT, USAGE_TYPE, LINE_TYPE, AMOUNT, UNBLENDED, CURRENCY, TAGS)
SP_EFFECTIVE = "savings_plan_savings_plan_effective_cost"
SP_COMMITMENT = "savings_plan_total_commitment_to_date"
SP_USED = "savings_plan_used_commitment"
RI_EFFECTIVE = "reservation_effective_cost"
RI_UNUSED_UPFRONT = "reservation_unused_amortized_upfront_fee_for_billing_period"
RI_UNUSED_RECURRING = "reservation_unused_recurring_fee"
AMORTIZED_COLUMNS: tuple[str, ...] = (SP_EFFECTIVE, SP_COMMITMENT, SP_USED, RI_EFFECTIVE, RI_UNUSED_UPFRONT,
                                      RI_UNUSED_RECURRING)
NUMERIC = (AMOUNT, UNBLENDED) + AMORTIZED_COLUMNS
CHUNK_ROWS = 100_000
# What a truncated, compressed-garbage or non-UTF-8 file raises while being read.
READ_ERRORS = (ValueError, OSError, EOFError, zlib.error, pd.errors.ParserError)

MATCH, OTHER, UNTAGGED = 0, 1, 2


def _norm_key(key: str) -> str:
    """'user_project', 'user:Project', 'Project' -> 'project' (CUR 2.0 prefixes user tags with user_)."""
    k = str(key).lower()
    for p in ("user_", "user:", "resourcetags/user:"):
        if k.startswith(p):
            k = k[len(p):]
            break
    return "".join(ch for ch in k if ch.isalnum())


class TagMatcher:
    """Classifies a line's tags as matching the project filter, other tags, or untagged."""

    def __init__(self, tags: dict[str, str] | None):
        self.want = {_norm_key(k): v for k, v in (tags or {}).items()}

    def classify(self, tags: dict[str, Any] | None) -> int:
        if not self.want:
            return MATCH
        norm = {_norm_key(k): v for k, v in (tags or {}).items() if v not in (None, "")}
        if not norm:
            return UNTAGGED
        return MATCH if all(norm.get(k) == v for k, v in self.want.items()) else OTHER

    def classify_json(self, text: str) -> int:
        text = (text or "").strip()
        if not text:
            return self.classify(None)
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"not a JSON object of tags: {text[:60]!r}") from None
        if not isinstance(data, dict):
            raise ValueError(f"not a JSON object of tags: {text[:60]!r}")
        return self.classify(data)


def _is_parquet(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PAR1"


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _check_columns(columns: list[str], name: str, basis: str) -> list[str]:
    cols = set(columns)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        legacy = " (this looks like a legacy CUR with lineItem/... columns; export CUR 2.0 from Data Exports)" \
            if any("/" in c for c in cols) else ""
        raise ActualsError(f"{name}: missing column(s) {', '.join(missing)}; a CUR 2.0 export has "
                           f"{', '.join(REQUIRED)}{legacy}")
    if basis == "amortized":
        gone = [c for c in AMORTIZED_COLUMNS if c not in cols]
        if gone:
            raise ActualsError(f"{name}: amortized cost needs column(s) {', '.join(gone)}")
    use = list(REQUIRED) + [c for c in (REGION, *AMORTIZED_COLUMNS) if c in cols]
    return use


def _csv_chunks(path: Path, use: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    comp = "gzip" if _is_gzip(path) else None
    reader = pd.read_csv(path, dtype=object, usecols=use, keep_default_na=False, chunksize=chunk_rows,
                         compression=comp, encoding="utf-8")
    with reader:
        yield from reader


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq
    return list(pq.ParquetFile(path).schema_arrow.names)


def _parquet_chunks(path: Path, use: list[str], chunk_rows: int, matcher: TagMatcher) -> Iterator[pd.DataFrame]:
    """Parquet batches as text columns (numbers in their shortest exact form, timestamps as ISO text); the
    resource_tags map column becomes a MATCH/OTHER/UNTAGGED code per row, computed on the Arrow buffers."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=use):
        data: dict[str, Any] = {}
        for name in use:
            col = batch.column(name)
            if name == TAGS:
                data[TAGS] = _parquet_tag_codes(col, matcher)
                continue
            if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
                col = pc.cast(col, pa.string())
            data[name] = pc.fill_null(col, "").to_numpy(zero_copy_only=False)
        codes = data.pop(TAGS)
        frame = pd.DataFrame(data, dtype=object)
        frame[TAGS] = codes
        yield frame


def _parquet_tag_codes(col: Any, matcher: TagMatcher) -> np.ndarray:
    """Tag codes of a map<string,string> (or JSON text) column without building a Python dict per row."""
    import pyarrow as pa
    n = len(col)
    if not matcher.want:
        return np.full(n, MATCH, dtype=np.int8)
    if not pa.types.is_map(col.type):
        import pyarrow.compute as pc
        texts = pc.fill_null(pc.cast(col, pa.string()), "").to_numpy(zero_copy_only=False)
        cache: dict[str, int] = {}
        return np.array([cache[t] if t in cache else cache.setdefault(t, matcher.classify_json(t)) for t in texts],
                        dtype=np.int8)
    if col.offset or (len(col) and col.offsets[0].as_py() != 0):
        col = pa.concat_arrays([col])      # a sliced batch: rebase offsets so keys/items line up
    offsets = np.asarray(col.offsets)
    keys = col.keys.to_numpy(zero_copy_only=False)
    items = col.items.to_numpy(zero_copy_only=False)
    norm = {k: _norm_key(k) for k in set(keys.tolist())}
    nkeys = np.array([norm[k] for k in keys], dtype=object) if len(keys) else np.array([], dtype=object)
    filled = np.array([v not in (None, "") for v in items], dtype=bool)

    def per_row(hit: np.ndarray) -> np.ndarray:
        cs = np.concatenate([[0], np.cumsum(hit, dtype=np.int64)])
        return cs[offsets[1:]] - cs[offsets[:-1]]

    tagged = per_row(filled)
    matched = np.ones(n, dtype=bool)
    for k, v in matcher.want.items():
        matched &= per_row((nkeys == k) & (items == v) & filled) > 0
    nulls = np.asarray(col.is_null()) if col.null_count else np.zeros(n, dtype=bool)
    return np.where(nulls | (tagged == 0), UNTAGGED, np.where(matched, MATCH, OTHER)).astype(np.int8)


def _dec(values: list[str], rows: list[int], column: str, name: str, allow_empty: bool) -> list[Decimal | None]:
    """Strings -> Decimals; a bad cell raises ActualsError naming the data row (1-based) and the column."""
    out: list[Decimal | None] = []
    for i, v in enumerate(values):
        if v == "" or v is None:
            if allow_empty:
                out.append(None)
                continue
            raise ActualsError(f"{name}: data row {rows[i] + 1}, column {column}: empty, expected a number")
        try:
            d = Decimal(v)
        except (InvalidOperation, TypeError, ValueError):
            raise ActualsError(f"{name}: data row {rows[i] + 1}, column {column}: {str(v)[:40]!r} is not a "
                               f"number") from None
        if not d.is_finite():
            raise ActualsError(f"{name}: data row {rows[i] + 1}, column {column}: {v!r} is not a finite number")
        check_number(d, str(v), f"{name}: data row {rows[i] + 1}, column {column}")
        out.append(d)
    return out


def _amortized(kind_raw: str, row: dict[str, Decimal | None], unblended: Decimal) -> Decimal:
    """Amortized cost of one CUR line (AWS's CUR amortization: SP/RI effective cost, unused commitment)."""
    k = "".join(ch for ch in kind_raw.lower() if ch.isalpha())
    g = lambda c: row.get(c) or ZERO  # noqa: E731
    if k == "savingsplancoveredusage":
        return g(SP_EFFECTIVE)
    if k == "savingsplanrecurringfee":
        return g(SP_COMMITMENT) - g(SP_USED)
    if k in ("savingsplannegation", "savingsplanupfrontfee"):
        return ZERO
    if k == "discountedusage":
        return g(RI_EFFECTIVE)
    if k == "rifee":
        return g(RI_UNUSED_UPFRONT) + g(RI_UNUSED_RECURRING)
    return unblended


_SPECIAL = {"savingsplancoveredusage", "savingsplanrecurringfee", "savingsplannegation", "savingsplanupfrontfee",
            "discountedusage", "rifee"}


def read_cur(path: Path | str, month: str, tags: dict[str, str] | None = None, basis: str = "auto",
             chunk_rows: int = CHUNK_ROWS, display_name: str | None = None) -> Actuals:
    """Read a CUR 2.0 file (CSV, .csv.gz or Parquet) for one month, tagged lines only when `tags` is given."""
    path = Path(path)
    name = display_name or path.name
    parse_month(month)
    if basis not in ("auto", "unblended", "amortized"):
        raise ActualsError(f"expected auto, unblended or amortized, got {basis!r}", field="basis")
    if not path.is_file():
        raise ActualsError(f"no such file {path}", field="cur_file")
    check_size(path, name)
    matcher = TagMatcher(tags)
    parquet = _is_parquet(path)
    try:
        columns = _parquet_columns(path) if parquet else list(
            pd.read_csv(path, nrows=0, dtype=str, compression="gzip" if _is_gzip(path) else None).columns)
    except READ_ERRORS as exc:
        raise ActualsError(f"{name}: not a readable CUR 2.0 CSV/Parquet file ({exc})") from None
    use = _check_columns(columns, name, basis)
    has_amortized = all(c in use for c in AMORTIZED_COLUMNS)
    chunks = _parquet_chunks(path, use, chunk_rows, matcher) if parquet else _csv_chunks(path, use, chunk_rows)

    acc: dict[tuple[str, str, str, str, bool], list[Any]] = {}   # key -> [unblended, amortized, amount, special]
    st = _State()
    try:
        for chunk in chunks:
            start = st.rows_read
            st.rows_read += len(chunk)
            dates = chunk[DATE]
            st.months.update(str(m)[:7] for m in pd.unique(dates))
            in_month = dates.str.startswith(month).to_numpy(dtype=bool, na_value=False)
            if not in_month.any():
                continue
            rows = np.flatnonzero(in_month) + start
            sub = chunk[in_month]
            check_text(sub, rows, (DATE, PRODUCT, USAGE_TYPE, LINE_TYPE, REGION, TAGS), name)
            check_dates(sub[DATE], rows, DATE, name)
            _check_currency(sub, rows, name)
            codes = sub[TAGS].to_numpy() if parquet else _tag_codes(sub[TAGS], rows, matcher, name)
            _aggregate(sub, rows, np.asarray(codes, dtype=np.int8), name, has_amortized, acc, st)
    except ActualsError:
        raise
    except READ_ERRORS as exc:
        raise ActualsError(f"{name}: cannot read the file past data row {st.rows_read}: {exc}") from None

    return actuals_from_lines(acc, month, basis, name, has_amortized, "the file", st.months, st.rows_read,
                              st.rows_used, st.excluded_untagged, st.excluded_other)


def actuals_from_lines(acc: dict, month: str, basis: str, name: str, has_amortized: bool, where: str,
                       months: Iterable[str], rows_read: int, rows_used: int, untagged: Decimal, other: Decimal
                       ) -> Actuals:
    """The month's Actuals from the summed lines (key -> [unblended, amortized, amount, special]), with the basis
    chosen (auto: amortized when savings plans or reservations are in play and the columns exist); shared by the
    pandas reader and the SQL engines (cur_sql.py)."""
    if not acc:
        seen = ", ".join(sorted(m for m in months if m and m not in ("nan", "None"))) or "none"
        raise ActualsError(f"{name}: no line items for {month} matching the filter (months in {where}: {seen})")
    special = any(v[3] for v in acc.values())
    chosen = basis if basis != "auto" else ("amortized" if special and has_amortized else "unblended")
    lines = tuple(ActualLine(svc, ut, kind, v[1] if chosen == "amortized" else v[0], v[2], region, acct)
                  for (svc, ut, kind, region, acct), v in sorted(acc.items()))
    warnings = []
    if special and chosen == "unblended" and not has_amortized:
        warnings.append("savings plan / reservation lines present but the amortized cost columns are missing: "
                        "covered usage is shown at the on-demand rate and the commitment as an adjustment")
    return Actuals(month, "cur", name, chosen, "usage_type", lines, rows_read, rows_used, None,
                   untagged, other, tuple(warnings))


class _State:
    """Counters across chunks."""

    def __init__(self) -> None:
        self.rows_read = 0
        self.rows_used = 0
        self.months: set[str] = set()
        self.excluded_untagged = ZERO
        self.excluded_other = ZERO
        self.types: dict[str, tuple[str, bool]] = {}
        self.services: dict[tuple[str, str], str] = {}

    def type_info(self, t: str) -> tuple[str, bool]:
        info = self.types.get(t)
        if info is None:
            info = self.types[t] = (kind_of(t), "".join(ch for ch in str(t).lower() if ch.isalpha()) in _SPECIAL)
        return info


def _check_currency(sub: pd.DataFrame, rows: np.ndarray, name: str) -> None:
    bad = (sub[CURRENCY] != "USD").to_numpy(dtype=bool, na_value=True)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ActualsError(f"{name}: data row {rows[i] + 1}, column {CURRENCY}: currency "
                           f"{sub[CURRENCY].iloc[i]!r}; only USD bills can be compared with the USD estimate")


def _tag_codes(col: pd.Series, rows: np.ndarray, matcher: TagMatcher, name: str) -> np.ndarray:
    """Classify each distinct tag JSON once (most rows share a handful of tag sets)."""
    codes: dict[Any, int] = {}
    for v in pd.unique(col):
        try:
            codes[v] = matcher.classify_json("" if v is None or v != v else str(v))
        except ValueError as exc:
            i = int(np.flatnonzero((col == v).to_numpy(dtype=bool, na_value=False))[0])
            raise ActualsError(f"{name}: data row {rows[i] + 1}, column {TAGS}: {exc}") from None
    return col.map(codes).to_numpy(dtype=np.int8)


def _sum(values: np.ndarray, rows: np.ndarray, column: str, name: str, allow_empty: bool) -> Decimal | None:
    """Exact Decimal sum of a column slice; a bad cell raises naming its data row and the column."""
    if allow_empty:
        mask = np.array([v not in ("", None) and v == v for v in values], dtype=bool)
        if not mask.any():
            return None
        values, rows = values[mask], rows[mask]
    try:
        with localcontext() as ctx:   # a cell of 1e15 or more overflows: _dec below names it
            ctx.Emax = MAX_ADJUSTED_EXPONENT + 6
            total = sum(map(Decimal, values), ZERO)
        if total.is_finite() and max(map(len, values), default=0) <= MAX_NUMBER_CHARS and (
                not total or total.adjusted() <= MAX_ADJUSTED_EXPONENT):
            return total
    except (ArithmeticError, TypeError, ValueError):  # InvalidOperation, Overflow
        pass
    _dec(list(values), list(rows), column, name, allow_empty)    # finds the bad cell and raises
    raise ActualsError(f"{name}: column {column}: numbers overflow")


def _aggregate(sub: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, name: str, has_amortized: bool,
               acc: dict, st: _State) -> None:
    """Group the chunk's rows by (product, usage type, line type, region, untagged) and add exact sums to `acc`."""
    types = sub[LINE_TYPE]
    kinds = types.map(lambda t: st.type_info(t)[0]).to_numpy()
    usage = kinds == USAGE
    keep = (codes == MATCH) | ((codes == UNTAGGED) & ~usage)     # untagged usage is left out, reported apart
    st.rows_used += int((codes == MATCH).sum())
    _excluded(sub, rows, codes, usage, name, st)
    if not keep.any():
        return
    sub, rows = sub[keep], rows[keep]
    untagged = codes[keep] == UNTAGGED
    region = sub[REGION] if REGION in sub.columns else pd.Series([""] * len(sub), index=sub.index)
    frame = pd.DataFrame({"p": sub[PRODUCT].to_numpy(), "u": sub[USAGE_TYPE].to_numpy(),
                          "t": sub[LINE_TYPE].to_numpy(), "r": region.fillna("").to_numpy(), "x": untagged})
    cost = sub[UNBLENDED].to_numpy(dtype=object)
    amount = sub[AMOUNT].to_numpy(dtype=object)
    extra = {c: sub[c].to_numpy(dtype=object) for c in AMORTIZED_COLUMNS} if has_amortized else {}
    for (p, u, t, r, x), idx in frame.groupby(["p", "u", "t", "r", "x"], sort=False, dropna=False).indices.items():
        kind, special = st.type_info(t)
        svc = st.services.get((p, u))
        if svc is None:
            svc = st.services[(p, u)] = service_for(p, u)
        unb = _sum(cost[idx], rows[idx], UNBLENDED, name, False)
        amo = unb
        if special and has_amortized:
            amo = ZERO
            for i in idx:
                vals = {c: _dec([extra[c][i]], [rows[i]], c, name, True)[0] for c in AMORTIZED_COLUMNS}
                amo += _amortized(t, vals, _dec([cost[i]], [rows[i]], UNBLENDED, name, False)[0])
        qty = _sum(amount[idx], rows[idx], AMOUNT, name, True)
        key = (svc, u, kind, r, bool(x))
        slot = acc.get(key)
        if slot is None:
            acc[key] = [unb, amo, qty, special]
        else:
            slot[0] += unb
            slot[1] += amo
            if qty is not None:
                slot[2] = qty if slot[2] is None else slot[2] + qty
            slot[3] = slot[3] or special


def _excluded(sub: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, usage: np.ndarray, name: str,
              st: _State) -> None:
    """Unblended spend left out: untagged usage, and lines of other projects/environments."""
    cost = sub[UNBLENDED].to_numpy(dtype=object)
    for mask, attr in (((codes == UNTAGGED) & usage, "excluded_untagged"), (codes == OTHER, "excluded_other")):
        if mask.any():
            setattr(st, attr, getattr(st, attr) + _sum(cost[mask], rows[mask], UNBLENDED, name, False))


__all__ = ["read_cur", "REQUIRED", "AMORTIZED_COLUMNS", "TagMatcher", "split_usage_type"]
