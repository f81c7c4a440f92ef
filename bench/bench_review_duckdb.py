"""Benchmark: the review's DuckDB engine on a 10,000,000-row CUR 2.0 Parquet set, beside pandas on 1,000,000 rows.

1. A Data Export as `review setup-export` creates it (the 15 columns the review query reads, Parquet, layout
   NAME/data/BILLING_PERIOD=2025-05/*.parquet, 10 files of 1,000,000 rows) is generated once and cached in
   bench/.data/ (git-ignored; delete it to regenerate). A child process runs read_cur_duckdb + build_review on
   it. Targets: <= 10 s and <= 1 GB peak RSS; the actual total must equal the exact sum of the rows written.
2. The 1,000,000-row CUR 2.0 CSV of bench_review.py (all 125 columns) read by the pandas engine and by DuckDB
   in child processes: time, peak RSS and the ratio.

    .venv/bin/python bench/bench_review_duckdb.py [--rows N] [--skip-pandas]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_review import MONTH, SCENARIO, generate  # noqa: E402
from pricing.engine import estimate  # noqa: E402
from review.mapping import estimate_groups  # noqa: E402
from review.sources.cur_sql import QUERY_COLUMNS  # noqa: E402
from sizing.scenario import parse_scenario  # noqa: E402
from tests.helpers.cur import PROJECT_TAGS, USAGE_FOR_GROUP  # noqa: E402

DATA = ROOT / "bench" / ".data"
VERSION = 2                      # bump when the generated set changes
TARGET_S = 10.0
TARGET_MB = 1024.0
FILE_ROWS = 1_000_000

CHILD = r"""
import json, re, resource, sys, time


def hwm_mb():
    # VmHWM starts afresh at exec; ru_maxrss keeps the parent's peak when the child was forked from it
    try:
        return int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


t0 = time.perf_counter()
sys.path.insert(0, sys.argv[4])
from pricing.engine import estimate
from review.sources import read_cur, read_cur_duckdb
from review.variance import build_review
from sizing.scenario import parse_scenario
est = estimate(parse_scenario(json.loads(sys.argv[3])))
reader = read_cur if sys.argv[2] == "pandas" else read_cur_duckdb
t1 = time.perf_counter()
a = reader(sys.argv[1], "%s", {"Project": "ChatApp", "Environment": "prod"})
r = build_review(est, a)
t2 = time.perf_counter()
print(json.dumps({"review_s": t2 - t1, "startup_s": t1 - t0, "rows_read": a.rows_read, "rows_used": a.rows_used,
                  "actual_usd": format(r.actual_usd, "f"), "warnings": list(a.warnings),
                  "maxrss_mb": hwm_mb()}))
""" % MONTH


def _templates() -> list[tuple[dict, Decimal, bool]]:
    """(row values, cost, kept by the review) per distinct line: the estimate's usage spread over 28 days, another
    project's EC2, untagged S3, account-level tax and a tagged credit."""
    est = estimate(parse_scenario(SCENARIO))
    groups, _ = estimate_groups(est.lines)
    plan = est.plan
    out = []
    for gid, g in groups.items():
        product, ut, per = USAGE_FOR_GROUP[gid]
        ut = ut.format(type=plan.nodes.instance_type, cache=plan.elasticache_node_type or "")
        for day in range(1, 29):
            cost = (g.estimate_usd / 28 / 10_000).quantize(Decimal("0.0000000001"), rounding=ROUND_DOWN)
            amount = (g.estimate_quantity * per / 28 / 10_000).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
            out.append(({"day": day, "product": product, "ut": ut, "type": "Usage", "tags": PROJECT_TAGS,
                         "amount": amount}, cost, True))
    other = {"user_project": "Billing", "user_environment": "prod"}
    out += [({"day": 3, "product": "AmazonEC2", "ut": "BoxUsage:m5.large", "type": "Usage", "tags": other,
              "amount": Decimal(1)}, Decimal("0.096"), False),
            ({"day": 4, "product": "AmazonS3", "ut": "TimedStorage-ByteHrs", "type": "Usage", "tags": None,
              "amount": Decimal("0.1")}, Decimal("0.0023"), False),
            ({"day": 1, "product": "AmazonEC2", "ut": "Tax", "type": "Tax", "tags": None, "amount": None},
             Decimal("0.0005"), True),
            ({"day": 5, "product": "AmazonEC2", "ut": "BoxUsage:c5.xlarge", "type": "Credit", "tags": PROJECT_TAGS,
              "amount": None}, Decimal("-0.0001"), True)]
    return out


def _weights(n_templates: int) -> list[float]:
    """~85% project usage, 10% another project, 4% untagged, 0.5% tax, 0.5% credits."""
    usage = n_templates - 4
    return [0.85 / usage] * usage + [0.10, 0.04, 0.005, 0.005]


