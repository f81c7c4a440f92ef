"""The EKS version calendar: the version a bundle deploys, extended support priced, pins that cannot be created."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from aws_cdk import aws_eks_v2 as eks

from pricing.engine import estimate
from pricing.schema import estimate_to_dict
from sizing.capacity import size
from sizing.eks_versions import (
    CALENDAR_AS_OF,
    CDK_MAX_VERSION,
    EKS_CALENDAR,
    Support,
    default_version,
    support_on,
    version_key,
)
from sizing.scenario import Scenario, ScenarioError, parse_scenario


def test_the_calendar_follows_the_14_plus_12_month_rule() -> None:
    # EKS: 14 months of standard support after release, then 12 months of extended support.
    for r in EKS_CALENDAR.values():
        assert (r.end_extended.year - r.end_standard.year) * 12 + r.end_extended.month - r.end_standard.month == 12
        months = (r.end_standard.year - r.released.year) * 12 + r.end_standard.month - r.released.month
        assert 13 <= months <= 15, r.version


def test_cdk_max_version_is_what_the_installed_aws_cdk_lib_offers() -> None:
    offered = [n for n in dir(eks.KubernetesVersion) if re.fullmatch(r"V1_\d+", n)]
    newest = max(offered, key=lambda n: int(n.split("_")[1]))
    assert newest == "V" + CDK_MAX_VERSION.replace(".", "_")


def test_default_is_the_newest_standard_version_on_the_calendar_date() -> None:
    assert CALENDAR_AS_OF == date(2026, 11, 29)
    # 1.35 (released 2026-01-28) is standard until 2027-03-27; 1.34 until 2026-12-02; 1.33 ended 2026-07-29.
    assert default_version() == "1.35"
    assert support_on(EKS_CALENDAR["1.34"]) is Support.standard
    assert support_on(EKS_CALENDAR["1.33"]) is Support.extended
    assert support_on(EKS_CALENDAR["1.31"]) is Support.ended          # extended ended 2026-11-26
    assert default_version(date(2026, 6, 1)) == "1.35"
    assert default_version(date(2025, 12, 1)) == "1.34"                 # before 1.35 was released
    assert version_key("1.9") < version_key("1.35")


def test_default_scenario_prices_standard_support_and_warns_of_its_end() -> None:
    est = estimate(Scenario())
    line = next(ln for ln in est.lines if ln.service == "EKS")
    assert line.price_key == "eks:cluster-hour"
    assert line.monthly_usd == Decimal("73.00")                          # 730 h x $0.10
    assert "Kubernetes 1.35" in line.item
    # 2027-03-27 is 118 days after 2026-11-29 (2 days of Nov + 31 + 31 + 28 + 26): within the year's warning window
    assert any("Kubernetes 1.35 leaves EKS standard support on 2027-03-27 (118 days" in w for w in est.plan.warnings)


def test_pinning_a_version_past_standard_support_prices_extended_support() -> None:
    base = estimate(Scenario())
    est = estimate(Scenario(kubernetes_version="1.33"))
    line = next(ln for ln in est.lines if ln.service == "EKS")
    assert line.price_key == "eks:cluster-hour-extended"
    assert line.monthly_usd == Decimal("438.00")                         # 730 h x $0.60
    assert est.monthly_usd - base.monthly_usd == Decimal("365.00")       # 730 h x ($0.60 - $0.10)
    assert est.plan.kubernetes.support_type == "EXTENDED"
    warning = next(w for w in est.plan.warnings if w.startswith("kubernetes_version 1.33"))
    assert "left EKS standard support on 2026-07-29" in warning and "until 2027-07-29" in warning
    doc = json.loads(json.dumps(estimate_to_dict(est), default=str))
    assert doc["scenario"]["kubernetes_version"] == "1.33"


@pytest.mark.parametrize(("pin", "words"), [
    ("1.31", "left EKS extended support on 2026-11-26"),
    ("1.29", "left EKS extended support on 2026-03-23"),
    ("1.40", "unknown Kubernetes version '1.40'"),
    ("latest", "unknown Kubernetes version 'latest'"),
])
def test_a_pin_a_new_cluster_cannot_use_is_an_input_error(pin: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"kubernetes_version": pin})
    text = str(err.value)
    assert "kubernetes_version" in text and words in text
    assert "1.32, 1.33, 1.34, 1.35" in text


def test_the_bundle_deploys_the_priced_version() -> None:
    from generators.cdk_from_estimate import cdk_config_data
    data = cdk_config_data(estimate(Scenario(kubernetes_version="1.33")))
    assert (data["kubernetes_version"], data["eks_support_type"]) == ("1.33", "EXTENDED")
    data = cdk_config_data(estimate(Scenario()))
    assert (data["kubernetes_version"], data["eks_support_type"]) == ("1.35", "STANDARD")
    assert size(Scenario()).kubernetes.pinned is False
