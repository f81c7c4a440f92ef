"""The price snapshot file: its data model, JSON form, checksum, parsing and atomic writing.

A snapshot is a JSON file ``{"header": {...}, "points": [...]}`` (see docs/pricing.md). The checksum
in the header is ``sha256`` over the canonical JSON of ``points`` and is verified on every parse.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pricing.files import write_atomic

SCHEMA_VERSION = 1
# Bounded input (docs/pricing.md § Limits): the file size (env TIERSIZER_MAX_SNAPSHOT_MB), the JSON
# nesting depth (a snapshot nests 4 deep), the length of a decimal string and the range of a number.
MAX_SNAPSHOT_MB_DEFAULT = 64
MAX_JSON_DEPTH = 32
MAX_DECIMAL_CHARS = 40
MAX_USD = Decimal(10) ** 9
MAX_UNITS = Decimal(10) ** 18
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")


# ---------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------
class SnapshotError(ValueError):
    """A snapshot file is unreadable, malformed or fails its checksum."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"price snapshot {path}: {problem}")


@dataclass(frozen=True, slots=True)
class PriceTier:
    """One usage tier: ``usd`` applies to units in [begin_units, end_units)."""

    begin_units: Decimal
    end_units: Decimal | None
    usd: Decimal


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A price for one canonical key in one region (or "global")."""

    key: str
    region: str
    unit: str
    usd: Decimal
    as_of: str
    source: str
    confidence: str
    note: str
    approximation: str | None
    service_code: str | None
    usage_type: str | None
    sku: str | None
    tiers: tuple[PriceTier, ...]


@dataclass(frozen=True)
class SnapshotHeader:
    """Snapshot metadata; ``checksum`` is ``sha256:<hex>`` over the canonical points JSON."""

    schema_version: int
    as_of: str
    built_at: str
    sources: tuple[str, ...]
    regions: tuple[str, ...]
    key_count: int
    point_count: int
    checksum: str


# ---------------------------------------------------------------------------
# JSON (de)serialisation
# ---------------------------------------------------------------------------
_POINT_FIELDS = ("key", "region", "unit", "usd", "as_of", "source", "confidence", "note",
                 "approximation", "service_code", "usage_type", "sku", "tiers")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dec_str(value: Decimal) -> str:
    """Decimal as a plain (non-exponent) string."""
    text = format(value, "f")
    return text


def point_to_json(p: PricePoint) -> dict[str, Any]:
    """PricePoint -> JSON-ready dict (money as decimal strings)."""
    return {
        "key": p.key,
        "region": p.region,
        "unit": p.unit,
        "usd": _dec_str(p.usd),
        "as_of": p.as_of,
        "source": p.source,
        "confidence": p.confidence,
        "note": p.note,
        "approximation": p.approximation,
        "service_code": p.service_code,
        "usage_type": p.usage_type,
        "sku": p.sku,
        "tiers": [
            {
                "begin_units": _dec_str(t.begin_units),
                "end_units": None if t.end_units is None else _dec_str(t.end_units),
                "usd": _dec_str(t.usd),
            }
            for t in p.tiers
        ],
    }


def max_snapshot_bytes() -> int:
    """The largest snapshot file read: TIERSIZER_MAX_SNAPSHOT_MB (default 64) megabytes."""
    raw = os.environ.get("TIERSIZER_MAX_SNAPSHOT_MB", "")
    try:
        mb = float(raw) if raw.strip() else MAX_SNAPSHOT_MB_DEFAULT
    except ValueError:
        mb = MAX_SNAPSHOT_MB_DEFAULT
    return int(max(mb, 0.001) * 1024 * 1024)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")
_INNER_PAIR = re.compile(rb"\[\]|\{\}")


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when JSON text nests arrays/objects deeper than ``limit`` (checked before parsing).

    Strings are dropped, then innermost bracket pairs are removed at most ``limit`` times (each a
    C-speed regex pass); the rounds needed plus the unclosed brackets left bound the depth.
    """
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", raw))
    rounds = 0
    while rounds <= limit:
        brackets, n = _INNER_PAIR.subn(b"", brackets)
        if not n:
            break
        rounds += 1
    return rounds + brackets.count(b"[") + brackets.count(b"{") > limit  # unclosed ones nest too


