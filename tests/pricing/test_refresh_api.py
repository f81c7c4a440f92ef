"""Refresh from the AWS Pricing API, with botocore Stubber (real PriceList shapes) and no network."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber
from typer.testing import CliRunner

from pricing import catalog, price_list
from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.pricing_api import PricingAccessError, Query, make_pricing_client, plan_queries
from pricing.refresh import RefreshError, refresh_from_api
from tests.helpers import offer_files as H


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    catalog.clear_cache()


def _client(**kw: Any) -> Any:
    return boto3.client("pricing", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                        aws_secret_access_key="not-a-secret",
                        config=Config(retries={"mode": "adaptive", "max_attempts": 10}), **kw)


def _selects(item: H.Item, query: Query) -> bool:
    """What the API's TERM_MATCH filters would return."""
    attrs = {**item.attributes, "productFamily": item.product_family}
    return item.service_code == query.service_code and all(attrs.get(f) == v for f, v in query.filters)


def _stub_plan(stubber: Stubber, queries: list[Query], items: list[H.Item], *, page_size: int = 100) -> int:
    """Queue one paginated response sequence per query, in plan order; return the page count."""
    pages = 0
    for q in queries:
        selected = [i.price_list_entry() for i in items if _selects(i, q)]
        chunks = [selected[i:i + page_size] for i in range(0, len(selected), page_size)] or [[]]
        for n, chunk in enumerate(chunks):
            resp: dict[str, Any] = {"PriceList": chunk, "FormatVersion": "aws_v1"}
            if n + 1 < len(chunks):
                resp["NextToken"] = f"{q.service_code}-{n + 1}"
            params: dict[str, Any] = {"ServiceCode": q.service_code, "Filters": q.api_filters(),
                                      "FormatVersion": "aws_v1"}
            if n:
                params["NextToken"] = f"{q.service_code}-{n}"
            stubber.add_response("get_products", resp, params)
            pages += 1
    return pages


FAMILIES = ["ec2", "eks", "vpc", "elb", "dynamodb", "cloudfront", "cloudwatch", "kms", "waf", "bedrock"]
US_TIERS = [("0", "10240", "0.0935"), ("10240", "51200", "0.088"), ("51200", "153600", "0.066"),
            ("153600", "Inf", "0.044")]


def _all_items(region: str = "us-east-1") -> list[H.Item]:
    return [*H.ec2_full(region, "1.1"), *H.eks(region, "0.11", "0.66"), *H.vpc(region, "0.0055", "0.011", "0.011"),
            *H.alb(region, "0.02475", "0.0088"), *H.dynamodb_full(region, "1.1"),
            *H.cloudfront("US", US_TIERS, "0.0000011"), *H.cloudfront("EU", US_TIERS, "0.0000012"),
            *H.cloudwatch(region, "0.55", "0.033", [("0", "10", "0"), ("10", "10000", "0.33"),
                                                    ("10000", "250000", "0.11"), ("250000", "Inf", "0.055")],
                          "0.11", "3.30"),
            *H.kms(region, "1.10", "0.0000033"), *H.waf(region, "5.50", "1.10", "0.00000066"),
            *H.bedrock_full(region)]


def test_ec2_query_uses_the_documented_filters() -> None:
    q = next(q for q in plan_queries(["eu-west-1"], ["ec2"]) if ("instanceType", "t3.medium") in q.filters)
    assert q.service_code == "AmazonEC2"
    assert dict(q.filters) == {"regionCode": "eu-west-1", "instanceType": "t3.medium", "operatingSystem": "Linux",
                               "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}
    assert q.wanted == (("ec2:t3.medium", "eu-west-1"),)
    cf = [q for q in plan_queries(["eu-west-1", "eu-central-1"], ["cloudfront"])]
    assert {dict(q.filters)["usagetype"] for q in cf} == {"EU-DataTransfer-Out-Bytes", "EU-Requests-Tier2-HTTPS"}
    assert all(len(q.wanted) == 2 for q in cf)  # one query serves both EU regions


def test_make_pricing_client_config() -> None:
    client = make_pricing_client()
    assert client.meta.region_name == "us-east-1"
    # botocore stores max_attempts=10 (retries) as total_max_attempts=11 (first call + 10 retries)
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 11}


