"""pricing.diff and the `pricing diff` command."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.diff import diff_catalogs, diff_points
from pricing.snapshot import PricePoint, write_snapshot


def _p(key: str, usd: str, region: str = "us-east-1") -> PricePoint:
    return PricePoint(key=key, region=region, unit="USD", usd=Decimal(usd), as_of="2026-11-01", source="t",
                      confidence="high", note="", approximation=None, service_code=None, usage_type=None, sku=None,
                      tiers=())


def test_threshold_is_strictly_more_than_one_percent() -> None:
    old = [_p("a", "1.00"), _p("b", "1.00"), _p("c", "2.00"), _p("d", "0.0416"), _p("e", "5")]
    new = [_p("a", "1.01"), _p("b", "1.0101"), _p("c", "1.97"), _p("d", "0.0416"), _p("e", "4.9")]
    d = diff_points(old, new)
    # a: +1.00% (not more than 1%), b: +1.01%, c: -1.50%, d: unchanged, e: -2.00%
    assert [(m.key, m.pct) for m in d.moved] == [("b", Decimal("1.01")), ("c", Decimal("-1.50")),
                                                 ("e", Decimal("-2.00"))]
    assert d.moved[0].describe() == "b @ us-east-1: 1.00 -> 1.0101 (+1.01%)"
    assert not d.added and not d.removed and not d.is_empty


def test_added_removed_and_zero_old_price() -> None:
    old = [_p("a", "1"), _p("gone", "1"), _p("free", "0")]
    new = [_p("a", "1"), _p("a", "1", "eu-west-1"), _p("free", "0.5")]
    d = diff_points(old, new, threshold_pct=0)
    assert d.added == (("a", "eu-west-1"),)
    assert d.removed == (("gone", "us-east-1"),)
    assert [(m.key, m.pct) for m in d.moved] == [("free", None)]
    assert d.summary() == "1 added, 1 removed, 1 moved by more than 0%"
    assert d.to_json()["moved"] == [{"key": "free", "region": "us-east-1", "old_usd": "0", "new_usd": "0.5",
                                     "pct": None}]
    assert "free @ us-east-1: 0 -> 0.5 (new non-zero price)" in d.to_text()


def test_custom_threshold_and_validation() -> None:
    d = diff_points([_p("a", "100")], [_p("a", "104")], threshold_pct=5)
    assert d.is_empty
    with pytest.raises(ValueError, match="threshold_pct must be >= 0"):
        diff_points([], [], threshold_pct=-1)


def test_text_limit() -> None:
    old = [_p(f"k{i}", "1") for i in range(5)]
    new = [_p(f"k{i}", "2") for i in range(5)]
    text = diff_points(old, new).to_text(limit=2)
    assert "moved:\n  k0 @ us-east-1: 1 -> 2 (+100.00%)\n  k1" in text and "... and 3 more" in text


def _modified_copy(tmp_path: Path) -> Path:
    cat = load_snapshot(EMBEDDED_SNAPSHOT)
    points = [replace(p, usd=p.usd * Decimal("1.05")) if p.key == "eks:cluster-hour" else p
              for p in cat.points() if p.key != "macie:bucket-month"]
    points.append(_p("ec2:m8g.large", "0.0898"))
    out = tmp_path / "new.json"
    write_snapshot(points, out, as_of="2026-12-01", sources=["test"])
    return out


def test_diff_catalogs_on_snapshots(tmp_path: Path) -> None:
    d = diff_catalogs(load_snapshot(EMBEDDED_SNAPSHOT), load_snapshot(_modified_copy(tmp_path)))
    assert d.added == (("ec2:m8g.large", "us-east-1"),)
    assert len(d.removed) == 5 and all(k == "macie:bucket-month" for k, _ in d.removed)
    assert len(d.moved) == 5 and {m.pct for m in d.moved} == {Decimal("5.00")}


def test_cli_diff(tmp_path: Path) -> None:
    from app.cli import app

    new = _modified_copy(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["pricing", "diff", str(EMBEDDED_SNAPSHOT), str(new)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("1 added, 5 removed, 5 moved by more than 1%")
    assert "eks:cluster-hour @ eu-west-1: 0.10 -> 0.1050 (+5.00%)" in res.output
    res = runner.invoke(app, ["pricing", "diff", str(EMBEDDED_SNAPSHOT), str(new), "--format", "json",
                              "--threshold-pct", "10"])
    assert res.exit_code == 0
    assert json.loads(res.output)["moved"] == []
    res = runner.invoke(app, ["pricing", "diff", str(EMBEDDED_SNAPSHOT), str(tmp_path / "nope.json")])
    assert res.exit_code == 2 and "NEW: no such file" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    res = runner.invoke(app, ["pricing", "diff", str(bad), str(new)])
    assert res.exit_code == 2 and f"price snapshot {bad}" in " ".join(res.output.split())
