"""The AWS Pricing API client: `get_products` queries per key family and region, paginated, with retries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pricing.keys import GLOBAL_REGION
from pricing.price_list import KEY_SPECS, KeySpec, PriceParseError, edge_geography, points_from_price_item
from pricing.snapshot import PricePoint

PRICING_ENDPOINT_REGION = "us-east-1"
MAX_RETRY_ATTEMPTS = 10


class PricingAccessError(RuntimeError):
    """The Pricing API cannot be called (credentials, permissions, network)."""


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
