"""Readers of actual spend, one per source; all return `Actuals` (see review/model.py).

- `read_cur_duckdb(path, month, tags)`: CUR 2.0 file or folder (Data Exports layout) aggregated by DuckDB (default).
- `read_cur(path, month, tags)`: CUR 2.0 / Data Exports CSV, gzip CSV or Parquet, chunked pandas (the fallback).
- `athena.fetch_athena(month, tags, database, table)`: the same query on the Data Export's Athena table.
- `read_ce_csv(path, month)`: the Cost Explorer console's CSV export (services as columns).
- `fetch_cost_explorer(month, tags, client=None, profile=None)`: the Cost Explorer API.
"""
from __future__ import annotations

from pathlib import Path

from review.model import ActualLine, Actuals, ActualsError, parse_month
from review.sources.ce_api import ce_client, fetch_cost_explorer
from review.sources.ce_csv import read_ce_csv
from review.sources.cur import read_cur
from review.sources.cur_duckdb import read_cur_duckdb

DEFAULT_PROJECT = "ChatApp"     # the generated CDK app's Project tag (generators/cdk_config.py default)


def project_tags(project: str | None, environment: str | None) -> dict[str, str]:
    """The tag filter the generated CDK app makes possible: Project and Environment on every resource."""
    tags: dict[str, str] = {}
    if project:
        tags["Project"] = project
    if environment:
        tags["Environment"] = environment
    return tags


def read_file(path: Path | str, month: str, tags: dict[str, str] | None = None, basis: str = "auto",
              display_name: str | None = None, engine: str = "duckdb") -> Actuals:
    """A CUR 2.0 file or a console CSV, told apart by their header (for uploads of unknown kind)."""
    p = Path(path)
    if not p.is_file():
        raise ActualsError(f"no such file {p}")
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if head[:4] == b"PAR1" or head[:2] == b"\x1f\x8b" or b"line_item_" in head:
        reader = read_cur if engine == "pandas" else read_cur_duckdb
        return reader(p, month, tags, basis, display_name=display_name)
    if head.lstrip(b"\xef\xbb\xbf\"").lower().startswith(b"service"):
        return read_ce_csv(p, month, display_name=display_name)
    raise ActualsError(f"{display_name or p.name}: neither a CUR 2.0 export (line_item_* columns) nor a Cost "
                       f"Explorer console CSV (header 'Service,...')")


__all__ = ["read_cur", "read_cur_duckdb", "read_ce_csv", "fetch_cost_explorer", "ce_client", "read_file", "project_tags",
           "Actuals", "ActualLine", "ActualsError", "parse_month", "DEFAULT_PROJECT"]
