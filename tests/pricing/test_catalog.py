"""pricing.catalog: lookups, tiered costs, (de)serialisation, atomic writes, caching."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pricing import catalog
from pricing.catalog import (
    EMBEDDED_SNAPSHOT,
    MissingPriceError,
    active_snapshot_path,
    load_snapshot,
    tiered_cost,
    user_snapshot_path,
)
from pricing.snapshot import (
    PricePoint,
    PriceTier,
    SnapshotError,
    point_from_json,
    point_to_json,
    write_snapshot,
)


def _point(key: str = "ec2:t3.medium", region: str = "us-east-1", usd: str = "0.0416",
           tiers: tuple[PriceTier, ...] = (), **kw: object) -> PricePoint:
    fields: dict[str, object] = dict(
        key=key, region=region, unit="USD per instance-hour", usd=Decimal(usd), as_of="2026-07-20",
        source="test", confidence="high", note="", approximation=None, service_code="AmazonEC2",
        usage_type="BoxUsage:t3.medium", sku=None, tiers=tiers)
    fields.update(kw)
    return PricePoint(**fields)  # type: ignore[arg-type]


def _tiers(*rows: tuple[int, int | None, str]) -> tuple[PriceTier, ...]:
    return tuple(PriceTier(Decimal(b), None if e is None else Decimal(e), Decimal(u)) for b, e, u in rows)


@pytest.fixture()
def cat() -> catalog.Catalog:
    return load_snapshot(EMBEDDED_SNAPSHOT)


# ---- lookups --------------------------------------------------------------
def test_price_lookup_and_global_fallback(cat: catalog.Catalog) -> None:
    assert cat.price("ec2:t3.medium", "us-east-1").usd == Decimal("0.0416")
    assert cat.price("eks:cluster-hour", "us-east-1").usd == Decimal("0.1")
    r53 = cat.price("route53:hosted-zone-month", "ap-southeast-1")
    assert (r53.region, r53.usd) == ("global", Decimal("0.5"))
    assert cat.has("route53:queries-million", "us-west-2")
    assert cat.has("ec2:c7g.2xlarge", "eu-central-1")
    assert not cat.has("ec2:p5.48xlarge", "us-east-1")
    assert not cat.has("ec2:t3.medium", "sa-east-1")


def test_missing_price_message_names_key_region_and_fix(cat: catalog.Catalog) -> None:
    with pytest.raises(MissingPriceError) as err:
        cat.price("ec2:m8g.large", "eu-west-3")
    msg = str(err.value)
    assert "'ec2:m8g.large'" in msg and "'eu-west-3'" in msg
    assert "python -m app.cli pricing refresh --region eu-west-3" in msg
    assert "--snapshot" in msg
    assert isinstance(err.value, LookupError)
    assert (err.value.key, err.value.region) == ("ec2:m8g.large", "eu-west-3")


def test_listing_helpers(cat: catalog.Catalog) -> None:
    assert cat.regions() == ("ap-southeast-1", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2")
    types = cat.instance_types("eu-west-1")
    assert len(types) == 39
    assert "t3.medium" in types and "c7g.2xlarge" in types
    assert "t-unlimited-vcpu-hour" not in types
    models = cat.bedrock_models("us-east-1")
    assert models[0] == "amazon.nova-lite" and len(models) == 9
    assert "anthropic.claude-sonnet-4-5" in models
    eu = cat.points("eu-west-1")
    assert len(eu) == 108 + 8 + 3 + 2  # regional keys + 8 DynamoDB reserved-capacity keys + 3 DR keys + 2 global
    assert {p.region for p in eu} == {"eu-west-1", "global"}
    assert len(cat.points()) == 542 + 8 * 5 + 3 * 5   # + the 8 reserved-capacity and 3 DR keys in 5 regions


def test_age_days_and_staleness(cat: catalog.Catalog) -> None:
    assert cat.age_days(date(2026, 11, 25)) == 0
    assert cat.age_days(date(2027, 2, 23)) == 90
    assert not cat.is_stale(date(2027, 2, 23))
    assert cat.is_stale(date(2027, 2, 24))


# ---- tiered_cost ----------------------------------------------------------
def test_tiered_cost_flat_price() -> None:
    assert tiered_cost(_point(usd="0.0416"), Decimal(730)) == Decimal("30.3680")


def test_tiered_cost_across_boundaries() -> None:
    cf = _point(key="cloudfront:data-out-gb", usd="0.085",
                tiers=_tiers((0, 10240, "0.085"), (10240, 51200, "0.080"), (51200, None, "0.060")))
    # 10,240 x 0.085 = 870.40 ; 40,960 x 0.080 = 3,276.80 ; 8,800 x 0.060 = 528.00
    assert tiered_cost(cf, Decimal(60000)) == Decimal("4675.20")
    assert tiered_cost(cf, Decimal(10240)) == Decimal("870.40")
    assert tiered_cost(cf, Decimal(10241)) == Decimal("870.48")  # one GB into tier 2
    assert tiered_cost(cf, Decimal(0)) == 0


def test_tiered_cost_on_snapshot_points(cat: catalog.Catalog) -> None:
    sg = cat.price("datatransfer:internet-out-gb", "ap-southeast-1")
    # 10,240 x 0.12 = 1,228.80 ; 1,760 x 0.085 = 149.60
    assert tiered_cost(sg, Decimal(12000)) == Decimal("1378.40")
    us = cat.price("cloudfront:data-out-gb", "us-east-1")
    assert tiered_cost(us, Decimal(60000)) == Decimal("4675.20")


def test_tiered_cost_beyond_closed_last_tier_uses_last_price() -> None:
    p = _point(usd="1", tiers=_tiers((0, 10, "1"), (10, 20, "0.5")))
    assert tiered_cost(p, Decimal(30)) == Decimal("10") + Decimal("5") + Decimal("5")


def test_tiered_cost_rejects_negative() -> None:
    with pytest.raises(ValueError, match="ec2:t3.medium"):
        tiered_cost(_point(), Decimal(-1))


# ---- JSON ----------------------------------------------------------------
def test_point_json_roundtrip() -> None:
    p = _point(tiers=_tiers((0, 10240, "0.09"), (10240, None, "0.085")), approximation="copied")
    d = point_to_json(p)
    assert d["usd"] == "0.0416" and d["tiers"][1] == {"begin_units": "10240", "end_units": None,
                                                      "usd": "0.085"}
    assert point_from_json(json.loads(json.dumps(d))) == p


@pytest.mark.parametrize(("field", "value", "message"), [
    ("usd", 0.0416, "field 'usd' must be a decimal string"),
    ("usd", "abc", "field 'usd' is not a decimal number"),
    ("usd", "-1", "field 'usd' must be a finite number >= 0"),
    ("confidence", "certain", "field 'confidence' must be one of high, medium, low"),
    ("tiers", "none", "field 'tiers' must be a list"),
])
def test_point_from_json_names_bad_field(field: str, value: object, message: str) -> None:
    d = point_to_json(_point())
    d[field] = value
    with pytest.raises(ValueError, match=message):
        point_from_json(d)


def test_point_from_json_lists_missing_fields() -> None:
    d = point_to_json(_point())
    del d["source"], d["tiers"]
    with pytest.raises(ValueError, match="lacks fields: source, tiers"):
        point_from_json(d)


# ---- files ---------------------------------------------------------------
def test_write_snapshot_roundtrip_and_atomic(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "snap.json"
    pts = [_point(region="us-west-2"), _point(), _point(key="route53:queries-million", region="global",
                                                         usd="0.4")]
    header = write_snapshot(pts, target, as_of="2026-11-01", sources=["unit test"],
                            built_at="2026-11-01T00:00:00+00:00")
    assert header.point_count == 3 and header.key_count == 2
    assert header.regions == ("global", "us-east-1", "us-west-2")
    assert [p.name for p in target.parent.iterdir()] == ["snap.json"]  # no temp file left
    loaded = load_snapshot(target)
    assert loaded.header == header
    assert [(p.key, p.region) for p in loaded.points()] == [
        ("ec2:t3.medium", "us-east-1"), ("ec2:t3.medium", "us-west-2"), ("route53:queries-million", "global")]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_write_snapshot_rejects_duplicates_and_bad_date(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duplicate price point ec2:t3.medium / us-east-1"):
        write_snapshot([_point(), _point()], tmp_path / "x.json", as_of="2026-11-01", sources=[])
    with pytest.raises(ValueError, match="as_of must be YYYY-MM-DD"):
        write_snapshot([_point()], tmp_path / "x.json", as_of="Nov 2026", sources=[])
    assert not (tmp_path / "x.json").exists()


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "snap.json"
    write_snapshot([_point()], target, as_of="2026-11-01", sources=[])
    before = target.read_bytes()

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")
    monkeypatch.setattr(catalog.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_snapshot([_point(usd="9")], target, as_of="2026-11-02", sources=[])
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


def test_load_is_cached_and_reloads_on_change(tmp_path: Path) -> None:
    target = tmp_path / "snap.json"
    write_snapshot([_point()], target, as_of="2026-11-01", sources=[])
    first = load_snapshot(target)
    assert load_snapshot(target) is first
    write_snapshot([_point(usd="0.05")], target, as_of="2026-11-02", sources=[])
    os.utime(target, ns=(first_ns := target.stat().st_mtime_ns, first_ns + 1_000_000))
    second = load_snapshot(target)
    assert second is not first
    assert second.price("ec2:t3.medium", "us-east-1").usd == Decimal("0.05")


@pytest.mark.parametrize(("content", "problem"), [
    (b"[]", "expected an object with 'header' and 'points'"),
    (b'{"header": {}, "points": []}', "bad header: header lacks fields"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_malformed_files_name_file_and_problem(tmp_path: Path, content: bytes, problem: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(SnapshotError) as err:
        load_snapshot(bad)
    assert str(bad) in str(err.value) and problem in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot read file"):
        load_snapshot(tmp_path / "nope.json")


def test_header_counts_are_checked(tmp_path: Path) -> None:
    target = tmp_path / "snap.json"
    write_snapshot([_point()], target, as_of="2026-11-01", sources=[])
    doc = json.loads(target.read_text())
    doc["header"]["point_count"] = 2
    target.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match="point_count 2 != 1"):
        load_snapshot(target)


def test_user_and_active_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path))
    assert user_snapshot_path() == tmp_path / "snapshot.json"
    assert active_snapshot_path() == EMBEDDED_SNAPSHOT
    write_snapshot([_point()], tmp_path / "snapshot.json", as_of="2026-11-01", sources=[])
    assert active_snapshot_path() == tmp_path / "snapshot.json"
    assert load_snapshot().path == (tmp_path / "snapshot.json").resolve()
    monkeypatch.delenv("TIERSIZER_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_snapshot_path() == tmp_path / "home" / ".local" / "share" / "tiersizer" / "snapshot.json"
