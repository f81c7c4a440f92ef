"""Amazon S3: SPA assets and ALB access logs."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    GB_MONTH,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    control_line,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "Amazon Simple Storage Service"
STORAGE, PUTS, GETS = "s3:standard-gb-month", "s3:put-requests-1k", "s3:get-requests-1k"


def buckets(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    return [Component("S3", "Standard storage (SPA assets, ALB access logs)", qty(net.s3_storage_gb), "GB-month",
                      STORAGE),
            Component("S3", "PUT requests (log delivery, deploys)", qty(net.s3_put_requests_month / 1e3),
                      "1k requests", PUTS),
            Component("S3", "GET requests (CloudFront origin misses)", qty(net.s3_get_requests_month / 1e3),
                      "1k requests", GETS)]


def audit_bucket(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """The compliance stack's audit bucket: CloudTrail log files kept for the log retention, and their PUTs."""
    c = p.compliance
    if "cloudtrail_data_events" not in c.controls:
        return []
    days = p.observability.log_retention_days
    return [control_line(p, "cloudtrail_data_events", service="S3", item="CloudTrail log files (audit bucket)",
                         quantity=c.trail_storage_gb, unit="GB-month", key=STORAGE,
                         note=f"{c.trail_log_gb_month:,.2f} GB a month kept {days} days, steady state"),
            control_line(p, "cloudtrail_data_events", service="S3", item="CloudTrail log file PUTs (audit bucket)",
                         quantity=c.trail_put_requests_month / 1e3, unit="1k requests", key=PUTS,
                         note="a log file about every 5 minutes and a digest file every hour")]


_S3 = (CE,)
SERVICE = Service(
    name="s3", title="Amazon S3", ce=CE, product_code="AmazonS3",
    keys=(
        PriceKey(key=STORAGE, unit="USD per GB-month", ce=CE,
                 refresh=Refresh(service_code="AmazonS3", usagetypes=("TimedStorage-ByteHrs",), units=GB_MONTH,
                                 tiered=True)),
        PriceKey(key=PUTS, unit="USD per 1,000 requests", ce=CE,
                 refresh=Refresh(service_code="AmazonS3", usagetypes=("Requests-Tier1",),
                                 units={"requests": Decimal(1_000)})),
        PriceKey(key=GETS, unit="USD per 1,000 requests", ce=CE,
                 refresh=Refresh(service_code="AmazonS3", usagetypes=("Requests-Tier2",),
                                 units={"requests": Decimal(1_000)})),
    ),
    bill_lines=(
        BillLine(id=STORAGE, rules=(BillRule(usage=r"^TimedStorage-ByteHrs$", services=_S3),),
                 over="more S3 storage: access logs without a lifecycle rule, or old SPA builds kept",
                 under="less S3 storage than planned"),
        BillLine(id=PUTS, rules=(BillRule(usage=r"Requests-Tier1", services=_S3, per_unit=Decimal("0.001")),),
                 over="more S3 PUT requests than planned: more log objects or deploys",
                 under="fewer S3 PUT requests than planned"),
        BillLine(id=GETS, rules=(BillRule(usage=r"Requests-Tier2", services=_S3, per_unit=Decimal("0.001")),),
                 over="more S3 GET requests than planned: CloudFront misses more often than assumed",
                 under="fewer S3 GET requests than planned"),
    ),
    components=(Priced(order=80, fn=buckets), Priced(order=212, fn=audit_bucket)),
)
