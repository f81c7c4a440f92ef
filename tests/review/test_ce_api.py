"""Cost Explorer API through botocore's Stubber: real request/response shapes (validated against the service
model), pagination by NextPageToken, adjustments apart, amortized cost with savings plans, clear errors."""
from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from review.sources import ActualsError, fetch_cost_explorer
from review.sources.ce_api import ce_client

M = "2025-05"
PERIOD = {"Start": "2025-05-01", "End": "2025-06-01"}
TAGS = {"Project": "ChatApp", "Environment": "prod"}
TAG_EXPR = [{"Tags": {"Key": "Project", "Values": ["ChatApp"], "MatchOptions": ["EQUALS"]}},
            {"Tags": {"Key": "Environment", "Values": ["prod"], "MatchOptions": ["EQUALS"]}}]
METRICS = ["UnblendedCost", "AmortizedCost", "UsageQuantity"]


def _client():
    return boto3.client("ce", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def _group(keys, unblended, amortized=None, qty="0", unit="USD"):
    return {"Keys": list(keys), "Metrics": {
        "UnblendedCost": {"Amount": unblended, "Unit": unit},
        "AmortizedCost": {"Amount": amortized if amortized is not None else unblended, "Unit": unit},
        "UsageQuantity": {"Amount": qty, "Unit": "N/A"}}}


def _resp(groups, token=None, estimated=False, dims=("SERVICE", "USAGE_TYPE")):
    r = {"GroupDefinitions": [{"Type": "DIMENSION", "Key": d} for d in dims],
         "ResultsByTime": [{"TimePeriod": PERIOD, "Total": {}, "Groups": groups, "Estimated": estimated}],
         "DimensionValueAttributes": [],
         "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}
    if token:
        r["NextPageToken"] = token
    return r


def _params(group_by, flt, token=None):
    p = {"TimePeriod": PERIOD, "Granularity": "MONTHLY", "Metrics": METRICS,
         "GroupBy": [{"Type": "DIMENSION", "Key": k} for k in group_by]}
    if flt:
        p["Filter"] = flt
    if token:
        p["NextPageToken"] = token
    return p


def test_three_queries_paginated_with_adjustments_apart():
    client = _client()
    adj = ["Credit", "Tax"]
    not_adj = {"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": adj}}}
    with Stubber(client) as st:
        st.add_response("get_cost_and_usage", _resp([
            _group(["Usage", "Amazon Elastic Compute Cloud - Compute"], "60.736"),
            _group(["Usage", "EC2 - Other"], "37.35"),
            _group(["Credit", "Amazon Elastic Compute Cloud - Compute"], "-5"),
            _group(["Tax", "Amazon Elastic Compute Cloud - Compute"], "0.5")], dims=("RECORD_TYPE", "SERVICE")),
            _params(("RECORD_TYPE", "SERVICE"), {"And": TAG_EXPR}))
        st.add_response("get_cost_and_usage", _resp([
            _group(["Amazon Elastic Compute Cloud - Compute", "BoxUsage:t3.medium"], "60.736", qty="1460")],
            token="page-2"), _params(("SERVICE", "USAGE_TYPE"), {"And": TAG_EXPR + [not_adj]}))
        st.add_response("get_cost_and_usage", _resp([
            _group(["EC2 - Other", "USE1-NatGateway-Hours"], "32.85", qty="730"),
            _group(["EC2 - Other", "USE1-NatGateway-Bytes"], "4.5", qty="100")]),
            _params(("SERVICE", "USAGE_TYPE"), {"And": TAG_EXPR + [not_adj]}, token="page-2"))
        st.add_response("get_cost_and_usage", _resp([
            _group(["Tax", "Tax"], "9.87"),
            _group(["Usage", "Amazon Simple Storage Service"], "1.11")], dims=("RECORD_TYPE", "SERVICE")),
            _params(("RECORD_TYPE", "SERVICE"), {"Tags": {"Key": "Project", "MatchOptions": ["ABSENT"]}}))
        a = fetch_cost_explorer(M, TAGS, client=client)
        st.assert_no_pending_responses()
    assert a.source == "cost-explorer" and a.basis == "unblended" and a.granularity == "usage_type"
    by = {(ln.usage_type, ln.kind, ln.account_level): ln for ln in a.lines}
    assert by[("BoxUsage:t3.medium", "usage", False)].usage_amount == Decimal(1460)
    assert by[("USE1-NatGateway-Bytes", "usage", False)].cost_usd == Decimal("4.5")
    assert by[("Credit", "credit", False)].cost_usd == Decimal(-5)
    assert by[("Tax", "tax", False)].cost_usd == Decimal("0.5")
    acct = [ln for ln in a.lines if ln.account_level]
    assert [(ln.service, ln.cost_usd) for ln in acct] == [("Tax", Decimal("9.87"))]
    # by hand: usage 60.736 + 32.85 + 4.5 = 98.086; adjustments -5 + 0.5 + 9.87 = 5.37
    assert a.usage_usd == Decimal("98.086") and a.adjustments_usd == Decimal("5.37")
    assert a.total_usd == Decimal("103.456")
    assert a.excluded_untagged_usd == Decimal("1.11")
    assert a.excluded_other_tags_usd is None     # Cost Explorer's tag filter never returns other projects' spend


