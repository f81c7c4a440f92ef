"""Amazon EKS: the cluster control plane."""
from __future__ import annotations

from pricing.services.base import (
    HOURS,
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

CE = "Amazon Elastic Container Service for Kubernetes"


def cluster(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    return [Component("EKS", "Cluster control plane (standard support)", qty(HOURS_PER_MONTH), "cluster-hours",
                      "eks:cluster-hour", "upgrade policy STANDARD; extended support would be $0.60/h")]


SERVICE = Service(
    name="eks", title="Amazon EKS", ce=CE, product_code="AmazonEKS",
    keys=(
        PriceKey(key="eks:cluster-hour", unit="USD per cluster-hour", ce=CE,
                 refresh=Refresh(service_code="AmazonEKS", usagetypes=("AmazonEKS-Hours:perCluster",), units=HOURS)),
    ),
    bill_lines=(
        BillLine(id="eks:cluster-hour", rules=(BillRule(usage=r"AmazonEKS-Hours", services=(CE,)),),
                 over="more EKS cluster hours: extra clusters, or extended support ($0.60/h) after a missed upgrade",
                 under="fewer cluster hours than planned (cluster created mid-month?)"),
    ),
    components=(Priced(order=10, fn=cluster),),
)
