"""Usage outside the template: what a deployment is billed for that no CloudFormation resource carries, from the
usage file's `outside:` section (docs/price-template.md § Outside the template).

    outside:
      k8s:Ingress/chat-app: {load_balancers: 1, public_ipv4_addresses: 3, lcu_hours: 1460}
      account: {internet_out_gb: 868.5, xray_traces: 13974500, custom_metrics: 77, free_alarms: 10}

- `k8s:Ingress/NAME`: the Application Load Balancer the AWS Load Balancer Controller creates from a Kubernetes
  Ingress (the generated bundle's ALB: it is in the Helm values, not in the CloudFormation).
- `account`: usage billed on traffic or per account, with no resource to carry it (internet and cross-AZ data
  transfer, X-Ray traces, CloudWatch custom metrics, t3 CPU credits above baseline), in billed quantities (the
  always-free tiers already taken off, as the rest of the usage file); and `free_alarms` / `free_dashboards`:
  how many of the template's alarms and dashboards the account's always-free tier covers (priced at 0).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from pricing.engine import CostLine
from pricing.services import cloudwatch, datatransfer, elb, vpc, xray
from pricing.services.base import Component, qty
from pricing.services.ec2 import CPU_CREDITS
from sizing.assumptions import HOURS_PER_MONTH

INGRESS = "k8s:Ingress"
ACCOUNT = "account"
INGRESS_KEYS = ("load_balancers", "public_ipv4_addresses", "lcu_hours")
#: usage key -> (the price key it makes free, the account's always-free count the bundle's usage.yaml writes)
FREE_TIER = {"free_alarms": (cloudwatch.ALARMS, cloudwatch.FREE_ALARMS),
             "free_dashboards": (cloudwatch.DASHBOARDS, cloudwatch.FREE_DASHBOARDS)}


@dataclass(frozen=True, slots=True)
class AccountUsage:
    service: str
    item: str
    unit: str
    price_key: str
    per: int                 # usage-file units per priced unit (traces per million traces)
    tiered: bool = False     # the key's price has volume tiers (as the estimate's line)


#: The `account` usage keys: each is one of the estimate's lines that no resource carries (pricing/inventory.py
#: EXTERNAL_BY_KEY), priced with the same key and tiering as the estimate (the one place the mapping lives).
ACCOUNT_USAGE: dict[str, AccountUsage] = {
    "internet_out_gb": AccountUsage("Data transfer", "Internet egress", "GB", datatransfer.INTERNET_OUT, 1, True),
    "inter_az_gb": AccountUsage("Data transfer", "Cross-AZ transfer", "GB", datatransfer.INTER_AZ, 1),
    "xray_traces": AccountUsage("X-Ray", "Traces recorded", "million traces", xray.KEY, 1_000_000),
    "custom_metrics": AccountUsage("CloudWatch", "Custom metrics", "metrics", cloudwatch.METRICS, 1),
    "t_unlimited_vcpu_hours": AccountUsage("EC2", "t3 CPU credits above baseline", "vCPU-hours", CPU_CREDITS, 1),
}
ACCOUNT_KEYS = (*ACCOUNT_USAGE, *FREE_TIER)


def allowed_keys(name: str) -> tuple[str, ...] | None:
    """The usage keys an `outside` entry takes, or None for a name that is not `account` or `k8s:Ingress/NAME`."""
    if name == ACCOUNT:
        return ACCOUNT_KEYS
    kind, _, rest = name.partition("/")
    return INGRESS_KEYS if kind == INGRESS and rest else None


def _ingress(values: Mapping[str, Decimal]) -> list[Component]:
    lbs, ips = values.get("load_balancers", Decimal(0)), values.get("public_ipv4_addresses", Decimal(0))
    note = "created by the AWS Load Balancer Controller from the Ingress (usage file, outside the template)"
    return [Component("ELB", "Application Load Balancer", qty(lbs * HOURS_PER_MONTH), "ALB-hours", elb.ALB_HOUR, note),
            Component("ELB", "ALB capacity units", qty(values.get("lcu_hours", Decimal(0))), "LCU-hours", elb.LCU_HOUR,
                      note),
            Component("VPC", f"{vpc.ALB_IPV4_ITEM} ({ips})", qty(ips * HOURS_PER_MONTH), "address-hours", vpc.IPV4_HOUR,
                      "one public address per AZ")]


def _account(values: Mapping[str, Decimal]) -> list[Component]:
    return [Component(u.service, u.item, qty(values[key] / u.per), u.unit, u.price_key,
                      "billed on usage, no resource carries it (usage file, outside the template)", tiered=u.tiered)
            for key, u in ACCOUNT_USAGE.items() if key in values]


def outside_components(outside: Mapping[str, Mapping[str, Decimal]]) -> list[tuple[str, str, list[Component]]]:
    """(name, kind, components) for each `outside` entry, in the file's order."""
    return [(name, ACCOUNT if name == ACCOUNT else INGRESS,
             _account(values) if name == ACCOUNT else _ingress(values)) for name, values in outside.items()]


def apply_free_tier(lines: Iterable[CostLine], outside: Mapping[str, Mapping[str, Decimal]]) -> list[CostLine]:
    """The lines with the first `free_alarms` alarm lines and `free_dashboards` dashboard lines at 0 (the
    account's always-free tier, given in the usage file's `account` entry)."""
    left = {FREE_TIER[k][0]: int(v) for k, v in outside.get(ACCOUNT, {}).items() if k in FREE_TIER}
    out = []
    for line in lines:
        if left.get(line.price_key or "", 0) > 0 and line.quantity == 1:
            left[line.price_key or ""] -= 1
            line = replace(line, quantity=Decimal(0), monthly_usd=Decimal(0),
                           note="; ".join(n for n in (line.note, "in the account's always-free tier") if n))
        out.append(line)
    return out
