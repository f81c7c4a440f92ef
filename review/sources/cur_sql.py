"""The review's CUR 2.0 aggregation as ONE SQL definition, generated for Trino (Athena) and DuckDB by sqlglot.

`review_query(month, tags, table)` is the canonical query (written once, parsed by sqlglot into one tree);
`sql_for(query, "trino" | "duckdb")` renders it for an engine. The query groups the month's line items by
(usage month, product, usage type, line item type, region, currency, tag class) and sums cost, usage and the
savings plan / reservation columns as DECIMAL(38, 12); rows of other months collapse into one group per month
(their count is `rows_read`, their months name what the file holds). `actuals_from_groups` turns the groups
into the same `Actuals` the pandas reader (cur.py) returns: same tag rules, same amortization, same lines.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp

from review.model import USAGE, ZERO, Actuals, ActualsError, kind_of, parse_month, service_for
from review.sources.cur import (
    _SPECIAL,
    AMORTIZED_COLUMNS,
    AMOUNT,
    CURRENCY,
    DATE,
    LINE_TYPE,
    MATCH,
    OTHER,
    PRODUCT,
    REGION,
    RI_EFFECTIVE,
    RI_UNUSED_RECURRING,
    RI_UNUSED_UPFRONT,
    SP_COMMITMENT,
    SP_EFFECTIVE,
    SP_USED,
    TAGS,
    UNBLENDED,
    UNTAGGED,
    USAGE_TYPE,
    _amortized,
    _norm_key,
    actuals_from_lines,
)
from review.sources.limits import MAX_ADJUSTED_EXPONENT, MAX_TEXT_CHARS

MONEY = "DECIMAL(38, 12)"          # 26 integer digits, 12 decimals: CUR costs carry at most 10
PARTITION = "billing_period"       # the Data Exports partition (BILLING_PERIOD=YYYY-MM), as the Athena table names it
# Result columns, in order: the group key, then the row count and the sums.
KEY_COLUMNS = ("usage_month", "product", "usage_type", "line_type", "region", "currency", "tag_class")
SUM_COLUMNS = ("unblended", "usage_amount", "sp_effective", "sp_commitment", "sp_used", "ri_effective",
               "ri_unused_upfront", "ri_unused_recurring")
RESULT_COLUMNS = (*KEY_COLUMNS, "line_count", *SUM_COLUMNS)
_SUMMED = dict(zip(SUM_COLUMNS, (UNBLENDED, AMOUNT, SP_EFFECTIVE, SP_COMMITMENT, SP_USED, RI_EFFECTIVE,
                                 RI_UNUSED_UPFRONT, RI_UNUSED_RECURRING)))
# Every CUR 2.0 column the query reads (the Data Export's query statement selects exactly these).
QUERY_COLUMNS = (DATE, PRODUCT, USAGE_TYPE, LINE_TYPE, AMOUNT, UNBLENDED, CURRENCY, TAGS, REGION, *AMORTIZED_COLUMNS)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TAG_PREFIX = "^(user_|user:|resourcetags/user:)"   # cur._norm_key's prefixes


def _lit(value: str) -> str:
    return exp.Literal.string(value).sql(dialect="trino")


def _tag_class(tags: Mapping[str, str] | None, column: str = TAGS) -> str:
    """MATCH when every wanted tag is there with its value (keys compared as cur._norm_key does), UNTAGGED when
    the line has no non-empty tag, else OTHER. Written in Trino; sqlglot renders the lambdas for DuckDB."""
    want = {_norm_key(k): v for k, v in (tags or {}).items()}
    if not want:
        return str(MATCH)
    norm = f"regexp_replace(regexp_replace(lower(k), {_lit(_TAG_PREFIX)}, ''), '[^a-z0-9]', '')"
    pairs = f"transform(map_keys({column}), k -> {norm} || '=' || element_at({column}, k))"
    matched = " AND ".join(f"coalesce(contains({pairs}, {_lit(f'{k}={v}')}), false)" for k, v in want.items())
    untagged = f"coalesce(cardinality(filter(map_values({column}), v -> v <> '')), 0) = 0"
    return f"CASE WHEN {untagged} THEN {UNTAGGED} WHEN {matched} THEN {MATCH} ELSE {OTHER} END"



def check_tags(tags: Mapping[str, str] | None) -> None:
    """Tag keys and values that can go into the SQL text: printable, at most 256 characters, a key with letters."""
    for k, v in (tags or {}).items():
        for what, text in (("tag key", k), ("tag value", v)):
            if not text or len(text) > 256 or _CONTROL.search(text):
                raise ActualsError(f"{what} {text[:40]!r}: 1..256 printable characters expected")
        if not _norm_key(k):
            raise ActualsError(f"tag key {k!r} has no letters or digits")


def review_query(month: str, tags: Mapping[str, str] | None, table: str, partition_filter: bool = False) -> exp.Query:
    """The one definition of the review's aggregation over a CUR 2.0 table (or view) named `table`."""
    parse_month(month)
    check_tags(tags)
    hit = f"usage_month = {_lit(month)}"
    keys = (f"CASE WHEN {hit} THEN {PRODUCT} END AS product", f"CASE WHEN {hit} THEN {USAGE_TYPE} END AS usage_type",
            f"CASE WHEN {hit} THEN {LINE_TYPE} END AS line_type",
            f"CASE WHEN {hit} THEN coalesce({REGION}, '') END AS region",
            f"CASE WHEN {hit} THEN {CURRENCY} END AS currency", f"CASE WHEN {hit} THEN {TAGS} END AS tags")
    sums = [f"CASE WHEN {hit} THEN CAST({col} AS {MONEY}) END AS {name}" for name, col in _SUMMED.items()]
    where = f" WHERE {PARTITION} = {_lit(month)}" if partition_filter else ""
    inner = (f"SELECT substr(CAST({DATE} AS VARCHAR), 1, 7) AS usage_month, {', '.join(QUERY_COLUMNS)} "
             f"FROM {table}{where}")
    rows = f"SELECT usage_month, {', '.join(keys)}, {', '.join(sums)} FROM ({inner}) AS cur"
    # stage 1 groups by the tag map itself (a few distinct tag sets per usage type), so the tag rules run per
    # group, not per line; stage 2 classifies each group's tags and adds the groups up per tag class
    by_tags = ("usage_month", "product", "usage_type", "line_type", "region", "currency", "tags")
    stage1 = (f"SELECT {', '.join(by_tags)}, count(*) AS line_count, "
              f"{', '.join(f'sum({s}) AS {s}' for s in SUM_COLUMNS)} FROM ({rows}) AS lines "
              f"GROUP BY {', '.join(by_tags)}")
    stage2 = (f"SELECT {', '.join(by_tags[:-1])}, {_tag_class(tags, 'tags')} AS tag_class, line_count, "
              f"{', '.join(SUM_COLUMNS)} FROM ({stage1}) AS tag_sets")
    outer = (f"SELECT {', '.join(KEY_COLUMNS)}, sum(line_count) AS line_count, "
             f"{', '.join(f'sum({s}) AS {s}' for s in SUM_COLUMNS)} FROM ({stage2}) AS classed "
             f"GROUP BY {', '.join(KEY_COLUMNS)}")
    return sqlglot.parse_one(outer, read="trino")


