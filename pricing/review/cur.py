"""CUR 2.0 (Data Exports) reader: CSV, gzip CSV or Parquet, read in chunks, filtered by month and tags.

Rows are aggregated per (service, usage type, kind, region) with exact Decimal sums, so memory stays
flat however large the file is. Both cost bases are summed in one pass; `basis="auto"` picks amortized
when savings plan or reservation lines are present.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from pricing.review.model import (USAGE, ZERO, ActualLine, Actuals, ActualsError, kind_of, parse_month,
                                  service_for, split_usage_type)

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
CHUNK_ROWS = 250_000

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
    reader = pd.read_csv(path, dtype=str, usecols=use, keep_default_na=False, chunksize=chunk_rows,
                         compression=comp, encoding="utf-8")
    with reader:
        yield from reader


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq
    return list(pq.ParquetFile(path).schema_arrow.names)


def _parquet_chunks(path: Path, use: list[str], chunk_rows: int, matcher: TagMatcher) -> Iterator[pd.DataFrame]:
    """Parquet batches as string frames; the resource_tags map column becomes a MATCH/OTHER/UNTAGGED code."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=use):
        data: dict[str, Any] = {}
        for name in use:
            col = batch.column(name)
            if name == TAGS:
                data[TAGS] = _parquet_tag_codes(col, matcher)
            elif pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
                data[name] = pd.Series(col.cast(pa.string()).to_pylist(), dtype=object).fillna("")
            elif pa.types.is_floating(col.type):
                data[name] = [("" if v is None else repr(v)) for v in col.to_pylist()]
            else:
                data[name] = pd.Series(col.cast(pa.string()).to_pylist(), dtype=object).fillna("")
        yield pd.DataFrame(data)


def _parquet_tag_codes(col: Any, matcher: TagMatcher) -> list[int]:
    import pyarrow as pa
    if pa.types.is_map(col.type):
        rows = col.to_pylist()
        return [matcher.classify(dict(r) if r else None) for r in rows]
    return [matcher.classify_json(v or "") for v in col.cast(pa.string()).to_pylist()]


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
        raise ActualsError(f"--basis: expected auto, unblended or amortized, got {basis!r}")
    if not path.is_file():
        raise ActualsError(f"--cur: no such file {path}")
    matcher = TagMatcher(tags)
    parquet = _is_parquet(path)
    try:
        columns = _parquet_columns(path) if parquet else list(
            pd.read_csv(path, nrows=0, dtype=str, compression="gzip" if _is_gzip(path) else None).columns)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise ActualsError(f"{name}: not a readable CUR 2.0 CSV/Parquet file ({exc})") from None
    use = _check_columns(columns, name, basis)
    has_amortized = all(c in use for c in AMORTIZED_COLUMNS)
    chunks = _parquet_chunks(path, use, chunk_rows, matcher) if parquet else _csv_chunks(path, use, chunk_rows)

    # key -> [unblended, amortized, usage amount, rows]
    acc: dict[tuple[str, str, str, str, bool], list[Any]] = {}
    rows_read = rows_used = 0
    months_seen: set[str] = set()
    excluded_untagged = excluded_other = ZERO
    svc_cache: dict[tuple[str, str], str] = {}
    try:
        for chunk in chunks:
            start = rows_read
            n = len(chunk)
            rows_read += n
            dates = chunk[DATE].astype(str)
            months_seen.update(dates.str.slice(0, 7).unique().tolist())
            in_month = dates.str.startswith(month).to_numpy()
            if not in_month.any():
                continue
            sub = chunk[in_month]
            idx = [start + int(i) for i in range(n) if in_month[i]] if not in_month.all() else None
            _check_currency(sub, idx, start, name)
            if parquet:
                tag_code = sub[TAGS].tolist()
            else:
                tag_code = _tag_codes(sub[TAGS], matcher, idx, start, name)
            _aggregate(sub, idx, start, name, tag_code, has_amortized, acc, svc_cache)
            rows_used += sum(1 for c in tag_code if c == MATCH)
            ex = _excluded(sub, idx, start, name, tag_code)
            excluded_untagged += ex[0]
            excluded_other += ex[1]
    except (UnicodeDecodeError, pd.errors.ParserError, EOFError, OSError) as exc:
        raise ActualsError(f"{name}: cannot read the file past data row {rows_read}: {exc}") from None

    if not acc:
        seen = ", ".join(sorted(m for m in months_seen if m)) or "none"
        raise ActualsError(f"{name}: no line items for {month} matching the filter (months in the file: {seen})")
    special = any(v[4] for v in acc.values())
    chosen = basis if basis != "auto" else ("amortized" if special and has_amortized else "unblended")
    lines = tuple(ActualLine(svc, ut, kind, v[1] if chosen == "amortized" else v[0], v[2], region, acct)
                  for (svc, ut, kind, region, acct), v in sorted(acc.items()))
    warnings = []
    if special and chosen == "unblended":
        warnings.append("savings plan / reservation lines present but the amortized cost columns are missing: "
                        "covered usage is shown at the on-demand rate and the commitment as an adjustment")
    return Actuals(month, "cur", name, chosen, "usage_type", lines, rows_read, rows_used, None, excluded_untagged,
                   excluded_other, tuple(warnings))


