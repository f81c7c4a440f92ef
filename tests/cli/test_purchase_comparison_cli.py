"""The CLI's purchase-comparison section and JSON: every option, the recommendation, the assumed rates."""
import json

from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
FLAGS = ["estimate", "--env", "prod", "--users", "20000", "--node-instance-type", "m5.large",
         "--backend-cpu-request-m", "1000"]


def test_table_has_the_section_and_the_recommendation():
    r = runner.invoke(app, FLAGS, env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "Purchase options (whole bill)" in r.output
    assert "Recommended: Compute Savings Plan 1y no upfront: saves $706.44 over 12 months" in r.output
    assert "EC2 Instance Savings Plan 3y all upfront" in r.output and "DynamoDB reserved capacity 1y" in r.output
    assert "UNSOURCED" in r.output


def test_json_and_the_chosen_option():
    r = runner.invoke(app, [*FLAGS, "--purchase-option", "savings_plan_3y_all_upfront", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    row = next(o for o in doc["purchase_comparison"]["options"] if o["option"] == "compute_sp_3y_all_upfront")
    # the chosen option prices the bill: its row's month and upfront are the estimate's (3 x 0.096 x 0.48 x 730 =
    # 100.9152 -> $100.92 a month, x 36 = $3,633.12 upfront)
    assert doc["cost"]["monthly_usd"] == row["monthly_usd"] and doc["cost"]["upfront_usd"] == row["upfront_usd"] == "3633.12"


def test_unknown_option_exits_2_naming_the_field():
    r = runner.invoke(app, [*FLAGS, "--purchase-option", "ec2_instance_sp_5y"])
    assert r.exit_code == 2 and "purchase_option" in r.output
