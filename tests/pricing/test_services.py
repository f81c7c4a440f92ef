"""Every priced key has one home (pricing/services/) with a refresh rule, a bill rule and a hint; none is orphaned."""
import itertools
import re
from decimal import Decimal

import pytest

from pricing import services as S
from pricing.engine import estimate
from pricing.inventory import EXTERNAL_UNPRICED
from pricing.keys import KEY_UNITS
from pricing.price_list import KEY_SPECS, NOT_REFRESHABLE
from pricing.services.base import KeptPrice, PriceOptions, Refresh
from pricing.services.dynamodb import RESERVED as DDB_RESERVED
from review.hints import HINTS
from review.mapping import RULES
from sizing.bedrock_regions import usable_regions
from sizing.capacity import size
from sizing.llm import BEDROCK_MODELS
from sizing.scenario import parse_scenario

MATRIX = [
    {"concurrent_users": users, "environment": env, "compliance": comp, "llm_model": model,
     "elasticache_enabled": cache, "purchase_option": "savings_plan_1y_no_upfront"}
    for users, env, comp, model, cache in itertools.product(
        (40, 30_000), ("dev", "prod"), ("", "hipaa,pci,soc2,gdpr"), tuple(BEDROCK_MODELS), (False, True))
] + [{"concurrent_users": 500, "llm_model": "external", "external_input_usd_per_1m_tokens": 1,
      "external_output_usd_per_1m_tokens": 2}] + [
    # long system prompts: every model that caches reads and writes its prompt cache
    {"concurrent_users": 500, "llm_model": model, "system_prompt_tokens": 5000, "turns_per_conversation": 6}
    for model in ("anthropic.claude-haiku-4-5", "anthropic.claude-sonnet-4-5")] + [
    # a Kubernetes version past standard support: the extended-support cluster-hour
    {"concurrent_users": 500, "kubernetes_version": "1.33"}] + [
    # disaster recovery: the DR Region's lines (backup copies, global-table replicas, the standby cluster)
    {"concurrent_users": 500, "dr": mode, "environment": env}
    for mode in ("backup-copy", "warm-standby") for env in ("dev", "prod")]


def _scenario(raw: dict):
    """The scenario of a matrix row. A catalog model offered in no Region (end of life: docs/sizing-facts.md
    § Bedrock model availability by Region) is refused as input, yet its price keys stay in the catalog: its
    rows take a valid scenario and swap the model in unvalidated, so its lines are still emitted and checked."""
    if raw.get("llm_model") in BEDROCK_MODELS and not usable_regions(raw["llm_model"]):
        return parse_scenario({**raw, "llm_model": "amazon.nova-pro"}).model_copy(update={"llm_model": raw["llm_model"]})
    return parse_scenario(raw)


@pytest.fixture(scope="module")
def emitted() -> tuple[set[str], set[str]]:
    """(price keys, bill lines) the components emit over the matrix, DynamoDB in both modes."""
    keys: set[str] = set()
    lines: set[str] = set()
    for raw in MATRIX:
        plan = size(_scenario(raw))
        for provisioned in (False, True):
            for c in S.bill_of_materials(plan, PriceOptions(dynamodb_provisioned=provisioned)):
                keys.add(c.price_key) if c.price_key else None
                lines.add(c.bill_line or S.KEYS[c.price_key].bill_line)
        # the engine prices every feasible node candidate to find the cheapest type
        keys.update(f"ec2:{n.instance_type}" for n in plan.node_candidates.values())
    return keys, lines


def test_every_emitted_key_has_a_unit_refresh_rule_bill_rule_and_hint(emitted):
    keys, lines = emitted
    for key in keys:
        info = S.KEYS[key]                                     # declared by exactly one service module
        assert info.unit == KEY_UNITS[key]
        assert key in KEY_SPECS or key in NOT_REFRESHABLE, f"{key}: no refresh rule"
        if isinstance(info.refresh, KeptPrice):
            assert info.refresh.reason, f"{key}: a kept price needs its reason"
        assert info.bill_line in S.BILL_LINES, f"{key}: no bill line {info.bill_line}"
    for line in lines - {"external:input", "external:output"}:
        assert S.BILL_LINES[line].rules, f"{line}: no bill rule"
        assert line in HINTS and all(HINTS[line]), f"{line}: no hint"
        assert any(r.group == line for r in RULES), f"{line}: the review has no rule for it"


def test_no_orphans(emitted):
    keys, lines = emitted
    # the reserved-capacity keys price a purchase quote (Estimate.dynamodb_mode.reserved), not a bill line
    quoted = {k for by_unit in DDB_RESERVED.values() for pair in by_unit.values() for k in pair}
    # what the bundle uses but does not create (the customer's Route 53 zone): declared for price-template and the
    # bill review, never an estimate line
    outside = {k for _, ks in EXTERNAL_UNPRICED for k in ks}
    assert outside == {"route53:hosted-zone-month", "route53:queries-million"}
    assert set(S.KEYS) - quoted - outside == keys, f"keys no component prices: {sorted(set(S.KEYS) - quoted - keys)}"
    assert set(S.BILL_LINES) - outside == lines - {"external:input", "external:output"}, \
        f"bill lines nothing feeds: {sorted(set(S.BILL_LINES) - lines)}"
    assert set(KEY_SPECS) | set(NOT_REFRESHABLE) == set(S.KEYS)
    assert {r.group for r in RULES} == set(S.BILL_LINES)


def test_one_home_per_key_and_unique_names():
    declared = [k.key for s in S.SERVICES for k in s.keys]
    assert len(declared) == len(set(declared))
    for s in S.SERVICES:
        for k in s.keys:
            assert k.key.split(":", 1)[0] == s.name, f"{k.key} declared in {s.name}.py"
            assert isinstance(k.refresh, (Refresh, KeptPrice))
    for rule in RULES:
        re.compile(rule.usage.pattern)


def test_service_rules_come_before_open_ones():
    tied = [i for i, r in enumerate(RULES) if r.services is not None]
    open_ = [i for i, r in enumerate(RULES) if r.services is None]
    assert max(tied) < min(open_)


def test_interface_endpoints_by_hand():
    """The plan's Secrets Manager endpoint: 1 endpoint x AZs x 730 h at the region's price, plus its GB."""
    prod = estimate(parse_scenario({"concurrent_users": 1000, "region": "eu-west-1"}))
    dev = estimate(parse_scenario({"concurrent_users": 50, "environment": "dev"}))
    hours = {ln.price_key: ln for ln in prod.lines}["vpc:interface-endpoint-hour"]
    assert hours.quantity == 1 * 3 * 730 and hours.unit_usd == Decimal("0.011")
    assert hours.monthly_usd == Decimal("24.09")                       # 2,190 x 0.011
    dev_hours = {ln.price_key: ln for ln in dev.lines}["vpc:interface-endpoint-hour"]
    assert dev_hours.quantity == 1 * 2 * 730 and dev_hours.monthly_usd == Decimal("14.60")   # 1,460 x 0.01
    gb = {ln.price_key: ln for ln in prod.lines}["vpc:interface-endpoint-gb"]
    calls = prod.plan.security.secret_api_calls_month
    assert gb.quantity == Decimal(repr(round(calls * 4096 / 1024 ** 3, 6)))
    assert hours.ce_service == gb.ce_service == "Amazon Virtual Private Cloud"
    assert hours.bill_line == "vpc:interface-endpoint-hour"
