"""AWS Price List products -> canonical price points, and the Pricing API client.

The mapping from a price-list product (``product.attributes``) to a canonical key is shared
by the API path (``get_products``) and the bulk offer-file path (pricing/offer_file.py):

* ``KEY_SPECS``: one spec per canonical key that can be refreshed: ServiceCode, accepted
  ``usagetype`` names (without the region prefix such as ``USE1-``/``EU-``/``us-east-1-``),
  required attributes, accepted price-list units and the factor converting them to the
  catalog unit (for example DynamoDB bills per request unit, the catalog per million).
* ``match_product(service_code, product)`` -> the (key, region) pairs a product prices.
* ``point_from_offer(...)`` turns the product's on-demand price dimensions into a PricePoint
  (leading zero-priced free-tier dimensions are dropped: free allowances belong to the cost engine).

Keys without a spec (Macie, GuardDuty, AWS Backup) are not refreshed; they keep the
previous snapshot's prices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pricing.catalog import (
    BEDROCK_MODELS,
    EC2_INSTANCE_TYPES,
    ELASTICACHE_NODE_TYPES,
    GLOBAL_REGION,
    REGIONS,
    PricePoint,
    PriceTier,
    canonical_key_units,
)

PRICING_ENDPOINT_REGION = "us-east-1"
MAX_RETRY_ATTEMPTS = 10

ONE = Decimal(1)
HOURS = {"hrs": ONE, "hours": ONE, "hour": ONE}
GB = {"gb": ONE}
GB_MONTH = {"gb-mo": ONE, "gb-month": ONE}
PER_MILLION = Decimal(1_000_000)
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


class PricingAccessError(RuntimeError):
    """The Pricing API cannot be called (credentials, permissions, network)."""


@dataclass(frozen=True)
class KeySpec:
    """How to recognise the price-list product of one canonical key."""

    key: str
    family: str                           # --service name (ec2, dynamodb, ...)
    service_code: str
    usagetypes: tuple[str, ...]           # accepted usagetype names without region prefix
    units: Mapping[str, Decimal]          # accepted unit (lower case) -> factor to catalog unit
    attrs: Mapping[str, str] = field(default_factory=dict)  # attribute == value (case-insensitive)
    filters: Mapping[str, str] = field(default_factory=dict)  # extra TERM_MATCH filters for get_products
    scope: str = "regional"               # regional | global | edge
    tiered: bool = False                  # keep tiers (begin/end in catalog units)
    extra: Callable[[Mapping[str, str]], bool] | None = None


def _s(key: str, family: str, service: str, usagetypes: str | Sequence[str], units: Mapping[str, Decimal],
       **kw: Any) -> KeySpec:
    uts = (usagetypes,) if isinstance(usagetypes, str) else tuple(usagetypes)
    return KeySpec(key=key, family=family, service_code=service, usagetypes=uts, units=units, **kw)


_EC2_ATTRS = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
              "capacitystatus": "Used"}

#: Bedrock model ids -> accepted values of the price list's ``model`` attribute.
BEDROCK_MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "anthropic.claude-sonnet-4-5": ("Claude Sonnet 4.5", "Claude 4.5 Sonnet"),
    "anthropic.claude-haiku-4-5": ("Claude Haiku 4.5", "Claude 4.5 Haiku"),
    "anthropic.claude-3-5-sonnet": ("Claude 3.5 Sonnet",),
    "anthropic.claude-3-5-haiku": ("Claude 3.5 Haiku",),
    "anthropic.claude-3-haiku": ("Claude 3 Haiku",),
    "amazon.nova-pro": ("Nova Pro",),
    "amazon.nova-lite": ("Nova Lite",),
    "amazon.nova-micro": ("Nova Micro",),
    "meta.llama3-70b-instruct": ("Llama 3 70B Instruct", "Llama3 70B Instruct", "Llama 3 70B"),
}
_BEDROCK_EXCLUDE = ("batch", "cache", "flex", "priority", "latency", "provisioned", "reserved",
                    "custom", "global", "cross-region", "crossregion")
_TOKEN_UNITS = {"1k tokens": ONE, "1k token": ONE, "1m tokens": Decimal("0.001"), "1m token": Decimal("0.001")}


def _bedrock_matcher(model: str, direction: str) -> Callable[[Mapping[str, str]], bool]:
    names = {n.lower() for n in BEDROCK_MODEL_NAMES[model]}

    def match(attrs: Mapping[str, str]) -> bool:
        if attrs.get("model", "").strip().lower() not in names:
            return False
        if attrs.get("inferenceType", "").strip().lower() != f"{direction} tokens":
            return False
        feature = attrs.get("feature", "On-demand Inference").lower()
        usagetype = attrs.get("usagetype", "").lower()
        return "on-demand" in feature and not any(x in usagetype for x in _BEDROCK_EXCLUDE)
    return match


def _build_specs() -> dict[str, KeySpec]:
    specs: list[KeySpec] = []
    for itype in EC2_INSTANCE_TYPES:
        specs.append(_s(f"ec2:{itype}", "ec2", "AmazonEC2", f"BoxUsage:{itype}", HOURS,
                        attrs={"instanceType": itype, **_EC2_ATTRS},
                        filters={"instanceType": itype, **_EC2_ATTRS}))
    specs += [
        _s("ec2:t-unlimited-vcpu-hour", "ec2", "AmazonEC2", "CPUCredits:t3", {"vcpu-hours": ONE, "hrs": ONE},
           attrs={"operatingSystem": "Linux"}, filters={"productFamily": "CPU Credits", "operatingSystem": "Linux"}),
        _s("ebs:gp3-gb-month", "ebs", "AmazonEC2", "EBS:VolumeUsage.gp3", GB_MONTH,
           attrs={"volumeApiName": "gp3"}, filters={"productFamily": "Storage", "volumeApiName": "gp3"}),
        _s("eks:cluster-hour", "eks", "AmazonEKS", "AmazonEKS-Hours:perCluster", HOURS),
        _s("eks:cluster-hour-extended", "eks", "AmazonEKS", "AmazonEKS-Hours:extendedSupport", HOURS),
        _s("vpc:nat-gateway-hour", "vpc", "AmazonEC2", "NatGateway-Hours", HOURS,
           filters={"productFamily": "NAT Gateway"}),
        _s("vpc:nat-gateway-gb", "vpc", "AmazonEC2", "NatGateway-Bytes", GB, filters={"productFamily": "NAT Gateway"}),
        _s("vpc:public-ipv4-hour", "vpc", "AmazonVPC", "PublicIPv4:InUseAddress", HOURS),
        _s("vpc:interface-endpoint-hour", "vpc", "AmazonVPC", "VpcEndpoint-Hours", HOURS),
        _s("vpc:interface-endpoint-gb", "vpc", "AmazonVPC", "VpcEndpoint-Bytes", GB),
        _s("elb:alb-hour", "elb", "AWSELB", "LoadBalancerUsage", HOURS,
           attrs={"productFamily": "Load Balancer-Application"},
           filters={"productFamily": "Load Balancer-Application"}),
        _s("elb:alb-lcu-hour", "elb", "AWSELB", "LCUUsage", {"lcu-hrs": ONE, "lcu-hours": ONE, "hrs": ONE},
           attrs={"productFamily": "Load Balancer-Application"},
           filters={"productFamily": "Load Balancer-Application"}),
        _s("dynamodb:write-request-million", "dynamodb", "AmazonDynamoDB", "WriteRequestUnits",
           {"writerequestunits": PER_MILLION, "writerequestunit": PER_MILLION}),
        _s("dynamodb:read-request-million", "dynamodb", "AmazonDynamoDB", "ReadRequestUnits",
           {"readrequestunits": PER_MILLION, "readrequestunit": PER_MILLION}),
        _s("dynamodb:wcu-hour", "dynamodb", "AmazonDynamoDB", "WriteCapacityUnit-Hrs", {"wcu-hrs": ONE, "hrs": ONE}),
        _s("dynamodb:rcu-hour", "dynamodb", "AmazonDynamoDB", "ReadCapacityUnit-Hrs", {"rcu-hrs": ONE, "hrs": ONE}),
        _s("dynamodb:storage-gb-month", "dynamodb", "AmazonDynamoDB", "TimedStorage-ByteHrs", GB_MONTH),
        _s("dynamodb:pitr-gb-month", "dynamodb", "AmazonDynamoDB", "TimedPITRStorage-ByteHrs", GB_MONTH),
        _s("dynamodb:backup-gb-month", "dynamodb", "AmazonDynamoDB", "TimedBackupStorage-ByteHrs", GB_MONTH),
        _s("dynamodb:streams-read-100k", "dynamodb", "AmazonDynamoDB", "Streams-Requests",
           {"requests": Decimal(100_000), "streams-requests": Decimal(100_000)}),
        _s("cloudfront:data-out-gb", "cloudfront", "AmazonCloudFront", "DataTransfer-Out-Bytes", GB,
           scope="edge", tiered=True),
        _s("cloudfront:https-requests-10k", "cloudfront", "AmazonCloudFront", "Requests-Tier2-HTTPS",
           {"requests": Decimal(10_000)}, scope="edge"),
        _s("s3:standard-gb-month", "s3", "AmazonS3", "TimedStorage-ByteHrs", GB_MONTH, tiered=True),
        _s("s3:put-requests-1k", "s3", "AmazonS3", "Requests-Tier1", {"requests": Decimal(1_000)}),
        _s("s3:get-requests-1k", "s3", "AmazonS3", "Requests-Tier2", {"requests": Decimal(1_000)}),
        _s("cloudwatch:logs-ingest-gb", "cloudwatch", "AmazonCloudWatch", "DataProcessing-Bytes", GB),
        _s("cloudwatch:logs-storage-gb-month", "cloudwatch", "AmazonCloudWatch", "TimedStorage-ByteHrs", GB_MONTH),
        _s("cloudwatch:metric-month", "cloudwatch", "AmazonCloudWatch", "CW:MetricMonitorUsage",
           {"metrics": ONE, "metric-month": ONE}),
        _s("cloudwatch:alarm-month", "cloudwatch", "AmazonCloudWatch", "CW:AlarmMonitorUsage",
           {"alarms": ONE, "alarm-month": ONE}),
        _s("cloudwatch:dashboard-month", "cloudwatch", "AmazonCloudWatch",
           ("DashboardsUsageHour", "DashboardsUsageHour-Basic"), {"dashboards": ONE, "dashboard-mo": ONE}),
        _s("secretsmanager:secret-month", "secretsmanager", "AWSSecretsManager", "AWSSecretsManager-Secrets",
           {"secrets": ONE, "secret-mo": ONE}),
        _s("secretsmanager:api-requests-10k", "secretsmanager", "AWSSecretsManager",
           ("AWSSecretsManager-APIRequest", "AWSSecretsManager-APIRequests"),
           {"api requests": Decimal(10_000), "requests": Decimal(10_000)}),
        _s("kms:key-month", "kms", "awskms", "KMS-Keys", {"keys": ONE, "key-month": ONE}),
        _s("kms:requests-10k", "kms", "awskms", "KMS-Requests", {"requests": Decimal(10_000)}),
        _s("waf:web-acl-month", "waf", "awswaf", ("WebACL", "WebACLV2"), {"webacl": ONE, "web acl": ONE, "acl": ONE}),
        _s("waf:rule-month", "waf", "awswaf", ("Rule", "RuleV2"), {"rule": ONE, "rules": ONE}),
        _s("waf:requests-million", "waf", "awswaf", ("Request", "RequestV2", "RequestV2-Tier1"),
           {"request": PER_MILLION, "requests": PER_MILLION}),
        _s("xray:traces-million", "xray", "AWSXRay", "XRay-TracesStored", {"traces": PER_MILLION}),
        _s("route53:hosted-zone-month", "route53", "AmazonRoute53", "HostedZone",
           {"hostedzone": ONE, "hosted zone": ONE}, scope="global"),
        _s("route53:queries-million", "route53", "AmazonRoute53", "DNS-Queries",
           {"queries": PER_MILLION}, scope="global"),
        _s("datatransfer:internet-out-gb", "datatransfer", "AWSDataTransfer", "DataTransfer-Out-Bytes", GB,
           attrs={"transferType": "AWS Outbound"}, filters={"transferType": "AWS Outbound"}, tiered=True),
        _s("datatransfer:inter-az-gb", "datatransfer", "AWSDataTransfer", "DataTransfer-Regional-Bytes", GB,
           attrs={"transferType": "IntraRegion"}, filters={"transferType": "IntraRegion"}),
        _s("cloudtrail:data-events-100k", "cloudtrail", "AWSCloudTrail", "DataEventsRecorded",
           {"events": Decimal(100_000)}),
        _s("config:configuration-item", "config", "AWSConfig", "ConfigurationItemRecorded",
           {"configurationitemrecorded": ONE, "items": ONE, "configuration items": ONE}),
        _s("config:rule-evaluation", "config", "AWSConfig", "ConfigRuleEvaluations",
           {"configruleevaluations": ONE, "evaluations": ONE}),
        _s("securityhub:check", "securityhub", "AWSSecurityHub", "PaidComplianceCheck", {"checks": ONE}),
    ]
    for node in ELASTICACHE_NODE_TYPES:
        specs.append(_s(f"elasticache:{node}", "elasticache", "AmazonElastiCache", f"NodeUsage:{node}", HOURS,
                        attrs={"instanceType": node, "cacheEngine": "Valkey"},
                        filters={"instanceType": node, "cacheEngine": "Valkey"}))
    for model in BEDROCK_MODELS:
        for direction in ("input", "output"):
            specs.append(_s(f"bedrock:{model}:{direction}-1k", "bedrock", "AmazonBedrock", (), _TOKEN_UNITS,
                            extra=_bedrock_matcher(model, direction)))
    units = canonical_key_units()
    unknown = [s.key for s in specs if s.key not in units]
    if unknown:
        raise AssertionError(f"specs for non-canonical keys: {unknown}")
    return {s.key: s for s in specs}


KEY_SPECS: dict[str, KeySpec] = _build_specs()
FAMILIES: tuple[str, ...] = tuple(sorted({s.family for s in KEY_SPECS.values()}))
NOT_REFRESHABLE: tuple[str, ...] = tuple(sorted(k for k in canonical_key_units() if k not in KEY_SPECS))

_BY_USAGETYPE: dict[tuple[str, str], list[KeySpec]] = {}
_CUSTOM: dict[str, list[KeySpec]] = {}
for _spec in KEY_SPECS.values():
    if _spec.extra is not None:
        _CUSTOM.setdefault(_spec.service_code, []).append(_spec)
    for _ut in _spec.usagetypes:
        _BY_USAGETYPE.setdefault((_spec.service_code, _ut), []).append(_spec)
SERVICE_CODES: frozenset[str] = frozenset(s.service_code for s in KEY_SPECS.values())


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


def _dec(text: Any, key: str, where: str) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise PriceParseError(f"{key}: {where} is not a number: {text!r}", key) from None
    if not value.is_finite() or value < 0:
        raise PriceParseError(f"{key}: {where} must be a finite number >= 0, got {text!r}", key)
    return value


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros (0.0416000000 -> 0.0416) without exponent notation."""
    n = d.normalize()
    return n if n.as_tuple().exponent <= 0 else n.quantize(ONE)


