"""Amazon EC2: worker nodes (on-demand, spot) and t3 unlimited-mode surplus CPU credits."""
from __future__ import annotations

from pricing.purchase import SPOT_DISCOUNT
from pricing.services.base import (
    HOURS,
    ONE,
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
from sizing.assumptions import HOURS_PER_MONTH
from sizing.capacity import CapacityPlan
from sizing.instances import INSTANCE_SHAPES

CE = "Amazon Elastic Compute Cloud - Compute"
CPU_CREDITS = "ec2:t-unlimited-vcpu-hour"
ON_DEMAND, SPOT = "ec2:nodes:on-demand", "ec2:nodes:spot"
_LINUX = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}


def instance_key(instance_type: str) -> str:
    """The price key of one instance type's on-demand hour."""
    return f"ec2:{instance_type}"


def _hours_note(hours: float, peak: int, average: float) -> str:
    return f"{hours:,.2f} node-hours: peak {peak}, average {average:.2f}"


def nodes(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """Node-hours over the month's load curve (docs/sizing-model.md § Nodes), split on-demand/spot."""
    n, sp = p.nodes, o.savings_plan_discount
    key = instance_key(n.instance_type)
    out = []
    if n.node_hours_on_demand:
        avg = n.node_hours_on_demand / float(HOURS_PER_MONTH)
        note = f"{_hours_note(n.node_hours_on_demand, n.on_demand, avg)} (on-demand)"
        if sp:
            note += f"; Compute Savings Plan rate: list price less {sp * 100:.0f}% (assumption)"
        out.append(Component("EC2", f"{n.instance_type} nodes, on-demand", qty(n.node_hours_on_demand),
                             "instance-hours", key, note, price_factor=ONE - sp, bill_line=ON_DEMAND))
    if n.node_hours_spot:
        avg = n.node_hours_spot / float(HOURS_PER_MONTH)
        out.append(Component("EC2", f"{n.instance_type} nodes, spot", qty(n.node_hours_spot), "instance-hours",
                             key, f"{_hours_note(n.node_hours_spot, n.spot, avg)} (spot, {p.spot_share_pct:g}% "
                             f"share); spot = list price less {SPOT_DISCOUNT * 100:.0f}% (assumption; plan: 60-90% "
                             f"savings)", price_factor=ONE - SPOT_DISCOUNT, bill_line=SPOT))
    if n.surplus_vcpu_hours_month > 0:
        out.append(Component("EC2", f"{n.instance_type} unlimited-mode surplus CPU credits",
                             qty(n.surplus_vcpu_hours_month), "vCPU-hours", CPU_CREDITS,
                             f"modelled CPU use above the {n.burst_baseline_pct:g}% baseline on some days (average "
                             f"{n.average_utilisation_pct:.1f}%, peak hour {n.utilisation_pct:.1f}%; "
                             f"docs/sizing-facts.md § Burstable t3 credits)"))
    return out


def _instance(itype: str) -> PriceKey:
    return PriceKey(key=instance_key(itype), unit="USD per instance-hour", ce=CE, bill=ON_DEMAND,
                    refresh=Refresh(service_code="AmazonEC2", usagetypes=(f"BoxUsage:{itype}",), units=HOURS,
                                    attrs={"instanceType": itype, **_LINUX},
                                    filters={"instanceType": itype, **_LINUX}))


SERVICE = Service(
    name="ec2", title="Amazon EC2", ce=CE, product_code="AmazonEC2",
    keys=tuple(_instance(t) for t in INSTANCE_SHAPES) + (
        PriceKey(key=CPU_CREDITS, unit="USD per vCPU-hour", ce=CE,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("CPUCredits:t3",),
                                 units={"vcpu-hours": ONE, "hrs": ONE}, attrs={"operatingSystem": "Linux"},
                                 filters={"productFamily": "CPU Credits", "operatingSystem": "Linux"})),
    ),
    bill_lines=(
        BillLine(id=SPOT, rules=(BillRule(usage=r"^SpotUsage"),),
                 over="more spot hours than planned, or spot prices above the assumed discount",
                 under="fewer spot hours than planned: spot capacity unavailable or nodes scaled in"),
        BillLine(id=ON_DEMAND, rules=(BillRule(usage=r"^(BoxUsage|DedicatedUsage|HostUsage)"),),
                 over="EC2 above plan: more nodes than planned or nodes running longer (cluster autoscaler max, "
                      "stuck scale-down), a larger instance type, spot capacity replaced by on-demand, or t3 "
                      "surplus CPU credits",
                 under="fewer on-demand node hours than planned: nodes scaled in below peak, or savings plan "
                       "coverage"),
        BillLine(id=CPU_CREDITS, rules=(BillRule(usage=r"CPUCredits"),),
                 over="t3 surplus credits: nodes run above the burst baseline; a non-burstable type (c5/m5) may "
                      "be cheaper",
                 under="fewer surplus CPU credits than planned"),
    ),
    components=(Priced(order=20, fn=nodes),),
)
