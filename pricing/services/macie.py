"""Amazon Macie: sensitive-data monitoring of the S3 buckets (GDPR)."""
from __future__ import annotations

from pricing.services.base import (
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    Priced,
    PriceKey,
    PriceOptions,
    Service,
    control_line,
)
from sizing.capacity import CapacityPlan

CE = "Amazon Macie"
BUCKETS = "macie:bucket-month"


def buckets(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    if "macie" not in p.compliance.controls:
        return []
    return [control_line(p, "macie", service="Macie", item="S3 buckets monitored", quantity=p.compliance.macie_buckets,
                         unit="buckets", key=BUCKETS)]


SERVICE = Service(
    name="macie", title="Amazon Macie", ce=CE, product_code="AmazonMacie",
    keys=(PriceKey(key=BUCKETS, unit="USD per bucket-month", ce=CE,
                   refresh=KeptPrice(service_code="AmazonMacie",
                                     reason="Macie's price-list usage type for bucket inventory is not verified "
                                            "against a live offer; the snapshot price is kept")),),
    bill_lines=(
        BillLine(id=BUCKETS, rules=(BillRule(usage=r"(?i)bucket", services=(CE,)),),
                 over="more buckets monitored than planned, or sensitive-data discovery jobs (billed per GB scanned)",
                 under="fewer buckets monitored than planned"),
    ),
    components=(Priced(order=250, fn=buckets),),
)