def point_from_offer(key: str, region: str, sku: str, on_demand: Mapping[str, Any], *, source: str,
                     as_of: str, usagetype: str | None) -> PricePoint:
    """PricePoint from a product's ``terms.OnDemand`` (offerTermCode -> term) mapping."""
    spec = KEY_SPECS[key]
    if not isinstance(on_demand, Mapping) or not on_demand:
        raise PriceParseError(f"{key}: SKU {sku} has no on-demand term (terms.OnDemand)", key, soft=True)
    dims: list[tuple[Decimal, Decimal | None, Decimal, str]] = []
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
            dims.append((begin, end, _plain(usd * factor), str(dim.get("description", ""))))
            unit_seen = unit
    dims.sort(key=lambda d: d[0])
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
        if spec.units[unit_seen.strip().lower()] != ONE:
            raise PriceParseError(f"{key}: tiered prices need a unit factor of 1", key)
        rebased = [(Decimal(0), *paid[0][1:3])] + [(b, e, u) for b, e, u, _ in paid[1:]]
        tiers = tuple(PriceTier(_plain(b), None if e is None else _plain(e), u) for b, e, u in rebased)
        for a, b in zip(tiers, tiers[1:]):
            if a.end_units != b.begin_units:
                raise PriceParseError(f"{key}: SKU {sku} tiers are not contiguous at {a.end_units}", key)
        if tiers[-1].end_units is not None:
            tiers = (*tiers[:-1], PriceTier(tiers[-1].begin_units, None, tiers[-1].usd))
    elif len(paid) > 1:
        notes.append(f"{len(paid)} paid tiers in the price list; the first is used")
    return PricePoint(
        key=key, region=region, unit=canonical_key_units()[key], usd=paid[0][2], as_of=as_of,
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


# ---------------------------------------------------------------------------
# Queries and the API client
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """One paginated ``get_products`` call and the (key, region) pairs it should price."""

    service_code: str
    filters: tuple[tuple[str, str], ...]
    wanted: tuple[tuple[str, str], ...]

    def api_filters(self) -> list[dict[str, str]]:
        """Filters in the API's shape."""
        return [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in self.filters]


def _wanted_pairs(spec: KeySpec, regions: Sequence[str]) -> list[tuple[str, str]]:
    return [(spec.key, GLOBAL_REGION)] if spec.scope == "global" else [(spec.key, r) for r in regions]


def plan_queries(regions: Sequence[str], families: Sequence[str] | None = None) -> list[Query]:
    """Group the refreshable keys of ``families`` into get_products queries per region."""
    chosen = [s for s in KEY_SPECS.values() if families is None or s.family in families]
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[str, str]]] = {}
    for spec in chosen:
        for key, region in _wanted_pairs(spec, regions):
            flt: dict[str, str] = {}
            if spec.scope == "regional":
                if spec.service_code == "AWSDataTransfer":
                    flt["fromRegionCode"] = region
                else:
                    flt["regionCode"] = region
            elif spec.scope == "edge":
                flt["usagetype"] = f"{edge_geography(region)}-{spec.usagetypes[0]}"
            flt.update(spec.filters)
            groups.setdefault((spec.service_code, tuple(sorted(flt.items()))), []).append((key, region))
    return [Query(svc, flt, tuple(sorted(set(pairs)))) for (svc, flt), pairs in sorted(groups.items())]


