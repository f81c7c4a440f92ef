"""`--format table` in an 80-column terminal: no printed line is wider than 80 characters, nothing is ellipsized,
and the key numbers (the monthly total, every line's monthly USD) appear whole."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from app.cli import app
from app.cli.tables import add_rows, table

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
WIDTH = 80


def _run(args: list[str], columns: int = WIDTH) -> str:
    res = CliRunner().invoke(app, args, env={"COLUMNS": str(columns)})
    assert res.exit_code == 0, res.output
    return res.stdout


def _fits(out: str, width: int = WIDTH) -> list[str]:
    lines = out.splitlines()
    too_wide = [ln for ln in lines if len(ln) > width]
    assert not too_wide, "\n".join(too_wide)
    assert "…" not in out
    return lines


def _money(x: str | Decimal) -> str:
    return f"{Decimal(x):,.2f}"


def test_estimate_table_fits_80_columns_with_every_amount_whole() -> None:
    args = ["estimate", "--scenario", str(EX / "medium-prod.yaml")]
    cost = json.loads(_run([*args, "--format", "json"]))["cost"]
    out = _run(args)
    lines = _fits(out)
    assert f"Monthly ${_money(cost['monthly_usd'])}" in out
    for ln in cost["lines"]:       # each line's monthly USD ends a table row, right-aligned, whole
        assert any(row.rstrip().endswith(" " + _money(ln["monthly_usd"])) for row in lines), ln["item"]


def test_estimate_table_wide_console_keeps_service_and_item_columns() -> None:
    out = _run(["estimate", "--scenario", str(EX / "medium-prod.yaml")], columns=160)
    _fits(out, 160)
    assert "Service" in out and "Monthly USD" in out and "Service: item" not in out


def test_rollup_table_fits_80_columns() -> None:
    args = ["rollup", "--scenario", str(EX / "medium-prod.yaml"), "--environments", "dev,staging,prod",
            "--env-users", "dev=20,staging=100"]
    data = json.loads(_run([*args, "--format", "json"]))
    out = _run([*args, "--format", "table"])
    _fits(out)
    assert f"${_money(data['monthly_usd'])}" in out
    for env in data["environments"].values():
        assert f"${_money(env['cost']['monthly_usd'])}" in out


def test_price_template_table_fits_80_columns_with_hand_derived_amounts() -> None:
    out = _run(["price-template", str(EX / "vpc-nat.yaml"), "--usage", str(EX / "vpc-nat.usage.yaml"),
                "--region", "us-east-1"])
    lines = _fits(out)
    nat_hours = Decimal(730) * Decimal("0.045")      # 32.85
    nat_gb = Decimal(100) * Decimal("0.045")         # 4.50
    eip = Decimal(730) * Decimal("0.005")            # 3.65
    for amount in (nat_hours, nat_gb, eip):
        assert any(row.rstrip().endswith(" " + _money(amount)) for row in lines), amount
    assert nat_hours + nat_gb + eip == Decimal("41.00")
    assert "Monthly $41.00" in out


@pytest.mark.parametrize("source", [["--cur", "cur-2026-10.csv"], ["--ce-csv", "ce-2026-10.csv"]])
def test_review_tables_fit_80_columns(source: list[str]) -> None:
    args = ["review", "--scenario", str(EX / "medium-prod.yaml"), "--month", "2026-10", source[0],
            str(EX / source[1]), "--no-store"]
    data = json.loads(_run([*args, "--format", "json"]))
    out = _run(args)
    _fits(out)
    assert f"Estimate ${_money(data['estimate_usd'])}" in out
    assert f"total billed ${_money(data['actual_usd'])}" in " ".join(out.split())
    for line in data["lines"]:
        if line["actual_usd"] is not None:
            assert _money(line["actual_usd"]) in out


def test_a_number_column_is_never_cut_even_when_text_must_break() -> None:
    out = Console(width=40, record=True, file=open("/dev/null", "w"))
    t = table(out, "Name", "Amount", numeric=("Amount",))
    add_rows(out, t, [("a fairly long description that has to wrap several times", "1,234,567,890.12")])
    out.print(t)
    text = out.export_text()
    assert "1,234,567,890.12" in text and "…" not in text
    assert max(len(ln) for ln in text.splitlines()) <= 40
