"""What every command group shares: the one `fail()`, error printing, format enums, opening the catalog,
running an estimate and the scenario options (`--scenario FILE` plus one flag per Scenario field).

Exit codes: 0 success, 2 invalid input (stderr names the field and the allowed range), 1 other failure.
"""
from __future__ import annotations

import functools
import inspect
import re
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import typer
from rich.console import Console
from rich.markup import escape

from app.scenario_input import INPUT_FIELDS, build_scenario, flag_help, flag_metavar, flag_name
from pricing.catalog import Catalog, MissingPriceError, SnapshotError, active_snapshot_path, load_snapshot
from sizing.scenario import OLD_FIELDS, Scenario, ScenarioError

err = Console(stderr=True)


class ListFormat(str, Enum):
    table = "table"
    json = "json"


# Every error line every command prints starts with ERROR_PREFIX; invalid input (exit 2) continues with
# INVALID_PREFIX and the field or option: `error: invalid input: --cur: no such file x.csv`.
ERROR_PREFIX = "error: "
INVALID_PREFIX = "invalid input: "


def fail(message: str, code: int) -> typer.Exit:
    """Print an error (no traceback; the text is shown literally, never read as markup) and return the Exit.
    Exit 2 (invalid input) messages start with the field or option they are about."""
    kind = INVALID_PREFIX if code == 2 else ""
    err.print(f"[bold red]{ERROR_PREFIX}[/]{kind}{printable(message, newlines=True)}", markup=True,
              highlight=False, soft_wrap=True)
    return typer.Exit(code)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object, newlines: bool = False) -> str:
    """User or file text for a Rich console: control characters (escape sequences, newlines unless `newlines`,
    bidirectional overrides) shown as ``\\uXXXX`` and Rich markup shown literally, so a name cannot restyle or
    rewrite the terminal."""
    return escape(_UNPRINTABLE.sub(lambda m: m[0] if newlines and m[0] == "\n" else f"\\u{ord(m[0]):04x}",
                                   str(text)))


def print_invalid(errors: Iterable[tuple[str, str]]) -> None:
    """One `error: invalid input: FIELD: MESSAGE` line per error, shown literally."""
    for field, msg in errors:
        err.print(f"[bold red]{ERROR_PREFIX}[/]{INVALID_PREFIX}{printable(field)}: {printable(msg, newlines=True)}",
                  highlight=False, soft_wrap=True)


def invalid(exc: ScenarioError) -> typer.Exit:
    """Print a scenario's errors by field and flag; return the Exit(2) to raise."""
    print_invalid((flag_or_field(field), msg) for field, msg in exc.errors)
    return typer.Exit(2)


def flag_or_field(field: str) -> str:
    name = field.split(".")[0]
    return f"{name} (--{flag_name(name)})" if name in INPUT_FIELDS else field


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
    for name in Scenario.model_fields:
        extra.append(inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
            default=typer.Option(None, f"--{flag_name(name)}", help=escape(flag_help(name)), show_default=False,
                                 metavar=flag_metavar(name),
                                 rich_help_panel="Scenario")))
    for name in sorted(OLD_FIELDS):   # old scenarios' flags still work; the Scenario converts them and says so
        extra.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                                       default=typer.Option(None, f"--{flag_name(name)}", hidden=True)))

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        scenario_file = kwargs.pop("scenario_file")
        flags = {n: kwargs.pop(n) for n in INPUT_FIELDS}
        try:
            scenario = build_scenario(scenario_file, flags)
        except ScenarioError as exc:
            raise invalid(exc) from None
        return func(scenario=scenario, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
    return wrapper


def run_estimate(scenario: Scenario, catalog: Catalog, *, ranges: bool = False):  # type: ignore[no-untyped-def]
    """Estimate with the given catalog (with `ranges`: the range and drivers too); a missing price exits 1; stale prices are flagged on stderr."""
    from datetime import date

    from pricing.catalog import STALE_AFTER_DAYS
    from pricing.engine import estimate
    if catalog.is_stale(date.today()):
        err.print(f"[yellow]warning:[/] prices are {catalog.age_days(date.today())} days old (as of "
                  f"{catalog.header.as_of}; stale after {STALE_AFTER_DAYS}): run `python -m app.cli pricing refresh`",
                  highlight=False, soft_wrap=True)
    try:
        return estimate(scenario, catalog, ranges=ranges)
    except MissingPriceError as exc:
        raise fail(str(exc), 1) from None
