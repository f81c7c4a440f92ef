"""AWS KMS: customer-managed keys and their requests (base keys and the ones compliance asks for)."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    ONE,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    control_line,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "AWS Key Management Service"
KEYS, REQUESTS = "kms:key-month", "kms:requests-10k"
FREE_REQUESTS = 20_000    # always-free tier: 20,000 requests per month [S83]
#: Automatic rotation (on for every key the bundle creates): the first and the second rotation each add one
#: billed key version ($1/key-month, the key price); later rotations are not billed [S83]. The default rotation
#: period is 365 days, so the first version is billed from month 13 and the second from month 25 [S83].
ROTATION_BILLED_VERSIONS = 2
ROTATION_FIRST_MONTH = 13
ROTATED_UNIT = "rotated key versions"
_ROTATION_NOTE = ("automatic yearly rotation: the 1st and 2nd rotations (months 13 and 25) add $1/key-month each, "
                  "later ones are free; $0 in the first year (first_year_months)")


def rotation(service: str, item: str, keys: int) -> Component:
    """The billed versions of `keys` rotated keys in the steady month (after the second rotation)."""
    return Component(service, item, qty(keys * ROTATION_BILLED_VERSIONS), ROTATED_UNIT, KEYS, _ROTATION_NOTE)


def keys(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    sec = p.security
    return [Component("KMS", f"Customer-managed keys ({', '.join(sec.cmks)})", qty(len(sec.cmks)), "keys", KEYS),
            rotation("KMS", f"Rotated key versions ({len(sec.cmks)} keys)", len(sec.cmks)),
            Component("KMS", "Requests", qty(billable(sec.kms_requests_month, FREE_REQUESTS) / 1e4), "10k requests",
                      REQUESTS, "first 20k requests free")]


def compliance_keys(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    sec = p.security
    if "cmk" not in p.compliance.controls:
        return []
    return [control_line(p, "cmk", service="KMS", item=f"Customer-managed keys ({', '.join(sec.compliance_cmks)})",
                         quantity=len(sec.compliance_cmks), unit="keys", key=KEYS),
            control_line(p, "cmk", service="KMS", item=f"Rotated key versions ({len(sec.compliance_cmks)} keys)",
                         quantity=len(sec.compliance_cmks) * ROTATION_BILLED_VERSIONS, unit=ROTATED_UNIT, key=KEYS,
                         note=_ROTATION_NOTE),
            control_line(p, "cmk", service="KMS", item="Requests from CMK-encrypted DynamoDB, S3",
                         quantity=sec.compliance_kms_requests_month / 1e4, unit="10k requests", key=REQUESTS)]


_KMS = (CE,)
SERVICE = Service(
    name="kms", title="AWS KMS", ce=CE, product_code="awskms",
    keys=(
        PriceKey(key=KEYS, unit="USD per key-month", ce=CE,
                 refresh=Refresh(service_code="awskms", usagetypes=("KMS-Keys",), units={"keys": ONE, "key-month": ONE})),
        PriceKey(key=REQUESTS, unit="USD per 10,000 requests", ce=CE,
                 refresh=Refresh(service_code="awskms", usagetypes=("KMS-Requests",),
                                 units={"requests": Decimal(10_000)})),
    ),
    bill_lines=(
        BillLine(id=KEYS, rules=(BillRule(usage=r"KMS-Keys", services=_KMS),),
                 over="more KMS keys than planned: keys created by other stacks, or rotated key versions billed",
                 under="fewer KMS keys than planned"),
        BillLine(id=REQUESTS, rules=(BillRule(usage=r"KMS-Requests", services=_KMS, per_unit=Decimal("0.0001")),),
                 over="more KMS requests than planned: no data-key caching, or S3 without bucket keys",
                 under="fewer KMS requests than planned"),
    ),
    components=(Priced(order=111, fn=keys), Priced(order=200, fn=compliance_keys)),
)
