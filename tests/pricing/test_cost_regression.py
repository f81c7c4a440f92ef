"""Cost regression: the full estimate of a few reference scenarios against golden JSON files.

Any change to a formula, an assumption or a price shows up here as a diff to review.
Update after an intended change: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/pricing/test_cost_regression.py`
(or `make golden`), then read the diff of tests/golden/estimates/ before committing.
"""
import json
import os
from pathlib import Path

import pytest

from pricing.engine import estimate
from pricing.schema import estimate_to_dict
from sizing.scenario import parse_scenario

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "estimates"
CASES = {
    "small-prod-us-east-1": {"concurrent_users": 250},
    "medium-prod-eu-west-1-gdpr-soc2": {"concurrent_users": 1200, "region": "eu-west-1", "compliance": "gdpr,soc2"},
    "large-staging-us-west-2-spot": {"concurrent_users": 6000, "environment": "staging", "region": "us-west-2",
                                     "spot_share_pct": 60, "elasticache_enabled": True},
    "enterprise-prod-hipaa-pci-sp3y": {"concurrent_users": 40000, "compliance": "hipaa,pci",
                                       "purchase_option": "savings_plan_3y_all_upfront"},
    "dev-ap-southeast-1-external-llm": {"concurrent_users": 80, "environment": "dev", "region": "ap-southeast-1",
                                        "llm_model": "external", "external_input_usd_per_1m_tokens": 2.5,
                                        "external_output_usd_per_1m_tokens": 10},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_estimate_matches_golden(case):
    doc = estimate_to_dict(estimate(parse_scenario(CASES[case]), ranges=True))
    doc["prices"].pop("source", None)          # the file name of the snapshot, not a number
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    path = GOLDEN / f"{case}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden {path}; run UPDATE_GOLDEN=1 pytest {__file__}"
    golden = json.loads(path.read_text(encoding="utf-8"))
    assert doc["cost"]["monthly_usd"] == golden["cost"]["monthly_usd"], "monthly total moved"
    assert doc == golden
