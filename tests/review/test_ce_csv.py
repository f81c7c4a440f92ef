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
