"""Price catalog: the embedded price snapshot, its loader and price lookups.

A snapshot is a JSON file ``{"header": {...}, "points": [...]}`` (see docs/pricing.md).
The checksum in the header is ``sha256`` over the canonical JSON of ``points`` and is
verified on every load. Loading is cached per (resolved path, mtime), so each process
parses a snapshot once and lookups are plain dict hits.
"""

from __future__ import annotations

import functools
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
from sizing.assumptions import ELASTICACHE_LARGE_NODE, ELASTICACHE_SMALL_NODE
from sizing.instances import INSTANCE_SHAPES
from sizing.llm import BEDROCK_MODELS as SIZING_BEDROCK_MODELS
from sizing.scenario import REGIONS as SIZING_REGIONS

SCHEMA_VERSION = 1
EMBEDDED_SNAPSHOT: Path = Path(__file__).resolve().parent / "data" / "snapshot.json"
GLOBAL_REGION = "global"
STALE_AFTER_DAYS = 90
CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")

# ---------------------------------------------------------------------------
# Canonical keys (pricing-catalog.md). The embedded snapshot holds every key for
# every region below; refresh and tests use the same lists.
# ---------------------------------------------------------------------------
# Regions, instance types and models are sizing facts: defined once in sizing/, priced here.
REGIONS: tuple[str, ...] = SIZING_REGIONS
EC2_INSTANCE_TYPES: tuple[str, ...] = tuple(INSTANCE_SHAPES)
BEDROCK_MODELS: tuple[str, ...] = tuple(SIZING_BEDROCK_MODELS)

ELASTICACHE_NODE_TYPES: tuple[str, ...] = (ELASTICACHE_SMALL_NODE, ELASTICACHE_LARGE_NODE)

#: Non-EC2, non-Bedrock, non-ElastiCache keys and their units.
SERVICE_KEY_UNITS: dict[str, str] = {
    "ec2:t-unlimited-vcpu-hour": "USD per vCPU-hour",
    "ebs:gp3-gb-month": "USD per GB-month",
    "eks:cluster-hour": "USD per cluster-hour",
    "eks:cluster-hour-extended": "USD per cluster-hour",
    "vpc:nat-gateway-hour": "USD per NAT gateway-hour",
    "vpc:nat-gateway-gb": "USD per GB processed",
    "vpc:public-ipv4-hour": "USD per address-hour",
    "vpc:interface-endpoint-hour": "USD per endpoint-AZ-hour",
    "vpc:interface-endpoint-gb": "USD per GB processed",
    "elb:alb-hour": "USD per ALB-hour",
    "elb:alb-lcu-hour": "USD per LCU-hour",
    "dynamodb:write-request-million": "USD per million write request units",
    "dynamodb:read-request-million": "USD per million read request units",
    "dynamodb:wcu-hour": "USD per WCU-hour",
    "dynamodb:rcu-hour": "USD per RCU-hour",
    "dynamodb:storage-gb-month": "USD per GB-month",
    "dynamodb:pitr-gb-month": "USD per GB-month",
    "dynamodb:backup-gb-month": "USD per GB-month",
    "dynamodb:streams-read-100k": "USD per 100,000 stream read requests",
    "cloudfront:data-out-gb": "USD per GB",
    "cloudfront:https-requests-10k": "USD per 10,000 HTTPS requests",
    "s3:standard-gb-month": "USD per GB-month",
    "s3:put-requests-1k": "USD per 1,000 requests",
    "s3:get-requests-1k": "USD per 1,000 requests",
    "cloudwatch:logs-ingest-gb": "USD per GB ingested",
    "cloudwatch:logs-storage-gb-month": "USD per GB-month",
    "cloudwatch:metric-month": "USD per metric-month",
    "cloudwatch:alarm-month": "USD per alarm metric-month",
    "cloudwatch:dashboard-month": "USD per dashboard-month",
    "secretsmanager:secret-month": "USD per secret-month",
    "secretsmanager:api-requests-10k": "USD per 10,000 API calls",
    "kms:key-month": "USD per key-month",
    "kms:requests-10k": "USD per 10,000 requests",
    "waf:web-acl-month": "USD per web ACL-month",
    "waf:rule-month": "USD per rule-month",
    "waf:requests-million": "USD per million requests",
    "xray:traces-million": "USD per million traces recorded",
    "route53:hosted-zone-month": "USD per hosted zone-month",
    "route53:queries-million": "USD per million queries",
    "datatransfer:internet-out-gb": "USD per GB",
    "datatransfer:inter-az-gb": "USD per GB per direction",
    "backup:dynamodb-gb-month": "USD per GB-month",
    "cloudtrail:data-events-100k": "USD per 100,000 events",
    "guardduty:cloudtrail-events-million": "USD per million events",
    "guardduty:flow-logs-gb": "USD per GB analysed",
    "config:configuration-item": "USD per configuration item recorded",
    "config:rule-evaluation": "USD per rule evaluation",
    "securityhub:check": "USD per security check",
    "macie:bucket-month": "USD per bucket-month",
}

