"""`review`: last month's actual spend against the estimate (CUR 2.0 file, console CSV or Cost Explorer API).

python -m app.cli review --scenario FILE|--saved NAME --month YYYY-MM (--cur FILE|FOLDER [--engine duckdb|pandas] |
    --ce-csv FILE | --cost-explorer [--profile P] | --athena --database D --table T [--workgroup W]
    [--output-location s3://...] [--profile P]) [--actual-users N ...] [--format table|json]
python -m app.cli review setup-export --bucket B --prefix P [--profile P]   (app/cli/review_export.py)
Exit codes: 0 done, 2 invalid input (option, file row or column named), 1 other failures (AWS, database).
"""
import functools
import inspect
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console

from app.cli.common import ListFormat, fail, invalid, open_catalog, print_invalid, run_estimate, with_scenario
from app.cli.common import printable as P
from app.cli.scenarios import OWNER_OPTION_HELP
from app.cli.sp_advice import advice_to_dict, print_advice, savings_plans_advice
from app.cli.tables import add_rows, table
from app.scenario_input import INPUT_FIELDS, overlay
from review.model import ActualsError
from sizing.scenario import Scenario, ScenarioError, parse_scenario


class Engine(str, Enum):
    duckdb = "duckdb"
    pandas = "pandas"


class Basis(str, Enum):
    auto = "auto"
    unblended = "unblended"
    amortized = "amortized"


def _load_saved(name: str, db: Optional[str], owner: Optional[str] = None) -> tuple[dict[str, Any], Any]:
    """The saved scenario's input (as data) and its stored totals, as the CLI's owner (the local user or --owner);
    errors exit 1 (storage) or 2 (unknown name)."""
    from app.cli.scenarios import _repo
    from app.storage import ScenarioNotFoundError, StorageError
    try:
        saved = _repo(db, owner).load(name)
    except ScenarioNotFoundError as exc:
        raise fail(f"--saved: {exc}", 2) from None
    except StorageError as exc:
        raise fail(str(exc), 1) from None
    return saved.scenario.to_yaml_dict(), saved.totals


def with_saved(func: Callable[..., Any]) -> Callable[..., Any]:
    """`with_scenario`, plus `--saved NAME`: the saved scenario, scenario flags given on top of it."""
    inner = with_scenario(func)

    @functools.wraps(inner)
    def outer(**kwargs: Any) -> Any:
        saved = kwargs.get("saved")
        if saved is None:
            return inner(**kwargs)
        if kwargs.pop("scenario_file") is not None:
            raise fail("give either --saved NAME or --scenario FILE, not both", 2)
        flags = {n: kwargs.pop(n) for n in INPUT_FIELDS}
        data, _ = _load_saved(saved, kwargs.get("db"), kwargs.get("owner"))
        try:
            scenario = parse_scenario(overlay(data, flags))
        except ScenarioError as exc:
            raise invalid(exc) from None
        return func(scenario=scenario, **kwargs)

    outer.__signature__ = inner.__signature__  # type: ignore[attr-defined]
    return outer


