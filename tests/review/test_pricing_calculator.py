"""The AWS Pricing Calculator export on Stubber (the real request and response shapes of bcm-pricing-calculator)."""
from __future__ import annotations

import uuid
from decimal import Decimal

import boto3
import pytest
from botocore.stub import ANY, Stubber

from pricing.calculator_usage import BATCH_LIMIT, UsageLine
from review.sources.pricing_calculator import CalculatorError, client_token, export

ACCOUNT = "123456789012"
EST = "0f0e0d0c-0b0a-4909-8807-060504030201"


def uid(n: int) -> str:
    return str(uuid.UUID(int=n))


def lines(n: int) -> list[UsageLine]:
    """n usage lines of 10 USD list price each (100 hours of m5.large)."""
    return [UsageLine(f"L{i:03d}", "AmazonEC2", "EU-BoxUsage:m5.large", "RunInstances", Decimal(100), "EC2",
                      "ec2:m5.large", f"nodes {i}", Decimal(100), "instance-hours", Decimal(10)) for i in range(1, n + 1)]


def client():  # type: ignore[no-untyped-def]
    c = boto3.client("bcm-pricing-calculator", region_name="us-east-1", aws_access_key_id="t",
                     aws_secret_access_key="t")
    return c, Stubber(c)


def item(ln: UsageLine, n: int, cost: float | None, status: str = "VALID", with_key: bool = True) -> dict:
    it = {"serviceCode": ln.service_code, "usageType": ln.usage_type, "operation": ln.operation, "id": uid(n),
          "group": ln.group, "usageAccountId": ACCOUNT, "quantity": {"unit": "Hrs", "amount": float(ln.amount)},
          "status": status, "currency": "USD"}
    if cost is not None:
        it["cost"] = cost
    if with_key:
        it["key"] = ln.key
    return it


def created() -> dict:
    return {"id": EST, "name": "tiersizer-test", "rateType": "AFTER_DISCOUNTS_AND_COMMITMENTS", "status": "UPDATING"}


def test_two_batches_wait_and_paginated_read_back_with_an_invalid_line() -> None:
    ls = lines(26)                                   # 26 > the API's 25 per batch: two calls
    c, stub = client()
    token = client_token("tiersizer-test", "AFTER_DISCOUNTS_AND_COMMITMENTS", ACCOUNT, ls)
    stub.add_response("create_workload_estimate", created(),
                      {"name": "tiersizer-test", "clientToken": token, "rateType": "AFTER_DISCOUNTS_AND_COMMITMENTS"})
    stub.add_response("batch_create_workload_estimate_usage", {"items": [item(x, i, None) for i, x in
                                                                         enumerate(ls[:25], 1)], "errors": []},
                      {"workloadEstimateId": EST, "usage": [x.entry(ACCOUNT) for x in ls[:25]],
                       "clientToken": f"{token}-b1"})
    stub.add_response("batch_create_workload_estimate_usage", {"items": [item(ls[25], 26, None)], "errors": []},
                      {"workloadEstimateId": EST, "usage": [ls[25].entry(ACCOUNT)], "clientToken": f"{token}-b2"})
    stub.add_response("get_workload_estimate", {"id": EST, "status": "UPDATING"}, {"identifier": EST})
    stub.add_response("get_workload_estimate", {"id": EST, "status": "VALID", "totalCost": 225.0}, {"identifier": EST})
    # read back: 20 on the first page, 6 on the second; the last line came back INVALID (AWS could not price it)
    page1 = [item(x, i, 9.0, with_key=False) for i, x in enumerate(ls[:20], 1)]
    page2 = [item(x, i, 9.0, with_key=False) for i, x in enumerate(ls[20:25], 21)] + [item(ls[25], 26, None, "INVALID",
                                                                                            with_key=False)]
    stub.add_response("list_workload_estimate_usage", {"items": page1, "nextToken": "p2"},
                      {"workloadEstimateId": EST, "maxResults": 300})
    stub.add_response("list_workload_estimate_usage", {"items": page2},
                      {"workloadEstimateId": EST, "maxResults": 300, "nextToken": "p2"})
    slept: list[float] = []
    with stub:
        r = export(ls, [], name="tiersizer-test", rate_type="AFTER_DISCOUNTS_AND_COMMITMENTS", client=c,
                   account=ACCOUNT, sleep=slept.append)
        stub.assert_no_pending_responses()
    assert slept == [5.0]                            # one poll while UPDATING
    assert len(ls) // BATCH_LIMIT + 1 == 2
    assert r.status == "VALID" and r.estimate_id == EST
    assert r.list_usd == Decimal(260)                # 26 lines x 10 USD
    assert r.priced_list_usd == Decimal(250)         # 25 priced lines x 10 USD
    assert r.total_aws_usd == Decimal(225)           # 25 x 9 USD at the account's rate
    assert sum(p.aws_usd for p in r.lines if p.aws_usd is not None) == Decimal(225)
    bad = [p for p in r.lines if p.aws_usd is None]
    assert [(p.line.key, p.status) for p in bad] == [("L026", "INVALID")]
    assert "could not price it (status INVALID)" in bad[0].reason


def test_a_rejected_usage_line_is_named_and_the_estimate_deleted() -> None:
    ls = lines(2)
    c, stub = client()
    stub.add_response("create_workload_estimate", created(), {"name": "x", "clientToken": ANY, "rateType": ANY})
    stub.add_response("batch_create_workload_estimate_usage",
                      {"items": [item(ls[0], 1, None)],
                       "errors": [{"key": "L002", "errorCode": "BAD_REQUEST", "errorMessage": "unknown usage type"}]})
    stub.add_response("delete_workload_estimate", {}, {"identifier": EST})
    with stub, pytest.raises(CalculatorError) as exc:
        export(ls, [], name="x", rate_type="AFTER_DISCOUNTS", client=c, account=ACCOUNT, sleep=lambda s: None)
    text = str(exc.value)
    assert "rejected 1 usage line(s): L002 (nodes 2: AmazonEC2 EU-BoxUsage:m5.large RunInstances)" in text
    assert "BAD_REQUEST unknown usage type" in text and "pricing/services/" in text
    assert f"the workload estimate {EST} was deleted" in text