def test_refresh_every_key_family(tmp_path: Path) -> None:
    client = _client()
    queries = plan_queries(["us-east-1"], FAMILIES)
    with Stubber(client) as stub:
        _stub_plan(stub, queries, _all_items())
        out = tmp_path / "snap.json"
        report = refresh_from_api(regions=["us-east-1"], families=FAMILIES, output=out, client=client)
        stub.assert_no_pending_responses()
    cat = load_snapshot(out)
    price = lambda k, r="us-east-1": cat.price(k, r)  # noqa: E731
    t3 = price("ec2:t3.medium")
    assert t3.usd == Decimal("0.04576")  # 0.0416 x 1.1
    assert t3.source.startswith("aws-pricing-api:AmazonEC2:") and t3.sku and t3.source.endswith(t3.sku)
    assert (t3.confidence, t3.approximation, t3.as_of) == ("high", None, "2026-11-01")
    assert t3.usage_type == "BoxUsage:t3.medium"
    assert price("ec2:c7g.2xlarge").usd == Decimal("0.319")  # 0.0725 x 4 x 1.1
    assert price("eks:cluster-hour").usd == Decimal("0.11")
    assert price("vpc:nat-gateway-hour").usd == Decimal("0.0495")
    assert price("vpc:public-ipv4-hour").usd == Decimal("0.0055")
    assert price("elb:alb-hour").usd == Decimal("0.02475")  # not the NLB's 0.0999
    assert price("elb:alb-lcu-hour").usd == Decimal("0.0088")
    # DynamoDB bills per request unit; the catalog is per million.
    assert price("dynamodb:write-request-million").usd == Decimal("0.6875")
    assert price("dynamodb:read-request-million").usd == Decimal("0.1375")
    assert price("dynamodb:storage-gb-month").usd == Decimal("0.275")  # 25 GB free tier dropped
    assert "free tier dropped" in price("dynamodb:storage-gb-month").note
    cf = price("cloudfront:data-out-gb", "us-east-1")
    assert cf.usd == Decimal("0.0935")
    assert [(t.begin_units, t.end_units, t.usd) for t in cf.tiers] == [
        (0, 10240, Decimal("0.0935")), (10240, 51200, Decimal("0.088")), (51200, 153600, Decimal("0.066")),
        (153600, None, Decimal("0.044"))]
    assert price("cloudfront:https-requests-10k").usd == Decimal("0.011")
    assert price("cloudwatch:logs-ingest-gb").usd == Decimal("0.55")
    metric = price("cloudwatch:metric-month")
    assert metric.usd == Decimal("0.33") and "3 paid tiers" in metric.note and not metric.tiers
    assert price("cloudwatch:dashboard-month").usd == Decimal("3.30")
    assert price("kms:key-month").usd == Decimal("1.10")
    assert price("kms:requests-10k").usd == Decimal("0.033")
    assert price("waf:requests-million").usd == Decimal("0.66")
    assert price("bedrock:anthropic.claude-3-5-sonnet:input-1k").usd == Decimal("0.006")  # not batch/cache
    assert price("bedrock:meta.llama3-70b-instruct:output-1k").usd == Decimal("0.0035")
    # Untouched keys and regions keep the embedded prices.
    embedded = load_snapshot(EMBEDDED_SNAPSHOT)
    assert price("s3:standard-gb-month") == embedded.price("s3:standard-gb-month", "us-east-1")
    assert price("ec2:t3.medium", "eu-west-1") == embedded.price("ec2:t3.medium", "eu-west-1")
    assert report.header.point_count == embedded.header.point_count
    moved = {(m.key, m.region) for m in report.diff.moved}
    assert ("ec2:t3.medium", "us-east-1") in moved and ("cloudfront:data-out-gb", "us-east-1") in moved
    assert ("bedrock:amazon.nova-pro:input-1k", "us-east-1") not in moved  # same price
    assert not report.diff.added and not report.diff.removed
    assert "ec2:t3.medium @ us-east-1: 0.0416 -> 0.04576 (+10.00%)" in report.to_text(limit=None)


