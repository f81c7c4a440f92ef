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
from sizing.assumptions import HOURS_PER_MONTH, SPOT_INTERRUPTION_HEADROOM_PCT
from sizing.capacity import CapacityPlan
from sizing.instances import INSTANCE_SHAPES

CE = "Amazon Elastic Compute Cloud - Compute"
CPU_CREDITS = "ec2:t-unlimited-vcpu-hour"
ON_DEMAND, SPOT = "ec2:nodes:on-demand", "ec2:nodes:spot"
SYSTEM_NODE_GROUP = "Karpenter system node group"   # the system group line's item (pricing/inventory.py)
_LINUX = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}


def instance_key(instance_type: str) -> str:
    """The price key of one instance type's on-demand hour."""
    return f"ec2:{instance_type}"


def _hours_note(hours: float, peak: int, average: float) -> str:
    return f"{hours:,.2f} node-hours: peak {peak}, average {average:.2f}"


def _karpenter_note(p: CapacityPlan) -> str:
    if not p.provisioner.karpenter:
        return ""
    return (f"; Karpenter may launch any fitting {'/'.join(p.provisioner.instance_families)} size and bin-packs "
            f"on the cheapest: priced as the plan's {p.nodes.instance_type} (docs/sizing-model.md § Node provisioner)")


def _spot(p: CapacityPlan, key: str) -> list[Component]:
    """Spot node-hours at the spot discount, and the interruption headroom on top (docs/sizing-model.md § Nodes)."""
    n = p.nodes
    disc = f"spot = list price less {SPOT_DISCOUNT * 100:.0f}% (docs/sizing-facts.md § Spot discount)"
    avg = n.node_hours_spot / float(HOURS_PER_MONTH)
    floor = f"; on-demand floor {n.on_demand_floor} node(s)" if n.on_demand_floor else ""
    out = [Component("EC2", f"{n.instance_type} nodes, spot", qty(n.node_hours_spot), "instance-hours", key,
                     f"{_hours_note(n.node_hours_spot, n.spot, avg)} (spot, {p.spot_share_pct:g}% share{floor}); "
                     f"{disc}{_karpenter_note(p)}", price_factor=ONE - SPOT_DISCOUNT, bill_line=SPOT)]
    if n.node_hours_spot_headroom:
        out.append(Component(
            "EC2", f"{n.instance_type} spot interruption headroom", qty(n.node_hours_spot_headroom), "instance-hours",
            key, f"{SPOT_INTERRUPTION_HEADROOM_PCT:g}% of the spot node-hours (UNSOURCED, range 5-20%): spare spot "
                 f"capacity that absorbs reclaims (docs/sizing-facts.md § Spot interruption headroom); {disc}",
            price_factor=ONE - SPOT_DISCOUNT, bill_line=SPOT))
    return out


def _system(p: CapacityPlan) -> list[Component]:
    """Karpenter's controller runs on a small on-demand managed node group, all month."""
    k = p.provisioner
    if not k.system_nodes:
        return []
    hours = k.system_nodes * int(HOURS_PER_MONTH)
    return [Component("EC2", f"{k.system_instance_type} {SYSTEM_NODE_GROUP}, on-demand", qty(hours),
                      "instance-hours", instance_key(k.system_instance_type),
                      f"{k.system_nodes} node(s) x {int(HOURS_PER_MONTH)} h: the Karpenter controller ({k.controller_replicas} "
                      f"replica(s), {k.controller_cpu_m}m / {k.controller_memory_mi} Mi each) off the nodes it manages "
                      f"(docs/sizing-model.md § Node provisioner)", bill_line=ON_DEMAND)]


def nodes(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """Node-hours over the month's load curve (docs/sizing-model.md § Nodes), split on-demand/spot."""
    n = p.nodes
    key = instance_key(n.instance_type)
    out = []
    if n.node_hours_on_demand:
        avg = n.node_hours_on_demand / float(HOURS_PER_MONTH)
        note = f"{_hours_note(n.node_hours_on_demand, n.on_demand, avg)} (on-demand){_karpenter_note(p)}"
        out.append(Component("EC2", f"{n.instance_type} nodes, on-demand", qty(n.node_hours_on_demand),
                             "instance-hours", key, note, bill_line=ON_DEMAND))
    if n.node_hours_spot:
        out += _spot(p, key)
    out += _system(p)
    if n.surplus_vcpu_hours_month > 0:
        out.append(Component("EC2", f"{n.instance_type} unlimited-mode surplus CPU credits",
                             qty(n.surplus_vcpu_hours_month), "vCPU-hours", CPU_CREDITS,
                             f"modelled CPU use above the {n.burst_baseline_pct:g}% baseline on some days (average "
                             f"{n.average_utilisation_pct:.1f}%, peak hour {n.utilisation_pct:.1f}%; "
                             f"docs/sizing-facts.md § Burstable t3 credits)"))
    return out


def _instance(itype: str) -> PriceKey:
    return PriceKey(key=instance_key(itype), unit="USD per instance-hour", ce=CE, bill=ON_DEMAND,
                    refresh=Refresh(service_code="AmazonEC2", usagetypes=(f"BoxUsage:{itype}",), operation="RunInstances", units=HOURS,
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
