"""Value helpers of the Scenario's validators: routing-mix entries, booleans refused as numbers."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, get_args


def mix_entries(v: Any) -> Any:
    """`a:80,b:20`, ["a:80", ...] or [{model, share_pct}, ...] -> [{model, share_pct}, ...]."""
    if isinstance(v, str):
        v = [p for p in v.split(",") if p.strip()] or None
    if isinstance(v, (list, tuple)):
        out = []
        for entry in v:
            if isinstance(entry, str):
                model, sep, share = entry.strip().rpartition(":")
                if not sep:
                    raise ValueError(f"{entry.strip()!r} needs model:share_pct (allowed: Bedrock model ids, "
                                     "shares adding up to 100)")
                entry = {"model": model.strip(), "share_pct": share.strip()}
            out.append(entry)
        return out
    return v


def not_bool(v: Any) -> Any:
    """Booleans are never numbers (YAML `true` would otherwise become 1)."""
    if isinstance(v, bool):
        raise ValueError(f"{str(v).lower()} is not a number")
    if isinstance(v, (list, tuple)):
        for x in v:
            not_bool(x)
    return v


@lru_cache(maxsize=256)
def is_numeric(annotation: Any) -> bool:
    """int/float fields (optional or inside a tuple too); bool fields are not numeric. Cached: every validation
    asks it for every field, and a field's annotation never changes."""
    if annotation is bool:
        return False
    if annotation in (int, float):
        return True
    return any(is_numeric(a) for a in get_args(annotation) if a is not Ellipsis)