def make_pricing_client(profile: str | None = None) -> Any:
    """boto3 ``pricing`` client in us-east-1 with adaptive retries (credentials: standard chain)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    config = Config(retries={"mode": "adaptive", "max_attempts": MAX_RETRY_ATTEMPTS})
    try:
        session = boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
    except ProfileNotFound:
        raise PricingAccessError(f"AWS profile {profile!r} not found (check ~/.aws/config or --profile)") from None
    return session.client("pricing", region_name=PRICING_ENDPOINT_REGION, config=config)


def iter_price_items(client: Any, query: Query) -> Iterator[str]:
    """PriceList JSON strings of one query, following NextToken via the paginator."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    paginator = client.get_paginator("get_products")
    try:
        for page in paginator.paginate(ServiceCode=query.service_code, Filters=query.api_filters(),
                                       FormatVersion="aws_v1"):
            yield from page.get("PriceList", [])
    except (NoCredentialsError, PartialCredentialsError):
        raise PricingAccessError("no AWS credentials found (standard chain / --profile)") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise PricingAccessError(f"AWS Pricing API error for {query.service_code}: "
                                 f"{error.get('Code', '?')}: {error.get('Message', '')}") from None
    except BotoCoreError as exc:
        raise PricingAccessError(f"AWS Pricing API call failed for {query.service_code}: {exc}") from None


