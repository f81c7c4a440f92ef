"""Amazon EKS: the cluster control plane, at the standard or the extended-support cluster-hour."""
from __future__ import annotations

from pricing.services.base import (
    HOURS,
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.assumptions import HOURS_PER_MONTH
from sizing.capacity import CapacityPlan
from sizing.eks_versions import Support

CE = "Amazon Elastic Container Service for Kubernetes"
STANDARD, EXTENDED = "eks:cluster-hour", "eks:cluster-hour-extended"


def cluster(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    k = p.kubernetes
    if k.support is Support.extended:
        return [Component("EKS", f"Cluster control plane, Kubernetes {k.version} (extended support)",
                          qty(HOURS_PER_MONTH), "cluster-hours", EXTENDED,
                          f"standard support ended {k.end_standard.isoformat()}; extended support until "
                          f"{k.end_extended.isoformat()} (docs/sizing-facts.md § EKS Kubernetes version calendar)",
                          bill_line=EXTENDED)]
    return [Component("EKS", f"Cluster control plane, Kubernetes {k.version} (standard support)",
                      qty(HOURS_PER_MONTH), "cluster-hours", STANDARD,
                      f"upgrade policy STANDARD; standard support until {k.end_standard.isoformat()}, then the "
                      "extended-support rate unless upgraded")]


SERVICE = Service(
    name="eks", title="Amazon EKS", ce=CE, product_code="AmazonEKS",
    keys=(
        PriceKey(key=STANDARD, unit="USD per cluster-hour", ce=CE,
                 refresh=Refresh(service_code="AmazonEKS", usagetypes=("AmazonEKS-Hours:perCluster",), operation="CreateOperation", units=HOURS)),
        PriceKey(key=EXTENDED, unit="USD per cluster-hour", ce=CE,
                 refresh=KeptPrice(service_code="AmazonEKS",
                                   reason="the Price List usage type of extended-support cluster hours is not "
                                          "verified against a live offer; the snapshot price is kept")),
    ),
    bill_lines=(
        BillLine(id=EXTENDED, rules=(BillRule(usage=r"AmazonEKS-Hours:.*[Ee]xtended", services=(CE,)),),
                 over="extended-support cluster hours above plan: a cluster left on a version past standard support",
                 under="fewer extended-support hours than planned: the cluster was upgraded"),
        BillLine(id=STANDARD, rules=(BillRule(usage=r"AmazonEKS-Hours", services=(CE,)),),
                 over="more EKS cluster hours: extra clusters, or extended support ($0.60/h) after a missed upgrade",
                 under="fewer cluster hours than planned (cluster created mid-month?)"),
    ),
    components=(Priced(order=10, fn=cluster),),
)
