"""Amazon Route 53: the hosted zone and its DNS queries (region "global").

Not in the estimate: the bundle creates no zone and no records. The domain's zone is the customer's (listed as
`external` in the inventory, pricing/inventory.py), and the records that point at CloudFront and the ALB are alias
records, whose queries Route 53 does not bill [S230]. The keys stay for `price-template` (an
`AWS::Route53::HostedZone` in a template) and for the bill review (the account's zones and queries)."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    ONE,
    PER_MILLION,
    BillLine,
    BillRule,
    PriceKey,
    Refresh,
    Service,
)

CE = "Amazon Route 53"
ZONE, QUERIES = "route53:hosted-zone-month", "route53:queries-million"

_R53 = (CE,)
SERVICE = Service(
    name="route53", title="Amazon Route 53", ce=CE, product_code="AmazonRoute53",
    keys=(
        PriceKey(key=ZONE, unit="USD per hosted zone-month", ce=CE,
                 refresh=Refresh(service_code="AmazonRoute53", usagetypes=("HostedZone",),
                                 units={"hostedzone": ONE, "hosted zone": ONE}, scope="global")),
        PriceKey(key=QUERIES, unit="USD per million queries", ce=CE,
                 refresh=Refresh(service_code="AmazonRoute53", usagetypes=("DNS-Queries",),
                                 units={"queries": PER_MILLION}, scope="global")),
    ),
    bill_lines=(
        BillLine(id=ZONE, rules=(BillRule(usage=r"HostedZone", services=_R53),),
                 over="more hosted zones than planned: zones of other projects in the account",
                 under="fewer hosted zones than planned (the zone lives in another account?)"),
        BillLine(id=QUERIES, rules=(BillRule(usage=r"Queries", services=_R53, per_unit=Decimal("0.000001")),),
                 over="more DNS queries than planned: short TTLs or health checks",
                 under="fewer DNS queries than planned"),
    ),
    components=(),
)