def sql_for(query: exp.Query, dialect: str) -> str:
    """The query in one engine's dialect: 'trino' (Athena engine v3) or 'duckdb'."""
    return query.sql(dialect=dialect)


def table_name(database: str, table: str) -> str:
    """`"database"."table"` as Trino quotes it; names are checked by the caller (athena.check_name)."""
    return exp.Table(this=exp.to_identifier(table, quoted=True), db=exp.to_identifier(database, quoted=True)).sql(
        dialect="trino")


def _tidy(d: Decimal) -> Decimal:
    """30.368000000000 -> 30.368 (the DECIMAL(38, 12) scale dropped) without going to exponent form."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return _tidy(value if isinstance(value, Decimal) else Decimal(str(value)))


def _check_key(group: Mapping[str, Any], name: str) -> None:
    for col in ("product", "usage_type", "line_type", "region"):
        text = group.get(col) or ""
        if len(text) > MAX_TEXT_CHARS or _CONTROL.search(text):
            raise ActualsError(f"{name}: a {col} value of {len(text)} characters or with control characters "
                               f"({text[:40]!r})")
    if group.get("currency") != "USD":
        raise ActualsError(f"{name}: column {CURRENCY}: currency {group.get('currency')!r} in "
                           f"{group.get('line_count')} line(s); only USD bills can be compared with the USD estimate")
    for col in SUM_COLUMNS:
        d = group.get(col)
        if d is not None and d and d.adjusted() > MAX_ADJUSTED_EXPONENT:
            raise ActualsError(f"{name}: column {_SUMMED[col]}: a sum of {d:.3e} is out of range "
                               f"(|value| < 1e{MAX_ADJUSTED_EXPONENT + 1})")


def actuals_from_groups(groups: Iterable[Mapping[str, Any]], month: str, basis: str, source_name: str,
                        has_amortized: bool, where: str) -> Actuals:
    """The query's groups -> `Actuals`, with the rules of cur.read_cur: untagged usage and other tags left out
    (their unblended totals reported), untagged tax/credits kept as account level, amortization per line type."""
    acc: dict[tuple[str, str, str, str, bool], list[Any]] = {}
    months: set[str] = set()
    rows_read = rows_used = 0
    excluded = {UNTAGGED: ZERO, OTHER: ZERO}
    for raw in groups:
        g = {k: (_dec(v) if k in SUM_COLUMNS else v) for k, v in raw.items()}
        count = int(g["line_count"])
        rows_read += count
        months.add(str(g["usage_month"] or ""))
        if g["usage_month"] != month:
            continue
        _check_key(g, source_name)
        t, code = g["line_type"] or "", int(g["tag_class"])
        kind = kind_of(t)
        unb = g["unblended"]
        if unb is None:
            raise ActualsError(f"{source_name}: column {UNBLENDED}: empty in {count} line(s) of {month}")
        rows_used += count if code == MATCH else 0
        if code == OTHER or (code == UNTAGGED and kind == USAGE):
            excluded[code] += unb
            continue
        special = "".join(ch for ch in t.lower() if ch.isalpha()) in _SPECIAL
        vals = {_SUMMED[c]: g[c] for c in SUM_COLUMNS[2:]}
        amo = _amortized(t, vals, unb) if special and has_amortized else unb
        key = (service_for(g["product"] or "", g["usage_type"] or ""), g["usage_type"] or "", kind, g["region"] or "",
               code == UNTAGGED)
        slot = acc.setdefault(key, [ZERO, ZERO, None, False])
        slot[0] += unb
        slot[1] += amo
        if g["usage_amount"] is not None:
            slot[2] = g["usage_amount"] if slot[2] is None else slot[2] + g["usage_amount"]
        slot[3] = slot[3] or special
    return actuals_from_lines(acc, month, basis, source_name, has_amortized, where, months, rows_read, rows_used,
                              excluded[UNTAGGED], excluded[OTHER])
