"""`export aws-calculator`: the estimate as an AWS Pricing Calculator workload estimate, priced at the account's rates.

python -m app.cli export aws-calculator --scenario FILE [--rate-type AFTER_DISCOUNTS_AND_COMMITMENTS]
    [--estimate-name N]
    [--profile P] [--dry-run] [--format table|json]   (--name is the scenario's name, used in the default estimate name)
Exit codes: 0 done, 2 invalid input (the option named), 1 AWS failure (what failed and what to do; nothing kept
half-way). docs/aws-calculator.md.
"""
from __future__ import annotations

import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console

from app.cli.common import ListFormat, fail, open_catalog, run_estimate, with_scenario
from app.cli.common import printable as P
from app.cli.tables import add_rows, table
from pricing.calculator_usage import NotExported, UsageLine, usage_lines
from sizing.scenario import Scenario

export_app = typer.Typer(no_args_is_help=True, help="Export the estimate to other tools.")
NAME = re.compile(r"^[a-zA-Z0-9-]{1,64}$")     # CreateWorkloadEstimate name


class RateType(str, Enum):
    BEFORE_DISCOUNTS = "BEFORE_DISCOUNTS"
    AFTER_DISCOUNTS = "AFTER_DISCOUNTS"
    AFTER_DISCOUNTS_AND_COMMITMENTS = "AFTER_DISCOUNTS_AND_COMMITMENTS"


#: How the command reaches AWS: (profile) -> (bcm-pricing-calculator client, account id). Tests replace it.
CLIENTS: dict[str, Callable[[Optional[str]], tuple[Any, str]]] = {}


def purchase_note(scenario: Scenario) -> str:
    """Said when tiersizer's own figures are not list prices: the scenario buys compute another way."""
    option = scenario.purchase_option.value
    if option == "on_demand":
        return ""
    return (f"tiersizer's figures include the scenario's purchase option {option} (its EC2 lines are not at list "
            f"price); pass --purchase-option on_demand to compare list prices")


def default_name(scenario: Scenario) -> str:
    """tiersizer-<scenario name>, in the letters, digits and dashes the API accepts, at most 64."""
    slug = re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9-]", "-", scenario.name)).strip("-")
    return f"tiersizer-{slug}"[:64].rstrip("-")


