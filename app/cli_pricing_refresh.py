"""`pricing refresh` and `pricing diff` commands (registered on the `pricing` sub-app by app/cli.py).

Exit codes: 0 success, 2 bad input (message names the option), 1 failure (nothing written).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

err = Console(stderr=True)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(message: str, code: int) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def refresh_command(
    region: list[str] = typer.Option([], "--region", help="Region to refresh (repeatable; default: the 5 catalog regions)"),
    service: list[str] = typer.Option([], "--service", help="Key family to refresh (repeatable): ec2, ebs, eks, vpc, elb, dynamodb, cloudfront, s3, cloudwatch, ..."),
    offer_file: list[Path] = typer.Option([], "--offer-file", help="Ingest a downloaded AWS offer file instead of calling the API (repeatable)", dir_okay=False),
    output: Optional[Path] = typer.Option(None, "--output", help="Write here instead of the user snapshot", dir_okay=False),
    profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile (default: the standard credential chain)"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="Keep previous prices for keys that cannot be priced instead of failing"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Refresh prices from the AWS Pricing API (or offer files) and print what changed."""
    from pricing.catalog import SnapshotError, clear_cache
    from pricing.offer_file import OfferFileError
    from pricing.pricing_api import PricingAccessError
    from pricing.refresh import (
        RefreshError,
        refresh_from_api,
        refresh_from_offer_files,
        validate_families,
        validate_regions,
    )

    try:
        regions = validate_regions(region) if region else None
        families = validate_families(service)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    missing = [str(f) for f in offer_file if not f.is_file()]
    if missing:
        raise _fail(f"--offer-file: no such file {', '.join(missing)}", 2)
    try:
        if offer_file:
            report = refresh_from_offer_files(offer_file, regions=regions, families=families, output=output,
                                              progress=progress, allow_partial=allow_partial)
        else:
            kwargs: dict[str, Any] = {"regions": regions} if regions else {}
            report = refresh_from_api(families=families, output=output, profile=profile, progress=progress,
                                      allow_partial=allow_partial, **kwargs)
    except (RefreshError, PricingAccessError, OfferFileError, SnapshotError, OSError) as exc:
        raise _fail(str(exc), 1) from None
    clear_cache()
    sys.stdout.write(report.to_text() + "\n")


def diff_command(
    old: Path = typer.Argument(..., help="Older snapshot file", dir_okay=False),
    new: Path = typer.Argument(..., help="Newer snapshot file", dir_okay=False),
    threshold_pct: float = typer.Option(1.0, "--threshold-pct", min=0.0, help="Report prices moved by more than this %"),
    format: DiffFormat = typer.Option(DiffFormat.text, "--format", help="text | json"),
) -> None:
    """Keys added, removed and prices moved by more than 1% between two snapshots."""
    from pricing.catalog import SnapshotError, load_snapshot
    from pricing.diff import diff_catalogs

    for name, path in (("OLD", old), ("NEW", new)):
        if not path.is_file():
            raise _fail(f"{name}: no such file {path}", 2)
    try:
        result = diff_catalogs(load_snapshot(old), load_snapshot(new), threshold_pct)
    except SnapshotError as exc:
        raise _fail(str(exc), 1) from None
    if format is DiffFormat.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(result.to_text() + "\n")


def register(app: typer.Typer, pricing_app: typer.Typer) -> None:
    """Add `pricing refresh` and `pricing diff` to the CLI."""
    pricing_app.command("refresh")(refresh_command)
    pricing_app.command("diff")(diff_command)
