"""Differences between two price snapshots: points added, removed, and prices moved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricing.catalog import Catalog
from pricing.snapshot import PricePoint

Pair = tuple[str, str]


@dataclass(frozen=True)
class PriceMove:
    """A (key, region) whose price changed by more than the threshold."""

    key: str
    region: str
    old_usd: Decimal
    new_usd: Decimal
    pct: Decimal | None  # None when the old price was 0

    def describe(self) -> str:
        """'ec2:t3.medium @ us-east-1: 0.0416 -> 0.05 (+20.19%)'."""
        pct = "new non-zero price" if self.pct is None else f"{self.pct:+.2f}%"
        return f"{self.key} @ {self.region}: {self.old_usd} -> {self.new_usd} ({pct})"


@dataclass(frozen=True)
class PriceDiff:
    """Pairs only in the new snapshot, pairs only in the old one, and moved prices."""

    added: tuple[Pair, ...]
    removed: tuple[Pair, ...]
    moved: tuple[PriceMove, ...]
    threshold_pct: Decimal

    @property
    def is_empty(self) -> bool:
        """True when nothing was added, removed or moved."""
        return not (self.added or self.removed or self.moved)

    def summary(self) -> str:
        """One line: counts per category."""
        return (f"{len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.moved)} moved by more than {self.threshold_pct}%")

    def to_text(self, limit: int | None = None) -> str:
        """Human-readable listing (at most ``limit`` lines per section)."""
        lines = [self.summary()]
        for title, rows in (("added", [f"{k} @ {r}" for k, r in self.added]),
                            ("removed", [f"{k} @ {r}" for k, r in self.removed]),
                            ("moved", [m.describe() for m in self.moved])):
            if not rows:
                continue
            lines.append(f"{title}:")
            shown = rows if limit is None else rows[:limit]
            lines.extend(f"  {row}" for row in shown)
            if len(shown) < len(rows):
                lines.append(f"  ... and {len(rows) - len(shown)} more")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (decimals as strings)."""
        return {
            "threshold_pct": str(self.threshold_pct),
            "added": [{"key": k, "region": r} for k, r in self.added],
            "removed": [{"key": k, "region": r} for k, r in self.removed],
            "moved": [{"key": m.key, "region": m.region, "old_usd": str(m.old_usd), "new_usd": str(m.new_usd),
                       "pct": None if m.pct is None else str(m.pct)} for m in self.moved],
        }


def _index(points: list[PricePoint]) -> dict[Pair, PricePoint]:
    return {(p.key, p.region): p for p in points}


def diff_points(old: list[PricePoint], new: list[PricePoint],
                threshold_pct: Decimal | float | int = 1) -> PriceDiff:
    """Compare two point lists; a price moved when |new - old| / old > threshold_pct %."""
    threshold = Decimal(str(threshold_pct)).normalize()
    threshold = threshold.quantize(Decimal(1)) if threshold == threshold.to_integral_value() else threshold
    if threshold < 0:
        raise ValueError(f"threshold_pct must be >= 0, got {threshold_pct}")
    a, b = _index(old), _index(new)
    moved: list[PriceMove] = []
    for pair in sorted(a.keys() & b.keys()):
        o, n = a[pair].usd, b[pair].usd
        if o == n:
            continue
        if o == 0:
            moved.append(PriceMove(pair[0], pair[1], o, n, None))
            continue
        pct = (n - o) / o * 100
        if abs(pct) > threshold:
            moved.append(PriceMove(pair[0], pair[1], o, n, pct.quantize(Decimal("0.01"))))
    return PriceDiff(added=tuple(sorted(b.keys() - a.keys())), removed=tuple(sorted(a.keys() - b.keys())),
                     moved=tuple(moved), threshold_pct=threshold)


def diff_catalogs(old: Catalog, new: Catalog, threshold_pct: Decimal | float | int = 1) -> PriceDiff:
    """Differences between two loaded snapshots (see diff_points)."""
    return diff_points(old.points(), new.points(), threshold_pct)