def test_savings_plans_switch_to_amortized_and_estimated_month_warns():
    client = _client()
    with Stubber(client) as st:
        st.add_response("get_cost_and_usage", _resp([
            _group(["SavingsPlanCoveredUsage", "Amazon Elastic Compute Cloud - Compute"], "30.368", "21.86496"),
            _group(["SavingsPlanNegation", "Amazon Elastic Compute Cloud - Compute"], "-30.368", "0"),
            _group(["SavingsPlanRecurringFee", "Savings Plans for AWS Compute usage"], "25", "3.13504")],
            estimated=True, dims=("RECORD_TYPE", "SERVICE")), _params(("RECORD_TYPE", "SERVICE"), None))
        st.add_response("get_cost_and_usage", _resp([
            _group(["Amazon Elastic Compute Cloud - Compute", "BoxUsage:t3.medium"], "30.368", "21.86496", "730")],
            estimated=True),
            _params(("SERVICE", "USAGE_TYPE"), {"Not": {"Dimensions": {
                "Key": "RECORD_TYPE", "Values": ["SavingsPlanNegation", "SavingsPlanRecurringFee"]}}}))
        a = fetch_cost_explorer(M, None, client=client)
    assert a.basis == "amortized"
    assert a.usage_usd == Decimal("21.86496") and a.total_usd == Decimal("25.00000")
    assert any("estimated" in w for w in a.warnings)


def test_non_usd_and_api_errors_are_clear():
    client = _client()
    with Stubber(client) as st:
        st.add_response("get_cost_and_usage", _resp([
            _group(["Usage", "Amazon DynamoDB"], "3", unit="EUR")], dims=("RECORD_TYPE", "SERVICE")))
        st.add_response("get_cost_and_usage", _resp([_group(["Amazon DynamoDB", "USE1-TimedStorage-ByteHrs"], "3",
                                                            unit="EUR")]))
        with pytest.raises(ActualsError, match="currency 'EUR'; only USD"):
            fetch_cost_explorer(M, None, client=client)
    client = _client()
    with Stubber(client) as st:
        st.add_client_error("get_cost_and_usage", "AccessDeniedException", "User is not authorized to ce:Get*")
        with pytest.raises(ActualsError, match="AccessDeniedException: User is not authorized"):
            fetch_cost_explorer(M, TAGS, client=client)


def test_missing_credentials_and_profile(monkeypatch, tmp_path):
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
              "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ActualsError, match="no AWS credentials found") as exc:
        ce_client()
    assert exc.value.field == "cost_explorer"
    with pytest.raises(ActualsError, match="^AWS profile 'nope' not found") as exc:
        ce_client("nope")
    assert exc.value.field == "profile"
