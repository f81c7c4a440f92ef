"""`scenarios list|show|save|rename|delete|share|audit`: named scenarios in the database (app/storage/repository.py).

The CLI acts as the local user (subject "local", the owner of everything saved before sign-in existed) unless
`--owner SUBJECT` is given: an administrator on the team server then lists, saves, renames or deletes as that
signed-in user (the OIDC subject shown by `scenarios audit`). The audit records the action under that owner.
"""
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
OWNER_OPTION_HELP = ("Act as this signed-in user (OIDC subject, see `scenarios audit`); default: the local user "
                     "'local'")


def owner_option():  # type: ignore[no-untyped-def]
    return typer.Option(None, "--owner", help=OWNER_OPTION_HELP)


class Visibility(str, Enum):
    private = "private"
    team = "team"


class ShowFormat(str, Enum):
    yaml = "yaml"
    json = "json"


def cli_owner(subject: Optional[str], engine=None):  # type: ignore[no-untyped-def]
    """The owner the CLI acts as: the local user, or `--owner SUBJECT` (its e-mail taken from what that user last
    saved or did, when known). A bad subject exits 2 naming --owner."""
    from app.storage import LOCAL_OWNER, Owner, OwnerError
    if subject is None:
        return LOCAL_OWNER
    try:
        owner = Owner(subject)
    except OwnerError as exc:
        raise fail(f"--owner: {str(exc).split(': ', 1)[1]}", 2) from None
    if engine is not None:
        from app.storage.audit import known_email
        owner = Owner(subject, known_email(engine, subject))
    return owner


def _repo(db: Optional[str], owner: Optional[str] = None):  # type: ignore[no-untyped-def]
    """Open the repository as the owner, or exit 1 with the reason."""
    from app.storage import AuditError, StorageError, open_repository
    cli_owner(owner)                           # a bad --owner exits 2 before the database is opened
    try:
        repo = open_repository(db)
        return repo.as_owner(cli_owner(owner, repo.engine))
    except (StorageError, AuditError) as exc:
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
    return {"name": s.name, "client": s.client, "notes": s.notes, "owner": s.owner_sub, "owner_email": s.owner_email,
            "visibility": s.visibility,
            "created_at": s.created_at.isoformat(), "updated_at": s.updated_at.isoformat(),
            "totals": {"tier": t.tier, "monthly_usd": _money(t.monthly_usd), "upfront_usd": _money(t.upfront_usd),
                       "first_year_usd": _money(t.first_year_usd), "infrastructure_usd": _money(t.infrastructure_usd),
                       "llm_usd": _money(t.llm_usd), "compliance_usd": _money(t.compliance_usd),
                       "cost_per_user_usd": _money(t.cost_per_user_usd), "prices_as_of": t.prices_as_of}}


