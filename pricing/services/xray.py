"""AWS X-Ray: sampled request traces."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    PER_MILLION,
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

CE = "AWS X-Ray"
KEY = "xray:traces-million"
FREE_TRACES = 100_000     # always-free tier: 100,000 traces recorded per month [S101]


def traces(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    t = p.observability.xray_traces_month
    return [Component("X-Ray", "Traces recorded", qty(billable(t, FREE_TRACES) / 1e6), "million traces", KEY,
                      f"{t:,.0f} traces at 5% sampling; first 100k free")]


SERVICE = Service(
    name="xray", title="AWS X-Ray", ce=CE, product_code="AWSXRay",
    keys=(PriceKey(key=KEY, unit="USD per million traces recorded", ce=CE,
                   refresh=Refresh(service_code="AWSXRay", usagetypes=("XRay-TracesStored",),
                                   units={"traces": PER_MILLION})),),
    bill_lines=(
        BillLine(id=KEY, rules=(BillRule(usage=r"TracesStored", services=(CE,), per_unit=Decimal("0.000001")),),
                 over="more traces recorded: sampling above the planned 5%", under="fewer traces than planned"),
    ),
    components=(Priced(order=100, fn=traces),),
)
