"""Whole-number rounding of float quantities that ignores float noise (1e-9)."""
from __future__ import annotations

import math

_NOISE = 1e-9


def ceil_whole(x: float) -> int:
    """Ceiling that ignores float noise, so 3.0000000001 pods stays 3."""
    return math.ceil(x - _NOISE)


def floor_whole(x: float) -> int:
    """Floor that ignores float noise, so 2.9999999999 nodes counts as 3."""
    return math.floor(x + _NOISE)
