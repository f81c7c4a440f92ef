"""Shared parts of the snapshot build: price points from the inputs, their checks, and build errors."""

from __future__ import annotations

import re
from decimal import Decimal

from pricing.keys import KEY_UNITS
from pricing.services import service_code_for
from pricing.snapshot import PricePoint, PriceTier

CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
EC2_SIZE_UNITS = {"medium": Decimal("0.5"), "large": Decimal(1), "xlarge": Decimal(2),
                  "2xlarge": Decimal(4)}
EC2_BASE_ORDER = ("large", "xlarge", "medium", "2xlarge")
EC2_USAGE_PREFIX = {"us-east-1": "", "us-west-2": "USW2-", "eu-west-1": "EU-",
                    "eu-central-1": "EUC1-", "ap-southeast-1": "APS1-"}
US_EAST_1_APPROX = "us-east-1 price used; no regional source"
_LEADING_DATE = re.compile(r"^(?:golden last changed |effective )?(\d{4}-\d{2}-\d{2})\b")


class BuildError(RuntimeError):
    """The inputs cannot produce a complete, consistent snapshot."""


Points = dict[tuple[str, str], PricePoint]

def as_of_date(text: str, default: str) -> tuple[str, str]:
    """The date a reference as_of text leads with, and the original text when it is not exact.

    Only a leading date counts ("2026-07-20 (...)", "golden last changed 2024-07-01; ...",
    "effective 2024-11-01"); texts such as "unknown (... matches 2026-07-20 ...)" get the
    snapshot date and keep their text in the note.
    """
    match = _LEADING_DATE.match(text.strip())
    if match and text.strip() == match.group(1):
        return match.group(1), ""
    if match:
        return match.group(1), f"Source date: {text}"
    return default, f"Source date: {text} (snapshot date used)"


def join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def make_point(key: str, region: str, usd: str, *, as_of: str, source: str, confidence: str,
                note: str, approximation: str | None = None,
                tiers: tuple[PriceTier, ...] = ()) -> PricePoint:
    if confidence not in CONFIDENCE_RANK:
        raise BuildError(f"{key}/{region}: confidence must be high|medium|low, got {confidence!r}")
    usage_type = None
    if key.startswith("ec2:") and key != "ec2:t-unlimited-vcpu-hour":
        usage_type = f"{EC2_USAGE_PREFIX[region]}BoxUsage:{key[4:]}"
    return PricePoint(
        key=key, region=region, unit=KEY_UNITS[key], usd=Decimal(usd), as_of=as_of,
        source=source, confidence=confidence, note=note, approximation=approximation,
        service_code=service_code_for(key), usage_type=usage_type, sku=None, tiers=tiers,
    )


def put(points: Points, point: PricePoint, origin: str) -> None:
    pair = (point.key, point.region)
    if pair in points:
        existing = points[pair]
        if existing.usd != point.usd:
            raise BuildError(f"{origin}: conflicting prices for {pair}: {existing.usd} vs {point.usd}")
        return
    points[pair] = point


