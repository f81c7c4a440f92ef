"""`scenarios list|show|save|rename|delete`: named scenarios in the database (see app/storage/repository.py)."""
from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer
from rich.console import Console

from app.cli.common import ListFormat, fail, open_catalog, printable, run_estimate, with_scenario
from app.cli.tables import add_rows, table
from sizing.scenario import Scenario

scenarios_app = typer.Typer(no_args_is_help=True, help="Save, list, show and delete named scenarios.")

DB_OPTION_HELP = "Database URL (default: TIERSIZER_DATABASE_URL, else ./data/tiersizer.db or TIERSIZER_DATA_DIR)"


class ShowFormat(str, Enum):
    yaml = "yaml"
    json = "json"


def _repo(db: Optional[str]):
    """Open the repository or exit 1 with the reason."""
    from app.storage import StorageError, open_repository
    try:
        return open_repository(db)
    except StorageError as exc:
        raise fail(str(exc), 1) from None


def _storage_call(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a repository call; invalid names exit 2, other storage failures exit 1."""
    from app.storage import InvalidFieldError, StorageError
    try:
        return func(*args, **kwargs)
    except InvalidFieldError as exc:
        raise fail(f"{exc}", 2) from None
    except StorageError as exc:
        raise fail(str(exc), 1) from None


def _money(x) -> str:  # type: ignore[no-untyped-def]
    return format(x, "f")


def summary_dict(s) -> dict:  # type: ignore[no-untyped-def]
    """JSON view of a ScenarioSummary / SavedScenario's common fields."""
    t = s.totals
    return {"name": s.name, "client": s.client, "notes": s.notes,
            "created_at": s.created_at.isoformat(), "updated_at": s.updated_at.isoformat(),
            "totals": {"tier": t.tier, "monthly_usd": _money(t.monthly_usd), "upfront_usd": _money(t.upfront_usd),
                       "first_year_usd": _money(t.first_year_usd), "infrastructure_usd": _money(t.infrastructure_usd),
                       "llm_usd": _money(t.llm_usd), "compliance_usd": _money(t.compliance_usd),
                       "cost_per_user_usd": _money(t.cost_per_user_usd), "prices_as_of": t.prices_as_of}}


@scenarios_app.command("list")
def list_cmd(format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
             client: Optional[str] = typer.Option(None, "--client-filter", help="Only this client's scenarios"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """List saved scenarios, most recently updated first."""
    repo = _repo(db)
    rows = _storage_call(repo.list, client=client)
    if format is ListFormat.json:
        data = []
        for r in rows:
            d = summary_dict(r)
            d.update(environment=r.environment, region=r.region, concurrent_users=r.concurrent_users)
            data.append(d)
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    out = Console()
    t = table(out, "Name", "Client", "Env", "Region", "Users", "Tier", "Monthly USD", "Updated (UTC)",
              title=f"Saved scenarios ({len(rows)})", numeric=("Users", "Monthly USD", "Updated (UTC)"))
    out.print(add_rows(out, t, ((printable(r.name), printable(r.client), r.environment, r.region,
                                 f"{r.concurrent_users:,}", r.totals.tier, f"{r.totals.monthly_usd:,.2f}",
                                 r.updated_at.strftime("%Y-%m-%d %H:%M")) for r in rows)))


@scenarios_app.command("show")
def show_cmd(name: str = typer.Argument(..., help="Saved scenario name"),
             format: ShowFormat = typer.Option(ShowFormat.yaml, "--format", help="yaml | json"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Show one saved scenario: details, totals and the exact input (YAML reproduces it)."""
    saved = _storage_call(_repo(db).load, name)
    if format is ShowFormat.json:
        d = summary_dict(saved)
        d["scenario"] = json.loads(saved.input_json)
        sys.stdout.write(json.dumps(d, indent=2) + "\n")
        return
    t = saved.totals
    lines = [f"# saved scenario: {saved.name}", f"# client: {saved.client}",
             f"# created {saved.created_at.isoformat()}, updated {saved.updated_at.isoformat()}",
             f"# tier {t.tier}; monthly ${t.monthly_usd:,.2f}; upfront ${t.upfront_usd:,.2f}; "
             f"first year ${t.first_year_usd:,.2f} (prices as of {t.prices_as_of})"]
    lines += [f"# notes: {ln}" for ln in saved.notes.splitlines()]
    sys.stdout.write("\n".join(lines) + "\n" + saved.input_yaml)


@scenarios_app.command("save")
@with_scenario
def save_cmd(scenario: Scenario,
             save_as: str = typer.Argument(..., metavar="NAME", help="Name to save under"),
             notes: str = typer.Option("", "--notes", help="Free-text notes"),
             overwrite: bool = typer.Option(False, "--overwrite", help="Replace a saved scenario of the same name"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Estimate a scenario (file and/or flags) and save it with its totals; client comes from --client."""
    est = run_estimate(scenario, open_catalog(None))
    saved = _storage_call(_repo(db).save, save_as, scenario, notes=notes, estimate=est, overwrite=overwrite)
    Console(stderr=True).print(f"saved {saved.name!r}: tier {saved.totals.tier}, monthly "
                               f"${saved.totals.monthly_usd:,.2f}", highlight=False, markup=False)


@scenarios_app.command("rename")
def rename_cmd(old: str = typer.Argument(..., help="Current name"),
               new: str = typer.Argument(..., help="New name"),
               db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Rename a saved scenario."""
    _storage_call(_repo(db).rename, old, new)
    Console(stderr=True).print(f"renamed {old!r} to {new!r}", highlight=False, markup=False)


@scenarios_app.command("delete")
def delete_cmd(name: str = typer.Argument(..., help="Saved scenario name"),
               db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Delete a saved scenario."""
    _storage_call(_repo(db).delete, name)
    Console(stderr=True).print(f"deleted {name!r}", highlight=False, markup=False)