@export_app.command("aws-calculator")
@with_scenario
def aws_calculator_cmd(scenario: Scenario,
                       rate_type: RateType = typer.Option(RateType.AFTER_DISCOUNTS_AND_COMMITMENTS, "--rate-type",
                                                          help="BEFORE_DISCOUNTS | AFTER_DISCOUNTS | "
                                                               "AFTER_DISCOUNTS_AND_COMMITMENTS"),
                       estimate_name: Optional[str] = typer.Option(
                           None, "--estimate-name", help="Workload estimate name (letters, digits, dashes; default "
                                                         "tiersizer-<scenario name>, the scenario's --name)"),
                       profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile"),
                       dry_run: bool = typer.Option(False, "--dry-run", help="Print the usage lines; call no AWS API"),
                       format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
                       snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """Price the estimate at your own AWS rates with the AWS Pricing Calculator (workload estimate)."""
    est_name = estimate_name if estimate_name is not None else default_name(scenario)
    if not NAME.match(est_name):
        raise fail(f"--estimate-name: letters, digits and dashes only, 1..64 characters, got {est_name!r}", 2)
    est = run_estimate(scenario, open_catalog(snapshot))
    lines, left = usage_lines(est.lines, scenario.region)
    note = purchase_note(scenario)
    if dry_run:
        _dry_run(lines, left, est_name, rate_type.value, format, note)
        return
    from review.sources.pricing_calculator import CalculatorError, clients, export
    try:
        client, account = (CLIENTS.get("factory") or clients)(profile)
        result = export(lines, left, name=est_name, rate_type=rate_type.value, client=client, account=account)
    except CalculatorError as exc:
        raise fail(str(exc), 1) from None
    if format is ListFormat.json:
        sys.stdout.write(json.dumps({**result_to_dict(result), "note": note}, indent=2) + "\n")
    else:
        print_result(result)
        if note:
            Console().print(f"Note: {note}", highlight=False)


def _line_dict(ln: UsageLine) -> dict[str, Any]:
    return {"key": ln.key, "price_key": ln.price_key, "item": ln.item, "service_code": ln.service_code,
            "usage_type": ln.usage_type, "operation": ln.operation, "amount": str(ln.amount), "group": ln.group,
            "quantity": str(ln.quantity), "unit": ln.unit, "list_usd": str(ln.list_usd)}


def _left_dict(x: NotExported) -> dict[str, Any]:
    return {"service": x.service, "item": x.item, "list_usd": str(x.list_usd), "reason": x.reason}


def _dry_run(lines: list[UsageLine], left: list[NotExported], name: str, rate_type: str, fmt: ListFormat,
             note: str) -> None:
    if fmt is ListFormat.json:
        doc = {"dry_run": True, "name": name, "rate_type": rate_type, "usage": [_line_dict(ln) for ln in lines],
               "not_exported": [_left_dict(x) for x in left], "note": note}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    out = Console()
    out.print(f"[bold]Dry run[/]: workload estimate {P(name)} ({rate_type}), {len(lines)} usage line(s); no AWS call",
              highlight=False)
    t = table(out, "Key", "Service code", "Usage type", "Operation", "Amount", "List USD",
              numeric=("Amount", "List USD"), title="Usage lines")
    out.print(add_rows(out, t, ((ln.key, ln.service_code, ln.usage_type, ln.operation,
                                 f"{ln.amount:,.6f}".rstrip("0").rstrip("."), f"{ln.list_usd:,.2f}") for ln in lines)))
    _print_left(out, left)
    if note:
        out.print(f"Note: {note}", highlight=False)


def _print_left(out: Console, left: list[NotExported] | tuple[NotExported, ...]) -> None:
    if left:
        t = table(out, "Service", "Item", "List USD", "Reason", numeric=("List USD",), title="Not exported")
        out.print(add_rows(out, t, ((P(x.service), P(x.item), f"{x.list_usd:,.2f}", P(x.reason)) for x in left)))


def result_to_dict(r: Any) -> dict[str, Any]:
    return {"workload_estimate_id": r.estimate_id, "name": r.name, "rate_type": r.rate_type, "status": r.status,
            "list_usd": str(r.list_usd), "aws_total_usd": str(r.total_aws_usd),
            "priced_list_usd": str(r.priced_list_usd),
            "lines": [{**_line_dict(p.line), "aws_usd": None if p.aws_usd is None else str(p.aws_usd),
                       "status": p.status, "reason": p.reason} for p in r.lines],
            "not_exported": [_left_dict(x) for x in r.not_exported]}


def print_result(r: Any) -> None:
    out = Console()
    out.print(f"[bold]Workload estimate[/] {P(r.name)} ({r.estimate_id}, {r.rate_type}, {r.status})", highlight=False)
    t = table(out, "Key", "Item", "Usage type", "List USD", "Your rate USD", "Δ USD", "Note",
              numeric=("List USD", "Your rate USD", "Δ USD"), title="List price (tiersizer) against your rate (AWS)")
    out.print(add_rows(out, t, ((p.line.key, P(p.line.item), p.line.usage_type, f"{p.line.list_usd:,.2f}",
                                 "" if p.aws_usd is None else f"{p.aws_usd:,.2f}",
                                 "" if p.aws_usd is None else f"{p.aws_usd - p.line.list_usd:+,.2f}", P(p.reason))
                                for p in r.lines)))
    out.print(f"Total: list ${r.list_usd:,.2f} (of which AWS priced ${r.priced_list_usd:,.2f}); your rate "
              f"${r.total_aws_usd:,.2f}", highlight=False)
    _print_left(out, r.not_exported)
