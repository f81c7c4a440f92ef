"""Bounded input for price snapshots, offer files and the atomic writer (issue 14, hardened by default)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pricing import catalog
from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot, user_snapshot_path
from pricing.files import write_atomic
from pricing.offer_file import MAX_OFFER_DEPTH, OfferFileError, _Progress, ingest_offer_file
from pricing.refresh import refresh_from_offer_files
from pricing.snapshot import SnapshotError, points_checksum
from tests.helpers import offer_files as H

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    catalog.clear_cache()


def _resealed(tmp_path: Path, edit) -> Path:  # noqa: ANN001 - a callable editing the document
    """A copy of the embedded snapshot edited by ``edit(doc)``, with a matching checksum."""
    doc = json.loads(EMBEDDED_SNAPSHOT.read_text())
    edit(doc)
    doc["header"]["checksum"] = points_checksum(doc["points"])
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc))
    return out


# -- snapshots ---------------------------------------------------------------------------------------
def test_snapshot_size_limit_is_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "copy.json"
    copy.write_bytes(EMBEDDED_SNAPSHOT.read_bytes())
    monkeypatch.setenv("TIERSIZER_MAX_SNAPSHOT_MB", "0.1")
    with pytest.raises(SnapshotError, match=r"larger than .*TIERSIZER_MAX_SNAPSHOT_MB") as err:
        load_snapshot(copy)
    assert str(copy) in str(err.value)
    monkeypatch.setenv("TIERSIZER_MAX_SNAPSHOT_MB", "2")
    catalog.clear_cache()
    assert len(load_snapshot(copy)) > 100


@pytest.mark.parametrize("body", [b"[" * 400_000, b'{"header": ' + b"[" * 400_000 + b"]" * 400_000 + b"}",
                                  b'{"a": "[[[[", "b": ' + b'{"x":' * 50_000])
def test_deeply_nested_snapshot_is_refused_cheaply(tmp_path: Path, body: bytes) -> None:
    bad = tmp_path / "deep.json"
    bad.write_bytes(body)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(SnapshotError, match="nested deeper than 32 levels") as err:
        load_snapshot(bad)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(bad) in str(err.value)
    assert elapsed < 2 and peak < 30 * 2**20


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    def edit(doc: dict) -> None:
        doc["points"][0]["note"] = '[' * 100 + '\\"{' * 50  # text, not nesting

    assert len(load_snapshot(_resealed(tmp_path, edit))) > 100


@pytest.mark.parametrize(("field", "value", "message"), [
    ("usd", "1e999999", "field 'usd' is out of range"),
    ("usd", "9" * 41, "field 'usd' is longer than 40 characters"),
    ("usd", "2000000000", "field 'usd' is out of range"),
    ("as_of", "2026-02-30", "field 'as_of' is not a real date: '2026-02-30'"),
])
def test_bad_numbers_and_dates_in_points_name_the_point_and_field(tmp_path: Path, field: str, value: str,
                                                                     message: str) -> None:
    def edit(doc: dict) -> None:
        doc["points"][3][field] = value

    with pytest.raises(SnapshotError) as err:
        load_snapshot(_resealed(tmp_path, edit))
    assert f"points[3]: {message}" in str(err.value)


def test_huge_tier_bound_and_impossible_header_date(tmp_path: Path) -> None:
    def tier(doc: dict) -> None:
        i = next(i for i, p in enumerate(doc["points"]) if p["tiers"])
        doc["points"][i]["tiers"][0]["end_units"] = "1e400"
        doc["header"]["note_index"] = i

    with pytest.raises(SnapshotError, match=r"points\[\d+\]: field 'tiers\[0\].end_units' is out of range"):
        load_snapshot(_resealed(tmp_path, tier))
    with pytest.raises(SnapshotError, match="header.as_of is not a real date: '2026-02-30'"):
        load_snapshot(_resealed(tmp_path, lambda d: d["header"].update(as_of="2026-02-30")))
    with pytest.raises(SnapshotError, match="header.point_count must be an integer"):
        load_snapshot(_resealed(tmp_path, lambda d: d["header"].update(point_count=1e308)))


def test_overflowing_json_numbers_are_a_snapshot_error(tmp_path: Path) -> None:
    bad = tmp_path / "digits.json"
    bad.write_bytes(b'{"header": {"schema_version": ' + b"9" * 5000 + b'}, "points": []}')
    with pytest.raises(SnapshotError, match="not valid JSON"):
        load_snapshot(bad)


# -- refresh repairs a corrupt user snapshot -----------------------------------------------------------
def _cf_offer(tmp_path: Path) -> Path:
    tiers = [("0", "10240", "0.09"), ("10240", "51200", "0.08"), ("51200", "Inf", "0.06")]
    return H.write_offer_file(tmp_path / "AmazonCloudFront.json", "AmazonCloudFront",
                              [*H.cloudfront("US", tiers, "0.000001"), *H.cloudfront("EU", tiers, "0.0000012"),
                               *H.cloudfront("AP", tiers, "0.0000016")])


@pytest.mark.parametrize("garbage", [b"\xff\xfe garbage", b"[" * 100_000, b"{}"])
def test_corrupt_user_snapshot_does_not_block_refresh(tmp_path: Path, garbage: bytes) -> None:
    from app.cli import app

    user = user_snapshot_path()
    user.parent.mkdir(parents=True)
    user.write_bytes(garbage)
    result = CliRunner().invoke(app, ["pricing", "refresh", "--offer-file", str(_cf_offer(tmp_path)),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "starting from the embedded snapshot" in result.output and str(user) in result.output
    catalog.clear_cache()
    assert len(load_snapshot(user)) >= len(load_snapshot(EMBEDDED_SNAPSHOT))


def test_refresh_report_names_the_fallback(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("not json")
    report = refresh_from_offer_files([_cf_offer(tmp_path)], output=out)
    assert report.previous_path == EMBEDDED_SNAPSHOT and "not valid JSON" in report.base_note
    assert load_snapshot(out).header.point_count == report.header.point_count


# -- temporary files of a killed write ---------------------------------------------------------------
def test_stale_temp_files_of_a_killed_write_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "snapshot.json"
    stale = tmp_path / ".snapshot.json.k1ll3d.tmp"
    fresh = tmp_path / ".snapshot.json.inprog.tmp"
    other = tmp_path / ".other.json.old.tmp"
    for f in (stale, fresh, other):
        f.write_text("half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomic(target, "{}")
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # a write in progress / another target: left alone
    assert target.read_text() == "{}"


def test_refresh_after_a_killed_refresh_leaves_no_temp_files(tmp_path: Path) -> None:
    user = user_snapshot_path()
    user.parent.mkdir(parents=True)
    stale = user.parent / f".{user.name}.abcd1234.tmp"
    stale.write_text('{"header": ')
    os.utime(stale, (time.time() - 120, time.time() - 120))
    refresh_from_offer_files([_cf_offer(tmp_path)])
    assert sorted(p.name for p in user.parent.iterdir()) == [user.name]


# -- offer files ------------------------------------------------------------------------------------
_MEASURE = """  # peak RSS as VmHWM: ru_maxrss would inherit the forking pytest worker's
import re, sys, time
from pathlib import Path
from pricing.offer_file import OfferFileError, ingest_offer_file
t = time.perf_counter()
try:
    ingest_offer_file(Path(sys.argv[1]))
    print("ok")