@scenarios_app.command("list")
def list_cmd(format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
             client: Optional[str] = typer.Option(None, "--client-filter", help="Only this client's scenarios"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
             owner: Optional[str] = owner_option()) -> None:
    """List the owner's and the team's saved scenarios, most recently updated first."""
    repo = _repo(db, owner)
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
    me = repo.owner.subject
    t = table(out, "Name", "Client", "Env", "Region", "Users", "Tier", "Monthly USD", "Updated (UTC)",
              title=f"Saved scenarios ({len(rows)})", numeric=("Users", "Monthly USD", "Updated (UTC)"))
    out.print(add_rows(out, t, ((_name_cell(r, me), printable(r.client), r.environment, r.region,
                                 f"{r.concurrent_users:,}", r.totals.tier, f"{r.totals.monthly_usd:,.2f}",
                                 r.updated_at.strftime("%Y-%m-%d %H:%M")) for r in rows)))


def _name_cell(r, me: str) -> str:  # type: ignore[no-untyped-def]
    """The name; a team scenario gets a second line "team" (and its owner when it is not `me`'s)."""
    name = printable(r.name)
    if r.visibility != "team" and r.owner_sub == me:
        return name
    who = "" if r.owner_sub == me else f", by {printable(r.owner_email or r.owner_sub)}"
    return f"{name}\n({r.visibility}{who})"


@scenarios_app.command("show")
def show_cmd(name: str = typer.Argument(..., help="Saved scenario name"),
             format: ShowFormat = typer.Option(ShowFormat.yaml, "--format", help="yaml | json"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
             owner: Optional[str] = owner_option()) -> None:
    """Show one saved scenario (the owner's, else the team's): details, totals and the exact input."""
    saved = _storage_call(_repo(db, owner).load, name)
    if format is ShowFormat.json:
        d = summary_dict(saved)
        d["scenario"] = json.loads(saved.input_json)
        sys.stdout.write(json.dumps(d, indent=2) + "\n")
        return
    t = saved.totals
    lines = [f"# saved scenario: {saved.name}", f"# client: {saved.client}",
             f"# owner: {saved.owner_email or saved.owner_sub} ({saved.visibility})",
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
             visibility: Optional[Visibility] = typer.Option(
                 None, "--visibility", help="private (only the owner sees it; the default for a new one) | team "
                                            "(everyone signed in sees it; only the owner changes it)"),
             db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
             owner: Optional[str] = owner_option()) -> None:
    """Estimate a scenario (file and/or flags) and save it with its totals; client comes from --client."""
    est = run_estimate(scenario, open_catalog(None))
    saved = _storage_call(_repo(db, owner).save, save_as, scenario, notes=notes, estimate=est, overwrite=overwrite,
                          visibility=None if visibility is None else visibility.value)
    Console(stderr=True).print(f"saved {saved.name!r}: tier {saved.totals.tier}, monthly "
                               f"${saved.totals.monthly_usd:,.2f} ({saved.visibility})", highlight=False, markup=False)


@scenarios_app.command("rename")
def rename_cmd(old: str = typer.Argument(..., help="Current name"),
               new: str = typer.Argument(..., help="New name"),
               db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
               owner: Optional[str] = owner_option()) -> None:
    """Rename one of the owner's saved scenarios."""
    _storage_call(_repo(db, owner).rename, old, new)
    Console(stderr=True).print(f"renamed {old!r} to {new!r}", highlight=False, markup=False)


@scenarios_app.command("delete")
def delete_cmd(name: str = typer.Argument(..., help="Saved scenario name"),
               db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
               owner: Optional[str] = owner_option()) -> None:
    """Delete one of the owner's saved scenarios."""
    _storage_call(_repo(db, owner).delete, name)
    Console(stderr=True).print(f"deleted {name!r}", highlight=False, markup=False)


@scenarios_app.command("share")
def share_cmd(name: str = typer.Argument(..., help="Saved scenario name"),
              visibility: Visibility = typer.Argument(..., help="team (everyone signed in sees it) | private"),
              db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
              owner: Optional[str] = owner_option()) -> None:
    """Share one of the owner's saved scenarios with the team, or make it private again."""
    _storage_call(_repo(db, owner).set_visibility, name, visibility.value)
    Console(stderr=True).print(f"{name!r} is now {visibility.value}", highlight=False, markup=False)


@scenarios_app.command("audit")
def audit_cmd(format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
              limit: int = typer.Option(200, "--limit", min=1, max=100_000, help="Newest entries to show, 1..100000"),
              owner: Optional[str] = typer.Option(None, "--owner", help="Only what this subject did or what was "
                                                  "done to its scenarios"),
              db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Who saved, renamed, shared, deleted, exported or reviewed what, and when (UTC), newest first."""
    from app.storage import AuditError, AuditLog
    subject = None if owner is None else cli_owner(owner).subject
    try:
        entries = AuditLog(_repo(db).engine).entries(subject=subject, limit=limit)
    except AuditError as exc:
        raise fail(str(exc), 1) from None
    if format is ListFormat.json:
        sys.stdout.write(json.dumps([{"at": e.at.isoformat(), "actor": e.actor_sub, "actor_email": e.actor_email,
                                      "action": e.action, "kind": e.object_kind, "name": e.object_name,
                                      "object_owner": e.object_owner_sub, "detail": e.detail} for e in entries],
                                    indent=2) + "\n")
        return
    out = Console()
    t = table(out, "At (UTC)", "Who", "Action", "Kind", "Name", "Detail", title=f"Audit ({len(entries)} newest)",
              numeric=("At (UTC)",))
    out.print(add_rows(out, t, ((e.at.strftime("%Y-%m-%d %H:%M:%S"), printable(e.actor_email or e.actor_sub),
                                 e.action, e.object_kind, printable(e.object_name), printable(e.detail))
                                for e in entries)))

