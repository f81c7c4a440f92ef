"""Time rendering and in-process synthesis of the generated CDK app.

Run in a fresh process: ``.venv/bin/python bench/bench_synth.py [--repeat N]``.
It renders every golden config of tests/golden/cdk into a temporary directory,
then synthesizes each bundle with the bundle's own ``build_app`` and prints:
import time of aws_cdk, render time per bundle, the first synth (JSII kernel warm)
and the later synths. First it times what ``cdk synth`` itself runs for a bundle generated
from a scenario (``generate`` then ``python app.py`` in a new process, CDK_OUTDIR set), the
issue's target: <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generators.cdk import load_bundle_app, render_cdk_app  # noqa: E402
from generators.cdk_config import load_config  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "cdk"
FRESH_TARGET_S = 10.0
FRESH_SCENARIO = {"concurrent_users": 5000, "compliance": "hipaa,pci"}   # prod, every stack incl. WAF and CMKs


def fresh_process_synth(tmp: Path) -> float:
    """Generate a bundle from FRESH_SCENARIO, then run its app.py in a new interpreter as `cdk synth` does."""
    from generators.bundle import generate_bundle
    from sizing.scenario import parse_scenario

    root = generate_bundle(parse_scenario(dict(FRESH_SCENARIO)), tmp / "fresh-bundle")
    env = {**os.environ, "CDK_OUTDIR": str(tmp / "fresh-cdk.out")}
    t = time.perf_counter()
    subprocess.run([sys.executable, "app.py"], cwd=root / "cdk", env=env, check=True)
    seconds = time.perf_counter() - t
    if not (tmp / "fresh-cdk.out" / "manifest.json").is_file():
        raise RuntimeError("app.py exited 0 but wrote no cloud assembly")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="synthesize every bundle this many times")
    args = parser.parse_args()
    configs = sorted(GOLDEN.glob("config-*.yaml"))
    if not configs:
        print(f"no golden configs in {GOLDEN}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-cdk-fresh-") as tmp:
        fresh = fresh_process_synth(Path(tmp))
    verdict = "OK" if fresh <= FRESH_TARGET_S else "OVER TARGET"
    print(f"generated bundle, fresh `python app.py` synth {fresh:6.2f} s; target <= {FRESH_TARGET_S:g} s: {verdict}")
    t0 = time.perf_counter()
    import aws_cdk  # noqa: F401  (starts the JSII kernel)
    print(f"import aws_cdk                 {time.perf_counter() - t0:6.2f} s")
    synth_times: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cdk-") as tmp:
        for index, path in enumerate(configs):
            case = path.stem.removeprefix("config-")
            config = load_config(path)
            t = time.perf_counter()
            bundle = Path(tmp) / case / "cdk"
            render_cdk_app(config, bundle)
            print(f"render {case:<24}{time.perf_counter() - t:6.3f} s")
            module = load_bundle_app(bundle, f"bench_cdk_app_{index}")
            for rep in range(args.repeat):
                t = time.perf_counter()
                app = module.build_app(bundle / "config" / f"{config.environment}.yaml",
                                       outdir=str(Path(tmp) / case / f"cdk.out.{rep}"))
                app.synth()
                synth_times.append((case, time.perf_counter() - t))
    first_case, first = synth_times[0]
    print(f"first synth ({first_case}) {first:6.2f} s   <- fresh process, includes JSII warm-up")
    for case, seconds in synth_times[1:]:
        print(f"later synth ({case}) {seconds:6.2f} s")
    later = [s for _, s in synth_times[1:]]
    if later:
        print(f"later synths: median {statistics.median(later):.2f} s, max {max(later):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
