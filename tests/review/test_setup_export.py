"""`review setup-export` through botocore's Stubber (bcm-data-exports model): the exact create_export request,
an export that already exists (exit 2 with what to do), access denied (exit 1), the printed Athena table."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from app.cli import app
from review.sources.athena import AthenaError
from review.sources.data_export import athena_ddl, create_export, export_request

ARN = "arn:aws:bcm-data-exports:us-east-1:123456789012:export/tiersizer-cur2-3f2c1a"
COLUMNS = ("line_item_usage_start_date, line_item_product_code, line_item_usage_type, line_item_line_item_type, "
           "line_item_usage_amount, line_item_unblended_cost, line_item_currency_code, resource_tags, "
           "product_region_code, savings_plan_savings_plan_effective_cost, savings_plan_total_commitment_to_date, "
           "savings_plan_used_commitment, reservation_effective_cost, "
           "reservation_unused_amortized_upfront_fee_for_billing_period, reservation_unused_recurring_fee")
EXPECTED = {"Export": {
    "Name": "tiersizer-cur2", "Description": "tiersizer monthly review: CUR 2.0 columns the review query reads",
    "DataQuery": {"QueryStatement": f"SELECT {COLUMNS} FROM COST_AND_USAGE_REPORT",
                  "TableConfigurations": {"COST_AND_USAGE_REPORT": {
                      "TIME_GRANULARITY": "DAILY", "INCLUDE_RESOURCES": "FALSE",
                      "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE", "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE"}}},
    "DestinationConfigurations": {"S3Destination": {
        "S3Bucket": "acme-billing", "S3Prefix": "cur2", "S3Region": "eu-west-1",
        "S3OutputConfigurations": {"OutputType": "CUSTOM", "Format": "PARQUET", "Compression": "PARQUET",
                                   "Overwrite": "OVERWRITE_REPORT"}}},
    "RefreshCadence": {"Frequency": "SYNCHRONOUS"}}}


def _client() -> Any:
    return boto3.client("bcm-data-exports", region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def test_create_export_sends_the_exact_request():
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("create_export", {"ExportArn": ARN}, EXPECTED)
        assert create_export(client, "tiersizer-cur2", "acme-billing", "/cur2/", "eu-west-1") == ARN
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(("code", "message"), [
    ("ValidationException", "Export with name tiersizer-cur2 already exists"),
    ("ConflictException", "An export with the same name exists"),      # not in the model today; handled anyway
])
def test_an_existing_export_is_input_error_with_what_to_do(code, message):
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("create_export", code, message, http_status_code=400)
        with pytest.raises(AthenaError, match=r"an export named 'tiersizer-cur2' already exists .*another --name") as e:
            create_export(client, "tiersizer-cur2", "acme-billing", "cur2", "eu-west-1")
    assert e.value.input_error


def test_bad_flags_are_refused_before_any_call():
    for args, flag in ((("tiersizer cur2", "b-1", "p", "us-east-1"), "--name"), (("cur.2", "b-1", "p", "us-east-1"), "--name"),
                       (("n", "Bad_Bucket", "p", "us-east-1"), "--bucket"),
                       (("n", "bucket", "p", "mars-1"), "--s3-region")):
        with pytest.raises(AthenaError, match=flag):
            export_request(*args)


def test_ddl_matches_the_export_layout():
    ddl = athena_ddl("cur", "tiersizer_cur2", "tiersizer-cur2", "acme-billing", "cur2")
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `cur`.`tiersizer_cur2`" in ddl
    assert "`resource_tags` map<string,string>" in ddl and "`line_item_unblended_cost` double" in ddl
    assert "`line_item_usage_start_date` timestamp" in ddl
    assert "PARTITIONED BY (`billing_period` string)\nSTORED AS PARQUET" in ddl
    assert "LOCATION 's3://acme-billing/cur2/tiersizer-cur2/data/'" in ddl
    assert "'s3://acme-billing/cur2/tiersizer-cur2/data/BILLING_PERIOD=${billing_period}/'" in ddl
    assert ddl.count("` double") == 2 + 6        # usage amount, unblended cost and the 6 amortization columns


def test_cli(monkeypatch):
    client = _client()
    monkeypatch.setattr("review.sources.athena.aws_client", lambda *a, **k: client)
    args = ["review", "setup-export", "--bucket", "acme-billing", "--prefix", "cur2", "--s3-region", "eu-west-1"]
    with Stubber(client) as stub:
        stub.add_response("create_export", {"ExportArn": ARN}, EXPECTED)
        r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert f"created Data Export {ARN}" in r.output and "--athena --database cur --table tiersizer_cur2" in r.output
    with Stubber(client) as stub:
        stub.add_client_error("create_export", "ValidationException", "Export name already exists")
        r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "already exists" in r.output
    with Stubber(client) as stub:
        stub.add_client_error("create_export", "AccessDeniedException", "not authorized")
        r = CliRunner().invoke(app, args)
    assert r.exit_code == 1 and "access denied" in r.output and "bcm-data-exports:CreateExport" in r.output
    r = CliRunner().invoke(app, [*args[:-2], "--print-only"])
    assert r.exit_code == 0 and '"Overwrite": "OVERWRITE_REPORT"' in r.output and "CREATE EXTERNAL TABLE" in r.output
