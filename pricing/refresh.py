"""Refresh the price snapshot from the AWS Pricing API or from bulk offer files.

Fetched points replace the previous snapshot's points for the same (key, region); every
other point is kept. The result is written atomically (temp file + rename) to the user
snapshot (``user_snapshot_path()``) or ``output``. If any requested key cannot be priced,
nothing is written and RefreshError lists each key and why (``allow_partial=True`` keeps
the previous price for those keys instead and reports them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pricing.catalog import (
    EMBEDDED_SNAPSHOT,
    Catalog,
    SnapshotError,
    active_snapshot_path,
    load_snapshot,
    user_snapshot_path,
)
from pricing.diff import PriceDiff, diff_points
from pricing.files import remove_stale_temps
from pricing.keys import REGIONS
from pricing.offer_file import ingest_offer_file
from pricing.price_list import FAMILIES, REGION_CODE
from pricing.pricing_api import FetchResult, Query, fetch_points, make_pricing_client, plan_queries
from pricing.snapshot import PricePoint, SnapshotHeader, write_snapshot

Pair = tuple[str, str]
MAX_LISTED_FAILURES = 40


class RefreshError(RuntimeError):
    """The refresh did not write anything; ``failures`` maps (key, region) to the reason."""

    def __init__(self, message: str, failures: dict[Pair, str] | None = None) -> None:
        self.failures = dict(failures or {})
        lines = [message]
        for (key, region), why in sorted(self.failures.items())[:MAX_LISTED_FAILURES]:
            lines.append(f"  {key} @ {region}: {why}")
        if len(self.failures) > MAX_LISTED_FAILURES:
            lines.append(f"  ... and {len(self.failures) - MAX_LISTED_FAILURES} more")
        super().__init__("\n".join(lines))


@dataclass
class RefreshReport:
    """What a successful refresh wrote."""

    output: Path
    header: SnapshotHeader
    diff: PriceDiff
    fetched: int
    previous_path: Path | None
    kept_previous: dict[Pair, str] = field(default_factory=dict)  # allow_partial: unpriced keys kept
    base_note: str = ""  # why the refresh started from another snapshot than the user's (corrupt file)

    def to_text(self, limit: int | None = 50) -> str:
        """Summary + diff, as printed by the CLI."""
        lines = [self.base_note] if self.base_note else []
        lines += [f"wrote {self.output} ({self.header.point_count} points, {self.fetched} refreshed, "
                 f"as of {self.header.as_of})",
                 f"changes against {self.previous_path or 'nothing'}: {self.diff.to_text(limit)}"]
        if self.kept_previous:
            lines.append(f"{len(self.kept_previous)} key(s) could not be priced; previous prices kept:")
            lines.extend(f"  {k} @ {r}: {why}" for (k, r), why in sorted(self.kept_previous.items())[:limit])
        return "\n".join(lines)


def validate_regions(regions: Sequence[str]) -> list[str]:
    """Check region codes ('us-east-1'); ValueError names the bad value."""
    for r in regions:
        if not REGION_CODE.match(r):
            raise ValueError(f"--region: {r!r} is not an AWS region code (for example {', '.join(REGIONS[:3])})")
    return sorted(set(regions))


def validate_families(families: Sequence[str] | None) -> list[str] | None:
    """Check --service names; ValueError lists the allowed ones."""
    if not families:
        return None
    bad = sorted(set(families) - set(FAMILIES))
    if bad:
        raise ValueError(f"--service: unknown {', '.join(bad)}; allowed: {', '.join(FAMILIES)}")
    return sorted(set(families))


def previous_snapshot(output: Path | None) -> tuple[Catalog, Path, str]:
    """The snapshot a refresh starts from: ``output`` if it exists, else the active one.

    A corrupt or unreadable file there never blocks the refresh that repairs it: the embedded
    snapshot is the base instead, and the third value says so (empty when nothing was replaced).
    """
    target = output if output is not None else user_snapshot_path()
    remove_stale_temps(target)  # left by a killed refresh
    source = target if target.is_file() else active_snapshot_path()
    try:
        return load_snapshot(source), source, ""
    except SnapshotError as exc:
        if Path(source).resolve() == EMBEDDED_SNAPSHOT:
            raise
        note = (f"warning: {exc}; starting from the embedded snapshot {EMBEDDED_SNAPSHOT} instead "
                f"(the corrupt file is replaced)")
        return load_snapshot(EMBEDDED_SNAPSHOT), EMBEDDED_SNAPSHOT, note


def merge(previous: Catalog | None, fetched: Sequence[PricePoint]) -> list[PricePoint]:
    """Previous points overlaid with the fetched ones (same (key, region) replaced)."""
    merged: dict[Pair, PricePoint] = {(p.key, p.region): p for p in (previous.points() if previous else [])}
    merged.update({(p.key, p.region): p for p in fetched})
    return sorted(merged.values(), key=lambda p: (p.key, p.region))


def apply_fetch(result: FetchResult, *, source_label: str, output: Path | None = None,
                allow_partial: bool = False, today: date | None = None) -> RefreshReport:
    """Validate a fetch, merge it over the previous snapshot and write atomically."""
    if result.failures and not allow_partial:
        raise RefreshError(f"refresh failed: {len(result.failures)} price(s) could not be obtained; "
                           "the snapshot was not changed", result.failures)
    if not result.points:
        raise RefreshError("refresh failed: nothing was priced; the snapshot was not changed", result.failures)
    previous, previous_path, base_note = previous_snapshot(output)
    target = output if output is not None else user_snapshot_path()
    merged = merge(previous, result.points)
    day = (today or date.today()).isoformat()
    sources = list(dict.fromkeys([*previous.header.sources, f"{source_label} (refreshed {day})"]))
    header = write_snapshot(merged, target, as_of=day, sources=sources)
    return RefreshReport(output=target, header=header, diff=diff_points(previous.points(), merged),
                         fetched=len(result.points), previous_path=previous_path,
                         kept_previous=dict(result.failures), base_note=base_note)


@contextmanager
def _progress(enabled: bool, description: str, total: float | None) -> Iterator[Callable[..., None]]:
    """Yield ``update(completed=..., advance=..., description=...)``; a no-op when disabled."""
    if not enabled:
        yield lambda **_kw: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn()]
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda **kw: bar.update(task, **kw)


def refresh_from_api(*, regions: Sequence[str] = REGIONS, families: Sequence[str] | None = None,
                     output: Path | None = None, profile: str | None = None, client: Any = None,
                     progress: bool = False, allow_partial: bool = False,
                     today: date | None = None) -> RefreshReport:
    """Price the refreshable keys of ``families`` in ``regions`` with the Pricing API, then write."""
    regions = validate_regions(regions)
    fams = validate_families(families)
    queries = plan_queries(regions, fams)
    client = client if client is not None else make_pricing_client(profile)
    counts = {"items": 0}
    with _progress(progress, "Pricing API", len(queries)) as update:
        def on_query(query: Query, n: int) -> None:
            counts["items"] += n
            update(advance=1, description=f"Pricing API: {query.service_code} "
                                          f"({counts['items']} products read)")
        result = fetch_points(client, queries, on_query=on_query, today=today)
    label = f"aws-pricing-api ({', '.join(regions)}; {', '.join(fams or ['all services'])})"
    return apply_fetch(result, source_label=label, output=output, allow_partial=allow_partial, today=today)


def refresh_from_offer_files(files: Sequence[Path], *, regions: Sequence[str] | None = None,
                             families: Sequence[str] | None = None, output: Path | None = None,
                             progress: bool = False, allow_partial: bool = False,
                             today: date | None = None) -> RefreshReport:
    """Ingest offer files (streamed), merge them over the previous snapshot, then write."""
    regs = validate_regions(regions) if regions else None
    fams = validate_families(families)
    points: list[PricePoint] = []
    failures: dict[Pair, str] = {}
    for path in files:
        size = Path(path).stat().st_size if Path(path).is_file() else None
        with _progress(progress, f"offer file {Path(path).name}", size) as update:
            result = ingest_offer_file(Path(path), regions=regs, families=fams,
                                       on_progress=lambda n: update(completed=n), today=today)
        points.extend(result.points)
        failures.update(result.failures)
    label = "offer-file:" + ", ".join(Path(f).name for f in files)
    return apply_fetch(FetchResult(points=points, failures=failures), source_label=label, output=output,
                       allow_partial=allow_partial, today=today)
