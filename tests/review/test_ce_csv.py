"""Cost Explorer console CSV export (services as columns, one row per period): month row, console names to API
names, tax apart, the export's total checked, malformed files named by row and column; per-service review."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pricing.engine import estimate
from review.sources import ActualsError, read_ce_csv, read_file
from review.variance import build_review
from sizing.scenario import parse_scenario

HEADER = ('"Service","EC2-Instances($)","EC2-Other($)","Elastic Container Service for Kubernetes($)",'
          '"DynamoDB($)","SageMaker($)","Tax($)","Total costs($)"')


def _write(tmp_path, rows, header=HEADER):
    p = tmp_path / "costs.csv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def test_month_row_and_service_names(tmp_path):
    p = _write(tmp_path, ['"Service total","120.5","60","146","20","5","8","359.5"',
                          '"2025-04-01","60.25","30","73","10","2.5","4","179.75"',
                          '"2025-05-01","60.25","30","73","10","2.5","4","179.75"'])
    a = read_ce_csv(p, "2025-05")
    assert a.granularity == "service" and a.source == "ce-csv"
    got = {(ln.service, ln.kind): ln.cost_usd for ln in a.lines}
    assert got == {("Amazon Elastic Compute Cloud - Compute", "usage"): Decimal("60.25"),
                   ("EC2 - Other", "usage"): Decimal(30),
                   ("Amazon Elastic Container Service for Kubernetes", "usage"): Decimal(73),
                   ("Amazon DynamoDB", "usage"): Decimal(10), ("SageMaker", "usage"): Decimal("2.5"),
                   ("Tax", "tax"): Decimal(4)}
    assert a.total_usd == Decimal("179.75") == a.source_total_usd
    assert not any("differs" in w for w in a.warnings)
    assert read_file(p, "2025-05").total_usd == a.total_usd


def test_total_mismatch_warns_and_missing_month_lists_periods(tmp_path):
    p = _write(tmp_path, ['"Service total","1","1","1","1","1","1","6"',
                          '"2025-05-01","1","1","1","1","1","1","6.01"'])
    a = read_ce_csv(p, "2025-05")
    assert a.total_usd == Decimal(6) and any("differs" in w for w in a.warnings)
    with pytest.raises(ActualsError, match=r"no row for 2025-06 \(periods in the file: 2025-05-01\)"):
        read_ce_csv(p, "2025-06")


def test_malformed_cells_and_currency(tmp_path):
    p = _write(tmp_path, ['"2025-05-01","1","x1","1","1","1","1","6"'])
    with pytest.raises(ActualsError, match=r"row 2, column 'EC2-Other\(\$\)': 'x1' is not a number"):
        read_ce_csv(p, "2025-05")
    p = _write(tmp_path, ['"2025-05-01","1","1"'], header='"Service","EC2-Instances(€)","Total costs(€)"')
    with pytest.raises(ActualsError, match="currency '€'; only USD"):
        read_ce_csv(p, "2025-05")
    p = _write(tmp_path, ['"2025-05-01","1"'], header='"Service","EC2-Instances"')
    with pytest.raises(ActualsError, match="has no currency"):
        read_ce_csv(p, "2025-05")


def test_per_service_review(tmp_path):
    est = estimate(parse_scenario({}))
    eks = sum(ln.monthly_usd for ln in est.lines if ln.ce_service.endswith("Kubernetes"))
    header = '"Service","Elastic Container Service for Kubernetes($)","SageMaker($)","Tax($)","Total costs($)"'
    p = _write(tmp_path, [f'"2025-05-01","{eks * 2}","2.5","4","{eks * 2 + Decimal("6.5")}"'], header=header)
    r = build_review(est, read_ce_csv(p, "2025-05"))
    by = {v.service: v for v in r.lines}
    k = by["Amazon Elastic Container Service for Kubernetes"]
    assert k.actual_usd == eks * 2 and k.flag == "over" and k.delta_pct == Decimal("100.0")
    ddb = by["Amazon DynamoDB"]
    assert ddb.actual_usd == 0 and ddb.flag == "under"
    assert by["SageMaker"].hint == "service not in the estimate"
    assert [u.line.service for u in r.unmatched] == ["SageMaker"]
    assert r.tax_and_credits_usd == 4 and r.actual_usd == eks * 2 + Decimal("6.5")


# --- number formats: the console writes money in the browser's locale --------------------------------------
H3 = '"Service","EC2-Instances($)","Tax($)","Total costs($)"'


@pytest.mark.parametrize("cells,ec2,tax,total", [
    (('"1,234.56"', '"100.50"', '"1,335.06"'), "1234.56", "100.50", "1335.06"),       # decimal point, thousands ,
    (('"1.234,56"', '"100,50"', '"1.335,06"'), "1234.56", "100.50", "1335.06"),       # decimal comma, thousands .
    (('"100,50"', '"4"', '"104,50"'), "100.50", "4", "104.50"),                         # decimal comma only
    (('"1,234"', '"100,5"', '"1.334,5"'), "1.234", "100.5", "1334.5"),                  # 1,234 read by the file's format
    (('"1.234"', '"0.5"', '"1,234.5"'), "1.234", "0.5", "1234.5"),
    (('"1,234,567"', '"12"', '"1,234,579"'), "1234567", "12", "1234579"),               # repeated ',': thousands
    (('"7"', '"1.5E-7"', '"7.00000015"'), "7", "1.5E-7", "7.00000015"),
    (('"12"', '"-"', '"12"'), "12", "0", "12"),
])
def test_number_format_is_detected_from_the_whole_file(tmp_path, cells, ec2, tax, total):
    p = _write(tmp_path, [f'"2025-05-01",{",".join(cells)}'], header=H3)
    a = read_ce_csv(p, "2025-05")
    got = {ln.kind: ln.cost_usd for ln in a.lines}
    assert got.get("usage", Decimal(0)) == Decimal(ec2) and got.get("tax", Decimal(0)) == Decimal(tax)
    assert a.source_total_usd == Decimal(total)


def test_the_format_may_come_from_another_row(tmp_path):
    p = _write(tmp_path, ['"Service total","2.000,25","1","2.001,25"', '"2025-05-01","1,234","1","1,235"'], header=H3)
    assert read_ce_csv(p, "2025-05").source_total_usd == Decimal("1.235")


def test_an_ambiguous_file_is_refused_naming_the_cell_and_the_fix(tmp_path):
    p = _write(tmp_path, ['"2025-05-01","1,234","12","1,246"'], header=H3)
    with pytest.raises(ActualsError) as info:
        read_ce_csv(p, "2025-05")
    msg = str(info.value)
    assert msg.startswith("costs.csv: row 2, column 'EC2-Instances($)': '1,234' could be 1234 or 1.234")
    assert "export the CSV again with a dot as the decimal separator" in msg


def test_a_file_mixing_both_formats_is_refused(tmp_path):
    p = _write(tmp_path, ['"Service total","1,234.50","1","1,235.50"', '"2025-05-01","100,50","1","101,50"'],
               header=H3)
    with pytest.raises(ActualsError, match=r"costs.csv: mixed number formats: row 2, column 'EC2-Instances\(\$\)' "
                                           r"has '1,234.50' \(a decimal point\) but row 3, column "
                                           r"'EC2-Instances\(\$\)' has '100,50' \(a decimal comma\)"):
        read_ce_csv(p, "2025-05")


@pytest.mark.parametrize("cell,fragment", [
    ("NaN", "'NaN' is not a finite number"), ("Infinity", "'Infinity' is not a finite number"),
    ("-inf", "'-inf' is not a finite number"),
    ("2000000000000", "'2000000000000' is beyond the plausible range"),
    ("1E+400", "'1E+400' is beyond the plausible range"),
    ("1,00,000.5", "'1,00,000.5' is not a number"),
])
def test_non_finite_and_absurd_amounts_are_refused_naming_the_cell(tmp_path, cell, fragment):
    p = _write(tmp_path, [f'"2025-05-01","1.5","{cell}","1"'], header=H3)
    with pytest.raises(ActualsError, match=rf"costs.csv: row 2, column 'Tax\(\$\)': {__import__('re').escape(fragment)}"):
        read_ce_csv(p, "2025-05")


def test_the_cli_exits_2_on_a_comma_decimal_ambiguity(tmp_path):
    from typer.testing import CliRunner

    from app.cli import app
    p = _write(tmp_path, ['"2025-05-01","1,234","12","1,246"'], header=H3)
    r = CliRunner().invoke(app, ["review", "--month", "2025-05", "--ce-csv", str(p), "--no-store"])
    assert r.exit_code == 2 and "could be 1234 or 1.234" in r.output and "Traceback" not in r.output
