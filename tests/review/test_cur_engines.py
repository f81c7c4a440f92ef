"""One review query, several engines: the pandas reader, DuckDB (CSV, gzip, Parquet, Data Exports folders) and
the Athena (Trino) text of the same sqlglot definition run by DuckDB give the hand totals of test_cur to the cent."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot

from review.sources import ActualsError, read_cur, read_cur_duckdb, read_file
from review.sources.athena import athena_sql
from review.sources.cur_duckdb import connect, run_groups
from review.sources.cur_sql import actuals_from_groups, review_query, sql_for
from tests.helpers.cur import cur_row, write_cur_csv, write_cur_parquet
from tests.review.test_cur import TAGS, TOTAL, USAGE, M, _check, fixture_rows, sp_rows


def export_folder(root: Path) -> Path:
    """The Data Exports layout: NAME/data/BILLING_PERIOD=YYYY-MM/NAME-0000N.snappy.parquet, May in two parts."""
    rows = fixture_rows()
    by_period: dict[str, list] = {}
    for r in rows:
        by_period.setdefault(r["bill_billing_period_start_date"][:7], []).append(r)
    data = root / "tiersizer-cur2" / "data"
    for period, part in by_period.items():
        d = data / f"BILLING_PERIOD={period}"
        d.mkdir(parents=True)
        half = len(part) // 2 or 1
        write_cur_parquet(d / "tiersizer-cur2-00001.snappy.parquet", part[:half])
        if part[half:]:
            write_cur_parquet(d / "tiersizer-cur2-00002.snappy.parquet", part[half:])
    (root / "tiersizer-cur2" / "metadata").mkdir()
    (root / "tiersizer-cur2" / "metadata" / "manifest.json").write_text("{}")   # not a CUR file: skipped
    return root / "tiersizer-cur2"


def _check_may_partition(a) -> None:
    """The May partition holds 11 of the 13 fixture rows (the April and June rows are in their own partitions)."""
    assert a.total_usd == TOTAL and a.usage_usd == USAGE and a.adjustments_usd == Decimal("4.87")
    assert a.excluded_other_tags_usd == Decimal("103.00") and a.excluded_untagged_usd == Decimal("1.11")
    assert a.rows_read == 13 - 2 and len(a.lines) == 7


def test_duckdb_reads_csv_gzip_and_parquet_to_the_hand_totals(tmp_path):
    for p in (write_cur_csv(tmp_path / "cur.csv", fixture_rows()),
              write_cur_csv(tmp_path / "cur.csv.gz", fixture_rows(), gz=True),
              write_cur_csv(tmp_path / "export-00001", fixture_rows(), gz=True),      # no suffix: magic bytes
              write_cur_parquet(tmp_path / "cur.parquet", fixture_rows())):
        a = read_cur_duckdb(p, M, TAGS)
        _check(a)
        assert a.warnings == ()
        assert a == read_cur(p, M, TAGS)          # the same lines, counts and exclusions as the pandas reader


def test_other_month_lists_the_months_found(tmp_path):
    for p in (write_cur_csv(tmp_path / "cur.csv", fixture_rows()), write_cur_parquet(tmp_path / "c.parquet",
                                                                                      fixture_rows())):
        with pytest.raises(ActualsError, match=r"no line items for 2025-07 .*\(months in the file: 2025-04, "
                                               r"2025-05, 2025-06\)"):
            read_cur_duckdb(p, "2025-07", TAGS)


def test_read_file_defaults_to_duckdb_and_pandas_stays_available(tmp_path):
    p = write_cur_parquet(tmp_path / "cur.parquet", fixture_rows())
    assert read_file(p, M, TAGS) == read_file(p, M, TAGS, engine="pandas")


def test_data_exports_folder_reads_only_the_month_partition(tmp_path):
    folder = export_folder(tmp_path)
    _check_may_partition(read_cur_duckdb(folder, M, TAGS))
    _check_may_partition(read_cur_duckdb(folder.parent, M, TAGS))      # any folder above works too
    with pytest.raises(ActualsError, match=r"no BILLING_PERIOD=2025-07 partition .*2025-04, 2025-05, 2025-06"):
        read_cur_duckdb(folder, "2025-07", TAGS)


def test_a_partition_with_another_schema_is_named(tmp_path):
    folder = export_folder(tmp_path)
    odd = folder / "data" / "BILLING_PERIOD=2025-05" / "tiersizer-cur2-00003.snappy.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq
    t = pq.read_table(folder / "data" / "BILLING_PERIOD=2025-05" / "tiersizer-cur2-00001.snappy.parquet")
    t = t.drop_columns(["product_region_code"])
    pq.write_table(t.set_column(t.schema.get_field_index("line_item_unblended_cost"), "line_item_unblended_cost",
                                pa.array(["1.00"] * t.num_rows)), odd)
    with pytest.raises(ActualsError, match=r"BILLING_PERIOD=2025-05/tiersizer-cur2-00003.snappy.parquet: a different "
                                           r"schema from .*-00001.snappy.parquet \(no product_region_code; "
                                           r"line_item_unblended_cost string, not double\)") as exc:
        read_cur_duckdb(folder, M, TAGS)
    assert exc.value.field == "cur_file"


def test_athena_sql_run_by_duckdb_gives_the_same_totals(tmp_path):
    """The exact Trino text sent to Athena, transpiled by sqlglot, on the Data Exports folder as the table."""
    folder = export_folder(tmp_path)
    sql = athena_sql(M, TAGS, "cur_db", "cur_table")
    assert 'FROM "cur_db"."cur_table" WHERE billing_period = \'2025-05\'' in sql
    duck = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
    # the local engine runs this very definition (only the table differs)
    assert duck == sql_for(review_query(M, TAGS, '"cur_db"."cur_table"', partition_filter=True), "duckdb")
    con = connect()
    con.execute("CREATE SCHEMA cur_db")
    con.execute(f"CREATE VIEW cur_db.cur_table AS SELECT * FROM read_parquet('{folder}/data/*/*.parquet', "
                "hive_partitioning = true)")
    groups = run_groups(con, duck)
    a = actuals_from_groups(groups, M, "auto", "Athena cur_db.cur_table", True, "partition")
    _check_may_partition(a)
    local = read_cur_duckdb(folder, M, TAGS)
    pandas = read_cur(write_cur_parquet(tmp_path / "all.parquet", fixture_rows()), M, TAGS)
    for x in (local, pandas):
        assert (x.total_usd, x.usage_usd, x.adjustments_usd) == (a.total_usd, a.usage_usd, a.adjustments_usd)
        assert {(ln.service, ln.usage_type, ln.kind): ln.cost_usd for ln in x.lines} == \
            {(ln.service, ln.usage_type, ln.kind): ln.cost_usd for ln in a.lines}


def test_savings_plans_amortized_by_duckdb(tmp_path):
    a = read_cur_duckdb(write_cur_parquet(tmp_path / "sp.parquet", sp_rows()), M, TAGS)
    assert a.basis == "amortized"
    assert a.usage_usd == Decimal("21.86496")          # SP effective cost of the covered usage
    assert a.adjustments_usd == Decimal("3.13504")     # 25.00 commitment - 21.86496 used; negation 0
    unb = read_cur_duckdb(write_cur_csv(tmp_path / "sp.csv", sp_rows()), M, TAGS, basis="unblended")
    assert unb.usage_usd == Decimal("30.368") and unb.adjustments_usd == Decimal("-5.368")   # -30.368 + 25.00


def test_tag_keys_match_as_the_pandas_reader_does(tmp_path):
    rows = [cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "1.25", "1",
                    tags={"user:Project": "ChatApp", "user_ENVIRONMENT": "prod"}),
            cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "2.50", "1", tags={"Project": "ChatApp", "env": "prod"}),
            cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "4.00", "1", tags={"user_project": "", "x": ""})]
    for p in (write_cur_csv(tmp_path / "t.csv", rows), write_cur_parquet(tmp_path / "t.parquet", rows)):
        a = read_cur_duckdb(p, M, TAGS)
        assert a.total_usd == Decimal("1.25")                 # user:Project / user_ENVIRONMENT match
        assert a.excluded_other_tags_usd == Decimal("2.50")   # no Environment tag: another environment
        assert a.excluded_untagged_usd == Decimal("4.00")     # only empty values: untagged
        assert a == read_cur(p, M, TAGS)


def test_bad_data_is_named_by_row_and_column(tmp_path):
    rows = fixture_rows()
    rows[2]["line_item_unblended_cost"] = "32,85"
    with pytest.raises(ActualsError, match=r"data row 3, column line_item_unblended_cost: '32,85' is not a number"):
        read_cur_duckdb(write_cur_csv(tmp_path / "cur.csv", rows), M, TAGS)
    rows = fixture_rows()
    rows[1]["resource_tags"] = "{not json"
    with pytest.raises(ActualsError, match=r"data row 2, column resource_tags"):
        read_cur_duckdb(write_cur_csv(tmp_path / "tags.csv", rows), M, TAGS)
    bad = tmp_path / "bytes.csv"
    bad.write_bytes(write_cur_csv(tmp_path / "ok.csv", fixture_rows()).read_bytes().replace(b"ChatApp", b"Chat\xff"))
    with pytest.raises(ActualsError, match=r"bytes.csv"):
        read_cur_duckdb(bad, M, TAGS)


def test_non_usd_parquet_is_refused(tmp_path):
    rows = fixture_rows()
    rows[3]["line_item_currency_code"] = "EUR"
    with pytest.raises(ActualsError, match=r"line_item_currency_code: currency 'EUR' in 1 line\(s\); only USD"):
        read_cur_duckdb(write_cur_parquet(tmp_path / "eur.parquet", rows), M, TAGS)


def test_folder_limits(tmp_path, monkeypatch):
    folder = export_folder(tmp_path)
    monkeypatch.setenv("TIERSIZER_MAX_CUR_MB", "0.001")
    with pytest.raises(ActualsError, match=r"larger than 0.001 MB \(raise TIERSIZER_MAX_CUR_MB"):
        read_cur_duckdb(folder, M, TAGS)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ActualsError, match="no CUR 2.0 files"):
        read_cur_duckdb(empty, M, TAGS)
    with pytest.raises(ActualsError, match="no such file or folder"):
        read_cur_duckdb(tmp_path / "absent", M, TAGS)
