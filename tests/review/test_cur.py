"""CUR 2.0 reader: month and tag filters, tax/credit lines apart, exact totals (by hand), CSV = gzip = Parquet,
malformed files named by row and column, amortized savings plan cost."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from review.sources import ActualsError, read_cur, read_file
from tests.helpers.cur import CUR2_COLUMNS, PROJECT_TAGS, cur_row, write_cur_csv, write_cur_parquet

M = "2025-05"
OTHER = {"user_project": "Billing", "user_environment": "prod"}
DEV = {"user_project": "ChatApp", "user_environment": "dev"}
TAGS = {"Project": "ChatApp", "Environment": "prod"}


def fixture_rows() -> list[dict[str, str]]:
    """Several services, two months, other projects, tax and credit, a service not in any estimate."""
    return [
        cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "30.368", "730", tags=PROJECT_TAGS, day=1),
        cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "30.368", "730", tags=PROJECT_TAGS, day=2),
        cur_row(M, "AmazonEC2", "USE1-NatGateway-Hours", "32.85", "730", tags=PROJECT_TAGS),
        cur_row(M, "AmazonEC2", "USE1-NatGateway-Bytes", "4.50", "100", tags=PROJECT_TAGS),
        cur_row(M, "AmazonDynamoDB", "USE1-TimedStorage-ByteHrs", "7.50", "30", tags=PROJECT_TAGS),
        cur_row(M, "AmazonSageMaker", "USE1-Notebk:ml.t3.medium", "12.3456789012", "250", tags=PROJECT_TAGS),
        cur_row(M, "AmazonEC2", "BoxUsage:m5.large", "100", "1000", tags=OTHER),         # other project
        cur_row(M, "AmazonEC2", "BoxUsage:t3.small", "3.00", "150", tags=DEV),           # other environment
        cur_row(M, "AmazonS3", "TimedStorage-ByteHrs", "1.11", "48", tags=None),         # untagged usage
        cur_row(M, "AmazonEC2", "Tax", "9.87", None, line_type="Tax", tags=None),       # account-level tax
        cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "-5.00", None, line_type="Credit", tags=PROJECT_TAGS),
        cur_row("2025-04", "AmazonEC2", "BoxUsage:t3.medium", "55.00", "1300", tags=PROJECT_TAGS),
        cur_row("2025-06", "AmazonEC2", "Tax", "4.00", None, line_type="Tax"),
    ]


# By hand: usage 30.368 + 30.368 + 32.85 + 4.50 + 7.50 + 12.3456789012 = 117.9316789012
#          adjustments 9.87 (tax) - 5.00 (credit) = 4.87; total 122.8016789012
USAGE = Decimal("117.9316789012")
TOTAL = Decimal("122.8016789012")


def _check(a) -> None:
    assert a.month == M and a.source == "cur" and a.basis == "unblended" and a.granularity == "usage_type"
    assert a.total_usd == TOTAL
    assert a.usage_usd == USAGE
    assert a.adjustments_usd == Decimal("4.87")
    assert a.excluded_other_tags_usd == Decimal("103.00")
    assert a.excluded_untagged_usd == Decimal("1.11")
    assert a.rows_read == 13
    by = {(ln.service, ln.usage_type, ln.kind): ln for ln in a.lines}
    ec2 = by[("Amazon Elastic Compute Cloud - Compute", "BoxUsage:t3.medium", "usage")]
    assert ec2.cost_usd == Decimal("60.736") and ec2.usage_amount == Decimal("1460")
    assert by[("EC2 - Other", "USE1-NatGateway-Bytes", "usage")].usage_amount == Decimal(100)
    tax = by[("EC2 - Other", "Tax", "tax")]
    assert tax.cost_usd == Decimal("9.87") and tax.account_level
    credit = by[("Amazon Elastic Compute Cloud - Compute", "BoxUsage:t3.medium", "credit")]
    assert credit.cost_usd == Decimal("-5.00") and not credit.account_level
    assert by[("AmazonSageMaker", "USE1-Notebk:ml.t3.medium", "usage")].cost_usd == Decimal("12.3456789012")
    assert len(a.lines) == 7          # the two EC2 usage rows are one line


def test_csv_month_and_tag_filter_with_hand_totals(tmp_path):
    _check(read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), M, TAGS))


def test_gzip_and_parquet_give_the_same_numbers(tmp_path):
    _check(read_cur(write_cur_csv(tmp_path / "cur.csv.gz", fixture_rows(), gz=True), M, TAGS))
    renamed = write_cur_csv(tmp_path / "export-00001", fixture_rows(), gz=True)   # no suffix: magic bytes
    _check(read_cur(renamed, M, TAGS))
    _check(read_cur(write_cur_parquet(tmp_path / "cur.parquet", fixture_rows()), M, TAGS))


def test_small_chunks_read_the_same_totals(tmp_path):
    _check(read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), M, TAGS, chunk_rows=2))
    _check(read_cur(write_cur_parquet(tmp_path / "cur.parquet", fixture_rows()), M, TAGS, chunk_rows=3))


def test_no_tag_filter_takes_the_whole_month(tmp_path):
    a = read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), M, None)
    assert a.total_usd == TOTAL + Decimal("103.00") + Decimal("1.11")
    assert a.excluded_other_tags_usd == a.excluded_untagged_usd == 0


def test_other_month_lists_the_months_found(tmp_path):
    with pytest.raises(ActualsError, match=r"no line items for 2025-07 .*2025-04, 2025-05, 2025-06"):
        read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), "2025-07", TAGS)


def test_bad_month_names_the_field(tmp_path):
    with pytest.raises(ActualsError, match=r"^expected YYYY-MM") as exc:
        read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), "May 2025", TAGS)
    assert exc.value.field == "month"


def test_missing_file_and_bad_basis_name_their_fields(tmp_path):
    with pytest.raises(ActualsError, match="no such file") as exc:
        read_cur(tmp_path / "absent.csv", "2025-05", TAGS)
    assert exc.value.field == "cur_file"
    with pytest.raises(ActualsError, match="expected auto, unblended or amortized") as exc:
        read_cur(write_cur_csv(tmp_path / "cur.csv", fixture_rows()), "2025-05", TAGS, "blended")
    assert exc.value.field == "basis"


def _rewrite(path: Path, rows: list[dict[str, str]], drop: str | None = None) -> Path:
    cols = [c for c in CUR2_COLUMNS if c != drop]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            w.writerow([r[c] for c in cols])
    return path


def test_missing_column_is_named(tmp_path):
    p = _rewrite(tmp_path / "cur.csv", fixture_rows(), drop="line_item_unblended_cost")
    with pytest.raises(ActualsError, match=r"missing column\(s\) line_item_unblended_cost"):
        read_cur(p, M, TAGS)


def test_legacy_cur_gets_a_hint(tmp_path):
    p = tmp_path / "legacy.csv"
    p.write_text("identity/LineItemId,lineItem/UsageType,lineItem/UnblendedCost\nx,BoxUsage,1\n")
    with pytest.raises(ActualsError, match="legacy CUR"):
        read_cur(p, M, TAGS)


def test_bad_number_names_row_and_column(tmp_path):
    rows = fixture_rows()
    rows[2]["line_item_unblended_cost"] = "32,85"
    with pytest.raises(ActualsError, match=r"data row 3, column line_item_unblended_cost: '32,85' is not a number"):
        read_cur(write_cur_csv(tmp_path / "cur.csv", rows), M, TAGS, chunk_rows=2)
    rows = fixture_rows()
    rows[4]["line_item_usage_amount"] = "NaN"
    with pytest.raises(ActualsError, match=r"data row 5, column line_item_usage_amount: 'NaN' is not a finite"):
        read_cur(write_cur_csv(tmp_path / "cur2.csv", rows), M, TAGS)


def test_wrong_currency_names_row(tmp_path):
    rows = fixture_rows()
    rows[3]["line_item_currency_code"] = "EUR"
    with pytest.raises(ActualsError, match=r"data row 4, column line_item_currency_code: currency 'EUR'; only USD"):
        read_cur(write_cur_csv(tmp_path / "cur.csv", rows), M, TAGS)


def test_bad_tags_json_names_row(tmp_path):
    rows = fixture_rows()
    rows[1]["resource_tags"] = "{not json"
    with pytest.raises(ActualsError, match=r"data row 2, column resource_tags"):
        read_cur(write_cur_csv(tmp_path / "cur.csv", rows), M, TAGS)


def test_not_a_cur_file(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("hello,world\n1,2\n")
    with pytest.raises(ActualsError, match="neither a CUR 2.0 export"):
        read_file(p, M, TAGS)


def sp_rows() -> list[dict[str, str]]:
    """A savings plan month: covered usage, its negation and the recurring fee (CUR 2.0 SP columns)."""
    return [
        cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "30.368", "730", line_type="SavingsPlanCoveredUsage",
                tags=PROJECT_TAGS, savings_plan_savings_plan_effective_cost="21.86496"),
        cur_row(M, "AmazonEC2", "BoxUsage:t3.medium", "-30.368", "730", line_type="SavingsPlanNegation",
                tags=PROJECT_TAGS),
        cur_row(M, "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront", "25.00", "1", line_type="SavingsPlanRecurringFee",
                tags=PROJECT_TAGS, savings_plan_total_commitment_to_date="25.00",
                savings_plan_used_commitment="21.86496"),
    ]


def test_savings_plan_amortized_and_unblended(tmp_path):
    p = write_cur_csv(tmp_path / "sp.csv", sp_rows())
    amo = read_cur(p, M, TAGS)                      # auto -> amortized because SP lines are present
    assert amo.basis == "amortized"
    assert amo.usage_usd == Decimal("21.86496")    # covered usage at the SP effective cost
    assert amo.adjustments_usd == Decimal("3.13504")   # unused commitment 25.00 - 21.86496; negation 0
    assert amo.total_usd == Decimal("25.00")
    unb = read_cur(p, M, TAGS, basis="unblended")
    assert unb.usage_usd == Decimal("30.368")
    assert unb.adjustments_usd == Decimal("-5.368")    # -30.368 + 25.00
    assert unb.total_usd == Decimal("25.00")
    kinds = {ln.kind for ln in amo.lines}
    assert kinds == {"usage", "savings_plan"}


def test_truncated_gzip_and_empty_files_are_clear(tmp_path):
    gz = write_cur_csv(tmp_path / "cur.csv.gz", fixture_rows() * 50, gz=True)
    data = gz.read_bytes()
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(ActualsError, match=r"cur.csv.gz: (not a readable|cannot read the file past)"):
        read_cur(gz, M, TAGS, chunk_rows=100)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ActualsError, match="empty.csv: not a readable CUR 2.0"):
        read_cur(empty, M, TAGS)
