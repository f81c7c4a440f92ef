"""Amazon Route 53: the hosted zone and its DNS queries (priced once for the account: region "global")."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    ONE,
    PER_MILLION,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "Amazon Route 53"
ZONE, QUERIES = "route53:hosted-zone-month", "route53:queries-million"


def hosted_zone(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    return [Component("Route 53", "Hosted zone", qty(1), "zones", ZONE),
            Component("Route 53", "DNS queries", qty(p.network.route53_queries_month / 1e6), "million queries", QUERIES)]


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
    components=(Priced(order=130, fn=hosted_zone),),
)
