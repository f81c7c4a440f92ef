"""Files offered on the Estimate page: the bundle as a zip plus its single files.

Built in a temp dir and zipped in memory. The full bundle comes from `generators.bundle.generate_bundle`;
when it fails, the parts are assembled here one by one (CDK app + config, Helm values + chart, report,
BOM, scenario and estimate JSON), and a plan that cannot be deployed gets the report only. Generator
modules are imported lazily so the page starts fast; a generator that fails is reported as a problem and
the other files are still offered.
"""
from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pricing.files import write_atomic
from sizing.scenario import Scenario

if TYPE_CHECKING:
    from pricing.engine import Estimate

Progress = Callable[[float, str], None]
ZIP_DATE = (2000, 1, 1, 0, 0, 0)      # fixed member times: the same scenario gives the same zip bytes
BUNDLE_DIR = "tiersizer-bundle"
# (label, path inside the bundle, download name after the scenario's slug, MIME type); {env}: environment.
SINGLE_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("CDK config", "cdk/config/{env}.yaml", "cdk-config-{env}.yaml", "application/yaml"),
    ("Helm values", "helm/values-{env}.yaml", "helm-values-{env}.yaml", "application/yaml"),
    ("Report (HTML)", "report/report.html", "report.html", "text/html"),
    ("Report (PDF)", "report/report.pdf", "report.pdf", "application/pdf"),
    ("Bill of materials (CSV)", "report/bom.csv", "bom.csv", "text/csv"),
    ("Bill of materials (XLSX)", "report/bom.xlsx", "bom.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Scenario (YAML)", "scenario.yaml", "scenario.yaml", "application/yaml"),
)


@dataclass(frozen=True, slots=True)
class Artifact:
    label: str
    file_name: str
    mime: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Downloads:
    artifacts: tuple[Artifact, ...]
    problems: tuple[str, ...]          # generators that failed or are missing, in words
    source: str                        # "generators.bundle" or "assembled"


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s[:60] or "scenario"


def _step(problems: list[str], what: str, action: Callable[[], object]) -> None:
    """Run one generator; its failure becomes a readable problem, not a crash of the page."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - any generator failure is reported and the rest still built
        problems.append(f"{what}: {type(exc).__name__}: {exc}")


def assemble(root: Path, scenario: Scenario, est: "Estimate", progress: Progress,
             deployable: bool = True) -> list[str]:
    """Write what the available generators can make into `root`; return the problems met.

    `deployable=False` (the bundle generator refused the plan) leaves the CDK app and Helm values out:
    a cluster that could not run the plan is never offered for download."""
    from app.scenario_input import scenario_yaml
    from generators.report_model import bom_csv
    from pricing.schema import estimate_to_dict

    problems: list[str] = []
    env = scenario.environment.value
    write_atomic(root / "scenario.yaml", scenario_yaml(scenario))
    write_atomic(root / "estimate.json", json.dumps(estimate_to_dict(est), indent=2) + "\n")

    def cdk() -> None:
        from generators.cdk import render_cdk_app
        from generators.cdk_from_estimate import cdk_config_from_estimate
        render_cdk_app(cdk_config_from_estimate(est), root / "cdk")

    def helm() -> None:
        from generators.helm import copy_chart, write_values
        from generators.helm_from_estimate import helm_values_from_estimate
        write_values(helm_values_from_estimate(est), root / "helm" / f"values-{env}.yaml")
        copy_chart(root / "helm")

    def report() -> None:
        from generators.report import write_report
        write_report(est, root / "report")

    if deployable:
        progress(0.15, "CDK app and config")
        _step(problems, "CDK app", cdk)
        progress(0.35, "Helm values")
        _step(problems, "Helm values", helm)
    progress(0.55, "Report (HTML, PDF) and bill of materials")
    _step(problems, "report", report)
    if not (root / "report" / "bom.csv").exists():
        write_atomic(root / "report" / "bom.csv", bom_csv(est))
    return problems


def zip_dir(root: Path, prefix: str) -> bytes:
    """Every file under `root` into a zip (sorted, fixed times) under folder `prefix`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(root).as_posix()}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return buf.getvalue()


def build_downloads(scenario: Scenario, est: "Estimate", progress: Progress | None = None) -> Downloads:
    """Generate everything for `scenario` in a temp dir and return the files as bytes."""
    progress = progress or (lambda _f, _m: None)
    name = f"tiersizer-{slug(scenario.name)}-{scenario.environment.value}"
    with tempfile.TemporaryDirectory(prefix="tiersizer-dl-") as tmp:
        root = Path(tmp) / BUNDLE_DIR
        problems: list[str] = []
        source = "assembled"
        deployable = True
        progress(0.1, "Generating the bundle (CDK app, Helm values, report)")
        from generators.bundle import BundleInputError, generate_bundle
        try:
            generate_bundle(scenario, root)
            source = "generators.bundle"
        except BundleInputError as exc:     # the plan itself cannot run: say why, offer the report only
            deployable = False
            problems.append(f"CDK app and Helm values (this plan cannot be deployed as one bundle): {exc}")
        except Exception as exc:  # noqa: BLE001 - fall back to the parts that can be built
            problems.append(f"bundle generator: {type(exc).__name__}: {exc}")
        if source == "assembled":
            root.mkdir(parents=True, exist_ok=True)
            problems += assemble(root, scenario, est, progress, deployable)
        progress(0.9, "Zipping")
        artifacts = [Artifact("Whole bundle (zip)", f"{name}.zip", "application/zip", zip_dir(root, name))]
        env = scenario.environment.value
        for label, rel, download, mime in SINGLE_FILES:
            path = root / rel.format(env=env)
            if path.is_file():
                artifacts.append(Artifact(label, f"{slug(scenario.name)}-{download.format(env=env)}", mime,
                                          path.read_bytes()))
    progress(1.0, "Ready")
    return Downloads(tuple(artifacts), tuple(problems), source)