def test_pagination_follows_next_token(tmp_path: Path) -> None:
    client = _client()
    queries = plan_queries(["us-east-1"], ["elb"])
    assert len(queries) == 1
    with Stubber(client) as stub:
        pages = _stub_plan(stub, queries, H.alb("us-east-1", "0.0225", "0.008")[:2], page_size=1)
        report = refresh_from_api(regions=["us-east-1"], families=["elb"], output=tmp_path / "s.json",
                                  client=client)
        stub.assert_no_pending_responses()
    assert pages == 2
    assert report.fetched == 2


def test_throttling_is_retried_then_succeeds(tmp_path: Path) -> None:
    """A real retry through botocore's adaptive retry handler (HTTP level, no network)."""
    client = _client()
    items = [i.price_list_entry() for i in H.alb("us-east-1", "0.0225", "0.008")[:2]]
    calls: list[int] = []

    def before_send(request: Any, **_kw: Any) -> AWSResponse:
        calls.append(1)
        if len(calls) == 1:
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-requestid": "r1"}, _Raw(body))
        body = json.dumps({"PriceList": items, "FormatVersion": "aws_v1"}).encode()
        return AWSResponse(request.url, 200, {"x-amzn-requestid": "r2"}, _Raw(body))

    client.meta.events.register("before-send.pricing.GetProducts", before_send)
    report = refresh_from_api(regions=["us-east-1"], families=["elb"], output=tmp_path / "s.json", client=client)
    assert len(calls) == 2
    assert report.fetched == 2


