"""Amazon ElastiCache (Valkey): the optional session and response cache."""
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
from sizing.assumptions import ELASTICACHE_LARGE_NODE, ELASTICACHE_SMALL_NODE, HOURS_PER_MONTH
from sizing.capacity import CapacityPlan

CE = "Amazon ElastiCache"
NODE_TYPES: tuple[str, ...] = (ELASTICACHE_SMALL_NODE, ELASTICACHE_LARGE_NODE)
BILL_LINE = "elasticache:nodes"


def node_key(node_type: str) -> str:
    return f"elasticache:{node_type}"


def cache_nodes(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    if not p.elasticache_node_type:
        return []
    return [Component("ElastiCache", f"{p.elasticache_node_type} nodes (Valkey) x {p.elasticache_nodes}",
                      qty(p.elasticache_nodes * HOURS_PER_MONTH), "node-hours", node_key(p.elasticache_node_type))]


def _node(node: str) -> PriceKey:
    valkey = {"instanceType": node, "cacheEngine": "Valkey"}
    return PriceKey(key=node_key(node), unit="USD per node-hour", ce=CE, bill=BILL_LINE,
                    refresh=Refresh(service_code="AmazonElastiCache", usagetypes=(f"NodeUsage:{node}",), units=HOURS,
                                    attrs=valkey, filters=valkey))


SERVICE = Service(
    name="elasticache", title="Amazon ElastiCache", ce=CE, product_code="AmazonElastiCache",
    keys=tuple(_node(n) for n in NODE_TYPES),
    bill_lines=(
        BillLine(id=BILL_LINE, rules=(BillRule(usage=r"NodeUsage", services=(CE,)),),
                 over="more cache node hours than planned (replicas?)", under="fewer cache node hours than planned"),
    ),
    components=(Priced(order=150, fn=cache_nodes),),
)
