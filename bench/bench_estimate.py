"""Benchmark: median latency of one full estimate (validate, size, price) and a 10,000-scenario sweep.

Targets (issue 2, 2-core machine): <= 5 ms median per estimate, >= 2,000 scenarios/s for the sweep
(users 10..100,000 x 5 regions x dev/prod). The sweep runs on all cores with a process pool.
Issue 9: the same estimate with ranges (2,000-sample Monte Carlo + 26 driver re-estimates) <= 60 ms at the
median, and the sweep's scenarios/s with ranges on (one process, a 200-scenario slice).
"""
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pricing.catalog import load_snapshot  # noqa: E402
from pricing.engine import estimate  # noqa: E402
from sizing.scenario import REGIONS, parse_scenario  # noqa: E402

USERS = [round(10 * (10_000 ** (i / 999))) for i in range(1000)]   # 10 .. 100,000, log-spaced
USERS_RANGED = [(u, r, "prod") for u, r in zip(USERS[::25], REGIONS * 40)][:40] * 5   # 200 scenarios


def _sweep(chunk: list[tuple[int, str, str]], ranges: bool = False) -> int:
    cat = load_snapshot()
    total = 0
    for users, region, env in chunk:
        est = estimate(parse_scenario({"concurrent_users": users, "region": region, "environment": env}), cat,
                       ranges=ranges)
        total += est.monthly_usd > 0
    return total


def _median_ms(fn, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> None:
    cat = load_snapshot()
    raw = {"concurrent_users": 5000, "compliance": "hipaa,pci", "region": "eu-west-1"}
    for _ in range(50):
        estimate(parse_scenario(raw), cat)
    samples = []
    for _ in range(500):
        t = time.perf_counter()
        estimate(parse_scenario(raw), cat)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    print(f"single estimate (validate+size+price): median {statistics.median(samples):.3f} ms, "
          f"p95 {samples[int(len(samples) * 0.95)]:.3f} ms  (target <= 5 ms)")
    ranged = {**raw, "messages_per_user_per_hour": "6:10:16", "turns_per_conversation": "2:4:9"}
    from pricing.ranges import cost_range
    est = estimate(parse_scenario(ranged), cat)
    med, p95 = _median_ms(lambda: cost_range(est, cat), 100)
    print(f"  range alone (2,000-sample Monte Carlo): median {med:.3f} ms, p95 {p95:.3f} ms  (target <= 50 ms)")
    med, p95 = _median_ms(lambda: estimate(parse_scenario(ranged), cat, ranges=True), 100)
    print(f"single estimate with range + drivers: median {med:.3f} ms, p95 {p95:.3f} ms  (target <= 60 ms)")
    t = time.perf_counter()
    _sweep(USERS_RANGED, ranges=True)
    print(f"sweep with ranges on: {len(USERS_RANGED) / (time.perf_counter() - t):,.0f} scenarios/s on one process")

    grid = [(u, r, e) for u in USERS for r in REGIONS for e in ("dev", "prod")]
    t = time.perf_counter()
    single = _sweep(grid[:2000])
    one_core = 2000 / (time.perf_counter() - t)
    workers = os.cpu_count() or 1
    chunks = [grid[i::workers] for i in range(workers)]
    t = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        done = sum(pool.map(_sweep, chunks))
    elapsed = time.perf_counter() - t
    assert done == len(grid) and single == 2000
    print(f"sweep of {len(grid):,} scenarios: {len(grid) / elapsed:,.0f} scenarios/s on {workers} processes "
          f"({elapsed:.2f} s incl. pool start; one process alone: {one_core:,.0f}/s)  (target >= 2,000/s)")


if __name__ == "__main__":
    main()
