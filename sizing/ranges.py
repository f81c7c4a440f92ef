"""Ranges: the uncertain inputs as (low, expected, high), given by the user or from the default table.

A Scenario keeps each input's expected value in its own field (every consumer reads it unchanged) and
the ranges the user gave in one extra field, `ranges` ((field, low, high), ...). Where the user gave
only a point, `DEFAULT_RANGES` applies: one table, each row with its reason (UNSOURCED where no source
backs it); docs/sizing-model.md section 12 repeats it. Input forms accepted here:

- per field: ``{low: 6, expected: 10, high: 16}`` (YAML, JSON) or ``"6:10:16"`` (CLI flag, share link);
- the ``ranges`` field: a mapping ``{field: [low, high]}`` / ``{field: {low, high}}`` / ``{field: "low:high"}``,
  a list of ``[field, low, high]``, or text ``"field=low:high; field=low:high"`` (CLI ``--ranges``, the web).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

UNCERTAIN_FIELDS: tuple[str, ...] = (
    "messages_per_user_per_hour", "api_requests_per_user_per_minute", "system_prompt_tokens", "user_message_tokens",
    "context_tokens_per_message", "output_tokens_per_message", "turns_per_conversation", "seconds_between_turns",
    "active_hours_per_day", "active_days_per_week", "active_load_pct_of_peak", "quiet_load_pct_of_peak",
    "growth_pct_per_month")
RANGES_FIELD = "ranges"
RANGE_KEYS = ("low", "expected", "high")


@dataclass(frozen=True, slots=True)
class DefaultRange:
    """low/high from the expected value: x (multiply) or + (add); then clipped to the field's allowed range."""

    kind: str          # "x" or "+"
    low: float
    high: float
    why: str


#: The default range of every uncertain input given as a point (docs/sizing-model.md section 12).
DEFAULT_RANGES: dict[str, DefaultRange] = {
    "messages_per_user_per_hour": DefaultRange("x", 0.6, 1.6, "\"Chat traffic per user\": 5-20 per concurrent "
                                               "user-hour around 10; 6-16 keeps the middle of that band"),
    "api_requests_per_user_per_minute": DefaultRange("x", 0.5, 2.0, "UNSOURCED: list chats, auth, settings"),
    "system_prompt_tokens": DefaultRange("x", 0.5, 2.0, "UNSOURCED: prompts grow with tools and instructions"),
    "user_message_tokens": DefaultRange("x", 0.5, 1.5, "\"Chat traffic per user\": 50-150 around 100"),
    "context_tokens_per_message": DefaultRange("x", 0.5, 2.0, "UNSOURCED: retrieval top-k and chunk size vary "
                                               "(0 stays 0)"),
    "output_tokens_per_message": DefaultRange("x", 0.625, 1.875, "\"Chat traffic per user\": 250-750 around 400"),
    "turns_per_conversation": DefaultRange("x", 0.5, 1.5, "\"Chat traffic per user\" [S54]: 2.01-4.79 turns in "
                                           "public chat logs around 4"),
    "seconds_between_turns": DefaultRange("x", 0.5, 3.0, "UNSOURCED: reading and typing; the high end leaves the "
                                          "5-minute cache window"),
    "active_hours_per_day": DefaultRange("x", 0.8, 1.4, "\"Load profile\" UNSOURCED: 8-14 busy hours around 10"),
    "active_days_per_week": DefaultRange("x", 1.0, 1.4, "\"Load profile\" UNSOURCED: weekend use adds days, a "
                                         "working week is the floor"),
    "active_load_pct_of_peak": DefaultRange("x", 0.75, 1.1, "\"Load profile\" UNSOURCED: busy hours 67-99 % of "
                                            "the peak hour"),
    "quiet_load_pct_of_peak": DefaultRange("x", 0.5, 1.5, "\"Load profile\" [S107]: a 3-4x daily trough, "
                                           "15-45 % around 30"),
    "growth_pct_per_month": DefaultRange("+", -5.0, 5.0, "UNSOURCED: +-5 points a month; moves the 12-month "
                                         "projection, not the month's bill"),
}


