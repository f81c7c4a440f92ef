"""The generated bundle: cdk/, helm/, report/, usage.yaml and scenario.yaml, written all-or-nothing.

Everything is built in a temporary sibling directory of `out`, then renamed into place. An
existing `out` is refused unless `force`; with `force` it must be empty or a previous bundle
(it holds scenario.yaml), and is swapped atomically where Linux allows (renameat2 EXCHANGE),
else by two renames with roll-back.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from generators.cdk import render_cdk_app
from generators.cdk_config import CdkConfig
from generators.cdk_from_estimate import cdk_config_from_estimate
from generators.helm import ALB_MAX_IDLE_TIMEOUT_S, copy_chart, write_values
from generators.helm_from_estimate import helm_values_from_estimate
from generators.karpenter import write_karpenter
from generators.report import write_report
from generators.usage_file import usage_yaml
from pricing.catalog import Catalog, load_snapshot
from pricing.engine import Estimate, estimate
from pricing.files import write_atomic
from sizing.scenario import Scenario

BUNDLE_MARKER = "scenario.yaml"
USAGE_FILE = "usage.yaml"          # price-template cdk/cdk.out --usage usage.yaml (generators/usage_file.py)


def scenario_yaml(s: Scenario) -> str:
    """scenario.yaml text: the exact input, loadable with `--scenario` (same as app.scenario_input's;
    generators may not import app/)."""
    return yaml.safe_dump(s.to_yaml_dict(), sort_keys=False, allow_unicode=True)


class BundleExistsError(FileExistsError):
    """`out` exists and may not be replaced (no force, or it is not a bundle)."""


class BundleInputError(ValueError):
    """The estimate exceeds what one generated CDK app / Helm release can deploy (e.g. > 1,000 pods)."""


def _check_target(out: Path, force: bool) -> None:
    if not (out.exists() or out.is_symlink()):
        return
    if not force:
        raise BundleExistsError(f"--out: {out} already exists; pass --force to replace it")
    if out.is_symlink() or not out.is_dir():
        raise BundleExistsError(f"--out: {out} is not a directory; refusing to replace it")
    if any(out.iterdir()) and not (out / BUNDLE_MARKER).is_file():
        raise BundleExistsError(f"--out: {out} is not empty and holds no {BUNDLE_MARKER}, so it is not a previous "
                                f"bundle; refusing to replace it even with --force")


def _check_plan(est: Estimate) -> None:
    """Refuse, naming the input field, a plan that the cluster could not run at all."""
    s, n, w = est.scenario, est.plan.nodes, est.plan.workload
    if not n.feasible:
        raise BundleInputError(
            f"backend_cpu_request_m / backend_memory_request_mi: a backend pod ({s.backend_cpu_request_m}m CPU, "
            f"{s.backend_memory_request_mi} MiB) does not fit on a {n.instance_type} node after system reservations, "
            "so the pods would never schedule. Lower --backend-cpu-request-m / --backend-memory-request-mi or choose "
            "a larger --node-instance-type")
    limit = ALB_MAX_IDLE_TIMEOUT_S / 2
    if w.stream_duration_s > limit:
        raise BundleInputError(
            f"output_tokens_per_message: a {s.output_tokens_per_message:,}-token answer streams for "
            f"{w.stream_duration_s:,.0f} s with {s.llm_model}, longer than the {limit:,.0f} s an ALB idle timeout "
            f"(at most {ALB_MAX_IDLE_TIMEOUT_S:,} s, twice the stream) can keep open. "
            "Lower --output-tokens-per-message")


def deployable(est: Estimate) -> tuple[CdkConfig, dict[str, Any]]:
    """The CDK config and Helm values for `est`; BundleInputError when the plan exceeds their limits."""
    _check_plan(est)
    try:
        return cdk_config_from_estimate(est), helm_values_from_estimate(est)
    except ValueError as exc:          # ConfigError and the Helm generator's range errors
        raise BundleInputError(
            f"concurrent_users: {est.scenario.concurrent_users:,} users cannot be deployed as one bundle: {exc}. "
            "Lower --users (split the load across clusters), raise --streams-per-backend-pod or "
            "--backend-cpu-request-m (fewer, larger pods) or choose a larger --node-instance-type") from None


def build_into(est: Estimate, root: Path, catalog: Catalog, pdf_charts: str = "vector") -> list[Path]:
    """Write the whole bundle for `est` into the (new, empty) directory `root`; return the files."""
    env = est.scenario.environment.value
    config, values = deployable(est)
    files = list(render_cdk_app(config, root / "cdk"))
    helm_dir = root / "helm"
    chart = copy_chart(helm_dir)
    values_path = helm_dir / f"values-{env}.yaml"
    write_values(values, values_path)
    files += sorted(p for p in chart.rglob("*") if p.is_file()) + [values_path]
    files += write_karpenter(est, helm_dir)
    files += write_report(est, root / "report", catalog=catalog, pdf_charts=pdf_charts)
    files.append(write_atomic(root / USAGE_FILE, usage_yaml(est, config)))
    files.append(write_atomic(root / BUNDLE_MARKER, scenario_yaml(est.scenario)))
    return files


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _replace_dir(new: Path, out: Path) -> None:
    """Put `new` at `out`, removing what was there; `out` always holds a complete tree."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):                 # now `new` holds the old bundle
        shutil.rmtree(new, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def generate_bundle(scenario: Scenario, out: Path, *, force: bool = False, catalog: Catalog | None = None,
                    pdf_charts: str = "vector") -> Path:
    """Estimate `scenario` and write its bundle at `out`; return `out`.

    Raises BundleExistsError when `out` exists (without `force`, or when it is not a bundle) and
    BundleInputError when the plan exceeds what the CDK app or chart can deploy; any failure leaves
    neither `out` changed nor a temporary directory behind.
    """
    out = Path(out).absolute()
    _check_target(out, force)
    catalog = catalog or load_snapshot()
    est = estimate(scenario, catalog, ranges=True)
    deployable(est)                           # refuse before anything is written
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        build_into(est, tmp, catalog, pdf_charts)
        tmp.chmod(0o755)                      # mkdtemp creates 0700
        _check_target(out, force)             # re-check: another process may have created it meanwhile
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
