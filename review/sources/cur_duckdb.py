"""DuckDB engine of the CUR 2.0 review (the default local engine): the query of cur_sql.py, run in-process.

Input: one CUR 2.0 file (CSV, gzip CSV or Parquet, told apart by their bytes) or a folder of them, such as a
Data Export's `.../data/BILLING_PERIOD=2026-10/*.parquet` (only the month's partition is read when the
folder is partitioned). A view `cur_src` gives the query the same columns whatever the format: CSV cells as
text (empty -> NULL), resource_tags as MAP(VARCHAR, VARCHAR) (CSV JSON text parsed), optional columns absent
from the export as NULL. Every file must have the same columns (a partition with another schema is refused).
When DuckDB rejects a single file's data (a bad number, bad bytes, bad tag JSON) the pandas reader reads it
to name the data row and column.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from review.model import Actuals, ActualsError, parse_month
from review.sources.cur import AMORTIZED_COLUMNS, READ_ERRORS, REGION, REQUIRED, TAGS, _check_columns
from review.sources.cur_sql import QUERY_COLUMNS, actuals_from_groups, review_query, sql_for
from review.sources.limits import max_cur_mb

SUFFIXES = (".parquet", ".csv", ".gz")
MEMORY_MB_DEFAULT = 512       # env TIERSIZER_DUCKDB_MEMORY_MB: DuckDB's buffer limit (the aggregate keeps ~100 groups)
THREADS_MAX = 4               # env TIERSIZER_DUCKDB_THREADS; default min(CPUs, 4)
_PARTITION = re.compile(r"^billing_period=(.+)$", re.IGNORECASE)


def _magic(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    return "parquet" if head == b"PAR1" else "gzip" if head[:2] == b"\x1f\x8b" else "csv"


def cur_files(path: Path, month: str, name: str) -> list[Path]:
    """The files to read: the file itself, or the folder's CUR files (only BILLING_PERIOD=month when partitioned)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ActualsError(f"no such file or folder {path}", field="cur_file")
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES)
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise ActualsError(f"{name}: no CUR 2.0 files (*.parquet, *.csv, *.csv.gz) in the folder", field="cur_file")
    periods = {p: next((m.group(1) for part in p.relative_to(path).parts if (m := _PARTITION.match(part))), None)
               for p in files}
    if any(periods.values()):
        keep = [p for p in files if periods[p] == month]
        if not keep:
            found = ", ".join(sorted({v for v in periods.values() if v})) or "none"
            raise ActualsError(f"{name}: no BILLING_PERIOD={month} partition in the folder (partitions: {found})",
                               field="cur_file")
        files = keep
    total = sum(p.stat().st_size for p in files)
    if total > max_cur_mb() * 1024 * 1024:
        raise ActualsError(f"{name}: {total / 1e6:,.0f} MB to read, larger than {max_cur_mb():g} MB (raise "
                           f"TIERSIZER_MAX_CUR_MB to read it)", field="cur_file")
    return files


def _columns(path: Path, kind: str, name: str) -> dict[str, str]:
    """Column -> type ('map', 'text' or an Arrow type name) of one file, from its header or Parquet footer."""
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq
            schema = pq.read_schema(path)
            return {f.name: ("map" if str(f.type).startswith("map<") else str(f.type)) for f in schema}
        import pandas as pd
        return {c: "text" for c in pd.read_csv(path, nrows=0, dtype=str, compression="gzip" if kind == "gzip"
                                               else None).columns}
    except READ_ERRORS as exc:
        raise ActualsError(f"{name}: not a readable CUR 2.0 CSV/Parquet file ({exc})") from None


def _schema(files: list[Path], root: Path, name: str, basis: str) -> tuple[str, dict[str, str]]:
    """The one format and column set of all files; a file that differs is named with what differs."""
    kinds = {_magic(p) for p in files}
    if "parquet" in kinds and len(kinds) > 1:
        raise ActualsError(f"{name}: Parquet and CSV files mixed in one folder; read one export at a time")
    kind = kinds.pop() if len(kinds) == 1 else "csv"
    first = files[0]
    cols = _columns(first, _magic(first), name)
    _check_columns(list(cols), _label(first, root, name), basis)
    wanted = {c: t for c, t in cols.items() if c in QUERY_COLUMNS}
    for p in files[1:]:
        other = {c: t for c, t in _columns(p, _magic(p), name).items() if c in QUERY_COLUMNS}
        if other != wanted:
            diff = [f"no {c}" for c in wanted if c not in other] + [f"extra {c}" for c in other if c not in wanted] + [
                f"{c} {other[c]}, not {t}" for c, t in wanted.items() if c in other and other[c] != t]
            raise ActualsError(f"{_label(p, root, name)}: a different schema from {_label(first, root, name)} "
                               f"({'; '.join(diff[:6])}); every partition of an export "
                               f"must have the same columns: re-run the export or read the partitions apart",
                               field="cur_file")
    return kind, wanted