class _Raw:
    """Minimal urllib3-like raw body for AWSResponse."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kw: Any) -> Any:
        yield self._body


def _seed(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EMBEDDED_SNAPSHOT.read_bytes())
    return path.read_bytes()


def test_malformed_entry_fails_naming_key_and_field(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    before = _seed(out)
    good, bad = H.alb("us-east-1", "0.0225", "0.008")[:2]
    entry = json.loads(bad.price_list_entry())
    dims = next(iter(next(iter(entry["terms"]["OnDemand"].values()))["priceDimensions"].values()))
    del dims["pricePerUnit"]
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": [good.price_list_entry(), json.dumps(entry)],
                                           "FormatVersion": "aws_v1"})
        with pytest.raises(RefreshError) as err:
            refresh_from_api(regions=["us-east-1"], families=["elb"], output=out, client=client)
    msg = str(err.value)
    assert "elb:alb-lcu-hour @ us-east-1" in msg and "'pricePerUnit'" in msg
    assert "snapshot was not changed" in msg
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_unpriced_keys_are_listed_and_allow_partial_keeps_previous(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    before = _seed(out)
    only_hours = H.alb("us-east-1", "0.027", "0.008")[:1]   # the LCU product is missing
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": [i.price_list_entry() for i in only_hours]})
        with pytest.raises(RefreshError, match=r"elb:alb-lcu-hour @ us-east-1: no matching product"):
            refresh_from_api(regions=["us-east-1"], families=["elb"], output=out, client=client)
    assert out.read_bytes() == before
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": [i.price_list_entry() for i in only_hours]})
        report = refresh_from_api(regions=["us-east-1"], families=["elb"], output=out, client=client,
                                  allow_partial=True)
    assert list(report.kept_previous) == [("elb:alb-lcu-hour", "us-east-1")]
    cat = load_snapshot(out)
    assert cat.price("elb:alb-hour", "us-east-1").usd == Decimal("0.027")
    assert cat.price("elb:alb-lcu-hour", "us-east-1").usd == Decimal("0.008")  # previous (embedded)
    assert [m.describe() for m in report.diff.moved] == ["elb:alb-hour @ us-east-1: 0.0225 -> 0.027 (+20.00%)"]


def test_ambiguous_products_are_rejected(tmp_path: Path) -> None:
    a, b = H.eks("us-east-1", "0.1", "0.6")
    twin = H.Item(a.service_code, "TWINSKU000000001", a.product_family, dict(a.attributes), [H.Dim("Hours", "0.2")])
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": [x.price_list_entry() for x in (a, b, twin)]})
        with pytest.raises(RefreshError, match=r"eks:cluster-hour @ us-east-1: ambiguous: 2 products"):
            refresh_from_api(regions=["us-east-1"], families=["eks"], output=tmp_path / "s.json", client=client)


def test_unexpected_unit_is_rejected() -> None:
    item = H.Item("AmazonEKS", "SKU1", "Compute", H.eks("us-east-1", "0.1", "0.6")[0].attributes,
                  [H.Dim("Seconds", "0.00003")])
    with pytest.raises(price_list.PriceParseError, match=r"eks:cluster-hour: SKU SKU1 .* unit 'Seconds'"):
        price_list.points_from_price_item(item.price_list_entry(), "AmazonEKS", ["us-east-1"])


def test_api_error_is_reported(tmp_path: Path) -> None:
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("get_products", service_error_code="AccessDeniedException",
                              service_message="not authorized to perform pricing:GetProducts", http_status_code=403)
        with pytest.raises(PricingAccessError, match="AccessDeniedException: not authorized"):
            refresh_from_api(regions=["us-east-1"], families=["eks"], output=tmp_path / "s.json", client=client)
    assert not (tmp_path / "s.json").exists()


def _no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_missing_credentials_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_credentials(monkeypatch, tmp_path)
    with pytest.raises(PricingAccessError, match=r"no AWS credentials found \(standard chain / --profile\)"):
        refresh_from_api(regions=["us-east-1"], families=["eks"], output=tmp_path / "s.json")
    with pytest.raises(PricingAccessError, match="AWS profile 'nope' not found"):
        refresh_from_api(regions=["us-east-1"], families=["eks"], output=tmp_path / "s.json", profile="nope")


# ---- CLI ------------------------------------------------------------------
def _cli(args: list[str]) -> Any:
    from app.cli import app

    return CliRunner().invoke(app, args)


def test_cli_refresh_writes_user_snapshot_and_prints_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client()
    stub = Stubber(client)
    _stub_plan(stub, plan_queries(["us-east-1"], ["eks"]), H.eks("us-east-1", "0.11", "0.66"))
    stub.activate()
    monkeypatch.setattr("pricing.refresh.make_pricing_client", lambda profile=None: client)
    result = _cli(["pricing", "refresh", "--region", "us-east-1", "--service", "eks", "--no-progress"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "data" / "snapshot.json"
    assert f"wrote {target}" in result.output
    assert "eks:cluster-hour @ us-east-1: 0.1 -> 0.11 (+10.00%)" in result.output
    assert catalog.active_snapshot_path() == target
    assert load_snapshot().price("eks:cluster-hour", "us-east-1").usd == Decimal("0.11")


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "mars-1"], "--region: 'mars-1' is not an AWS region code"),
    (["--service", "lambda"], "--service: unknown lambda; allowed: bedrock"),
    (["--offer-file", "/nonexistent/offer.json"], "--offer-file: no such file"),
])
def test_cli_refresh_bad_input_exit_2(args: list[str], message: str) -> None:
    result = _cli(["pricing", "refresh", "--no-progress", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_cli_refresh_without_credentials_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_credentials(monkeypatch, tmp_path)
    result = _cli(["pricing", "refresh", "--service", "eks", "--no-progress"])
    assert result.exit_code == 1
    assert "no AWS credentials found" in result.output
    assert not (tmp_path / "data" / "snapshot.json").exists()