@dataclass
class FetchResult:
    """Points fetched and, per (key, region) that could not be priced, the reason."""

    points: list[PricePoint]
    failures: dict[tuple[str, str], str]
    calls: int = 0
    items: int = 0


def collect(found: dict[tuple[str, str], list[PricePoint]], wanted: Iterable[tuple[str, str]],
            failures: dict[tuple[str, str], str], where: str,
            soft: Mapping[tuple[str, str], str] | None = None) -> list[PricePoint]:
    """Resolve matches per (key, region): exactly one price, else a failure reason.

    ``soft`` holds reasons used only when nothing priced the pair (e.g. a SKU without an
    on-demand term while another SKU of the same key has one).
    """
    out: list[PricePoint] = []
    for pair in sorted(set(wanted)):
        cands = found.get(pair, [])
        if pair in failures:
            continue
        if not cands:
            failures[pair] = (soft or {}).get(pair) or f"no matching product in {where}"
            continue
        prices = {(c.usd, c.tiers) for c in cands}
        if len(prices) > 1:
            skus = ", ".join(f"{c.sku}={c.usd}" for c in sorted(cands, key=lambda c: str(c.sku)))
            failures[pair] = f"ambiguous: {len(cands)} products with different prices ({skus})"
            continue
        out.append(min(cands, key=lambda c: str(c.sku)))
    return out


