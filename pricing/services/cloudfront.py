"""Amazon CloudFront: the single-page app's data transfer and HTTPS requests."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    GB,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "Amazon CloudFront"
DATA_OUT, REQUESTS = "cloudfront:data-out-gb", "cloudfront:https-requests-10k"
FREE_GB = 1024                    # always-free tier: 1 TB data out per month [S44]
FREE_REQUESTS = 10_000_000        # always-free tier: 10 M HTTP(S) requests per month [S44]


def distribution(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    return [Component("CloudFront", "Data transfer out (SPA)", qty(billable(net.cloudfront_gb_month, FREE_GB)), "GB",
                      DATA_OUT, f"{net.cloudfront_gb_month:.1f} GB; first {FREE_GB} GB free", tiered=True),
            Component("CloudFront", "HTTPS requests", qty(billable(net.cloudfront_requests_month, FREE_REQUESTS) / 1e4),
                      "10k requests", REQUESTS, f"{net.cloudfront_requests_month:,.0f} requests; first 10 M free")]


SERVICE = Service(
    name="cloudfront", title="Amazon CloudFront", ce=CE, product_code="AmazonCloudFront",
    keys=(
        PriceKey(key=DATA_OUT, unit="USD per GB", ce=CE,
                 refresh=Refresh(service_code="AmazonCloudFront", usagetypes=("DataTransfer-Out-Bytes",), units=GB,
                                 scope="edge", tiered=True)),
        PriceKey(key=REQUESTS, unit="USD per 10,000 HTTPS requests", ce=CE,
                 refresh=Refresh(service_code="AmazonCloudFront", usagetypes=("Requests-Tier2-HTTPS",),
                                 units={"requests": Decimal(10_000)}, scope="edge")),
    ),
    bill_lines=(
        BillLine(id=DATA_OUT, rules=(BillRule(usage=r"DataTransfer-Out-Bytes", services=(CE,)),),
                 over="more CloudFront data out: bigger SPA bundle or weaker browser caching",
                 under="less CloudFront data out than planned (within the free 1 TB?)"),
        BillLine(id=REQUESTS, rules=(BillRule(usage=r"Requests-", services=(CE,), per_unit=Decimal("0.0001")),),
                 over="more CloudFront requests than planned: more page loads or uncached assets",
                 under="fewer CloudFront requests than planned"),
    ),
    components=(Priced(order=70, fn=distribution),),
)