def generate_parquet(folder: Path, rows: int) -> dict:
    """Write the set (deterministic), return {rows, expected}: the exact total the review must report."""
    from datetime import datetime

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    tpl = _templates()
    cols = {c: [] for c in QUERY_COLUMNS}
    for t, cost, _ in tpl:
        cols["line_item_usage_start_date"].append(datetime(int(MONTH[:4]), int(MONTH[5:]), t["day"]))
        cols["line_item_product_code"].append(t["product"])
        cols["line_item_usage_type"].append(t["ut"])
        cols["line_item_line_item_type"].append(t["type"])
        cols["line_item_usage_amount"].append(None if t["amount"] is None else float(t["amount"]))
        cols["line_item_unblended_cost"].append(float(cost))
        cols["line_item_currency_code"].append("USD")
        cols["resource_tags"].append(list(t["tags"].items()) if t["tags"] else None)
        cols["product_region_code"].append("" if t["type"] == "Tax" else "us-east-1")
        for c in QUERY_COLUMNS[9:]:
            cols[c].append(None)
    types = {"line_item_usage_start_date": pa.timestamp("ms"), "resource_tags": pa.map_(pa.string(), pa.string())}
    base = pa.table({c: pa.array(v, type=types.get(c, pa.float64() if c in ("line_item_usage_amount",
                     "line_item_unblended_cost") or c in QUERY_COLUMNS[9:] else pa.string())) for c, v in cols.items()})
    rng = np.random.default_rng(13)
    part = folder / "data" / f"BILLING_PERIOD={MONTH}"
    part.mkdir(parents=True, exist_ok=True)
    # each row's cost is its line's cost x a random 0.500..1.499 in whole 1e-10 USD (exact in a double and in
    # DECIMAL(38, 12)), its start a random hour of the month: few repeated values, as in a real export
    base_units = np.array([int(cost * 10**10) for _, cost, _ in tpl], dtype=np.int64)
    kept = np.array([k for _, _, k in tpl], dtype=bool)
    start = np.datetime64(f"{MONTH}-01T00:00:00", "ms")
    total_units = 0
    for i in range(0, rows, FILE_ROWS):
        n = min(FILE_ROWS, rows - i)
        idx = rng.choice(len(tpl), size=n, p=_weights(len(tpl)))
        units = base_units[idx] * rng.integers(500, 1500, size=n) // 1000
        total_units += int(units[kept[idx]].sum())
        hours = rng.integers(0, 28 * 24, size=n).astype("timedelta64[h]")
        t = base.take(pa.array(idx))
        t = t.set_column(t.schema.get_field_index("line_item_unblended_cost"), "line_item_unblended_cost",
                         pa.array(units / 10**10, type=pa.float64()))
        t = t.set_column(t.schema.get_field_index("line_item_usage_start_date"), "line_item_usage_start_date",
                         pa.array(start + hours, type=pa.timestamp("ms")))
        pq.write_table(t, part / f"cur2-bench-{i // FILE_ROWS + 1:05d}.snappy.parquet", compression="snappy")
    return {"version": VERSION, "rows": rows, "expected": str(Decimal(total_units).scaleb(-10))}


def cached_set(rows: int) -> tuple[Path, dict, float]:
    folder = DATA / f"cur2-{rows // 1_000_000}m" if rows >= 1_000_000 else DATA / f"cur2-{rows}"
    meta_file = folder / "bench.json"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("version") == VERSION and meta.get("rows") == rows:
            return folder, meta, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    meta = generate_parquet(folder, rows)
    meta_file.write_text(json.dumps(meta))
    return folder, meta, time.perf_counter() - t


def child(path: Path, engine: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), engine, json.dumps(SCENARIO), str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--skip-pandas", action="store_true", help="only the DuckDB run on the Parquet set")
    args = ap.parse_args()
    folder, meta, gen_s = cached_set(args.rows)
    size_mb = sum(p.stat().st_size for p in folder.rglob("*.parquet")) / 1e6
    res = child(folder, "duckdb")
    ok_total = Decimal(res["actual_usd"]) == Decimal(meta["expected"]) and res["rows_read"] == args.rows
    ok_t, ok_m = res["review_s"] <= TARGET_S, res["maxrss_mb"] <= TARGET_MB
    print(f"DuckDB review of a {args.rows:,}-row CUR 2.0 Parquet export ({size_mb:,.0f} MB, {len(QUERY_COLUMNS)} "
          f"columns, {folder.relative_to(ROOT)}{f'; generated in {gen_s:.1f} s' if gen_s else '; cached'})")
    print(f"  review time      {res['review_s']:.2f} s = {args.rows / res['review_s'] / 1e6:.2f} M rows/s "
          f"(target <= {TARGET_S:g} s) {'OK' if ok_t else 'SLOW'}")
    print(f"  peak RSS (child) {res['maxrss_mb']:.0f} MB (target <= {TARGET_MB:g} MB) {'OK' if ok_m else 'OVER'}")
    print(f"  rows read {res['rows_read']:,}, kept {res['rows_used']:,}; actual ${Decimal(res['actual_usd']):,.2f} "
          f"{'= the exact sum written' if ok_total else '!= expected ' + meta['expected']}")
    if not args.skip_pandas:
        tmp = Path(tempfile.mkdtemp(prefix="bench-review-duckdb-"))
        try:
            csv_path = tmp / "cur2-1m.csv"
            expected = generate(csv_path, 1_000_000)
            runs = {e: child(csv_path, e) for e in ("pandas", "duckdb")}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print("same 1,000,000-row CUR 2.0 CSV as bench_review.py (125 columns):")
        for e, r in runs.items():
            same = Decimal(r["actual_usd"]) == expected
            ok_total = ok_total and same
            print(f"  {e:7s} {r['review_s']:.2f} s = {1e6 / r['review_s'] / 1e6:.2f} M rows/s, peak RSS "
                  f"{r['maxrss_mb']:.0f} MB, total {'= exact' if same else '!= ' + str(expected)}")
        print(f"  DuckDB / pandas speed: {runs['pandas']['review_s'] / runs['duckdb']['review_s']:.1f}x; DuckDB on "
              f"{args.rows:,} Parquet rows vs pandas on 1,000,000 CSV rows: "
              f"{(args.rows / res['review_s']) / (1e6 / runs['pandas']['review_s']):.1f}x the rows/s")
    return 0 if ok_total and ok_t and ok_m else 1


if __name__ == "__main__":
    sys.exit(main())