def fetch_points(client: Any, queries: Sequence[Query], *,
                 on_query: Callable[[Query, int], None] | None = None,
                 today: date | None = None) -> FetchResult:
    """Run the queries; PricingAccessError aborts, per-key problems become failures."""
    found: dict[tuple[str, str], list[PricePoint]] = {}
    failures: dict[tuple[str, str], str] = {}
    wanted: list[tuple[str, str]] = []
    unreadable: list[str] = []
    soft: dict[tuple[str, str], str] = {}
    calls = items = 0
    for query in queries:
        wanted.extend(query.wanted)
        regions = sorted({r for _, r in query.wanted if r != GLOBAL_REGION}) or [GLOBAL_REGION]
        want = set(query.wanted)
        n = 0
        for raw in iter_price_items(client, query):
            n += 1
            try:
                pts = points_from_price_item(raw, query.service_code, regions, today=today)
            except PriceParseError as exc:
                if exc.key is None:
                    unreadable.append(str(exc))
                for pair in want:
                    if pair[0] == exc.key:
                        (soft if exc.soft else failures)[pair] = str(exc)
                continue
            for p in pts:
                if (p.key, p.region) in want:
                    found.setdefault((p.key, p.region), []).append(p)
        calls += 1
        items += n
        if on_query is not None:
            on_query(query, n)
    where = "the AWS Pricing API"
    if unreadable:
        where += f" ({len(unreadable)} unreadable entries, first: {unreadable[0]})"
    points = collect(found, wanted, failures, where, soft)
    return FetchResult(points=points, failures=failures, calls=calls, items=items)