class RangeError(ValueError):
    """A bad range; the message starts with the field's name (how the Scenario's errors name fields)."""


def _number(field: str, v: Any) -> float:
    if isinstance(v, bool):
        raise RangeError(f"{field} range: {v!r} is not a number (allowed: low <= expected <= high)")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise RangeError(f"{field} range: {v!r} is not a number (allowed: low <= expected <= high)") from None
    if not math.isfinite(x):
        raise RangeError(f"{field} range: {v!r} is not a finite number (allowed: low <= expected <= high)")
    return x


def _parts(field: str, text: str, n: int) -> list[float]:
    parts = [p.strip() for p in text.split(":")]
    if len(parts) != n:
        form = "low:expected:high" if n == 3 else "low:high"
        raise RangeError(f"{field} range {text!r} must be {form} (allowed: low <= expected <= high)")
    return [_number(field, p) for p in parts]


def is_range_form(v: Any) -> bool:
    """A per-field range: a mapping with low/expected/high, or text with colons."""
    return isinstance(v, dict) or (isinstance(v, str) and ":" in v)


def split_field(field: str, v: Any) -> tuple[float, float, float]:
    """(low, expected, high) of a per-field range form."""
    if isinstance(v, dict):
        missing = [k for k in RANGE_KEYS if k not in v]
        extra = sorted(str(k) for k in v if k not in RANGE_KEYS)
        if missing or extra:
            raise RangeError(f"{field} range needs exactly low, expected and high"
                             f"{'; missing ' + ', '.join(missing) if missing else ''}"
                             f"{'; unknown ' + ', '.join(extra) if extra else ''} (allowed: low <= expected <= high)")
        lo, ex, hi = (_number(field, v[k]) for k in RANGE_KEYS)
        return lo, ex, hi
    lo, ex, hi = _parts(field, v, 3)
    return lo, ex, hi


def _pair(field: str, v: Any) -> tuple[float, float]:
    if isinstance(v, dict):
        if set(v) - {"low", "high", "expected"} or not {"low", "high"} <= set(v):
            raise RangeError(f"{field} range needs low and high (allowed: low <= expected <= high)")
        return _number(field, v["low"]), _number(field, v["high"])
    if isinstance(v, str):
        lo, hi = _parts(field, v, 2)
        return lo, hi
    if isinstance(v, (list, tuple)) and len(v) == 2:
        return _number(field, v[0]), _number(field, v[1])
    raise RangeError(f"{field} range {v!r} must be [low, high] (allowed: low <= expected <= high)")


def parse_ranges_value(v: Any) -> dict[str, tuple[float, float]]:
    """The `ranges` field in any accepted form -> {field: (low, high)}."""
    if v is None or v == "" or v == ():
        return {}
    if isinstance(v, str):
        items = [p.strip() for p in re.split(r"[;\n,]", v) if p.strip()]
        out = {}
        for item in items:
            m = re.fullmatch(r"([A-Za-z_]+)\s*(?:=|\s)\s*(\S.*)", item)
            if not m:
                raise RangeError(f"{RANGES_FIELD} entry {item!r} must be field=low:high "
                                 f"(allowed: a field of {', '.join(UNCERTAIN_FIELDS)})")
            out[m[1]] = _pair(m[1], m[2].strip())
        return out
    if isinstance(v, dict):
        return {str(k): _pair(str(k), x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        out = {}
        for item in v:
            if not isinstance(item, (list, tuple)) or len(item) != 3:
                raise RangeError(f"{RANGES_FIELD} entry {item!r} must be [field, low, high] "
                                 "(allowed: low <= expected <= high)")
            out[str(item[0])] = _pair(str(item[0]), item[1:])
        return out
    raise RangeError(f"{RANGES_FIELD} must map a field to [low, high], got {type(v).__name__} "
                     "(allowed: low <= expected <= high)")


def collect(data: dict[str, Any]) -> dict[str, Any]:
    """Raw scenario input with every per-field range replaced by its expected value and gathered in `ranges`."""
    if not isinstance(data, dict):
        return data
    given = parse_ranges_value(data.get(RANGES_FIELD))
    out = dict(data)
    for field in UNCERTAIN_FIELDS:
        if field in out and is_range_form(out[field]):
            lo, ex, hi = split_field(field, out[field])
            out[field] = int(ex) if ex == int(ex) else ex
            given[field] = (lo, hi)
    unknown = sorted(set(given) - set(UNCERTAIN_FIELDS))
    if unknown:
        raise RangeError(f"{RANGES_FIELD} given for {unknown[0]}, which cannot take a range; "
                         f"allowed: {', '.join(UNCERTAIN_FIELDS)}")
    if RANGES_FIELD in out or given:
        out[RANGES_FIELD] = tuple((f, *given[f]) for f in UNCERTAIN_FIELDS if f in given)
    return out


def field_bounds(model: type[BaseModel], field: str) -> tuple[float, float, bool]:
    """(ge, le, is an integer field) of a Scenario field, read from its constraints."""
    info = model.model_fields[field]
    ge = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), -math.inf)
    le = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), math.inf)
    return float(ge), float(le), info.annotation is int


