"""Benchmark: streaming offer-file ingest vs json.load, and snapshot load time.

    python bench/bench_ingest.py [--size-mb 300] [--keep DIR]

Generates a synthetic EC2 regional offer file in the real format of at least SIZE MB and one
a quarter of that size (in a temporary directory, deleted afterwards), then runs each
workload in a fresh subprocess and reports wall time, throughput (MB/s) and the child's peak
RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` measured inside the child).
Targets (issue 5): ingest peak RSS <= 200 MB at both sizes; throughput >= 30 MB/s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CANONICAL = [("t3.medium", "0.0416"), ("t3.large", "0.0832"), ("c5.xlarge", "0.17"), ("c5.2xlarge", "0.34"),
             ("m6i.large", "0.096"), ("m7g.large", "0.0816")]
RSS_TARGET_MB = 200
THROUGHPUT_TARGET = 30.0


def _child(mode: str, path: str) -> None:
    """Run one workload and print a JSON line with seconds and peak RSS (KiB)."""
    import resource

    start = time.perf_counter()
    detail = ""
    if mode == "ingest":
        from pricing.offer_file import BACKEND_NAME, ingest_offer_file

        result = ingest_offer_file(Path(path), families=["ec2"])
        detail = f"{len(result.points)} points from {result.items} products (ijson backend {BACKEND_NAME})"
    elif mode == "json.load":
        with open(path, "rb") as fh:
            doc = json.load(fh)
        detail = f"{len(doc['products'])} products"
    elif mode == "baseline":
        import pricing.offer_file  # noqa: F401  (interpreter + imports only)
    elif mode == "snapshot":
        from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot

        start = time.perf_counter()  # time the load itself, not the import
        cat = load_snapshot(EMBEDDED_SNAPSHOT)
        detail = f"{len(cat)} points, {EMBEDDED_SNAPSHOT.stat().st_size / 1e3:.0f} kB, checksum verified"
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - start
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "maxrss_kib": rss_kib, "detail": detail}))


def run_child(mode: str, path: Path | str) -> dict[str, float | str]:
    """Run a workload in a fresh interpreter and parse its report."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", mode, str(path)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Generate the files, run the workloads, print the table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-json-load", action="store_true", help="do not run the json.load comparison")
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    from tests.helpers.offer_files import write_synthetic_ec2_offer

    tmp = Path(tempfile.mkdtemp(prefix="tiersizer-bench-"))
    try:
        sizes = [args.size_mb // 4, args.size_mb]
        files = []
        for mb in sizes:
            path = tmp / f"AmazonEC2-{mb}MB.json"
            t0 = time.perf_counter()
            n = write_synthetic_ec2_offer(path, mb * 1_000_000, canonical=CANONICAL)
            print(f"generated {path.name}: {n / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s", flush=True)
            files.append((path, n))
        base = run_child("baseline", "-")
        snap = run_child("snapshot", "-")
        print(f"\ninterpreter + imports baseline: {base['maxrss_kib'] / 1024:.1f} MB RSS")
        print(f"embedded snapshot load (fresh process, cold): {float(snap['seconds']) * 1000:.1f} ms "
              f"({snap['detail']})\n")
        header = f"{'file':>10} {'workload':>10} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12}  detail"
        print(header)
        print("-" * len(header))
        ok = True
        for path, n in files:
            modes = ["ingest"] + ([] if args.skip_json_load else ["json.load"])
            for mode in modes:
                r = run_child(mode, path)
                secs = float(r["seconds"])
                mbps = n / 1e6 / secs
                rss = float(r["maxrss_kib"]) / 1024
                print(f"{n / 1e6:>8.0f}MB {mode:>10} {secs:>8.2f} {mbps:>8.1f} {rss:>12.1f}  {r['detail']}",
                      flush=True)
                if mode == "ingest":
                    ok &= rss <= RSS_TARGET_MB and mbps >= THROUGHPUT_TARGET
        print(f"\ntargets: ingest peak RSS <= {RSS_TARGET_MB} MB at both sizes, >= {THROUGHPUT_TARGET:.0f} MB/s: "
              f"{'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
