"""`pricing list|refresh|diff`: browse the price snapshot, refresh it from AWS, compare two snapshots.

Exit codes: 0 success, 2 bad input (message names the option), 1 failure (nothing written).
"""
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from app.cli.common import ListFormat, fail, open_catalog
from app.cli.tables import add_rows, table
from generators.report_model import plain_decimal
from sizing.scenario import REGIONS

pricing_app = typer.Typer(no_args_is_help=True, help="Browse and refresh the price snapshot.")


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


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
        rows = [{"key": p.key, "region": p.region, "unit": p.unit, "usd": plain_decimal(p.usd), "as_of": p.as_of,
                 "source": p.source, "confidence": p.confidence, "approximation": p.approximation}
                for p in points]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    out = Console()
    t = table(out, "Key", "Region", "USD", "Unit", "As of", "Confidence", title=f"Prices for {region}",
              numeric=("USD",))
    out.print(add_rows(out, t, ((p.key, p.region, plain_decimal(p.usd), p.unit, p.as_of, p.confidence)
                                for p in points)))


@pricing_app.command("refresh")
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
        raise fail(str(exc), 2) from None
    missing = [str(f) for f in offer_file if not f.is_file()]
    if missing:
        raise fail(f"--offer-file: no such file {', '.join(missing)}", 2)
    try:
        if offer_file:
            report = refresh_from_offer_files(offer_file, regions=regions, families=families, output=output,
                                              progress=progress, allow_partial=allow_partial)
        else:
            kwargs: dict[str, Any] = {"regions": regions} if regions else {}
            report = refresh_from_api(families=families, output=output, profile=profile, progress=progress,
                                      allow_partial=allow_partial, **kwargs)
    except (OfferFileError, SnapshotError) as exc:  # a bad input file: exit 2 naming it
        raise fail(str(exc), 2) from None
    except RefreshError as exc:
        if offer_file:  # the offer files lack prices: bad input, named
            raise fail(f"--offer-file {', '.join(str(f) for f in offer_file)}: {exc}", 2) from None
        raise fail(str(exc), 1) from None
    except (PricingAccessError, OSError) as exc:
        raise fail(str(exc), 1) from None
    clear_cache()
    sys.stdout.write(report.to_text() + "\n")


@pricing_app.command("diff")
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
            raise fail(f"{name}: no such file {path}", 2)
    try:
        result = diff_catalogs(load_snapshot(old), load_snapshot(new), threshold_pct)
    except SnapshotError as exc:  # a bad input file: exit 2 naming it
        raise fail(str(exc), 2) from None
    if format is DiffFormat.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(result.to_text() + "\n")