def test_throttling_after_retries_says_what_to_do_and_nothing_is_kept() -> None:
    ls = lines(1)
    c, stub = client()
    stub.add_response("create_workload_estimate", created())
    stub.add_client_error("batch_create_workload_estimate_usage", "ThrottlingException", "Rate exceeded", 400)
    stub.add_client_error("delete_workload_estimate", "ThrottlingException", "Rate exceeded", 400)
    with stub, pytest.raises(CalculatorError) as exc:
        export(ls, [], name="x", rate_type="AFTER_DISCOUNTS", client=c, account=ACCOUNT, sleep=lambda s: None)
    text = str(exc.value)
    assert "ThrottlingException: Rate exceeded" in text and "wait a minute and run again" in text
    assert f"deleting the workload estimate {EST} failed too" in text and "console" in text


def test_access_denied_names_the_permissions_and_creates_nothing() -> None:
    c, stub = client()
    stub.add_client_error("create_workload_estimate", "AccessDeniedException", "not authorized", 403)
    with stub, pytest.raises(CalculatorError, match="credentials need bcm-pricing-calculator:CreateWorkloadEstimate"):
        export(lines(1), [], name="x", rate_type="AFTER_DISCOUNTS", client=c, account=ACCOUNT)
    stub.assert_no_pending_responses()          # no delete: nothing was created


def test_an_invalid_estimate_is_deleted() -> None:
    c, stub = client()
    stub.add_response("create_workload_estimate", created())
    stub.add_response("batch_create_workload_estimate_usage", {"items": [item(lines(1)[0], 1, None)], "errors": []})
    stub.add_response("get_workload_estimate", {"id": EST, "status": "INVALID", "failureMessage": "rates unavailable"})
    stub.add_response("delete_workload_estimate", {}, {"identifier": EST})
    with stub, pytest.raises(CalculatorError, match="is INVALID: rates unavailable; the workload estimate .* deleted"):
        export(lines(1), [], name="x", rate_type="AFTER_DISCOUNTS", client=c, account=ACCOUNT)


def test_the_client_token_is_the_same_for_the_same_export_only() -> None:
    a = client_token("n", "AFTER_DISCOUNTS", ACCOUNT, lines(3))
    assert a == client_token("n", "AFTER_DISCOUNTS", ACCOUNT, lines(3)) and len(a) == 32
    assert a != client_token("n", "BEFORE_DISCOUNTS", ACCOUNT, lines(3))
    assert a != client_token("n", "AFTER_DISCOUNTS", ACCOUNT, lines(2))


def test_a_real_estimates_entries_pass_the_models_validation() -> None:
    """Every usage entry of a prod estimate (eu-west-1, PCI) is a valid request for botocore, in 25-entry batches."""
    from pricing.calculator_usage import usage_lines
    from pricing.engine import estimate
    from sizing.scenario import parse_scenario
    est = estimate(parse_scenario({"name": "x", "region": "eu-west-1", "environment": "prod", "compliance": ["pci"]}))
    ls, _ = usage_lines(est.lines, "eu-west-1")
    n_batches = -(-len(ls) // 25)                       # ceil(n / 25)
    c, stub = client()
    stub.add_response("create_workload_estimate", created())
    for b in range(n_batches):
        chunk = ls[25 * b:25 * (b + 1)]
        stub.add_response("batch_create_workload_estimate_usage",
                          {"items": [item(x, 25 * b + i, None) for i, x in enumerate(chunk, 1)], "errors": []},
                          {"workloadEstimateId": EST, "usage": [x.entry(ACCOUNT) for x in chunk], "clientToken": ANY})
    stub.add_response("get_workload_estimate", {"id": EST, "status": "VALID", "totalCost": 0.0})
    stub.add_response("list_workload_estimate_usage", {"items": [item(x, i, float(x.list_usd), with_key=False)
                                                                 for i, x in enumerate(ls, 1)]})
    with stub:
        r = export(ls, [], name="x", rate_type="BEFORE_DISCOUNTS", client=c, account=ACCOUNT)
    stub.assert_no_pending_responses()
    assert n_batches >= 2 and len(r.lines) == len(ls) and all(p.status == "VALID" for p in r.lines)


def test_clients_use_us_east_1_adaptive_retries_and_the_callers_account(monkeypatch) -> None:
    made: list[tuple[str, dict]] = []

    class Sts:
        def get_caller_identity(self) -> dict:
            return {"Account": ACCOUNT}

    class Session:
        def __init__(self, profile_name: str | None = None) -> None:
            self.profile = profile_name

        def get_credentials(self) -> object:
            return object()

        def client(self, name: str, **kw):  # type: ignore[no-untyped-def]
            made.append((name, kw))
            return Sts() if name == "sts" else "calculator"

    monkeypatch.setattr(boto3, "Session", Session)
    from review.sources.pricing_calculator import MAX_ATTEMPTS, clients
    assert clients("ops") == ("calculator", ACCOUNT)
    calc = dict(made)["bcm-pricing-calculator"]
    assert calc["region_name"] == "us-east-1"
    assert calc["config"].retries == {"mode": "adaptive", "max_attempts": MAX_ATTEMPTS}
