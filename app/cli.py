"""tiersizer CLI: `python -m app.cli estimate|generate|pricing|scenarios|review ...`.

Exit codes: 0 success, 2 invalid input (stderr names the field and the allowed range), 1 other failure.
"""
import csv
import functools
import inspect
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.scenario_input import build_scenario, flag_name
from pricing.catalog import Catalog, MissingPriceError, SnapshotError, active_snapshot_path, load_snapshot
from sizing.scenario import REGIONS, Scenario, ScenarioError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Size and price the LLM chat application on AWS.")
pricing_app = typer.Typer(no_args_is_help=True, help="Browse and refresh the price snapshot.")
app.add_typer(pricing_app, name="pricing")

err = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


def fail(message: str, code: int) -> "typer.Exit":
    """Print an error (no traceback) and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def invalid(exc: ScenarioError) -> "typer.Exit":
    for field, msg in exc.errors:
        err.print(f"[bold red]invalid input:[/] {escape(flag_or_field(field))}: {escape(msg)}", highlight=False,
                  soft_wrap=True)
    return typer.Exit(2)


def flag_or_field(field: str) -> str:
    name = field.split(".")[0]
    return f"{name} (--{flag_name(name)})" if name in Scenario.model_fields else field


def open_catalog(snapshot: Optional[Path]) -> Catalog:
    """The snapshot given, else the active one (user refresh, else embedded); errors exit 2/1."""
    if snapshot is not None and not snapshot.is_file():
        raise fail(f"--snapshot: no such file {snapshot}", 2)
    try:
        return load_snapshot(snapshot or active_snapshot_path())
    except SnapshotError as exc:
        raise fail(str(exc), 1) from None


def with_scenario(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command `--scenario FILE` plus one flag per Scenario field; pass it a validated Scenario."""
    sig = inspect.signature(func)
    params = [p for p in sig.parameters.values() if p.name != "scenario"]
    extra = [inspect.Parameter("scenario_file", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[Path],
                               default=typer.Option(None, "--scenario", help="Scenario YAML file", dir_okay=False))]
    for name, field in Scenario.model_fields.items():
        extra.append(inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
            default=typer.Option(None, f"--{flag_name(name)}", help=field.description, show_default=False,
                                 rich_help_panel="Scenario")))

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        scenario_file = kwargs.pop("scenario_file")
        flags = {n: kwargs.pop(n) for n in Scenario.model_fields}
        try:
            scenario = build_scenario(scenario_file, flags)
        except ScenarioError as exc:
            raise invalid(exc) from None
        return func(scenario=scenario, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
    return wrapper


def run_estimate(scenario: Scenario, catalog: Catalog):
    """Estimate with the given catalog; a missing price exits 1; stale prices are flagged on stderr."""
    from datetime import date

    from pricing.catalog import STALE_AFTER_DAYS
    from pricing.engine import estimate
    if catalog.is_stale(date.today()):
        err.print(f"[yellow]warning:[/] prices are {catalog.age_days(date.today())} days old (as of "
                  f"{catalog.header.as_of}; stale after {STALE_AFTER_DAYS}): run `python -m app.cli pricing refresh`",
                  highlight=False, soft_wrap=True)
    try:
        return estimate(scenario, catalog)
    except MissingPriceError as exc:
        raise fail(str(exc), 1) from None


@app.command("estimate")
@with_scenario
def estimate_cmd(scenario: Scenario,
                 format: Format = typer.Option(Format.table, "--format", help="table | json | csv"),
                 snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """Size and price one scenario."""
    from pricing.schema import estimate_to_dict
    est = run_estimate(scenario, open_catalog(snapshot))
    if format is Format.json:
        sys.stdout.write(json.dumps(estimate_to_dict(est), indent=2) + "\n")
    elif format is Format.csv:
        sys.stdout.write(lines_csv(est))
    else:
        print_estimate(est)


def lines_csv(est) -> str:
    from generators.safe_text import csv_cell
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["service", "item", "quantity", "unit", "unit_usd", "monthly_usd", "price_key", "ce_service",
                "category", "control", "note"])
    for ln in est.lines:
        w.writerow([csv_cell(ln.service), csv_cell(ln.item), ln.quantity, ln.unit, ln.unit_usd, ln.monthly_usd,
                    ln.price_key or "", ln.ce_service, ln.category, ln.control or "", csv_cell(ln.note)])
    w.writerow(["TOTAL", "", "", "", "", est.monthly_usd, "", "", "", "", ""])
    return buf.getvalue()


def print_estimate(est) -> None:
    out = Console()
    p = est.plan
    out.print(f"[bold]{escape(est.scenario.name)}[/] — tier [bold]{p.tier}[/], {est.scenario.environment.value}, "
              f"{est.scenario.region}", highlight=False)
    for r in p.tier_reasons:
        out.print(f"  • {escape(r)}", highlight=False)
    n = p.nodes
    out.print(f"Backend pods {p.backend.replicas} (HPA {p.backend.hpa_min}-{p.backend.hpa_max}), frontend "
              f"{p.frontend.replicas} (HPA {p.frontend.hpa_min}-{p.frontend.hpa_max}); nodes {n.desired} x "
              f"{n.instance_type} (min {n.min}, max {n.max}; {n.on_demand} on-demand, {n.spot} spot); "
              f"{p.network.availability_zones} AZs, {p.network.nat_gateways} NAT; DynamoDB "
              f"{est.dynamodb_mode.recommended}", highlight=False)
    t = Table("Service", "Item", "Quantity", "Unit", "Unit USD", "Monthly USD", title="Bill of materials")
    for ln in est.lines:
        t.add_row(ln.service, ln.item, f"{ln.quantity:,.2f}", ln.unit, f"{ln.unit_usd}", f"{ln.monthly_usd:,.2f}")
    out.print(t)
    out.print(f"Monthly ${est.monthly_usd:,.2f} (infrastructure ${est.infrastructure_usd:,.2f}, LLM "
              f"${est.llm_usd:,.2f}, compliance ${est.compliance_usd:,.2f}); upfront ${est.upfront_usd:,.2f}; "
              f"first year ${est.first_year_usd:,.2f}; per user ${est.cost_per_user_usd:,.2f}", highlight=False)
    for w in est.warnings:
        out.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    out.print(f"Prices as of {est.prices_as_of} ({est.prices_source})", highlight=False)


@pricing_app.command("list")
def pricing_list(region: str = typer.Option("us-east-1", "--region", help="AWS region"),
                 format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
                 snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """List the price points of one region (global keys included)."""
    if region not in REGIONS:
        raise fail(f"--region: unknown region {region!r}; allowed: {', '.join(REGIONS)}", 2)
    cat = open_catalog(snapshot)
    points = [p for p in cat.points() if p.region in (region, "global")]
    if format is ListFormat.json:
        rows = [{"key": p.key, "region": p.region, "unit": p.unit, "usd": format_decimal(p.usd), "as_of": p.as_of,
                 "source": p.source, "confidence": p.confidence, "approximation": p.approximation}
                for p in points]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    t = Table("Key", "Region", "USD", "Unit", "As of", "Confidence", title=f"Prices for {region}")
    for p in points:
        t.add_row(p.key, p.region, format_decimal(p.usd), p.unit, p.as_of, p.confidence)
    Console().print(t)


def format_decimal(x) -> str:
    return format(x, "f")


def main() -> None:
    try:
        app()
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def _register_optional() -> None:
    """Commands that live in their own modules (pricing refresh/diff, generate, scenarios, review)."""
    import importlib
    for mod in ("app.cli_pricing_refresh", "app.cli_generate", "app.cli_scenarios", "app.cli_review"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:
                continue
            raise
        if hasattr(m, "register"):
            m.register(app, pricing_app)


_register_optional()

if __name__ == "__main__":
    main()
