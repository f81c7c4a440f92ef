"""`review --cur` through the CLI: DuckDB by default on a file or a Data Exports folder, `--engine pandas` on a
file, the same JSON totals; a folder for the pandas engine and a missing partition are exit 2."""
from __future__ import annotations

import json
from decimal import Decimal

import yaml
from typer.testing import CliRunner

from app.cli import app
from tests.helpers.cur import write_cur_parquet
from tests.review.test_cur import TOTAL, USAGE, fixture_rows
from tests.review.test_cur_engines import export_folder


def test_engines_give_the_same_review(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump({"name": "Engines", "concurrent_users": 100, "environment": "prod"}))
    folder = export_folder(tmp_path / "export")
    one = write_cur_parquet(tmp_path / "all.parquet", fixture_rows())
    run = lambda *a: CliRunner().invoke(app, ["review", "--scenario", str(scen), "--month", "2025-05",  # noqa: E731
                                              "--no-store", "--format", "json", *a])
    out = {}
    for name, args in (("duckdb-folder", ["--cur", str(folder)]), ("duckdb-file", ["--cur", str(one)]),
                       ("pandas-file", ["--cur", str(one), "--engine", "pandas"])):
        r = run(*args)
        assert r.exit_code == 0, r.output
        out[name] = json.loads(r.stdout)
    for doc in out.values():
        # by hand (test_cur): usage 117.9316789012 + tax 9.87 - credit 5.00 = 122.8016789012
        assert Decimal(str(doc["actual_usd"])) == TOTAL
        assert Decimal(str(doc["actual_usage_usd"])) == USAGE
    r = run("--cur", str(folder), "--engine", "pandas")
    assert r.exit_code == 2 and "--cur: the pandas engine reads one file" in r.output
    r = CliRunner().invoke(app, ["review", "--scenario", str(scen), "--month", "2025-09", "--no-store",
                                 "--cur", str(folder)])
    assert r.exit_code == 2 and "--cur: tiersizer-cur2: no BILLING_PERIOD=2025-09 partition" in r.output
