"""`rollup`: the whole project (dev + staging + prod) from one scenario, side by side, with totals.

The domain is `pricing/rollup.py`; this module reads the options, runs it and prints table, JSON or CSV.
Everything is computed before anything is printed, so a failure prints nothing on stdout.
"""
import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from app.cli.common import err, fail, open_catalog, with_scenario
from app.cli.estimate import Format
from app.cli.tables import add_rows, table
from pricing.catalog import STALE_AFTER_DAYS, MissingPriceError
from pricing.rollup import (
    ALL_ENVIRONMENTS,
    USERS_FROM_OVERRIDE,
    Rollup,
    RollupInputError,
    parse_environment_users,
    parse_environments,
    rollup,
    rollup_csv,
    rollup_to_dict,
    summary_rows,
)
from sizing.scenario import Scenario

DEFAULT_ENVIRONMENTS = ",".join(e.value for e in ALL_ENVIRONMENTS)


@with_scenario
def rollup_cmd(scenario: Scenario,
               environments: str = typer.Option(DEFAULT_ENVIRONMENTS, "--environments",
                                                help="Comma-separated environments to price, each once: dev, staging, prod"),
               env_users: Optional[str] = typer.Option(
                   None, "--env-users", help="Peak users per environment, e.g. dev=20,staging=50 (default: every "
                                             "environment carries the scenario's users)"),
               format: Format = typer.Option(Format.table, "--format", help="table | json | csv"),
               snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """Price the scenario as each environment (dev, staging, prod) and add them up."""
    try:
        envs = parse_environments(environments)
        users = parse_environment_users(env_users)
    except RollupInputError as exc:
        raise fail(str(exc), 2) from None
    catalog = open_catalog(snapshot)
    if catalog.is_stale(date.today()):
        err.print(f"[yellow]warning:[/] prices are {catalog.age_days(date.today())} days old (as of "
                  f"{catalog.header.as_of}; stale after {STALE_AFTER_DAYS}): run `python -m app.cli pricing refresh`",
                  highlight=False, soft_wrap=True)
    try:
        r = rollup(scenario, envs, catalog, users=users)
    except MissingPriceError as exc:
        raise fail(str(exc), 1) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(rollup_to_dict(r), indent=2) + "\n")
    elif format is Format.csv:
        sys.stdout.write(rollup_csv(r))
    else:
        print_rollup(r)


def print_rollup(r: Rollup) -> None:
    out = Console()
    s = r.scenario
    out.print(f"[bold]{escape(s.name)}[/] — whole project, {s.region} (the scenario's environment, "
              f"{s.environment.value}, is replaced by each column's)", highlight=False)
    envs = [p.environment.value for p in r.environments]
    t = table(out, "", *envs, "Total", title="One scenario per environment", numeric=(*envs, "Total"))
    out.print(add_rows(out, t, ((line, *values, total) for line, values, total in summary_rows(r))))
    out.print(f"Whole project: monthly ${r.monthly_usd:,.2f}, first year ${r.first_year_usd:,.2f}", highlight=False)
    kept = ", ".join(r.kept_from_scenario)
    out.print("Each environment's profile sets AZs, NAT gateways, minimum replicas, spot share, WAF, log retention "
              "and DynamoDB PITR" + (f"; kept from the scenario in every environment: {kept}" if kept else "")
              + ". Values marked (scenario) or (compliance ...) were not changed by the environment.",
              highlight=False)
    if any(p.users_source != USERS_FROM_OVERRIDE for p in r.environments):
        out.print("Environments without --env-users carry the scenario's peak users (the default: no source says "
                  "how much lighter dev and staging are).", highlight=False)
    seen: dict[str, list[str]] = {}
    for p in r.environments:
        for w in p.estimate.warnings:
            seen.setdefault(w, []).append(p.environment.value)
    for w, envs in seen.items():     # a warning every environment has is printed once
        out.print(f"[yellow]warning ({', '.join(envs)}):[/] {escape(w)}", highlight=False)
    out.print(f"Prices as of {r.environments[0].estimate.prices_as_of}", highlight=False)
