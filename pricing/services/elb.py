"""Elastic Load Balancing: the Application Load Balancer and its capacity units."""
from __future__ import annotations

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

CE = "Amazon Elastic Load Balancing"
ALB_HOUR, LCU_HOUR = "elb:alb-hour", "elb:alb-lcu-hour"
_ALB = {"productFamily": "Load Balancer-Application"}


def load_balancer(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    dim = max(net.alb_lcu_dimensions, key=lambda k: net.alb_lcu_dimensions[k])
    return [Component("ELB", "Application Load Balancer", qty(HOURS_PER_MONTH), "ALB-hours", ALB_HOUR,
                      "created by the AWS Load Balancer Controller from the Ingress (one per environment)"),
            Component("ELB", "ALB capacity units", qty(net.alb_lcu * float(HOURS_PER_MONTH)), "LCU-hours", LCU_HOUR,
                      f"{net.alb_lcu:.3f} LCU at average load, bound by {dim}")]


SERVICE = Service(
    name="elb", title="Elastic Load Balancing", ce=CE, product_code="AWSELB",
    keys=(
        PriceKey(key=ALB_HOUR, unit="USD per ALB-hour", ce=CE,
                 refresh=Refresh(service_code="AWSELB", usagetypes=("LoadBalancerUsage",), operation="LoadBalancing:Application", units=HOURS, attrs=_ALB,
                                 filters=_ALB)),
        PriceKey(key=LCU_HOUR, unit="USD per LCU-hour", ce=CE,
                 refresh=Refresh(service_code="AWSELB", usagetypes=("LCUUsage",), operation="LoadBalancing:Application",
                                 units={"lcu-hrs": ONE, "lcu-hours": ONE, "hrs": ONE}, attrs=_ALB, filters=_ALB)),
    ),
    bill_lines=(
        BillLine(id=LCU_HOUR, rules=(BillRule(usage=r"LCUUsage"),),
                 over="more ALB capacity units: more new or active connections or bytes than planned",
                 under="fewer ALB capacity units than planned"),
        BillLine(id=ALB_HOUR, rules=(BillRule(usage=r"LoadBalancerUsage"),),
                 over="more load balancer hours than planned: one ALB per Ingress (no IngressGroup)?",
                 under="fewer load balancer hours than planned"),
    ),
    components=(Priced(order=50, fn=load_balancer),),
)
