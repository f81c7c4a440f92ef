"""`price-template`: JSON, CSV and table output of a hand-written template; bad input exits 2 naming the file
and field (or option), with nothing on stdout and no traceback."""
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"
NAT = [str(FIXTURES / "vpc-nat.yaml"), "--usage", str(FIXTURES / "vpc-nat.usage.yaml"), "--region", "us-east-1"]


def test_json_contract() -> None:
    res = runner.invoke(app, ["price-template", *NAT, "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) == {"monthly_usd", "lines", "unsupported", "free", "region", "prices", "notes", "note"}
    # NAT 730 h x $0.045 = 32.85 + 100 GB x $0.045 = 4.50 + EIP 730 h x $0.005 = 3.65 -> 41.00
    assert doc["monthly_usd"] == "41.00" and doc["region"] == "us-east-1"
    assert sum(Decimal(ln["monthly_usd"]) for ln in doc["lines"]) == Decimal("41.00")
    nat = next(ln for ln in doc["lines"] if ln["price_key"] == "vpc:nat-gateway-hour")
    assert nat == {"logical_id": "NatGateway", "type": "AWS::EC2::NatGateway", "name": "NAT gateway",
                   "quantity": "730", "unit": "gateway-hours", "price_key": "vpc:nat-gateway-hour",
                   "unit_usd": "0.045", "monthly_usd": "32.85", "stack": "vpc-nat", "note": ""}
    assert doc["unsupported"] == []
    assert {"type": "AWS::EC2::Subnet", "count": 2} in doc["free"]
    assert set(doc["prices"]) == {"as_of", "source"}
    assert doc["note"].startswith("LLM tokens are not in a template")


def test_csv_total_row_and_table() -> None:
    res = runner.invoke(app, ["price-template", *NAT, "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][:4] == ["stack", "logical_id", "type", "name"]
    assert rows[-1][0] == "TOTAL" and rows[-1][8] == "41.00"
    assert sum(Decimal(r[8]) for r in rows[1:-1]) == Decimal("41.00")
    table = runner.invoke(app, ["price-template", *NAT])
    assert table.exit_code == 0 and "Monthly $41.00" in table.stdout and "Free: AWS::EC2::" in table.stdout


@pytest.mark.parametrize("args, says", [
    (["/no/such/template.yaml", "--region", "us-east-1"], "/no/such/template.yaml: no such file"),
    ([str(FIXTURES / "vpc-nat.yaml")], "--region: no region given"),
    ([str(FIXTURES / "vpc-nat.yaml"), "--region", "atlantis-1"], "--region: 'atlantis-1' has no prices"),
    ([str(FIXTURES / "vpc-nat.yaml"), "--region", "us-east-1", "--usage", "/no/usage.yaml"],
     "--usage: no such file"),
    ([str(FIXTURES / "vpc-nat.usage.yaml"), "--region", "us-east-1"], "Resources: missing"),
    ([str(FIXTURES / "vpc-nat.yaml"), "--region", "us-east-1", "--usage", str(FIXTURES / "alb-waf.usage.yaml")],
     "resources.LoadBalancer: no resource 'LoadBalancer'"),
])
def test_bad_input_exits_2_naming_the_field(args, says) -> None:
    res = runner.invoke(app, ["price-template", *args, "--format", "json"])
    assert res.exit_code == 2, res.output
    assert says in " ".join(res.stderr.split())
    assert res.stdout == "" and "Traceback" not in res.output
