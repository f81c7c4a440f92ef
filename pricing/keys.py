"""Canonical price keys and the (key, region) pairs a complete snapshot holds, from pricing/services/."""
from __future__ import annotations

from collections.abc import Sequence

from pricing.services import global_keys, key_units
from sizing.scenario import REGIONS as SIZING_REGIONS

GLOBAL_REGION = "global"
#: Regions are a sizing fact (the scenario accepts them); each one is priced in the snapshot.
REGIONS: tuple[str, ...] = SIZING_REGIONS
GLOBAL_KEYS: frozenset[str] = global_keys()
KEY_UNITS: dict[str, str] = key_units()


def canonical_pairs(regions: Sequence[str] = REGIONS) -> list[tuple[str, str]]:
    """All (key, region) pairs a complete snapshot must hold, sorted."""
    pairs: set[tuple[str, str]] = set()
    for key in KEY_UNITS:
        if key in GLOBAL_KEYS:
            pairs.add((key, GLOBAL_REGION))
        else:
            pairs.update((key, r) for r in regions)
    return sorted(pairs)