#: Keys priced once for the whole account, stored under region "global".
GLOBAL_KEYS: frozenset[str] = frozenset({"route53:hosted-zone-month", "route53:queries-million"})


def canonical_key_units() -> dict[str, str]:
    """Every canonical key mapped to its unit."""
    units: dict[str, str] = {f"ec2:{t}": "USD per instance-hour" for t in EC2_INSTANCE_TYPES}
    units.update(SERVICE_KEY_UNITS)
    units.update({f"elasticache:{n}": "USD per node-hour" for n in ELASTICACHE_NODE_TYPES})
    for model in BEDROCK_MODELS:
        units[f"bedrock:{model}:input-1k"] = "USD per 1,000 input tokens"
        units[f"bedrock:{model}:output-1k"] = "USD per 1,000 output tokens"
    return units


def canonical_pairs(regions: Sequence[str] = REGIONS) -> list[tuple[str, str]]:
    """All (key, region) pairs a complete snapshot must hold, sorted."""
    pairs: set[tuple[str, str]] = set()
    for key in canonical_key_units():
        if key in GLOBAL_KEYS:
            pairs.add((key, GLOBAL_REGION))
        else:
            pairs.update((key, r) for r in regions)
    return sorted(pairs)


# ---------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------
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


def _decimal(value: Any, field: str) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f"field '{field}' must be a decimal string, got {type(value).__name__}")
    try:
        dec = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"field '{field}' is not a decimal number: {value!r}") from exc
    if not dec.is_finite() or dec < 0:
        raise ValueError(f"field '{field}' must be a finite number >= 0, got {value!r}")
    return dec


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
            usd=_decimal(t.get("usd"), f"tiers[{i}].usd"),
        ))
    return PricePoint(
        key=d["key"], region=d["region"], unit=d["unit"], usd=_decimal(d["usd"], "usd"),
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
    if not isinstance(d["as_of"], str) or not _DATE_RE.match(d["as_of"]):
        raise ValueError(f"header.as_of must be YYYY-MM-DD, got {d['as_of']!r}")
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


def parse_snapshot(raw: bytes | str, path: Path) -> Catalog:
    """Parse and verify snapshot content; errors are SnapshotError naming ``path``."""
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(path, f"not valid JSON ({exc})") from None
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
    return Catalog(header, points, path)


@functools.lru_cache(maxsize=8)
def _load_cached(resolved: str, mtime_ns: int, size: int) -> Catalog:
    path = Path(resolved)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(path, f"cannot read file ({exc.strerror or exc})") from None
    return parse_snapshot(raw, path)


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


#: AWS Price List ServiceCode for each key family (the part before the first ':').
SERVICE_CODES: dict[str, str] = {
    "ec2": "AmazonEC2", "ebs": "AmazonEC2", "eks": "AmazonEKS", "vpc": "AmazonVPC",
    "elb": "AWSELB", "dynamodb": "AmazonDynamoDB", "cloudfront": "AmazonCloudFront",
    "s3": "AmazonS3", "cloudwatch": "AmazonCloudWatch", "secretsmanager": "AWSSecretsManager",
    "kms": "awskms", "waf": "awswaf", "xray": "AWSXRay", "route53": "AmazonRoute53",
    "elasticache": "AmazonElastiCache", "datatransfer": "AWSDataTransfer", "backup": "AWSBackup",
    "cloudtrail": "AWSCloudTrail", "guardduty": "AmazonGuardDuty", "config": "AWSConfig",
    "securityhub": "AWSSecurityHub", "macie": "AmazonMacie", "bedrock": "AmazonBedrock",
}


def service_code_for(key: str) -> str | None:
    """The AWS ServiceCode that prices ``key`` (NAT gateways are billed under AmazonEC2)."""
    if key.startswith("vpc:nat-gateway"):
        return "AmazonEC2"
    return SERVICE_CODES.get(key.split(":", 1)[0])
