"""AWS Price List products -> canonical price points (shared by the Pricing API and offer-file paths).

The refresh rule of each key lives in its service module (pricing/services/); `KEY_SPECS` binds
each refreshable key to its rule. `match_product(service_code, product)` gives the (key, region)
pairs a product prices; `point_from_offer(...)` turns the product's on-demand price dimensions into
a PricePoint (leading zero-priced free-tier dimensions are dropped: free allowances belong to the
cost engine). Keys declared `KeptPrice` are not refreshed; they keep the previous snapshot's prices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pricing.keys import GLOBAL_REGION, KEY_UNITS, REGIONS
from pricing.services import kept_prices, refresh_specs
from pricing.services.base import ONE, Refresh
from pricing.snapshot import MAX_DECIMAL_CHARS, MAX_UNITS, MAX_USD, PricePoint, PriceTier

REGION_CODE = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d$")
_PREFIX = re.compile(r"^(?:[A-Z]{2,5}\d{0,2}|[a-z]{2}(?:-gov)?-[a-z]+-\d)$")

#: CloudFront bills by edge geography; a deployment's users are assumed near its region.
EDGE_GEOGRAPHY = {"us": "US", "ca": "US", "eu": "EU", "ap": "AP"}


class PriceParseError(ValueError):
    """A price-list entry lacks a field or has an unexpected value; names the key and field."""

    def __init__(self, message: str, key: str | None = None, *, soft: bool = False) -> None:
        super().__init__(message)
        self.key = key
        self.soft = soft  # True: the product is just not on-demand priced (another SKU may be)


@dataclass(frozen=True)
class KeySpec:
    """A key's refresh rule (pricing/services/) bound to the key and its family (the key's service)."""

    key: str
    rule: Refresh

    @property
    def family(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def service_code(self) -> str:
        return self.rule.service_code

    @property
    def usagetypes(self) -> tuple[str, ...]:
        return self.rule.usagetypes

    @property
    def units(self) -> Mapping[str, Decimal]:
        return self.rule.units

    @property
    def attrs(self) -> Mapping[str, str]:
        return self.rule.attrs

    @property
    def filters(self) -> Mapping[str, str]:
        return self.rule.filters

    @property
    def scope(self) -> str:
        return self.rule.scope

    @property
    def tiered(self) -> bool:
        return self.rule.tiered

    @property
    def extra(self) -> Callable[[Mapping[str, str]], bool] | None:
        return self.rule.extra


KEY_SPECS: dict[str, KeySpec] = {k: KeySpec(k, r) for k, r in refresh_specs().items()}
FAMILIES: tuple[str, ...] = tuple(sorted({s.family for s in KEY_SPECS.values()}))
NOT_REFRESHABLE: tuple[str, ...] = tuple(sorted(kept_prices()))

_BY_USAGETYPE: dict[tuple[str, str], list[KeySpec]] = {}
_CUSTOM: dict[str, list[KeySpec]] = {}
for _spec in KEY_SPECS.values():
    if _spec.extra is not None:
        _CUSTOM.setdefault(_spec.service_code, []).append(_spec)
    for _ut in _spec.usagetypes:
        _BY_USAGETYPE.setdefault((_spec.service_code, _ut), []).append(_spec)


def split_usagetype(usagetype: str) -> tuple[str, str]:
    """('USE1', 'BoxUsage:t3.medium') for 'USE1-BoxUsage:t3.medium'; ('', name) when unprefixed."""
    head, sep, tail = usagetype.partition("-")
    if sep and _PREFIX.match(head) and tail:
        return head, tail
    # region-code prefixes contain dashes: 'us-east-1-KMS-Keys'
    m = re.match(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)-(.+)$", usagetype)
    if m:
        return m.group(1), m.group(2)
    return "", usagetype


def edge_geography(region: str) -> str:
    """CloudFront usage-type prefix for the users of a region (US, EU or AP)."""
    return EDGE_GEOGRAPHY.get(region.split("-", 1)[0], "US")


def product_region(attrs: Mapping[str, str]) -> str:
    """The AWS region code a regional product is priced in ('' when it has none)."""
    region = attrs.get("regionCode") or attrs.get("fromRegionCode") or ""
    return region if REGION_CODE.match(region) else ""


def _attrs_match(spec: KeySpec, attrs: Mapping[str, str]) -> bool:
    for name, want in spec.attrs.items():
        got = attrs.get(name) if name != "productFamily" else attrs.get("productFamily")
        if got is None or got.strip().lower() != want.lower():
            return False
    return spec.extra(attrs) if spec.extra is not None else True


def match_product(service_code: str, product: Mapping[str, Any],
                  regions: Iterable[str] | None) -> list[tuple[str, str]]:
    """The (key, region) pairs that a price-list product prices, limited to ``regions``.

    ``product`` is the price list's product object (``sku``, ``productFamily``, ``attributes``).
    ``regions=None`` accepts any region (edge-priced keys then map to the catalog's REGIONS).
    """
    raw_attrs = product.get("attributes") or {}
    if not isinstance(raw_attrs, Mapping):
        raise PriceParseError(f"{service_code}: product {product.get('sku', '?')} has 'attributes' "
                              f"of type {type(raw_attrs).__name__}; expected an object")
    # Attribute values are strings in the price list; anything else is compared as text.
    attrs: dict[str, str] = {str(k): str(v) for k, v in raw_attrs.items() if v is not None}
    if "productFamily" in product and "productFamily" not in attrs:
        attrs["productFamily"] = str(product["productFamily"])
    usagetype = attrs.get("usagetype", "")
    prefix, name = split_usagetype(usagetype)
    candidates = list(_BY_USAGETYPE.get((service_code, usagetype), ()))
    if name != usagetype:
        candidates += _BY_USAGETYPE.get((service_code, name), ())
    candidates += _CUSTOM.get(service_code, ())
    wanted = list(REGIONS) if regions is None else list(regions)
    out: list[tuple[str, str]] = []
    for spec in candidates:
        if not _attrs_match(spec, attrs):
            continue
        if spec.scope == "global":
            out.append((spec.key, GLOBAL_REGION))
        elif spec.scope == "edge":
            out.extend((spec.key, r) for r in wanted if edge_geography(r) == prefix)
        else:
            region = product_region(attrs)
            if region and (regions is None or region in wanted):
                out.append((spec.key, region))
    return sorted(set(out))


# ---------------------------------------------------------------------------
# Price dimensions -> PricePoint
# ---------------------------------------------------------------------------
def _need(obj: Mapping[str, Any], name: str, key: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or name not in obj or obj[name] in (None, ""):
        raise PriceParseError(f"{key}: price-list entry {where} has no '{name}'", key)
    return obj[name]


def _dec(text: Any, key: str, where: str, limit: Decimal = MAX_UNITS) -> Decimal:
    """A finite number 0..limit of at most MAX_DECIMAL_CHARS characters (checked before any arithmetic)."""
    if len(str(text)) > MAX_DECIMAL_CHARS:
        raise PriceParseError(f"{key}: {where} is longer than {MAX_DECIMAL_CHARS} characters", key)
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise PriceParseError(f"{key}: {where} is not a number: {text!r}", key) from None
    if not value.is_finite() or value < 0:
        raise PriceParseError(f"{key}: {where} must be a finite number >= 0, got {text!r}", key)
    if value > limit or (value and value.adjusted() < -30) or len(format(value, "f")) > MAX_DECIMAL_CHARS:
        raise PriceParseError(f"{key}: {where} is out of range (0 or 1e-30..{limit:.0e} in at most "
                              f"{MAX_DECIMAL_CHARS} digits), got {text!r}", key)
    return value


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros (0.0416000000 -> 0.0416) without exponent notation."""
    n = d.normalize()
    return n if n.as_tuple().exponent <= 0 else n.quantize(ONE)


Dimension = tuple[Decimal, Decimal | None, Decimal, str]   # begin, end, USD per catalog unit, description


def _dimensions(spec: KeySpec, key: str, sku: str, on_demand: Mapping[str, Any]) -> tuple[list[Dimension], str]:
    """Every price dimension of the on-demand terms in catalog units, sorted by range; and the unit seen."""
    dims: list[Dimension] = []
    unit_seen = ""
    for term_code, term in sorted(on_demand.items()):
        price_dims = _need(term, "priceDimensions", key, f"SKU {sku} term {term_code}")
        if not isinstance(price_dims, Mapping) or not price_dims:
            raise PriceParseError(f"{key}: SKU {sku} term {term_code} has no 'priceDimensions'", key)
        for rate_code, dim in sorted(price_dims.items()):
            where = f"SKU {sku} rate {rate_code}"
            unit = str(_need(dim, "unit", key, where))
            factor = spec.units.get(unit.strip().lower())
            if factor is None:
                raise PriceParseError(f"{key}: {where} has unit {unit!r}; expected one of "
                                      f"{', '.join(sorted(spec.units))}", key)
            price = _need(dim, "pricePerUnit", key, where)
            usd = _dec(_need(price, "USD", key, f"{where} pricePerUnit"), key, f"{where} pricePerUnit.USD")
            begin = _dec(dim.get("beginRange", "0") or "0", key, f"{where} beginRange")
            end_raw = dim.get("endRange", "Inf")
            end = None if end_raw in (None, "", "Inf", "inf") else _dec(end_raw, key, f"{where} endRange")
            per_unit = _dec(_plain(usd * factor), key, f"{where} pricePerUnit.USD per catalog unit", MAX_USD)
            dims.append((begin, end, per_unit, str(dim.get("description", ""))))
            unit_seen = unit
    dims.sort(key=lambda d: d[0])
    return dims, unit_seen


def _tiers(spec: KeySpec, key: str, sku: str, paid: list[Dimension], unit_seen: str) -> tuple[PriceTier, ...]:
    """Graduated tiers from the paid dimensions, rebased to start at 0 and open-ended at the top."""
    if spec.units[unit_seen.strip().lower()] != ONE:
        raise PriceParseError(f"{key}: tiered prices need a unit factor of 1", key)
    rebased = [(Decimal(0), *paid[0][1:3])] + [(b, e, u) for b, e, u, _ in paid[1:]]
    tiers = tuple(PriceTier(_plain(b), None if e is None else _plain(e), u) for b, e, u in rebased)
    for a, b in zip(tiers, tiers[1:]):
        if a.end_units != b.begin_units:
            raise PriceParseError(f"{key}: SKU {sku} tiers are not contiguous at {a.end_units}", key)
    if tiers[-1].end_units is not None:
        tiers = (*tiers[:-1], PriceTier(tiers[-1].begin_units, None, tiers[-1].usd))
    return tiers


def point_from_offer(key: str, region: str, sku: str, on_demand: Mapping[str, Any], *, source: str,
                     as_of: str, usagetype: str | None) -> PricePoint:
    """PricePoint from a product's ``terms.OnDemand`` (offerTermCode -> term) mapping."""
    spec = KEY_SPECS[key]
    if not isinstance(on_demand, Mapping) or not on_demand:
        raise PriceParseError(f"{key}: SKU {sku} has no on-demand term (terms.OnDemand)", key, soft=True)
    dims, unit_seen = _dimensions(spec, key, sku, on_demand)
    free = [d for d in dims if d[2] == 0]
    paid = [d for d in dims if d[2] != 0]
    if not paid:
        raise PriceParseError(f"{key}: SKU {sku} has only zero-priced dimensions", key)
    notes = [paid[0][3]] if paid[0][3] else []
    if free:
        notes.append(f"price-list free tier dropped ({len(free)} zero-priced dimension(s); "
                     "free allowances are applied by the cost engine)")
    tiers: tuple[PriceTier, ...] = ()
    if spec.tiered and len(paid) > 1:
        tiers = _tiers(spec, key, sku, paid, unit_seen)
    elif len(paid) > 1:
        notes.append(f"{len(paid)} paid tiers in the price list; the first is used")
    return PricePoint(
        key=key, region=region, unit=KEY_UNITS[key], usd=paid[0][2], as_of=as_of,
        source=source, confidence="high", note="; ".join(notes), approximation=None,
        service_code=spec.service_code, usage_type=usagetype, sku=sku, tiers=tiers,
    )


def points_from_price_item(raw: str | Mapping[str, Any], service_code: str, regions: Iterable[str],
                           *, today: date | None = None) -> list[PricePoint]:
    """All canonical points priced by one ``get_products`` PriceList entry (a JSON string)."""
    try:
        item = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        raise PriceParseError(f"{service_code}: PriceList entry is not valid JSON ({exc})") from None
    product = item.get("product") if isinstance(item, Mapping) else None
    if not isinstance(product, Mapping):
        raise PriceParseError(f"{service_code}: PriceList entry has no 'product'")
    pairs = match_product(service_code, product, regions)
    if not pairs:
        return []
    key0 = pairs[0][0]
    sku = str(_need(product, "sku", key0, "product"))
    terms = _need(item, "terms", key0, f"SKU {sku}")
    on_demand = terms.get("OnDemand") if isinstance(terms, Mapping) else None
    if not on_demand:
        raise PriceParseError(f"{key0}: SKU {sku} has no on-demand term (terms.OnDemand)", key0, soft=True)
    as_of = str(item.get("publicationDate") or "")[:10] or (today or date.today()).isoformat()
    usagetype = (product.get("attributes") or {}).get("usagetype")
    return [point_from_offer(k, r, sku, on_demand, source=f"aws-pricing-api:{service_code}:{sku}",
                             as_of=as_of, usagetype=usagetype) for k, r in pairs]


