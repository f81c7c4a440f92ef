"""AWS Config: configuration items recorded and conformance-pack rule evaluations."""
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

CE = "AWS Config"
ITEMS, EVALUATIONS = "config:configuration-item", "config:rule-evaluation"


def recorder(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    c = p.compliance
    if "config" not in c.controls:
        return []
    return [control_line(p, "config", service="Config", item="Configuration items recorded",
                         quantity=c.config_items_month, unit="items", key=ITEMS),
            control_line(p, "config", service="Config", item=f"Rule evaluations ({len(c.config_rules)} managed rules)",
                         quantity=c.config_evaluations_month, unit="evaluations", key=EVALUATIONS,
                         note=f"{c.config_items_month:,.0f} items x {len(c.config_rules)} rules "
                              "(sizing/config_rules.py)")]


_CFG = (CE,)
SERVICE = Service(
    name="config", title="AWS Config", ce=CE, product_code="AWSConfig",
    keys=(
        PriceKey(key=ITEMS, unit="USD per configuration item recorded", ce=CE,
                 refresh=Refresh(service_code="AWSConfig", usagetypes=("ConfigurationItemRecorded",),
                                 units={"configurationitemrecorded": ONE, "items": ONE, "configuration items": ONE})),
        PriceKey(key=EVALUATIONS, unit="USD per rule evaluation", ce=CE,
                 refresh=Refresh(service_code="AWSConfig", usagetypes=("ConfigRuleEvaluations",),
                                 units={"configruleevaluations": ONE, "evaluations": ONE})),
    ),
    bill_lines=(
        BillLine(id=ITEMS, rules=(BillRule(usage=r"ConfigurationItemRecorded", services=_CFG),),
                 over="more configuration items than planned: resources churn (pods, ENIs) or more resource types "
                      "recorded", under="fewer configuration items recorded than planned"),
        BillLine(id=EVALUATIONS, rules=(BillRule(usage=r"(ConfigRule|ConformancePack)Evaluations", services=_CFG),),
                 over="more rule evaluations than planned: more rules or periodic evaluations",
                 under="fewer rule evaluations than planned"),
    ),
    components=(Priced(order=230, fn=recorder),),
)