@with_saved
def review_cmd(scenario: Scenario,
               month: Optional[str] = typer.Option(None, "--month", help="Month to review, YYYY-MM (required)"),
               saved: Optional[str] = typer.Option(None, "--saved", help="Name of a saved scenario"),
               cur: Optional[Path] = typer.Option(None, "--cur", help="CUR 2.0 export: a CSV, .csv.gz or Parquet "
                                                  "file, or a folder of them (Data Exports layout)"),
               engine: Engine = typer.Option(Engine.duckdb, "--engine", help="What reads --cur: duckdb | pandas"),
               athena: bool = typer.Option(False, "--athena", help="Query the Data Export's Athena table"),
               database: Optional[str] = typer.Option(None, "--database", help="Athena (Glue) database for --athena"),
               athena_table: Optional[str] = typer.Option(None, "--table", help="Athena table of the CUR 2.0 export"),
               workgroup: Optional[str] = typer.Option(None, "--workgroup", help="Athena workgroup (default primary)"),
               output_location: Optional[str] = typer.Option(None, "--output-location",
                                                             help="s3:// prefix for Athena query results (default: "
                                                                  "the workgroup's)"),
               ce_csv: Optional[Path] = typer.Option(None, "--ce-csv", help="Cost Explorer console CSV export",
                                                     dir_okay=False),
               cost_explorer: bool = typer.Option(False, "--cost-explorer", help="Fetch from the Cost Explorer API"),
               profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile (--cost-explorer, --athena)"),
               project: str = typer.Option("ChatApp", "--project", help="Project tag value to filter on"),
               tag_environment: Optional[str] = typer.Option(
                   None, "--tag-environment", help="Environment tag value (default: the scenario's environment)"),
               no_tag_filter: bool = typer.Option(False, "--no-tag-filter", help="Take the whole bill, untagged too"),
               basis: Basis = typer.Option(Basis.auto, "--basis",
                                           help="auto (amortized when savings plans are in play) | unblended | "
                                                "amortized"),
               threshold: float = typer.Option(15.0, "--threshold", help="Flag gaps beyond this %, 0..1000"),
               min_delta: float = typer.Option(1.0, "--min-delta", help="Never flag gaps below this many USD"),
               actual_users: Optional[int] = typer.Option(None, "--actual-users", help="Observed peak concurrent "
                                                                                     "users"),
               actual_messages: Optional[float] = typer.Option(None, "--actual-messages",
                                                               help="Observed chat messages in the month"),
               actual_input_tokens: Optional[int] = typer.Option(None, "--actual-input-tokens",
                                                                 help="Observed input tokens per message"),
               actual_output_tokens: Optional[int] = typer.Option(None, "--actual-output-tokens",
                                                                  help="Observed output tokens per message"),
               format: ListFormat = typer.Option(ListFormat.table, "--format", help="table | json"),
               snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file"),
               store: bool = typer.Option(True, "--store/--no-store", help="Store the review in the database"),
               db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: TIERSIZER_DATABASE_URL, "
                                                                   "else ./data/tiersizer.db)"),
               owner: Optional[str] = typer.Option(None, "--owner", help=OWNER_OPTION_HELP)) -> None:
    """Compare a month's actual AWS spend with the estimate, line by line, and recommend a tier."""
    from review.recommend import ObservedUsage
    from review.sources import project_tags

    month = _check_options(month, cur, ce_csv, cost_explorer, athena, threshold, min_delta)
    tags = {} if no_tag_filter else project_tags(project, tag_environment or scenario.environment.value)
    catalog = open_catalog(snapshot)
    est = run_estimate(scenario, catalog)
    actuals = _read_athena(month, tags, basis.value, database, athena_table, workgroup, output_location, profile) \
        if athena else _read_actuals(month, cur, ce_csv, tags, basis.value, profile, engine.value)
    observed = ObservedUsage(actual_users, actual_messages, actual_input_tokens, actual_output_tokens)
    review = _build_review(est, actuals, threshold, min_delta, observed, catalog, saved)
    _print(review, savings_plans_advice(cost_explorer, profile), format)
    if store:
        _store(review, scenario, db, owner, saved)


def _print(review: Any, advice: Any, format: ListFormat) -> None:
    """The review and the Savings Plans advice, as JSON (one document) or tables."""
    from review.variance import review_to_dict
    if format is ListFormat.json:
        sys.stdout.write(json.dumps({**review_to_dict(review), "savings_plans": advice_to_dict(advice)}, indent=2) + "\n")
    else:
        print_review(review)
        print_advice(advice)


# The option that supplies each field a review error can name (review/model.py: ActualsError.field).
FIELD_FLAGS: dict[str, str] = {"month": "--month", "basis": "--basis", "cur_file": "--cur", "ce_csv_file": "--ce-csv",
                               "cost_explorer": "--cost-explorer", "profile": "--profile", "athena": "--athena"}


def actuals_message(exc: ActualsError) -> str:
    """An ActualsError as the CLI shows it: prefixed with the flag of the field it names, if any."""
    return f"{FIELD_FLAGS[exc.field]}: {exc}" if exc.field else str(exc)