def _row_no(idx: list[int] | None, start: int, i: int) -> int:
    return (idx[i] if idx is not None else start + i) + 1


def _check_currency(sub: pd.DataFrame, idx: list[int] | None, start: int, name: str) -> None:
    cur = sub[CURRENCY].tolist()
    if all(c == "USD" for c in cur):
        return
    for i, c in enumerate(cur):
        if c != "USD":
            raise ActualsError(f"{name}: data row {_row_no(idx, start, i)}, column {CURRENCY}: currency {c!r}; "
                               f"only USD bills can be compared with the USD estimate")


def _tag_codes(col: pd.Series, matcher: TagMatcher, idx: list[int] | None, start: int, name: str) -> list[int]:
    """Classify each distinct tag JSON once (most rows share a handful of tag sets)."""
    values = col.tolist()
    codes: dict[str, int] = {}
    out = []
    for i, v in enumerate(values):
        c = codes.get(v)
        if c is None:
            try:
                c = codes[v] = matcher.classify_json(v)
            except ValueError as exc:
                raise ActualsError(f"{name}: data row {_row_no(idx, start, i)}, column {TAGS}: {exc}") from None
        out.append(c)
    return out


def _aggregate(sub: pd.DataFrame, idx: list[int] | None, start: int, name: str, tag_code: list[int],
               has_amortized: bool, acc: dict, svc_cache: dict) -> None:
    keep = [i for i, c in enumerate(tag_code) if c == MATCH or c == UNTAGGED]
    if not keep:
        return
    types = sub[LINE_TYPE].tolist()
    kinds_cache: dict[str, str] = {}
    kinds = [kinds_cache.setdefault(t, kind_of(t)) for t in types]
    keep = [i for i in keep if tag_code[i] == MATCH or kinds[i] != USAGE]   # untagged usage is excluded
    if not keep:
        return
    cols = {c: sub[c].tolist() for c in sub.columns if c in NUMERIC}
    prods, uts = sub[PRODUCT].tolist(), sub[USAGE_TYPE].tolist()
    regions = sub[REGION].tolist() if REGION in sub.columns else [""] * len(sub)
    pick = lambda c: [cols[c][i] for i in keep]  # noqa: E731
    rows = [idx[i] if idx is not None else start + i for i in keep]

    def conv(column: str, allow_empty: bool) -> list[Decimal | None]:
        return _dec(pick(column), rows, column, name, allow_empty)

    cost = conv(UNBLENDED, False)
    amount = conv(AMOUNT, True)
    special_cols: dict[str, list[Decimal | None]] = {}
    for j, i in enumerate(keep):
        t = types[i]
        p, u = prods[i], uts[i]
        svc = svc_cache.get((p, u))
        if svc is None:
            svc = svc_cache[(p, u)] = service_for(p, u)
        kind = kinds[i]
        special = "".join(ch for ch in t.lower() if ch.isalpha()) in _SPECIAL
        unb = cost[j]
        amo = unb
        if special and has_amortized:
            if not special_cols:
                special_cols = {c: conv(c, True) for c in AMORTIZED_COLUMNS}
            amo = _amortized(t, {c: special_cols[c][j] for c in AMORTIZED_COLUMNS}, unb)
        key = (svc, u, kind, regions[i], tag_code[i] == UNTAGGED)
        slot = acc.get(key)
        if slot is None:
            slot = acc[key] = [ZERO, ZERO, None, 0, False]
        slot[0] += unb
        slot[1] += amo
        a = amount[j]
        if a is not None:
            slot[2] = a if slot[2] is None else slot[2] + a
        slot[3] += 1
        if special:
            slot[4] = True


def _excluded(sub: pd.DataFrame, idx: list[int] | None, start: int, name: str,
              tag_code: list[int]) -> tuple[Decimal, Decimal]:
    """Unblended spend left out: untagged usage, and lines of other projects/environments."""
    drop = [i for i, c in enumerate(tag_code) if c != MATCH]
    if not drop:
        return ZERO, ZERO
    types = sub[LINE_TYPE].tolist()
    costs = sub[UNBLENDED].tolist()
    untagged = other = ZERO
    for i in drop:
        if tag_code[i] == UNTAGGED and kind_of(types[i]) != USAGE:
            continue            # kept as an account-level adjustment
        d = _dec([costs[i]], [_row_no(idx, start, i) - 1], UNBLENDED, name, False)[0]
        if tag_code[i] == UNTAGGED:
            untagged += d
        else:
            other += d
    return untagged, other


__all__ = ["read_cur", "REQUIRED", "AMORTIZED_COLUMNS", "TagMatcher", "split_usage_type"]
