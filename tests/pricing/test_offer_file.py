"""Streaming ingest of AWS bulk offer files generated in the real format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pricing import catalog
from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.offer_file import OfferFileError, ingest_offer_file, read_header
from pricing.refresh import RefreshError, refresh_from_offer_files
from tests.helpers import offer_files as H

EU_TIERS = [("0", "10240", "0.09"), ("10240", "51200", "0.08"), ("51200", "Inf", "0.06")]
AP_TIERS = [("0", "10240", "0.14"), ("10240", "51200", "0.1"), ("51200", "Inf", "0.08")]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    catalog.clear_cache()


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    """Offer files for three services: EC2 (2 regions), DynamoDB (2 regions), CloudFront (global)."""
    ec2_items = [*H.ec2_full("us-east-1", "1.05"), *H.ec2_full("eu-west-1", "1.2")]
    # A Linux t3.medium twin that has only a reserved term: must be ignored, not fail the key.
    reserved_only = H.ec2_instance("us-east-1", "t3.medium", "9.99")
    reserved_only.sku, reserved_only.dims = "RESERVEDONLY0001", None
    ec2_items.append(reserved_only)
    ec2_items.append(H.ec2_instance("us-east-1", "t3.medium", "0.0912", os="Windows"))  # other OS: ignored
    return {
        "ec2": H.write_offer_file(tmp_path / "AmazonEC2.json", "AmazonEC2", ec2_items),
        "ddb": H.write_offer_file(tmp_path / "AmazonDynamoDB.json", "AmazonDynamoDB",
                                  [*H.dynamodb_full("us-east-1", "2"), *H.dynamodb_full("ap-southeast-1", "1.3")]),
        "cf": H.write_offer_file(tmp_path / "AmazonCloudFront.json", "AmazonCloudFront",
                                 [*H.cloudfront("US", EU_TIERS, "0.000001"), *H.cloudfront("EU", EU_TIERS, "0.0000012"),
                                  *H.cloudfront("AP", AP_TIERS, "0.0000016")]),
    }


def test_header_is_read_without_loading_products(files: dict[str, Path]) -> None:
    with files["ec2"].open("rb") as fh:
        h = read_header(fh, files["ec2"])
    assert (h.offer_code, h.publication_date, h.format_version) == ("AmazonEC2", "2026-11-01T00:00:00Z", "v1.0")


def test_ec2_file_two_regions(files: dict[str, Path]) -> None:
    result = ingest_offer_file(files["ec2"])
    assert result.failures == {}
    by = {(p.key, p.region): p for p in result.points}
    assert len(by) == 2 * 43  # 39 types + CPU credits + gp3 + 2 NAT keys, per region
    t3 = by[("ec2:t3.medium", "us-east-1")]
    assert t3.usd == Decimal("0.04368")  # 0.0416 x 1.05; not the Windows or reserved-only twin
    assert t3.source == f"offer-file:AmazonEC2.json:{t3.sku}" and t3.sku != "RESERVEDONLY0001"
    assert (t3.as_of, t3.confidence, t3.usage_type) == ("2026-11-01", "high", "BoxUsage:t3.medium")
    assert by[("ec2:t3.medium", "eu-west-1")].usd == Decimal("0.04992")  # x 1.2
    assert by[("ec2:m5.2xlarge", "eu-west-1")].usage_type == "EU-BoxUsage:m5.2xlarge"
    assert by[("vpc:nat-gateway-gb", "eu-west-1")].usd == Decimal("0.054")


def test_region_filter_and_missing_region(files: dict[str, Path]) -> None:
    result = ingest_offer_file(files["ec2"], regions=["eu-west-1"], families=["vpc"])
    assert sorted((p.key, p.region) for p in result.points) == [("vpc:nat-gateway-gb", "eu-west-1"),
                                                                ("vpc:nat-gateway-hour", "eu-west-1")]
    result = ingest_offer_file(files["ec2"], regions=["eu-central-1"], families=["ebs"])
    assert result.failures == {("ebs:gp3-gb-month", "eu-central-1"): "region eu-central-1 not in offer file "
                                                                      "AmazonEC2.json"}


def test_product_without_on_demand_term_is_a_clear_failure(tmp_path: Path) -> None:
    hours, lcu = H.alb("us-east-1", "0.0225", "0.008")[:2]
    lcu.dims = None
    path = H.write_offer_file(tmp_path / "elb.json", "AWSELB", [hours, lcu])
    result = ingest_offer_file(path)
    assert [(p.key, p.usd) for p in result.points] == [("elb:alb-hour", Decimal("0.0225"))]
    assert result.failures == {("elb:alb-lcu-hour", "us-east-1"):
                               f"elb:alb-lcu-hour: SKU {lcu.sku} has no on-demand term (terms.OnDemand)"}


def test_refresh_from_several_files(files: dict[str, Path], tmp_path: Path) -> None:
    report = refresh_from_offer_files([files["ec2"], files["ddb"], files["cf"]])
    target = tmp_path / "data" / "snapshot.json"
    assert report.output == target and catalog.active_snapshot_path() == target
    cat = load_snapshot()
    assert cat.price("ec2:c5.xlarge", "us-east-1").usd == Decimal("0.1785")  # 0.17 x 1.05
    assert cat.price("dynamodb:write-request-million", "us-east-1").usd == Decimal("1.25")  # 0.000000625 x 2 x 1e6
    assert cat.price("dynamodb:wcu-hour", "ap-southeast-1").usd == Decimal("0.000845")  # free tier dropped
    asia = cat.price("cloudfront:data-out-gb", "ap-southeast-1")
    assert asia.usd == Decimal("0.14") and asia.tiers[-1].usd == Decimal("0.08") and asia.tiers[-1].end_units is None
    assert cat.price("cloudfront:https-requests-10k", "eu-central-1").usd == Decimal("0.012")
    assert cat.price("cloudfront:data-out-gb", "eu-central-1").tiers[1].usd == Decimal("0.08")
    # Keys from no file keep the embedded price; nothing is lost.
    embedded = load_snapshot(EMBEDDED_SNAPSHOT)
    assert cat.price("s3:standard-gb-month", "eu-west-1") == embedded.price("s3:standard-gb-month", "eu-west-1")
    assert cat.header.point_count == embedded.header.point_count
    assert any("offer-file:AmazonEC2.json, AmazonDynamoDB.json, AmazonCloudFront.json" in s
               for s in cat.header.sources)
    moved = {(m.key, m.region): m for m in report.diff.moved}
    assert moved[("dynamodb:write-request-million", "us-east-1")].pct == Decimal("100.00")
    assert ("ec2:t3.medium", "us-east-1") in moved
    assert ("cloudfront:https-requests-10k", "us-east-1") not in moved  # 0.01 both
    # 86 EC2 + 12 DynamoDB (6 keys x 2 regions) + 10 CloudFront points were refreshed
    assert report.fetched == 86 + 12 + 10


def test_truncated_file_leaves_snapshot_intact(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "data" / "snapshot.json"
    target.parent.mkdir()
    target.write_bytes(EMBEDDED_SNAPSHOT.read_bytes())
    before = target.read_bytes()
    cut = tmp_path / "cut.json"
    data = files["ec2"].read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(OfferFileError) as err:
        refresh_from_offer_files([files["ddb"], cut])
    assert str(cut) in str(err.value) and "truncated or invalid JSON" in str(err.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["snapshot.json"]


def test_not_an_offer_file(tmp_path: Path) -> None:
    bogus = tmp_path / "x.json"
    bogus.write_text(json.dumps({"products": {}, "terms": {}}))
    with pytest.raises(OfferFileError, match="no top-level 'offerCode'"):
        ingest_offer_file(bogus)
    lam = H.write_offer_file(tmp_path / "lambda.json", "AWSLambda", [])
    with pytest.raises(OfferFileError, match="offerCode 'AWSLambda' prices no canonical key"):
        ingest_offer_file(lam)
    with pytest.raises(OfferFileError, match="no such file"):
        ingest_offer_file(tmp_path / "missing.json")


def test_incomplete_file_fails_without_writing(tmp_path: Path) -> None:
    path = H.write_offer_file(tmp_path / "ec2.json", "AmazonEC2", H.ec2_full("us-east-1")[:5])
    with pytest.raises(RefreshError) as err:
        refresh_from_offer_files([path])
    assert "ec2:c7g.large @ us-east-1: no matching product in offer file ec2.json" in str(err.value)
    assert not (tmp_path / "data" / "snapshot.json").exists()


def test_streaming_a_synthetic_file(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    size = H.write_synthetic_ec2_offer(path, 8_000_000, canonical=[("t3.medium", "0.0416"), ("c5.xlarge", "0.17")])
    assert size >= 8_000_000
    seen: list[int] = []
    result = ingest_offer_file(path, families=["ec2"], on_progress=seen.append)
    by = {p.key: p.usd for p in result.points}
    assert by["ec2:t3.medium"] == Decimal("0.0416") and by["ec2:c5.xlarge"] == Decimal("0.17")
    assert result.items > 2_000
    assert seen and seen[-1] == size  # the progress callback saw every byte of the products pass


def test_cli_offer_file_refresh(files: dict[str, Path], tmp_path: Path) -> None:
    from app.cli import app

    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["pricing", "refresh", "--offer-file", str(files["cf"]), "--output", str(out),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert load_snapshot(out).price("cloudfront:data-out-gb", "eu-west-1").usd == Decimal("0.09")
    cut = tmp_path / "cut.json"
    cut.write_bytes(files["cf"].read_bytes()[:300])
    result = CliRunner().invoke(app, ["pricing", "refresh", "--offer-file", str(cut), "--output", str(out),
                                      "--no-progress"])
    assert result.exit_code == 2
    assert "truncated or invalid JSON" in result.output


def test_all_region_file_defaults_to_catalog_regions(tmp_path: Path) -> None:
    """An all-region file whose non-catalog region lacks most types still refreshes the catalog regions."""
    items = [*H.ec2_full("us-east-1"), *H.ec2_full("ap-northeast-1")[:3]]  # Tokyo: 3 of 43 keys
    path = H.write_offer_file(tmp_path / "AmazonEC2-all.json", "AmazonEC2", items)
    result = ingest_offer_file(path)
    assert result.failures == {}
    assert {p.region for p in result.points} == {"us-east-1"}
    assert len(result.points) == 43
    # Asking for the non-catalog region explicitly still prices (and reports) it.
    tokyo = ingest_offer_file(path, regions=["ap-northeast-1"])
    assert len(tokyo.points) == 3 and len(tokyo.failures) == 40


@pytest.mark.parametrize("product, problem", [
    ("null", "products['X'] is NoneType"),
    ('{"sku": "X", "attributes": ["usagetype"]}', "'attributes' of type list"),
])
def test_malformed_product_is_a_clear_error(tmp_path: Path, product: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"offerCode": "AmazonEC2", "products": {"X": ' + product + '}, "terms": {"OnDemand": {}}}')
    with pytest.raises(OfferFileError, match="bad.json: malformed product") as exc:
        ingest_offer_file(path)
    assert problem in str(exc.value)


def test_non_string_attribute_values_are_compared_as_text(tmp_path: Path) -> None:
    item = H.ec2_instance("us-east-1", "t3.medium", "0.05")
    odd = H.ec2_instance("us-east-1", "t3.medium", "0.07", os="Windows")
    odd.sku, odd.attributes["operatingSystem"] = "ODDNUMBER", 7  # type: ignore[assignment]
    path = H.write_offer_file(tmp_path / "AmazonEC2.json", "AmazonEC2", [odd, item])
    result = ingest_offer_file(path, families=["ec2"], regions=["us-east-1"])
    assert {(p.key, p.usd) for p in result.points} == {("ec2:t3.medium", Decimal("0.05"))}
