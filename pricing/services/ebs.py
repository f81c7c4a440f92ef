"""Amazon EBS: gp3 root volumes of the worker nodes."""
from __future__ import annotations

from pricing.services.base import (
    EC2_OTHER,
    GB_MONTH,
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
from sizing.assumptions import NODE_DISK_GIB
from sizing.capacity import CapacityPlan

KEY = "ebs:gp3-gb-month"


def volumes(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    n, system = p.nodes, p.provisioner.system_nodes
    extra = f" + {system} Karpenter system nodes" if system else ""
    return [Component("EBS", f"gp3 node root volumes ({NODE_DISK_GIB} GiB x {n.average:.2f} nodes on average{extra})",
                      qty(p.ebs_gb), "GB-month", KEY,
                      f"one volume per node while it runs: {n.node_hours:,.2f} node-hours (peak {n.desired})"
                      + (f"; {system} system node(s) all month" if system else ""))]


SERVICE = Service(
    name="ebs", title="Amazon EBS", ce=EC2_OTHER, product_code=None,
    keys=(
        PriceKey(key=KEY, unit="USD per GB-month", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("EBS:VolumeUsage.gp3",), operation="CreateVolume-Gp3", units=GB_MONTH,
                                 attrs={"volumeApiName": "gp3"},
                                 filters={"productFamily": "Storage", "volumeApiName": "gp3"})),
    ),
    bill_lines=(
        BillLine(id=KEY, rules=(BillRule(usage=r"^EBS:VolumeUsage(\.|$)"), BillRule(usage=r"^EBS:", per_unit=None)),
                 over="more or larger EBS volumes than planned, snapshots, or gp2/io volumes",
                 under="less EBS storage than planned"),
    ),
    components=(Priced(order=30, fn=volumes),),
)
