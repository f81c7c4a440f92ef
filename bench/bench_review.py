"""Benchmark: monthly review of a generated 1,000,000-row CUR 2.0 CSV (full column layout).

Generates the file in a temp dir (not timed), then runs read_cur + build_review in a child process and
prints its time and peak RSS. Targets: <= 10 s and <= 500 MB. The actual total the review reports is
checked against the exact sum of the rows written.

    .venv/bin/python bench/bench_review.py [--rows N] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pricing.engine import estimate  # noqa: E402
from review.mapping import estimate_groups  # noqa: E402
from sizing.scenario import parse_scenario  # noqa: E402
from tests.helpers.cur import CUR2_COLUMNS, PROJECT_TAGS, USAGE_FOR_GROUP, cur_row  # noqa: E402

MONTH = "2025-05"
TARGET_S = 10.0
TARGET_MB = 500.0
SCENARIO = {"name": "bench", "concurrent_users": 5000, "compliance": ["hipaa", "pci"]}

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[3])
from pricing.engine import estimate
from review.sources import read_cur
from review.variance import build_review
from sizing.scenario import parse_scenario
est = estimate(parse_scenario(json.loads(sys.argv[2])))
t1 = time.perf_counter()
a = read_cur(sys.argv[1], "%s", {"Project": "ChatApp", "Environment": "prod"})
r = build_review(est, a)
t2 = time.perf_counter()
print(json.dumps({"review_s": t2 - t1, "startup_s": t1 - t0, "rows_read": a.rows_read, "rows_used": a.rows_used,
                  "actual_usd": format(r.actual_usd, "f"), "estimate_usd": format(r.estimate_usd, "f"),
                  "flags": len(r.flagged), "excluded_other": format(a.excluded_other_tags_usd or 0, "f"),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""" % MONTH


def _line(row: dict[str, str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row[c] for c in CUR2_COLUMNS])
    return buf.getvalue()


def generate(path: Path, rows: int) -> Decimal:
    """Write `rows` CUR lines: ~85% this project's usage (the estimate spread over the month), ~10% another
    project, ~4% untagged usage, ~1% tax and credits. Return the exact total the review must report."""
    est = estimate(parse_scenario(SCENARIO))
    groups, _ = estimate_groups(est.lines)
    plan = est.plan
    templates: list[tuple[str, Decimal, bool]] = []     # (CSV line, cost, kept by the tag filter)
    usage_rows = int(rows * 0.85)
    per_group = max(1, usage_rows // len(groups))
    for gid, g in groups.items():
        product, ut, per = USAGE_FOR_GROUP[gid]
        ut = ut.format(type=plan.nodes.instance_type, cache=plan.elasticache_node_type or "")
        cost = (g.estimate_usd / per_group).quantize(Decimal("0.0000000001"), rounding=ROUND_DOWN)
        amount = (g.estimate_quantity * per / per_group).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
        for day in range(1, 29):
            templates.append((_line(cur_row(MONTH, product, ut, cost, amount, tags=PROJECT_TAGS, day=day,
                                            line_item_resource_id=f"arn:aws:{gid}:{day}")), cost, True))
    other = {"user_project": "Billing", "user_environment": "prod"}
    extra = [(cur_row(MONTH, "AmazonEC2", "BoxUsage:m5.large", "0.096", "1", tags=other), Decimal("0.096"), False,
              0.10),
             (cur_row(MONTH, "AmazonS3", "TimedStorage-ByteHrs", "0.0023", "0.1"), Decimal("0.0023"), False, 0.04),
             (cur_row(MONTH, "AmazonEC2", "Tax", "0.5", None, line_type="Tax"), Decimal("0.5"), True, 0.005),
             (cur_row(MONTH, "AmazonEC2", "BoxUsage:c5.xlarge", "-0.1", None, line_type="Credit", tags=PROJECT_TAGS),
              Decimal("-0.1"), True, 0.005)]
    total = Decimal(0)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(CUR2_COLUMNS) + "\n")
        i = 0
        n_usage = per_group * len(groups)
        while written < n_usage:
            line, cost, _ = templates[i % len(templates)]
            fh.write(line)
            total += cost
            written += 1
            i += 1
        for row, cost, kept, share in extra:
            line = _line(row)
            count = int(rows * share) if share != extra[-1][3] else 0
            for _ in range(count):
                fh.write(line)
            written += count
            if kept:
                total += cost * count
        credit_line, credit_cost = _line(extra[-1][0]), extra[-1][1]
        while written < rows:           # pad to exactly `rows` with credits
            fh.write(credit_line)
            total += credit_cost
            written += 1
    return total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-review-"))
    path = tmp / "cur2-1m.csv"
    t = time.perf_counter()
    expected = generate(path, args.rows)
    gen_s = time.perf_counter() - t
    size_mb = path.stat().st_size / 1e6
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(SCENARIO), str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if not args.keep:
        path.unlink()
        tmp.rmdir()
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    ok_total = Decimal(res["actual_usd"]) == expected
    ok_t = res["review_s"] <= TARGET_S
    ok_m = res["maxrss_mb"] <= TARGET_MB
    print(f"review of a {args.rows:,}-row CUR 2.0 CSV ({size_mb:,.0f} MB, {len(CUR2_COLUMNS)} columns; generated in "
          f"{gen_s:.1f} s)")
    print(f"  review time      {res['review_s']:.2f} s (target <= {TARGET_S:g} s) {'OK' if ok_t else 'SLOW'}; "
          f"child wall {wall:.2f} s incl. {res['startup_s']:.2f} s imports+estimate")
    print(f"  peak RSS (child) {res['maxrss_mb']:.0f} MB (target <= {TARGET_MB:g} MB) {'OK' if ok_m else 'OVER'}")
    print(f"  rows read {res['rows_read']:,}, rows kept {res['rows_used']:,}; actual ${Decimal(res['actual_usd']):,.2f} "
          f"{'= the exact sum written' if ok_total else f'!= expected {expected}'}; estimate "
          f"${Decimal(res['estimate_usd']):,.2f}; {res['flags']} flag(s)")
    return 0 if ok_total and ok_t and ok_m else 1


if __name__ == "__main__":
    sys.exit(main())
