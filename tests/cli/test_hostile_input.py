"""Property-based hostile input over every file reader and the CLI commands that read files (issue 14).

Random bytes, truncations of a valid file, huge and tiny numbers, deep nesting and control characters
spliced into valid files. The invariant: exit 0 with a correct answer, or exit 2 with the file or field
named; never a traceback; nothing written on failure (the user snapshot unchanged); and, for the heaviest
inputs run in a subprocess, a peak RSS under 500 MB.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from app.cli import app
from pricing import catalog
from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.helpers import offer_files as H
from tests.helpers.cur import bill_rows, write_cur_csv

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = settings(max_examples=12, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NUMBERS = ["1e999999", "-1e400", "9" * 5000, "1e-99999", "NaN", "Infinity", "-0", "0x1F", "1_000",
           "1.7976931348623157e309", "4" * 30, "-3.5e20", "2e-400"]
CONTROLS = ["\x00", "\x07", "\x1b[31m", "\x7f", "\r", "\u202e", "\ufeff"]
SCENARIO = {"name": "Acme", "client": "Acme Corp", "concurrent_users": 300, "region": "eu-west-1",
            "messages_per_user_per_hour": 12.5, "compliance": ["gdpr"], "llm_model": "anthropic.claude-haiku-4-5"}


def _splice(data: bytes, at: int, insert: bytes, cut: int = 0) -> bytes:
    at = at % (len(data) + 1)
    return data[:at] + insert + data[at + cut:]


_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _renumber(data: bytes, index: int, number: str) -> bytes:
    """``data`` with its index-th number (quoted or not: prices are strings in offer files) replaced."""
    spans = [m.span() for m in _NUMBER.finditer(data)]
    if not spans:
        return data
    a, b = spans[index % len(spans)]
    return data[:a] + number.encode() + data[b:]


def hostile(valid: bytes) -> st.SearchStrategy[bytes]:
    """Ways to break ``valid``: random bytes, truncation, numbers, nesting, control characters."""
    pos = st.integers(0, len(valid))
    return st.one_of(
        st.binary(max_size=600),
        st.tuples(st.integers(0, 10_000), st.sampled_from(NUMBERS)).map(lambda t: _renumber(valid, *t)),
        pos.map(lambda n: valid[:n]),
        st.tuples(pos, st.sampled_from(NUMBERS), st.integers(0, 6)).map(
            lambda t: _splice(valid, t[0], t[1].encode(), t[2])),
        st.tuples(pos, st.sampled_from([b"[", b"{", b'{"a":', b"- ", b"a: ", b"&x [*x, "]),
                  st.integers(40, 20_000)).map(lambda t: _splice(valid, t[0], t[1] * t[2])),
        st.tuples(pos, st.sampled_from(CONTROLS)).map(lambda t: _splice(valid, t[0], t[1].encode())),
        st.tuples(pos, st.binary(min_size=1, max_size=8)).map(lambda t: _splice(valid, t[0], t[1], len(t[1]))),
    )


@contextmanager
def _workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(EMBEDDED_SNAPSHOT, data / "snapshot.json")     # a user snapshot that must stay unchanged
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(data))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    catalog.clear_cache()
    return data


def _run(args: list[str], named: list[str]) -> tuple[int, str]:
    """Invoke the CLI; assert exit 0, or exit 2 with one of ``named`` in the message; never a traceback."""
    result = CliRunner().invoke(app, args)
    err = " ".join(result.stderr.split())
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code in (0, 2), (result.exit_code, err[:400])
    if result.exit_code == 2:
        assert any(n in err for n in named), err[:400]
    return result.exit_code, result.stdout


def _user_snapshot_unchanged(data: Path) -> None:
    assert (data / "snapshot.json").read_bytes() == EMBEDDED_SNAPSHOT.read_bytes()
    assert [p.name for p in data.iterdir()] == ["snapshot.json"]


@HOSTILE
@given(body=hostile(yaml.safe_dump(SCENARIO).encode()))
def test_estimate_scenario_file(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f = d / "s.yaml"
        f.write_bytes(body)
        code, out = _run(["estimate", "--scenario", str(f), "--format", "json"], [str(f), "invalid input: "])
        if code == 0:
            assert json.loads(out)["tier"]
    _user_snapshot_unchanged(_isolated)


@HOSTILE
@given(body=hostile(EMBEDDED_SNAPSHOT.read_bytes()[:4000]) | hostile(EMBEDDED_SNAPSHOT.read_bytes()))
def test_pricing_diff_snapshot(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f = d / "new.json"
        f.write_bytes(body)
        code, _ = _run(["pricing", "diff", str(EMBEDDED_SNAPSHOT), str(f)], [str(f)])
        if code == 0:
            assert len(load_snapshot(f)) > 0
    _user_snapshot_unchanged(_isolated)


def _offer_file() -> bytes:
    tiers = [("0", "10240", "0.09"), ("10240", "Inf", "0.06")]
    with _workdir() as d:
        return H.write_offer_file(d / "cf.json", "AmazonCloudFront",
                                  [*H.cloudfront("US", tiers, "0.000001"), *H.cloudfront("EU", tiers, "0.0000012"),
                                   *H.cloudfront("AP", tiers, "0.0000016")]).read_bytes()


@HOSTILE
@given(body=hostile(_offer_file()))
def test_pricing_refresh_offer_file(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f, out = d / "AmazonCloudFront.json", d / "out" / "snapshot.json"
        f.write_bytes(body)
        code, _ = _run(["pricing", "refresh", "--offer-file", str(f), "--output", str(out), "--no-progress"],
                       [str(f)])
        if code == 0:
            assert len(load_snapshot(out)) > 0
        else:
            assert not out.parent.exists() or not any(out.parent.iterdir())   # nothing written
    _user_snapshot_unchanged(_isolated)


def _cur_file() -> tuple[bytes, bytes]:
    est = estimate(parse_scenario(SCENARIO))
    with _workdir() as d:
        return (write_cur_csv(d / "cur.csv", list(bill_rows(est, "2025-05"))[:12]).read_bytes(),
                yaml.safe_dump(SCENARIO).encode())


@HOSTILE
@given(body=hostile(_cur_file()[0]))
def test_review_cur(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f, s = d / "cur.csv", d / "s.yaml"
        f.write_bytes(body)
        s.write_bytes(_cur_file()[1])
        code, out = _run(["review", "--scenario", str(s), "--month", "2025-05", "--cur", str(f), "--format", "json",
                          "--no-store"], ["cur.csv", str(f)])
        if code == 0:
            assert json.loads(out)["month"] == "2025-05"
    _user_snapshot_unchanged(_isolated)


@HOSTILE
@given(body=hostile((ROOT / "examples" / "ce-2026-10.csv").read_bytes()))
def test_review_ce_csv(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f, s = d / "ce.csv", d / "s.yaml"
        f.write_bytes(body)
        s.write_bytes(yaml.safe_dump(SCENARIO).encode())
        code, out = _run(["review", "--scenario", str(s), "--month", "2026-10", "--ce-csv", str(f), "--format",
                          "json", "--no-store"], ["ce.csv", str(f)])
        if code == 0:
            assert json.loads(out)["month"] == "2026-10"
    _user_snapshot_unchanged(_isolated)


_USAGE = (b"version: 1\nresources:\n  NatGateway: {data_processed_gb: 100}\noutside:\n"
          b"  k8s:Ingress/app: {load_balancers: 1, public_ipv4_addresses: 2, lcu_hours: 1000}\n"
          b"  account: {xray_traces: 3000000, internet_out_gb: 50, free_alarms: 10}\n")


@HOSTILE
@given(body=hostile(_USAGE))
def test_price_template_usage_file(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f = d / "usage.yaml"
        f.write_bytes(body)
        code, out = _run(["price-template", str(ROOT / "examples" / "vpc-nat.yaml"), "--usage", str(f),
                          "--region", "us-east-1", "--format", "json"], [str(f)])
        if code == 0:
            assert json.loads(out)["region"] == "us-east-1"
    _user_snapshot_unchanged(_isolated)


@HOSTILE
@given(body=hostile(yaml.safe_dump(SCENARIO).encode()))
def test_export_aws_calculator_dry_run_scenario_file(body: bytes, _isolated: Path) -> None:
    with _workdir() as d:
        f = d / "s.yaml"
        f.write_bytes(body)
        code, out = _run(["export", "aws-calculator", "--scenario", str(f), "--dry-run", "--format", "json"],
                         [str(f), "invalid input: "])
        if code == 0:
            assert json.loads(out)
    _user_snapshot_unchanged(_isolated)


HEAVY = r"""
import os, re, sys
from pathlib import Path
from typer.testing import CliRunner
from app.cli import app
d = Path(sys.argv[1])
deep = b"[" * 400_000
(d / "deep.json").write_bytes(deep)
(d / "deep.yaml").write_bytes(b"a: " + deep)
(d / "offer.json").write_bytes(b'{"offerCode": "AmazonEC2", "products": ' + deep)
(d / "cur.csv").write_bytes(b"line_item_usage_start_date\n" + b'"' + b"x" * 30_000_000 + b'"\n')
runs = [["estimate", "--scenario", "/dev/zero"], ["estimate", "--scenario", str(d / "deep.yaml")],
        ["pricing", "diff", str(d / "deep.json"), str(d / "deep.json")],
        ["pricing", "refresh", "--offer-file", str(d / "offer.json"), "--output", str(d / "o.json"), "--no-progress"],
        ["review", "--scenario", str(d / "deep.yaml"), "--month", "2025-05", "--cur", str(d / "cur.csv"), "--no-store"]]
for args in runs:
    r = CliRunner().invoke(app, args)
    print(r.exit_code, type(r.exception).__name__)
print(int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) // 1024)
"""


def test_heavy_inputs_stay_under_500_mb(tmp_path: Path) -> None:
    """Peak RSS of a fresh process (VmHWM: ru_maxrss would inherit the forking pytest worker's)."""
    out = subprocess.run([sys.executable, "-c", HEAVY, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split("\n")
    assert out[:5] == ["2 SystemExit"] * 5, out
    assert int(out[5]) < 500, f"peak RSS {out[5]} MB"
    assert not (tmp_path / "o.json").exists()
