"""AWS CloudTrail: data events on DynamoDB and S3 that HIPAA asks to record."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    control_line,
)
from sizing.capacity import CapacityPlan

CE = "AWS CloudTrail"
DATA_EVENTS = "cloudtrail:data-events-100k"


def data_events(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    if "cloudtrail_data_events" not in p.compliance.controls:
        return []
    return [control_line(p, "cloudtrail_data_events", service="CloudTrail", item="Data events (DynamoDB, S3)",
                         quantity=p.compliance.cloudtrail_data_events_month / 1e5, unit="100k events",
                         key=DATA_EVENTS)]


SERVICE = Service(
    name="cloudtrail", title="AWS CloudTrail", ce=CE, product_code="AWSCloudTrail",
    keys=(PriceKey(key=DATA_EVENTS, unit="USD per 100,000 events", ce=CE,
                   refresh=Refresh(service_code="AWSCloudTrail", usagetypes=("DataEventsRecorded",),
                                   units={"events": Decimal(100_000)})),),
    bill_lines=(
        BillLine(id=DATA_EVENTS, rules=(BillRule(usage=r"DataEventsRecorded", services=(CE,),
                                                 per_unit=Decimal("0.00001")),),
                 over="more CloudTrail data events than planned: more DynamoDB/S3 calls, or data events on "
                      "buckets and tables outside the app",
                 under="fewer CloudTrail data events than planned (data events not enabled on every table?)"),
    ),
    components=(Priced(order=210, fn=data_events),),
)
