"""Savings Plans advice from Cost Explorer on Stubber (the real get_savings_plans_purchase_recommendation shapes)."""
from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from review.model import ActualsError
from review.sources.savings_plans import (
    OFFLINE_NOTE,
    PLANS,
    advice_to_dict,
    break_even_months,
    fetch_savings_plans_advice,
)


def ce():  # type: ignore[no-untyped-def]
    c = boto3.client("ce", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    return c, Stubber(c)


def response(plan: str, term: str, hourly: str, monthly: str, pct: str, upfront: str = "0") -> dict:
    details = [{"AccountId": "123456789012", "UpfrontCost": upfront, "HourlyCommitmentToPurchase": hourly,
                "EstimatedMonthlySavingsAmount": monthly, "EstimatedSavingsPercentage": pct,
                "CurrencyCode": "USD"}] if hourly != "0" else []
    summary = {"HourlyCommitmentToPurchase": hourly, "EstimatedMonthlySavingsAmount": monthly,
               "EstimatedSavingsPercentage": pct, "CurrencyCode": "USD", "TotalRecommendationCount": str(len(details))}
    return {"Metadata": {"RecommendationId": "r1", "GenerationTimestamp": "2026-11-29T00:00:00Z"},
            "SavingsPlansPurchaseRecommendation": {
                "SavingsPlansType": plan, "TermInYears": term, "PaymentOption": "NO_UPFRONT",
                "LookbackPeriodInDays": "THIRTY_DAYS", "SavingsPlansPurchaseRecommendationDetails": details,
                "SavingsPlansPurchaseRecommendationSummary": summary}}


def test_four_queries_and_their_figures() -> None:
    c, stub = ce()
    figures = {("COMPUTE_SP", "ONE_YEAR"): ("0.500", "60.00", "20.0"),
               ("COMPUTE_SP", "THREE_YEARS"): ("0.420", "110.50", "37.5"),
               ("EC2_INSTANCE_SP", "ONE_YEAR"): ("0.450", "80.00", "27.0"),
               ("EC2_INSTANCE_SP", "THREE_YEARS"): ("0", "0", "0")}
    for plan, term in PLANS:
        stub.add_response("get_savings_plans_purchase_recommendation", response(plan, term, *figures[(plan, term)]),
                          {"SavingsPlansType": plan, "TermInYears": term, "PaymentOption": "NO_UPFRONT",
                           "LookbackPeriodInDays": "THIRTY_DAYS"})
    with stub:
        advice = fetch_savings_plans_advice(c)
    stub.assert_no_pending_responses()
    first = advice[0]
    assert (first.plan_type, first.term) == ("COMPUTE_SP", "ONE_YEAR")
    assert first.hourly_commitment_usd == Decimal("0.5") and first.monthly_saving_usd == Decimal(60)
    assert first.saving_pct == Decimal(20) and first.upfront_usd == 0
    assert first.break_even_months == 0 and first.break_even == "month 1 (no upfront)"   # no upfront: 0 / 60 = 0
    assert advice[3].break_even_months is None and advice[3].break_even == "no saving"  # nothing recommended
    doc = advice_to_dict(advice)
    assert doc["available"] and "linked account only, not by tags" in doc["note"]
    assert doc["plans"][1]["monthly_saving_usd"] == "110.50" and doc["plans"][1]["break_even_months"] == "0.0"


def test_break_even_by_hand() -> None:
    assert break_even_months(Decimal(600), Decimal(120)) == Decimal("5.0")      # 600 / 120 = 5 months
    assert break_even_months(Decimal(1000), Decimal(300)) == Decimal("3.3")     # 1000 / 300 = 3.33.. months
    assert break_even_months(Decimal(0), Decimal(50)) == Decimal("0.0")
    assert break_even_months(Decimal(100), Decimal(0)) is None


def test_offline_sources_say_it_needs_cost_explorer() -> None:
    assert advice_to_dict(None) == {"available": False, "note": OFFLINE_NOTE, "plans": []}
    assert OFFLINE_NOTE == "Savings Plans advice needs --cost-explorer"


def test_access_denied_names_the_query_and_permission() -> None:
    c, stub = ce()
    stub.add_client_error("get_savings_plans_purchase_recommendation", "AccessDeniedException", "no", 400)
    with stub, pytest.raises(ActualsError, match="COMPUTE_SP ONE_YEAR: AccessDeniedException: no .*"
                                                 "ce:GetSavingsPlansPurchaseRecommendation"):
        fetch_savings_plans_advice(c)
