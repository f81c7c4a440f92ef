"""AWS WAF: the web ACL on the ALB, its rules and the requests it inspects."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    COMPLIANCE,
    INFRA,
    ONE,
    PER_MILLION,
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
from sizing.assumptions import WAF_MANAGED_RULE_GROUPS
from sizing.capacity import CapacityPlan

CE = "AWS WAF"
ACL, RULES, REQUESTS = "waf:web-acl-month", "waf:rule-month", "waf:requests-million"


def web_acl(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    sec = p.security
    if not sec.waf_enabled:
        return []
    control = "waf" if sec.waf_compliance_only else None   # on only because a regime demands it
    cat = COMPLIANCE if control else INFRA
    return [Component("WAF", "Web ACL on the ALB", qty(1), "web ACLs", ACL, category=cat, control=control),
            Component("WAF", f"Rules ({len(WAF_MANAGED_RULE_GROUPS)} managed groups + rate limit)", qty(sec.waf_rules),
                      "rules", RULES, category=cat, control=control),
            Component("WAF", "Requests inspected", qty(sec.waf_requests_month / 1e6), "million requests", REQUESTS,
                      category=cat, control=control)]


def _key(key: str, unit: str, usagetypes: tuple[str, ...], units: dict) -> PriceKey:
    return PriceKey(key=key, unit=unit, ce=CE, refresh=Refresh(service_code="awswaf", usagetypes=usagetypes, units=units))


_WAF = (CE,)
SERVICE = Service(
    name="waf", title="AWS WAF", ce=CE, product_code="awswaf",
    keys=(
        _key(ACL, "USD per web ACL-month", ("WebACLV2", "WebACL"), {"webacl": ONE, "web acl": ONE, "acl": ONE}),
        _key(RULES, "USD per rule-month", ("RuleV2", "Rule"), {"rule": ONE, "rules": ONE}),
        _key(REQUESTS, "USD per million requests", ("RequestV2-Tier1", "RequestV2", "Request"),
             {"request": PER_MILLION, "requests": PER_MILLION}),
    ),
    bill_lines=(
        BillLine(id=ACL, rules=(BillRule(usage=r"WebACL", services=_WAF),),
                 over="more web ACLs than planned: an ACL per environment or per load balancer",
                 under="fewer web ACLs than planned (WAF not associated?)"),
        BillLine(id=RULES, rules=(BillRule(usage=r"Rule", services=_WAF),),
                 over="more WAF rules than planned: rules added to the ACL", under="fewer WAF rules than planned"),
        BillLine(id=REQUESTS, rules=(BillRule(usage=r"Request", services=_WAF, per_unit=Decimal("0.000001")),),
                 over="more requests inspected by WAF: traffic above plan, or bots", under="fewer WAF requests"),
    ),
    components=(Priced(order=120, fn=web_acl),),
)