def _check_options(month: Optional[str], cur: Optional[Path], ce_csv: Optional[Path], cost_explorer: bool,
                   athena: bool, threshold: float, min_delta: float) -> str:
    """Exactly one source, a valid month, threshold and minimum delta in range; otherwise exit 2."""
    from review.model import parse_month

    sources = [n for n, v in (("--cur", cur), ("--ce-csv", ce_csv), ("--cost-explorer", cost_explorer),
                              ("--athena", athena)) if v]
    if len(sources) != 1:
        raise fail("give exactly one source: --cur FILE|FOLDER, --ce-csv FILE, --cost-explorer or --athena"
                   + (f" (got {', '.join(sources)})" if sources else ""), 2)
    if month is None:
        raise fail("--month: required, the month to review as YYYY-MM", 2)
    try:
        parse_month(month)
    except ActualsError as exc:
        raise fail(f"{actuals_message(exc)}", 2) from None
    for opt, val, lo, hi in (("--threshold", threshold, 0.0, 1000.0), ("--min-delta", min_delta, 0.0, 1e6)):
        if not (lo <= val <= hi) or (opt == "--threshold" and val == 0):
            raise fail(f"{opt}: must be {'>0' if opt == '--threshold' else lo:}..{hi:g}, got {val:g}",
                       2)
    return month


def _read_actuals(month: str, cur: Optional[Path], ce_csv: Optional[Path], tags: dict[str, str], basis: str,
                  profile: Optional[str], engine: str = "duckdb") -> Any:
    """The month's actuals from the one source given; bad files exit 2, Cost Explorer failures exit 1."""
    from review.sources import fetch_cost_explorer, read_ce_csv, read_cur, read_cur_duckdb
    try:
        if cur is not None:
            if engine == "pandas":
                if cur.is_dir():
                    raise fail("--cur: the pandas engine reads one file; give a file or --engine duckdb", 2)
                return read_cur(cur, month, tags, basis)
            return read_cur_duckdb(cur, month, tags, basis)
        if ce_csv is not None:
            return read_ce_csv(ce_csv, month)
    except ActualsError as exc:
        raise fail(f"{actuals_message(exc)}", 2) from None
    try:
        return fetch_cost_explorer(month, tags, basis, profile=profile)
    except ActualsError as exc:
        raise fail(actuals_message(exc), 1) from None


def _read_athena(month: str, tags: dict[str, str], basis: str, database: Optional[str], table: Optional[str],
                 workgroup: Optional[str], output: Optional[str], profile: Optional[str]) -> Any:
    """The month's actuals from Athena; a missing database/table/column or bad flag exits 2, AWS failures 1."""
    from review.sources.athena import AthenaError, fetch_athena
    missing = [f for f, v in (("--database", database), ("--table", table)) if not v]
    if missing:
        raise fail(f"--athena needs {' and '.join(missing)} (the Data Export's Glue database and table; "
                   f"`review setup-export` prints its definition)", 2)
    try:
        return fetch_athena(month, tags, str(database), str(table), basis, workgroup, output, profile=profile)
    except AthenaError as exc:
        raise fail(actuals_message(exc), 2 if exc.input_error else 1) from None
    except ActualsError as exc:
        raise fail(actuals_message(exc), 2) from None


def _build_review(est: Any, actuals: Any, threshold: float, min_delta: float, observed: Any, catalog: Any,
                  saved: Optional[str]) -> Any:
    from review.variance import build_review
    try:
        return build_review(est, actuals, threshold, min_delta, observed, catalog, saved)
    except ScenarioError as exc:
        print_invalid(exc.errors)
        raise typer.Exit(2) from None


def review_main(ctx: typer.Context, **kwargs: Any) -> None:
    """Compare a month's actual AWS spend with the estimate, line by line, and recommend a tier.

    `review setup-export` creates the CUR 2.0 Data Export that `review --athena` queries."""
    if ctx.invoked_subcommand is None:
        review_cmd(**kwargs)


review_main.__signature__ = inspect.signature(review_cmd).replace(  # type: ignore[attr-defined]
    parameters=[inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
                *inspect.signature(review_cmd).parameters.values()])


