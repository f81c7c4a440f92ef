"""Hostile bills (issue 14): huge, overflowing and over-long numbers, impossible dates, over-long and
control-character cells, undecodable bytes, oversized files -> ActualsError naming the file, row and column."""
from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

from review.sources import ActualsError, read_cur, read_file
from tests.helpers.cur import PROJECT_TAGS, cur_row, write_cur_csv, write_cur_parquet

M = "2025-05"
TAGS = {"Project": "ChatApp", "Environment": "prod"}
COST, AMOUNT, DATE, UT = ("line_item_unblended_cost", "line_item_usage_amount", "line_item_usage_start_date",
                          "line_item_usage_type")


def rows() -> list[dict[str, str]]:
    return [cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "30.368", "730", tags=PROJECT_TAGS, day=d)
            for d in (1, 2, 3)]


def _bad(tmp_path: Path, column: str, value: str, *, parquet: bool = False) -> Path:
    r = rows()
    r[1][column] = value
    if parquet:
        return write_cur_parquet(tmp_path / "cur.parquet", r)
    return write_cur_csv(tmp_path / "cur.csv", r)


@pytest.mark.parametrize(("column", "value", "message"), [
    (COST, "9e999999", "'9e999999' is out of range"),             # overflowed the Decimal sum (traceback)
    (COST, "1e99999999999", "is out of range"),
    (COST, "-3e20", "'-3e20' is out of range"),
    (COST, "1" * 5000, "a number longer than 40 characters"),      # InvalidOperation traceback before
    (AMOUNT, "1e400000", "'1e400000' is out of range"),             # accepted silently before
    (COST, "Infinity", "is not a finite number"),
    (DATE, "2025-05-32T00:00:00Z", "'2025-05-32T00:00:00Z' is not a date"),
    (DATE, "2025-05-xx", "is not a date"),
    (UT, "x" * 100_000, "longer than 1024 characters"),
    (UT, "Box\x1b[31mUsage", "control characters are not allowed"),
    ("resource_tags", '{"user_project": "' + "y" * 70_000 + '"}', "longer than 65536 characters"),
])
def test_hostile_cells_name_file_row_and_column(tmp_path: Path, column: str, value: str, message: str) -> None:
    with pytest.raises(ActualsError) as err:
        read_cur(_bad(tmp_path, column, value), M, TAGS)
    assert f"cur.csv: data row 2, column {column}: " in str(err.value) and message in str(err.value)


def test_huge_number_in_parquet_is_named(tmp_path: Path) -> None:
    with pytest.raises(ActualsError, match=r"cur.parquet: data row 2, column line_item_unblended_cost: "
                                           r"'inf' is not a finite number"):  # the double overflowed
        read_cur(_bad(tmp_path, COST, "9e999999", parquet=True), M, TAGS)


def test_tiny_numbers_are_read_as_the_small_amounts_they_are(tmp_path: Path) -> None:
    a = read_cur(_bad(tmp_path, COST, "0.0000000001"), M, TAGS)
    assert a.total_usd == Decimal("60.7360000001")


def test_undecodable_bytes_name_the_file(tmp_path: Path) -> None:
    p = write_cur_csv(tmp_path / "cur.csv", rows())
    p.write_bytes(p.read_bytes().replace(b"BoxUsage", b"Box\xff\xfeage"))  # in the usage type column too
    with pytest.raises(ActualsError, match=r"cur.csv: cannot read the file past data row \d+: 'utf-8' codec"):
        read_file(p, M, TAGS)


@pytest.mark.parametrize("cut", [10, 200, 700, -5])
def test_truncated_gzip_names_the_file(tmp_path: Path, cut: int) -> None:
    p = write_cur_csv(tmp_path / "cur.csv.gz", rows(), gz=True)
    p.write_bytes(p.read_bytes()[:cut])
    with pytest.raises(ActualsError, match=r"cur.csv.gz"):
        read_file(p, M, TAGS)


def test_oversized_bill_is_refused_and_the_limit_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write_cur_csv(tmp_path / "cur.csv", rows())
    monkeypatch.setenv("TIERSIZER_MAX_CUR_MB", "0.001")
    with pytest.raises(ActualsError, match=r"cur.csv: larger than 0.001 MB \(raise TIERSIZER_MAX_CUR_MB"):
        read_cur(p, M, TAGS)
    monkeypatch.setenv("TIERSIZER_MAX_CUR_MB", "1")
    assert read_cur(p, M, TAGS).total_usd == Decimal("91.104")


def test_gzip_bomb_of_one_long_field_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.csv.gz"
    head = write_cur_csv(tmp_path / "h.csv", rows()).read_text().splitlines()
    cells = head[1].split(",")
    with gzip.open(p, "wt") as fh:
        fh.write(head[0] + "\n" + ",".join(cells).replace("BoxUsage:t3.medium", "B" * 5_000_000) + "\n")
    with pytest.raises(ActualsError, match="longer than 1024 characters"):
        read_cur(p, M, TAGS)
