"""Price catalog: the active price snapshot, loaded once per file version, and price lookups.

Loading is cached per (resolved path, mtime, size), so each process parses a snapshot once and
lookups are plain dict hits. The file format lives in pricing/snapshot.py.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from pricing.files import read_bounded
from pricing.keys import GLOBAL_REGION
from pricing.snapshot import PricePoint, SnapshotError, SnapshotHeader, max_snapshot_bytes, parse_snapshot

EMBEDDED_SNAPSHOT: Path = Path(__file__).resolve().parent / "data" / "snapshot.json"
STALE_AFTER_DAYS = 90


class MissingPriceError(LookupError):
    """A key has no price for a region in the active snapshot."""

    def __init__(self, key: str, region: str, snapshot: Path | None = None) -> None:
        self.key = key
        self.region = region
        where = f" in snapshot {snapshot}" if snapshot else ""
        super().__init__(
            f"no price for key '{key}' in region '{region}'{where}; "
            f"run `python -m app.cli pricing refresh --region {region}` "
            f"(or pass --snapshot FILE with a snapshot that has it)"
        )


# ---------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------
class Catalog:
    """An immutable, indexed price snapshot."""

    __slots__ = ("header", "path", "_index", "_points")

    def __init__(self, header: SnapshotHeader, points: Sequence[PricePoint], path: Path) -> None:
        self.header = header
        self.path = path
        self._points: tuple[PricePoint, ...] = tuple(sorted(points, key=lambda p: (p.key, p.region)))
        self._index: dict[tuple[str, str], PricePoint] = {(p.key, p.region): p for p in self._points}

    def price(self, key: str, region: str) -> PricePoint:
        """The point for ``key`` in ``region`` (falls back to "global"); else MissingPriceError."""
        point = self._index.get((key, region)) or self._index.get((key, GLOBAL_REGION))
        if point is None:
            raise MissingPriceError(key, region, self.path)
        return point

    def has(self, key: str, region: str) -> bool:
        """True when ``price(key, region)`` would succeed."""
        return (key, region) in self._index or (key, GLOBAL_REGION) in self._index

    def points(self, region: str | None = None) -> list[PricePoint]:
        """All points, or those of one region plus the global ones, sorted by (key, region)."""
        if region is None:
            return list(self._points)
        return [p for p in self._points if p.region in (region, GLOBAL_REGION)]

    def regions(self) -> tuple[str, ...]:
        """Regions present (excluding "global"), sorted."""
        return tuple(sorted({p.region for p in self._points if p.region != GLOBAL_REGION}))

    def instance_types(self, region: str) -> list[str]:
        """EC2 instance types priced in ``region`` (from ``ec2:<type>`` keys)."""
        return sorted(p.key[4:] for p in self._points
                      if p.region == region and p.key.startswith("ec2:")
                      and p.key != "ec2:t-unlimited-vcpu-hour")

    def bedrock_models(self, region: str) -> list[str]:
        """Bedrock model ids with both input and output prices in ``region``."""
        inputs = {p.key.split(":")[1] for p in self._points
                  if p.region == region and p.key.startswith("bedrock:") and p.key.endswith(":input-1k")}
        return sorted(m for m in inputs if (f"bedrock:{m}:output-1k", region) in self._index)

    def age_days(self, today: date) -> int:
        """Days between the snapshot's as_of date and ``today`` (>90 means stale)."""
        return (today - date.fromisoformat(self.header.as_of)).days

    def is_stale(self, today: date) -> bool:
        """True when the snapshot is older than STALE_AFTER_DAYS."""
        return self.age_days(today) > STALE_AFTER_DAYS

    def __len__(self) -> int:
        return len(self._points)

    def __repr__(self) -> str:
        return f"Catalog(path={str(self.path)!r}, as_of={self.header.as_of!r}, points={len(self._points)})"


def tiered_cost(point: PricePoint, quantity: Decimal) -> Decimal:
    """Cost of ``quantity`` units: tier by tier when the point has tiers, else quantity * usd.

    Tiers are graduated (each unit is charged at the price of the tier it falls in).
    No free-tier logic here; the cost engine subtracts free allowances first.
    """
    quantity = Decimal(quantity)
    if quantity < 0:
        raise ValueError(f"quantity for {point.key} must be >= 0, got {quantity}")
    if not point.tiers:
        return quantity * point.usd
    total = Decimal(0)
    for tier in point.tiers:
        if quantity <= tier.begin_units:
            break
        top = quantity if tier.end_units is None else min(quantity, tier.end_units)
        total += (top - tier.begin_units) * tier.usd
    last = point.tiers[-1]
    if last.end_units is not None and quantity > last.end_units:
        # Open-ended beyond the last stated tier: charge the last tier's price.
        total += (quantity - last.end_units) * last.usd
    return total


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def user_snapshot_path() -> Path:
    """Where a refreshed snapshot lives: $TIERSIZER_DATA_DIR/snapshot.json or ~/.local/share/tiersizer/."""
    base = os.environ.get("TIERSIZER_DATA_DIR")
    root = Path(base).expanduser() if base else Path.home() / ".local" / "share" / "tiersizer"
    return root / "snapshot.json"


def active_snapshot_path() -> Path:
    """The user's refreshed snapshot if it exists, else the embedded one."""
    user = user_snapshot_path()
    return user if user.is_file() else EMBEDDED_SNAPSHOT


@functools.lru_cache(maxsize=8)
def _load_cached(resolved: str, mtime_ns: int, size: int) -> Catalog:
    path = Path(resolved)
    try:
        raw = read_bounded(path, max_snapshot_bytes() + 1)  # parse_snapshot reports an oversized file
    except OSError as exc:
        raise SnapshotError(path, f"cannot read file ({exc.strerror or exc})") from None
    header, points = parse_snapshot(raw, path)
    return Catalog(header, points, path)


def load_snapshot(path: Path | None = None) -> Catalog:
    """Load (cached by resolved path + mtime) and verify a snapshot; default: the active one."""
    target = Path(path) if path is not None else active_snapshot_path()
    try:
        resolved = target.expanduser().resolve()
        st = resolved.stat()
    except OSError as exc:
        raise SnapshotError(target, f"cannot read file ({exc.strerror or exc})") from None
    if not resolved.is_file():
        raise SnapshotError(target, "not a regular file")
    return _load_cached(str(resolved), st.st_mtime_ns, st.st_size)


def clear_cache() -> None:
    """Forget cached catalogs (tests, after a refresh)."""
    _load_cached.cache_clear()


