"""Amazon GuardDuty: threat detection over CloudTrail management events and VPC flow and DNS logs."""
from __future__ import annotations

from decimal import Decimal

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

CE = "Amazon GuardDuty"
EVENTS, FLOW_LOGS = "guardduty:cloudtrail-events-million", "guardduty:flow-logs-gb"
_KEPT = KeptPrice(service_code="AmazonGuardDuty",
                  reason="GuardDuty's price-list usage types are not verified against a live offer; the snapshot "
                         "price is kept")


def detector(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    c = p.compliance
    if "guardduty" not in c.controls:
        return []
    return [control_line(p, "guardduty", service="GuardDuty", item="CloudTrail management events analysed",
                         quantity=c.guardduty_events_month / 1e6, unit="million events", key=EVENTS),
            control_line(p, "guardduty", service="GuardDuty", item="VPC flow and DNS logs analysed",
                         quantity=c.guardduty_flow_gb_month, unit="GB", key=FLOW_LOGS)]


_GD = (CE,)
SERVICE = Service(
    name="guardduty", title="Amazon GuardDuty", ce=CE, product_code="AmazonGuardDuty",
    keys=(PriceKey(key=EVENTS, unit="USD per million events", ce=CE, refresh=_KEPT),
          PriceKey(key=FLOW_LOGS, unit="USD per GB analysed", ce=CE, refresh=_KEPT)),
    bill_lines=(
        BillLine(id=FLOW_LOGS, rules=(BillRule(usage=r"(?i)(flow|dns|vpc).*(log|analy)", services=_GD),),
                 over="more VPC flow and DNS log volume analysed than planned: more nodes or chattier pods",
                 under="less flow and DNS log volume analysed than planned"),
        BillLine(id=EVENTS, rules=(BillRule(usage=r"(?i)(event|cloudtrail)", services=_GD,
                                            per_unit=Decimal("0.000001")),),
                 over="more CloudTrail events analysed by GuardDuty than planned: API activity from other workloads",
                 under="fewer CloudTrail events analysed than planned"),
    ),
    components=(Priced(order=220, fn=detector),),
)