def check(model: type[BaseModel], values: dict[str, Any], ranges: tuple[tuple[str, float, float], ...]) -> None:
    """low <= expected <= high, each within the field's allowed range, whole numbers for integer fields."""
    for field, lo, hi in ranges:
        ge, le, whole = field_bounds(model, field)
        ex = values[field]
        allowed = f"allowed: {ge:g} <= low <= expected <= high <= {le:g}"
        if whole and (lo != int(lo) or hi != int(hi)):
            raise RangeError(f"{field} range {lo:g}..{hi:g} must be whole numbers ({allowed})")
        if not ge <= lo <= le or not ge <= hi <= le:
            raise RangeError(f"{field} range {lo:g}..{hi:g} is outside the field's range ({allowed})")
        if not lo <= ex <= hi:
            raise RangeError(f"{field} range: low {lo:g}, expected {ex:g}, high {hi:g} are out of order ({allowed})")


def default_range(model: type[BaseModel], field: str, expected: float) -> tuple[float, float]:
    """(low, high) of a point input from `DEFAULT_RANGES`, clipped to the field's range; whole for int fields."""
    d = DEFAULT_RANGES[field]
    ge, le, whole = field_bounds(model, field)
    a, b = (expected * d.low, expected * d.high) if d.kind == "x" else (expected + d.low, expected + d.high)
    lo, hi = min(a, b, expected), max(a, b, expected)
    if whole:
        lo, hi = math.floor(lo), math.ceil(hi)
    else:
        lo, hi = round(lo, 6), round(hi, 6)
    return max(ge, lo), min(le, hi)


def effective_ranges(s: Any) -> dict[str, tuple[float, float, float]]:
    """(low, expected, high) of every uncertain field: the scenario's own range, else the default one."""
    given = {f: (lo, hi) for f, lo, hi in s.ranges}
    out = {}
    for field in UNCERTAIN_FIELDS:
        ex = float(getattr(s, field))
        lo, hi = given[field] if field in given else default_range(type(s), field, ex)
        out[field] = (float(lo), ex, float(hi))
    return out


def ranges_text(ranges: dict[str, Any] | tuple[tuple[str, float, float], ...]) -> str:
    """`field=low:high; ...` (repr of each number: parses back exactly)."""
    items = ranges.items() if isinstance(ranges, dict) else ((f, (lo, hi)) for f, lo, hi in ranges)
    return "; ".join(f"{f}={_num(lo)}:{_num(hi)}" for f, (lo, hi) in items)


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(float(x))


def ranges_doc(ranges: tuple[tuple[str, float, float], ...]) -> dict[str, list[float]]:
    """The scenario's own ranges as plain data ({field: [low, high]}) for YAML, JSON and links."""
    return {f: [int(lo) if lo == int(lo) else lo, int(hi) if hi == int(hi) else hi] for f, lo, hi in ranges}