def _decimal(value: Any, field: str, limit: Decimal = MAX_UNITS) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f"field '{field}' must be a decimal string, got {type(value).__name__}")
    if len(value) > MAX_DECIMAL_CHARS:
        raise ValueError(f"field '{field}' is longer than {MAX_DECIMAL_CHARS} characters")
    try:
        dec = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"field '{field}' is not a decimal number: {value!r}") from exc
    if not dec.is_finite() or dec < 0:
        raise ValueError(f"field '{field}' must be a finite number >= 0, got {value!r}")
    if dec > limit:
        raise ValueError(f"field '{field}' is out of range (at most {limit:.0e}), got {value!r}")
    return dec


def _check_date(value: Any, field: str) -> str:
    """A real calendar date YYYY-MM-DD (not 2026-02-30); ValueError naming ``field``."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"{field} must be YYYY-MM-DD, got {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} is not a real date: {value!r}") from None
    return value


def _opt_str(d: dict[str, Any], field: str) -> str | None:
    value = d.get(field)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"field '{field}' must be a string or null")
    return value


def point_from_json(d: dict[str, Any]) -> PricePoint:
    """JSON dict -> PricePoint; raises ValueError naming the bad field."""
    if not isinstance(d, dict):
        raise ValueError("price point must be an object")
    missing = [f for f in _POINT_FIELDS if f not in d]
    if missing:
        raise ValueError(f"price point {d.get('key', '?')}/{d.get('region', '?')} lacks fields: "
                         f"{', '.join(missing)}")
    for field in ("key", "region", "unit", "as_of", "source", "confidence", "note"):
        if not isinstance(d[field], str):
            raise ValueError(f"field '{field}' must be a string")
    if d["confidence"] not in CONFIDENCE_LEVELS:
        raise ValueError(f"field 'confidence' must be one of {', '.join(CONFIDENCE_LEVELS)}, "
                         f"got {d['confidence']!r}")
    if not isinstance(d["tiers"], list):
        raise ValueError("field 'tiers' must be a list")
    tiers = []
    for i, t in enumerate(d["tiers"]):
        if not isinstance(t, dict):
            raise ValueError(f"tiers[{i}] must be an object")
        end = t.get("end_units")
        tiers.append(PriceTier(
            begin_units=_decimal(t.get("begin_units"), f"tiers[{i}].begin_units"),
            end_units=None if end is None else _decimal(end, f"tiers[{i}].end_units"),
            usd=_decimal(t.get("usd"), f"tiers[{i}].usd", MAX_USD),
        ))
    _check_date(d["as_of"], "field 'as_of'")
    return PricePoint(
        key=d["key"], region=d["region"], unit=d["unit"], usd=_decimal(d["usd"], "usd", MAX_USD),
        as_of=d["as_of"], source=d["source"], confidence=d["confidence"], note=d["note"],
        approximation=_opt_str(d, "approximation"), service_code=_opt_str(d, "service_code"),
        usage_type=_opt_str(d, "usage_type"), sku=_opt_str(d, "sku"), tiers=tuple(tiers),
    )


def points_checksum(points_json: list[dict[str, Any]]) -> str:
    """``sha256:<hex>`` over the canonical JSON of the points list."""
    blob = json.dumps(points_json, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _header_from_json(d: Any) -> SnapshotHeader:
    if not isinstance(d, dict):
        raise ValueError("'header' must be an object")
    required = ("schema_version", "as_of", "built_at", "sources", "regions",
                "key_count", "point_count", "checksum")
    missing = [f for f in required if f not in d]
    if missing:
        raise ValueError(f"header lacks fields: {', '.join(missing)}")
    if d["schema_version"] != SCHEMA_VERSION:
        raise ValueError(f"unsupported schema_version {d['schema_version']!r} "
                         f"(this version reads {SCHEMA_VERSION})")
    _check_date(d["as_of"], "header.as_of")
    for field in ("schema_version", "key_count", "point_count"):
        if type(d[field]) is not int:
            raise ValueError(f"header.{field} must be an integer, got {d[field]!r}")
    return SnapshotHeader(
        schema_version=int(d["schema_version"]), as_of=d["as_of"], built_at=str(d["built_at"]),
        sources=tuple(d["sources"]), regions=tuple(d["regions"]),
        key_count=int(d["key_count"]), point_count=int(d["point_count"]),
        checksum=str(d["checksum"]),
    )


def _header_to_json(h: SnapshotHeader) -> dict[str, Any]:
    return {
        "schema_version": h.schema_version, "as_of": h.as_of, "built_at": h.built_at,
        "sources": list(h.sources), "regions": list(h.regions), "key_count": h.key_count,
        "point_count": h.point_count, "checksum": h.checksum,
    }



def _bounded_json(raw: bytes | str, path: Path) -> Any:
    """JSON of at most max_snapshot_bytes(), nested at most MAX_JSON_DEPTH deep; else SnapshotError."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    limit = max_snapshot_bytes()
    if len(data) > limit:
        raise SnapshotError(path, f"larger than {limit / (1024 * 1024):g} MB "
                                  "(raise TIERSIZER_MAX_SNAPSHOT_MB to read it)")
    if json_too_deep(data):
        raise SnapshotError(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels (not a price snapshot)")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        raise SnapshotError(path, f"not valid JSON ({exc})") from None


def parse_snapshot(raw: bytes | str, path: Path) -> tuple[SnapshotHeader, list[PricePoint]]:
    """Parse and verify snapshot content; errors are SnapshotError naming ``path``."""
    doc = _bounded_json(raw, path)
    if not isinstance(doc, dict) or "header" not in doc or "points" not in doc:
        raise SnapshotError(path, "expected an object with 'header' and 'points'")
    if not isinstance(doc["points"], list):
        raise SnapshotError(path, "'points' must be a list")
    try:
        header = _header_from_json(doc["header"])
    except (ValueError, TypeError) as exc:
        raise SnapshotError(path, f"bad header: {exc}") from None
    actual = points_checksum(doc["points"])
    if actual != header.checksum:
        raise SnapshotError(path, f"checksum mismatch (header {header.checksum}, content {actual}); "
                                  "the file was modified or corrupted")
    points: list[PricePoint] = []
    for i, d in enumerate(doc["points"]):
        try:
            points.append(point_from_json(d))
        except ValueError as exc:
            raise SnapshotError(path, f"points[{i}]: {exc}") from None
    if len(points) != header.point_count:
        raise SnapshotError(path, f"header.point_count {header.point_count} != {len(points)} points")
    keys = {p.key for p in points}
    if len(keys) != header.key_count:
        raise SnapshotError(path, f"header.key_count {header.key_count} != {len(keys)} distinct keys")
    if len({(p.key, p.region) for p in points}) != len(points):
        raise SnapshotError(path, "duplicate (key, region) points")
    return header, points


def build_document(points: Iterable[PricePoint], *, as_of: str, sources: Sequence[str],
                   built_at: str | None = None) -> tuple[SnapshotHeader, dict[str, Any]]:
    """Header + JSON document for ``points`` (sorted by key, region; checksum computed)."""
    if not _DATE_RE.match(as_of):
        raise ValueError(f"as_of must be YYYY-MM-DD, got {as_of!r}")
    ordered = sorted(points, key=lambda p: (p.key, p.region))
    seen: set[tuple[str, str]] = set()
    for p in ordered:
        if (p.key, p.region) in seen:
            raise ValueError(f"duplicate price point {p.key} / {p.region}")
        seen.add((p.key, p.region))
    points_json = [point_to_json(p) for p in ordered]
    header = SnapshotHeader(
        schema_version=SCHEMA_VERSION,
        as_of=as_of,
        built_at=built_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        sources=tuple(sources),
        regions=tuple(sorted({p.region for p in ordered})),
        key_count=len({p.key for p in ordered}),
        point_count=len(ordered),
        checksum=points_checksum(points_json),
    )
    return header, {"header": _header_to_json(header), "points": points_json}


def write_snapshot(points: Iterable[PricePoint], path: Path, *, as_of: str, sources: Sequence[str],
                   built_at: str | None = None) -> SnapshotHeader:
    """Write a snapshot atomically (temp + rename) and return its header."""
    header, doc = build_document(points, as_of=as_of, sources=sources, built_at=built_at)
    write_atomic(Path(path), json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return header


