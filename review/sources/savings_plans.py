"""Savings Plans purchase advice from Cost Explorer (`ce.get_savings_plans_purchase_recommendation`).

Four queries: Compute and EC2 Instance Savings Plans, 1 and 3 years, no upfront, 30 days of lookback. The API filters
recommendations only by linked account (its Filter accepts the LINKED_ACCOUNT dimension, not tags), so the advice is
for the account's whole Savings-Plans-eligible usage, not just the tagged workload; the output says so.

Break-even (docs/aws-calculator.md § Savings Plans advice): months until the upfront payment is paid back by the
monthly saving, upfront / estimated monthly saving. With no upfront the saving starts in month 1 (break-even 0
months), as long as the hourly commitment is used: the commitment is owed every hour of the term.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from review.model import ActualsError

PLANS = (("COMPUTE_SP", "ONE_YEAR"), ("COMPUTE_SP", "THREE_YEARS"), ("EC2_INSTANCE_SP", "ONE_YEAR"),
         ("EC2_INSTANCE_SP", "THREE_YEARS"))
PAYMENT = "NO_UPFRONT"
LOOKBACK = "THIRTY_DAYS"
SCOPE_NOTE = ("account-wide: Cost Explorer filters Savings Plans recommendations by linked account only, not by "
              "tags, so they cover all eligible usage of the account, not just this workload")
OFFLINE_NOTE = "Savings Plans advice needs --cost-explorer"


@dataclass(frozen=True, slots=True)
class PlanAdvice:
    plan_type: str                   # COMPUTE_SP | EC2_INSTANCE_SP
    term: str                        # ONE_YEAR | THREE_YEARS
    payment: str
    hourly_commitment_usd: Decimal   # 0: no recommendation
    monthly_saving_usd: Decimal
    saving_pct: Decimal
    upfront_usd: Decimal
    break_even_months: Decimal | None   # None when there is no saving

    @property
    def break_even(self) -> str:
        if self.break_even_months is None:
            return "no saving"
        if self.break_even_months == 0:
            return "month 1 (no upfront)"
        return f"{self.break_even_months} months"


def _dec(value: Any, what: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ActualsError(f"Savings Plans recommendation: {what} {value!r} is not a number",
                           field="cost_explorer") from None
    if not d.is_finite():
        raise ActualsError(f"Savings Plans recommendation: {what} {value!r} is not finite", field="cost_explorer")
    return d


def break_even_months(upfront: Decimal, monthly_saving: Decimal) -> Decimal | None:
    """upfront / monthly saving, to 0.1 month; 0 with no upfront; None when nothing is saved."""
    if monthly_saving <= 0:
        return None
    return (upfront / monthly_saving).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def advice_from_response(resp: dict[str, Any], plan_type: str, term: str) -> PlanAdvice:
    """One query's summary as advice; the details' upfront costs are summed."""
    rec = resp.get("SavingsPlansPurchaseRecommendation") or {}
    summary = rec.get("SavingsPlansPurchaseRecommendationSummary") or {}
    details = rec.get("SavingsPlansPurchaseRecommendationDetails") or []
    upfront = sum((_dec(d.get("UpfrontCost"), "UpfrontCost") for d in details), Decimal(0))
    saving = _dec(summary.get("EstimatedMonthlySavingsAmount"), "EstimatedMonthlySavingsAmount")
    return PlanAdvice(plan_type, term, rec.get("PaymentOption", PAYMENT),
                      _dec(summary.get("HourlyCommitmentToPurchase"), "HourlyCommitmentToPurchase"), saving,
                      _dec(summary.get("EstimatedSavingsPercentage"), "EstimatedSavingsPercentage"), upfront,
                      break_even_months(upfront, saving))


def fetch_savings_plans_advice(client: Any = None, profile: str | None = None) -> tuple[PlanAdvice, ...]:
    """The four recommendations (see the module docstring); AWS errors become ActualsError naming the query."""
    from botocore.exceptions import BotoCoreError, ClientError

    from review.sources.ce_api import ce_client
    client = client or ce_client(profile)
    out = []
    for plan_type, term in PLANS:
        try:
            resp = client.get_savings_plans_purchase_recommendation(
                SavingsPlansType=plan_type, TermInYears=term, PaymentOption=PAYMENT, LookbackPeriodInDays=LOOKBACK)
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise ActualsError(f"Savings Plans recommendation {plan_type} {term}: {err.get('Code', 'error')}: "
                               f"{err.get('Message', exc)} (needs ce:GetSavingsPlansPurchaseRecommendation)",
                               field="cost_explorer") from None
        except BotoCoreError as exc:
            raise ActualsError(f"Savings Plans recommendation {plan_type} {term}: {exc}", field="cost_explorer") from None
        out.append(advice_from_response(resp, plan_type, term))
    return tuple(out)


def advice_to_dict(advice: tuple[PlanAdvice, ...] | None) -> dict[str, Any]:
    """The JSON `savings_plans` key: the rows, or why there are none."""
    if advice is None:
        return {"available": False, "note": OFFLINE_NOTE, "plans": []}
    return {"available": True, "note": SCOPE_NOTE, "plans": [
        {"type": a.plan_type, "term": a.term, "payment": a.payment,
         "hourly_commitment_usd": str(a.hourly_commitment_usd), "monthly_saving_usd": str(a.monthly_saving_usd),
         "saving_pct": str(a.saving_pct), "upfront_usd": str(a.upfront_usd),
         "break_even_months": None if a.break_even_months is None else str(a.break_even_months),
         "break_even": a.break_even} for a in advice]}
