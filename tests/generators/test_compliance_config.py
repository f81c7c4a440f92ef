"""The CDK config's compliance section follows the estimate's controls; Config evaluations = items x rules."""
from __future__ import annotations

from decimal import Decimal

import pytest

from generators.cdk_from_estimate import cdk_config_from_estimate
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from sizing.config_rules import REGIME_RULES, config_rules_for
from sizing.profiles import COMPLIANCE_REGIMES
from sizing.scenario import Compliance, parse_scenario


def _est(compliance: str):
    return estimate(parse_scenario({"concurrent_users": 5000, "region": "eu-west-1", "compliance": compliance}),
                    load_snapshot())


def test_rule_lists_cover_exactly_the_regimes_with_config() -> None:
    assert set(REGIME_RULES) == {c for c, r in COMPLIANCE_REGIMES.items() if "config" in r.controls}
    assert {c: len(set(rules)) for c, rules in REGIME_RULES.items()} == {
        Compliance.hipaa: 18, Compliance.pci: 16, Compliance.soc2: 14}
    assert config_rules_for({Compliance.gdpr}) == ()
    # HIPAA + PCI: 18 + 16, less the 5 both packs list (CloudTrail enabled, multi-Region, DynamoDB PITR, DynamoDB
    # in a backup plan, restricted SSH) = 29
    assert len(config_rules_for({Compliance.hipaa, Compliance.pci})) == 18 + 16 - 5 == 29


def test_hipaa_pci_config_evaluations_by_hand() -> None:
    est = _est("hipaa,pci")
    c = est.plan.compliance
    assert est.plan.nodes.desired == 3
    items = (60 + 3 * 5) * 4          # (CONFIG_BASE_RESOURCES + 5 per node) x 4 items a month = 300
    assert c.config_items_month == items == 300
    assert c.config_evaluations_month == items * 29 == 8700
    line = next(ln for ln in est.lines if ln.price_key == "config:rule-evaluation")
    assert line.quantity == Decimal(8700)
    # audit bucket: 250,475,700 data events x 150 B = 37.57 GB a month, kept 2192 days (HIPAA) = 72.07 months
    assert c.cloudtrail_data_events_month == pytest.approx(250_475_700)
    assert c.trail_log_gb_month == pytest.approx(250_475_700 * 150 / 1e9)
    assert c.trail_storage_gb == pytest.approx(37.5713550 * 2192 / (730 / 24), rel=1e-6)
    assert c.trail_put_requests_month == (12 + 1) * 730 == 9490


def test_config_section_follows_the_controls() -> None:
    cfg = cdk_config_from_estimate(_est("hipaa,pci")).compliance
    assert (cfg.cloudtrail_data_events, cfg.config, cfg.guardduty, cfg.security_hub, cfg.macie) == (
        True, True, True, True, False)
    assert cfg.config_rules == list(config_rules_for({Compliance.hipaa, Compliance.pci}))
    assert cfg.security_hub_standards == ["pci-dss/v/4.0.1"]
    assert cfg.trail_retention_days == 2192
    assert cfg.guardduty_eks_audit_logs is False           # not priced: not deployed
    gdpr = cdk_config_from_estimate(_est("gdpr")).compliance
    assert gdpr.macie and not (gdpr.cloudtrail_data_events or gdpr.config or gdpr.guardduty or gdpr.security_hub)
    soc2 = cdk_config_from_estimate(_est("soc2")).compliance
    assert soc2.security_hub_standards == ["aws-foundational-security-best-practices/v/1.0.0"]
    none = cdk_config_from_estimate(estimate(parse_scenario({"concurrent_users": 500}), load_snapshot())).compliance
    assert not none.enabled
