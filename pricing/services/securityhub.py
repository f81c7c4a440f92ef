"""AWS Security Hub: CSPM security checks of the regime's standard."""
from __future__ import annotations

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
    control_line,
)
from sizing.capacity import CapacityPlan

CE = "AWS Security Hub"
CHECKS = "securityhub:check"


def checks(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    if "security_hub" not in p.compliance.controls:
        return []
    return [control_line(p, "security_hub", service="Security Hub", item="CSPM security checks",
                         quantity=p.compliance.security_hub_checks_month, unit="checks", key=CHECKS)]


SERVICE = Service(
    name="securityhub", title="AWS Security Hub", ce=CE, product_code="AWSSecurityHub",
    keys=(PriceKey(key=CHECKS, unit="USD per security check", ce=CE,
                   refresh=Refresh(service_code="AWSSecurityHub", usagetypes=("PaidComplianceCheck",),
                                   units={"checks": ONE})),),
    bill_lines=(
        BillLine(id=CHECKS, rules=(BillRule(usage=r"(?i)check", services=(CE,)),),
                 over="more Security Hub checks than planned: more standards enabled or more resources checked",
                 under="fewer Security Hub checks than planned"),
    ),
    components=(Priced(order=240, fn=checks),),
)
