"""`estimate`: size and price one scenario (table, JSON or CSV)."""
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from app.cli.common import open_catalog, run_estimate, with_scenario
from app.cli.tables import NARROW_COLUMNS, add_rows, table
from generators.report_model import bom_csv
from pricing.dr_summary import dr_summary
from sizing.scenario import Scenario


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@with_scenario
def estimate_cmd(scenario: Scenario,
                 format: Format = typer.Option(Format.table, "--format", help="table | json | csv"),
                 snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """Size and price one scenario."""
    from pricing.schema import estimate_to_dict
    est = run_estimate(scenario, open_catalog(snapshot), ranges=True)
    if format is Format.json:
        sys.stdout.write(json.dumps(estimate_to_dict(est), indent=2) + "\n")
    elif format is Format.csv:
        sys.stdout.write(bom_csv(est, with_scenario=False))
    else:
        print_estimate(est)


def print_estimate(est) -> None:  # type: ignore[no-untyped-def]
    out = Console()
    p = est.plan
    out.print(f"[bold]{escape(est.scenario.name)}[/] — tier [bold]{p.tier}[/], {est.scenario.environment.value}, "
              f"{est.scenario.region}", highlight=False)
    for r in p.tier_reasons:
        out.print(f"  • {escape(r)}", highlight=False)
    n = p.nodes
    out.print(f"Backend pods {p.backend.replicas} (HPA {p.backend.hpa_min}-{p.backend.hpa_max}), frontend "
              f"{p.frontend.replicas} (HPA {p.frontend.hpa_min}-{p.frontend.hpa_max}); nodes {n.desired} x "
              f"{n.instance_type} at peak (min {n.min}, max {n.max}; {n.on_demand} on-demand, {n.spot} spot; average "
              f"{n.average:.2f}, {n.node_hours:,.2f} node-hours); "
              f"{p.network.availability_zones} AZs, {p.network.nat_gateways} NAT; DynamoDB "
              f"{est.dynamodb_mode.recommended}", highlight=False)
    out.print(f"Node count set by [bold]{n.binding_limit}[/]: {escape(n.binding_reason)}", highlight=False)
    d = p.dynamodb
    out.print(f"DynamoDB backups: {d.backup_policy.value} ({escape(d.backup_policy_reason)})", highlight=False)
    for r in est.dynamodb_mode.reserved:
        if r.wcu_reserved or r.rcu_reserved:
            out.print(f"DynamoDB reserved capacity {r.term_years}y: {r.wcu_reserved} WCU + {r.rcu_reserved} RCU, "
                      f"upfront ${r.upfront_usd:,.2f}, ${r.monthly_usd:,.2f}/month against provisioned "
                      f"${r.provisioned_monthly_usd:,.2f}; 12-month saving ${r.saving_12_months_usd:,.2f}",
                      highlight=False)
    print_purchase_comparison(out, est)
    dr = dr_summary(est)
    out.print(bom_table(out, est))
    out.print(f"Monthly ${est.monthly_usd:,.2f} (infrastructure ${est.infrastructure_usd:,.2f}, LLM "
              f"${est.llm_usd:,.2f}, compliance ${est.compliance_usd:,.2f}); upfront ${est.upfront_usd:,.2f}; "
              f"first year ${est.first_year_usd:,.2f}; per user ${est.cost_per_user_usd:,.2f}", highlight=False)
    if dr.region is not None:
        out.print(f"Disaster recovery: {dr.mode} in {dr.region}, ${dr.monthly_usd:,.2f}/month "
                  f"({len(dr.lines)} DR lines, in the total)", highlight=False)
    if est.range is not None:
        r = est.range
        out.print(f"Range (p10-p50-p90, {r.samples:,} samples, seed {r.seed}): ${r.p10_usd:,.2f} - ${r.p50_usd:,.2f} - "
                  f"${r.p90_usd:,.2f} beside the expected ${est.monthly_usd:,.2f}", highlight=False)
        top = [d for d in est.drivers if d.swing_usd][:5]
        if top:
            out.print("Drivers (input low -> high: monthly USD): " + "; ".join(
                f"{d.field} {d.low_value:g}->{d.high_value:g}: ${d.low_usd:,.0f}-${d.high_usd:,.0f}" for d in top),
                highlight=False)
    for w in est.warnings:
        out.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    out.print(f"Prices as of {est.prices_as_of} ({est.prices_source})", highlight=False)


def print_purchase_comparison(out: Console, est) -> None:  # type: ignore[no-untyped-def]
    """The section comparing every purchase option over the whole bill, with the recommendation; on a narrow
    console each option is one wrapped paragraph instead of an eight-column table."""
    from generators.report_model import PURCHASE_COLUMNS, purchase_comparison_notes, purchase_comparison_rows
    rows = purchase_comparison_rows(est)
    if not rows:
        return
    if out.width < NARROW_COLUMNS:
        out.print("[bold]Purchase options (whole bill)[/]", highlight=False)
        for r in rows:
            out.print(f"  • {escape(r[0])}: " + "; ".join(f"{k.lower()} {escape(v)}" for k, v in
                                                          zip(PURCHASE_COLUMNS[1:], r[1:])), highlight=False)
    else:
        t = table(out, *PURCHASE_COLUMNS, title="Purchase options (whole bill)", numeric=PURCHASE_COLUMNS[2:7])
        out.print(add_rows(out, t, ([escape(x) for x in r] for r in rows)))
    for note in purchase_comparison_notes(est):
        out.print(f"  • {escape(note)}", highlight=False)


def bom_table(out: Console, est):  # type: ignore[no-untyped-def]
    """The bill of materials; on a narrow console the service goes in front of the item, not in its own column."""
    numbers = ("Quantity", "Unit", "Unit USD", "Monthly USD")
    cells = [(f"{ln.quantity:,.2f}", ln.unit, f"{ln.unit_usd}", f"{ln.monthly_usd:,.2f}") for ln in est.lines]
    if out.width < NARROW_COLUMNS:
        t = table(out, "Service: item", *numbers, title="Bill of materials", numeric=numbers[::2] + numbers[3:])
        return add_rows(out, t, ((f"{ln.service}: {ln.item}", *c) for ln, c in zip(est.lines, cells)))
    t = table(out, "Service", "Item", *numbers, title="Bill of materials", numeric=numbers[::2] + numbers[3:])
    return add_rows(out, t, ((ln.service, ln.item, *c) for ln, c in zip(est.lines, cells)))