def _store(review: Any, scenario: Scenario, db: Optional[str], owner: Optional[str], saved: Optional[str]) -> None:
    """Store the review as the CLI's owner; a review of a saved scenario takes that scenario's visibility."""
    from app.cli.scenarios import _repo
    from app.storage import PRIVATE, StorageError
    from app.storage.reviews import ReviewStore, ReviewStoreError
    repo = _repo(db, owner)
    try:
        visibility = PRIVATE if saved is None else repo.load(saved).visibility
        ReviewStore(repo.engine, repo.owner).save(review, scenario, review.scenario_name, visibility)
    except (ReviewStoreError, StorageError) as exc:
        raise fail(f"the review was not stored: {exc}", 1) from None


def _m(x: Any) -> str:
    return "" if x is None else f"{x:,.2f}"


def _p(x: Any) -> str:
    return "n/a" if x is None else f"{x:+.1f}%"


def print_review(r: Any) -> None:
    """Human view: headline, lines, services, unmatched, tax and credits, recommendation, warnings."""
    out = Console()
    a = r.actuals
    out.print(f"[bold]{P(r.scenario_name)}[/] — review of {r.month} ({a.source}: {P(a.source_name)}, {a.basis} cost); "
              f"tier {r.tier}", highlight=False)
    out.print(f"Estimate ${r.estimate_usd:,.2f}  actual usage ${r.actual_usage_usd:,.2f}  "
              f"difference ${r.delta_usd:,.2f} ({_p(r.delta_pct)}); tax and credits ${r.tax_and_credits_usd:,.2f}; "
              f"total billed ${r.actual_usd:,.2f}; {len(r.flagged)} line(s) flagged beyond {r.threshold_pct}%",
              highlight=False)
    money = ("Estimate", "Actual", "Δ USD", "Δ %")
    t = table(out, "Line", *money, "Flag", "Hint", title="Lines", numeric=money)
    out.print(add_rows(out, t, ((P(v.label), _m(v.estimate_usd), _m(v.actual_usd), _m(v.delta_usd),
                                 _p(v.delta_pct), v.flag or "", P(v.hint)) for v in r.lines)))
    if a.granularity != "service":
        t = table(out, "Service", *money, "Flag", "Note", title="By service", numeric=money)
        out.print(add_rows(out, t, ((P(v.service), _m(v.estimate_usd), _m(v.actual_usd), _m(v.delta_usd),
                                     _p(v.delta_pct), v.flag or "", P(v.hint)) for v in r.services)))
    if r.unmatched:
        t = table(out, "Service", "Usage type", "Actual", "Reason", numeric=("Actual",),
                  title=f"Not in the estimate (${r.unmatched_usd:,.2f})")
        out.print(add_rows(out, t, ((P(u.line.service), P(u.line.usage_type), _m(u.line.cost_usd), P(u.reason))
                                    for u in r.unmatched)))
    if r.adjustments:
        t = table(out, "Kind", "Service", "Detail", "Amount", numeric=("Amount",),
                  title=f"Tax, credits and fees (${r.tax_and_credits_usd:,.2f})")
        out.print(add_rows(out, t, ((x.kind, P(x.service), P(x.usage_type) + (" (account level)" if x.account_level
                                                                             else ""), _m(x.cost_usd))
                                    for x in r.adjustments)))
    rec = r.recommendation
    if rec:
        move = "stay" if rec.recommended_tier == rec.current_tier else "move"
        out.print(f"[bold]Recommendation:[/] {move} at {rec.recommended_tier} (now {rec.current_tier}); new monthly "
                  f"estimate ${rec.new_monthly_usd:,.2f} ({rec.monthly_delta_usd:+,.2f})", highlight=False)
        for c in rec.scenario_changes:
            out.print(f"  observed {P(c.what)}: {P(c.before)} -> {P(c.after)}", highlight=False)
        for c in rec.plan_changes:
            out.print(f"  {P(c.what)}: {P(c.before)} -> {P(c.after)}", highlight=False)
    else:
        out.print(f"Recommended tier: {r.recommended_tier} (pass --actual-users/--actual-messages to re-size with "
                  f"observed usage)", highlight=False)
    for w in r.warnings:
        out.print(f"[yellow]warning:[/] {P(w)}", highlight=False)