except OfferFileError as exc:
    print("OfferFileError", exc)
print(time.perf_counter() - t, int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024)
"""


@pytest.mark.parametrize("body", [
    b"[" * 80_000,
    b'{"formatVersion": "v1.0", "offerCode": "AmazonEC2", "products": {"X": ' + b"[" * 400_000,
    b'{"offerCode": "AmazonEC2", "products": {"X": {"a": "' + b"\\\\]" * 1000 + b'", "b": ' + b'{"k":' * 70_000,
    b'{"offerCode": "AmazonEC2", "products": {}, "terms": {"OnDemand": {"X": ' + b"[" * 400_000,  # pass 1 reads it
])
def test_deep_offer_file_is_refused_in_bounded_memory(tmp_path: Path, body: bytes) -> None:
    bad = tmp_path / "deep.json"
    bad.write_bytes(body)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(bad)], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert out[0].startswith(f"OfferFileError offer file {bad}: JSON nested deeper than {MAX_OFFER_DEPTH} levels")
    seconds, rss_mb = out[1].split()
    assert float(seconds) < 2 and int(rss_mb) < 150


def test_overlong_string_in_offer_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "long.json"
    bad.write_bytes(b'{"offerCode": "AmazonEC2", "products": {"X": {"sku": "' + b"a\\\"" * 2_000_000 + b'"}}}')
    with pytest.raises(OfferFileError, match="a string longer than 1048576 bytes"):
        ingest_offer_file(bad)


class _Chunks:
    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.pos = data, size, 0

    def read(self, _n: int = -1) -> bytes:
        out = self.data[self.pos:self.pos + self.size]
        self.pos += self.size
        return out


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 20])
def test_depth_guard_ignores_brackets_in_strings_across_chunk_borders(size: int) -> None:
    doc = {"a": ["[" * 200 + '\\"' * 30 + "{" * 100, {"b": [[["x\\\\"]]], "c": "\\\\\\\""}], "d": "]" * 90}
    data = json.dumps(doc).encode()
    guard = _Progress(_Chunks(data, size), None, Path("f.json"))  # type: ignore[arg-type]
    assert b"".join(iter(lambda: guard.read(size), b"")) == data
    deep = b'{"s": "]]]]]]' + b"\\\"]" * 50 + b'", "t": ' + b"[" * (MAX_OFFER_DEPTH + 1) + b"]" * (MAX_OFFER_DEPTH + 1)
    guard = _Progress(_Chunks(deep, size), None, Path("f.json"))  # type: ignore[arg-type]
    with pytest.raises(OfferFileError, match="nested deeper"):
        while guard.read(size):
            pass


def test_real_offer_file_still_ingests(tmp_path: Path) -> None:
    result = ingest_offer_file(_cf_offer(tmp_path))
    assert result.failures == {} and result.points


@pytest.mark.parametrize(("price", "message"), [
    ("1e999999", "pricePerUnit.USD is out of range"),                   # InvalidOperation traceback before
    ("9" * 60, "pricePerUnit.USD is longer than 40 characters"),         # InvalidOperation traceback before
    ("1e12", "pricePerUnit.USD per catalog unit is out of range"),       # wrote an unreadable snapshot before
    ("1e-45", "pricePerUnit.USD is out of range"),
])
def test_huge_and_tiny_offer_prices_exit_2_and_write_nothing(tmp_path: Path, price: str, message: str) -> None:
    from app.cli import app

    tiers = [("0", "10240", price), ("10240", "Inf", "0.06")]
    offer = H.write_offer_file(tmp_path / "cf.json", "AmazonCloudFront",
                               [i for e in ("US", "EU", "AP") for i in H.cloudfront(e, tiers, "0.000001")])
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["pricing", "refresh", "--offer-file", str(offer), "--output", str(out),
                                      "--no-progress"])
    assert result.exit_code == 2 and (result.exception is None or isinstance(result.exception, SystemExit))
    text = " ".join(result.stderr.split())
    assert f"--offer-file {offer}" in text and message in text and "cloudfront:data-out-gb" in text
    assert not out.exists()


def test_offer_file_with_an_impossible_publication_date(tmp_path: Path) -> None:
    offer = _cf_offer(tmp_path)
    offer.write_text(offer.read_text().replace("2026-11-01T00:00:00Z", "2026-02-30T00:00:00Z"))
    with pytest.raises(OfferFileError, match="publicationDate '2026-02-30T00:00:00Z' is not a date"):
        ingest_offer_file(offer)