def _label(p: Path, root: Path, name: str) -> str:
    return name if p == root else f"{name}/{p.relative_to(root)}"


def _source_sql(files: list[Path], kind: str, cols: dict[str, str]) -> str:
    """SELECT of the columns the query reads, the same names and shapes whatever the file format."""
    from sqlglot import exp
    paths = "[" + ", ".join(exp.Literal.string(str(p)).sql(dialect="duckdb") for p in files) + "]"
    parts = []
    for c in QUERY_COLUMNS:
        t = cols.get(c)
        if t is None:
            parts.append(f"CAST(NULL AS {'MAP(VARCHAR, VARCHAR)' if c == TAGS else 'VARCHAR'}) AS {c}")
        elif c == TAGS and t != "map":
            parts.append(f"CAST(CAST(NULLIF(trim({c}), '') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS {c}")
        elif t == "text":
            parts.append(f"NULLIF({c}, '') AS {c}")
        else:
            parts.append(c)
    if kind == "parquet":
        src = f"read_parquet({paths}, hive_partitioning = false)"
    else:
        comp = "gzip" if kind == "gzip" else "none"
        # DuckDB's default max_line_size (2 MB) keeps its buffers small; a longer line fails and the pandas reader
        # names it
        union = ", union_by_name = true" if len(files) > 1 else ""
        src = (f"read_csv({paths}, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
               f"compression = '{comp}'{union})")
    return f"SELECT {', '.join(parts)} FROM {src}"


def connect() -> Any:
    """An in-memory DuckDB with bounded memory and threads, UTC timestamps."""
    import duckdb
    mem = _env_int("TIERSIZER_DUCKDB_MEMORY_MB", MEMORY_MB_DEFAULT)
    threads = _env_int("TIERSIZER_DUCKDB_THREADS", min(os.cpu_count() or 1, THREADS_MAX))
    con = duckdb.connect(":memory:", config={"memory_limit": f"{mem}MB", "threads": threads,
                                             "preserve_insertion_order": False})
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")      # it writes to stdout (the CLI's JSON) on long queries
    spill = Path(tempfile.gettempdir()) / "tiersizer-duckdb"   # not ./.tmp in the caller's folder
    con.execute(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    return con


def _env_int(var: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(var, "") or default))
    except ValueError:
        return default


def run_groups(con: Any, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def read_cur_duckdb(path: Path | str, month: str, tags: dict[str, str] | None = None, basis: str = "auto",
                    display_name: str | None = None) -> Actuals:
    """The review's actuals from a CUR 2.0 file or folder, aggregated by DuckDB (same contract as cur.read_cur)."""
    import duckdb
    path = Path(path)
    name = display_name or path.name
    parse_month(month)
    if basis not in ("auto", "unblended", "amortized"):
        raise ActualsError(f"expected auto, unblended or amortized, got {basis!r}", field="basis")
    files = cur_files(path, month, name)
    kind, cols = _schema(files, path, name, basis)
    has_amortized = all(c in cols for c in AMORTIZED_COLUMNS)
    con = connect()
    try:
        con.execute(f"CREATE VIEW cur_src AS {_source_sql(files, kind, cols)}")
        groups = run_groups(con, sql_for(review_query(month, tags, "cur_src"), "duckdb"))
    except duckdb.Error as exc:
        return _fallback(exc, files, path, month, tags, basis, name)
    finally:
        con.close()
    return actuals_from_groups(groups, month, basis, name, has_amortized, "the file" if path.is_file() else
                               "the folder")


def _fallback(exc: Exception, files: list[Path], path: Path, month: str, tags: dict[str, str] | None, basis: str,
              name: str) -> Actuals:
    """DuckDB refused the data: the pandas reader names the row and column (one file), else DuckDB's message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(files) == 1:
        from dataclasses import replace

        from review.sources.cur import read_cur
        actuals = read_cur(files[0], month, tags, basis, display_name=name)   # raises naming row and column
        return replace(actuals, warnings=(*actuals.warnings, f"DuckDB could not read {name} ({first[:200]}); "
                                                             f"read with the pandas engine instead"))
    raise ActualsError(f"{name}: DuckDB cannot read the folder's CUR files: {first[:300]}", field="cur_file")


__all__ = ["read_cur_duckdb", "cur_files", "connect", "run_groups", "REQUIRED", "REGION"]
