"""Benchmark: median wall time to generate a whole bundle (CDK app, Helm, report incl. PDF), no synth.

Target (issue 3): <= 2 s per bundle including the PDF. The first bundle warms imports and caches and
is reported separately; the median is over the following runs. Also prints the split of one run
(series re-estimates, each report file) so a regression points at its cause.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generators.bundle import generate_bundle  # noqa: E402
from generators.charts import report_figures  # noqa: E402
from generators.report import bom_xlsx, render_html, render_markdown  # noqa: E402
from generators.report_content import build_report  # noqa: E402
from generators.report_model import bom_csv, build_series  # noqa: E402
from generators.report_pdf import render_pdf  # noqa: E402
from pricing.catalog import load_snapshot  # noqa: E402
from pricing.engine import estimate  # noqa: E402
from sizing.scenario import parse_scenario  # noqa: E402

RUNS = 5
TARGET_S = 2.0
SCENARIO = {"name": "bench", "client": "Bench Co", "concurrent_users": 5000, "compliance": "hipaa,pci",
            "region": "eu-west-1"}


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    cat = load_snapshot()
    scenario = parse_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        _, first = _timed(lambda: generate_bundle(scenario, Path(tmp) / "warm", catalog=cat))
        samples = []
        for i in range(RUNS):
            _, dt = _timed(lambda: generate_bundle(scenario, Path(tmp) / f"b{i}", catalog=cat))
            samples.append(dt)
    med = statistics.median(samples)
    print(f"generate bundle (no synth): first {first:.2f} s, median {med:.2f} s over {RUNS} runs "
          f"(min {min(samples):.2f}, max {max(samples):.2f}); target <= {TARGET_S:.0f} s: "
          f"{'OK' if med <= TARGET_S else 'MISSED'}")
    est = estimate(scenario, cat)
    series, t_series = _timed(lambda: build_series(est, cat))
    doc = build_report(est, series)
    figs, t_figs = _timed(lambda: report_figures(est, series))
    parts = {"series (re-estimates)": t_series, "figures": t_figs,
             "html": _timed(lambda: render_html(doc, figs, est.prices_as_of))[1],
             "md": _timed(lambda: render_markdown(doc, figs))[1],
             "pdf": _timed(lambda: render_pdf(doc, figs))[1],
             "csv": _timed(lambda: bom_csv(est))[1], "xlsx": _timed(lambda: bom_xlsx(est))[1]}
    print("  split: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in parts.items()))


if __name__ == "__main__":
    main()
