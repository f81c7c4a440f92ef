"""Purchase-option assumptions (not list prices): the spot discount and the Savings Plans rates.

Savings Plans rates are one table, `SP_RATES` (docs/sizing-facts.md § Savings Plans rates): the discount off the
on-demand hour per plan type, term and payment. AWS publishes exact per-instance rates on its Savings Plans
pricing pages [S190] but not in the price list this tool reads, so the rates are dated assumptions (UNSOURCED per
instance type), anchored on the published ceilings (Compute up to 66 %, EC2 Instance up to 72 % [S190]), the
typical 1-year ~30-40 % / 3-year ~60 % [S191][S192] and EC2 Instance 7-12 points deeper than Compute [S193].
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sizing.scenario import PurchaseOption

# One figure for every family: no per-family savings source was readable offline (the Spot Instance Advisor's
# per-type "savings over on-demand" is live data); docs/sizing-facts.md § Spot discount [S172][S173].
SPOT_DISCOUNT = Decimal("0.60")           # the low end of AWS's "up to 90%" and the plan's 60-90 %
SP_RATES_AS_OF = "2026-11-29"             # when the assumed rates below were last reviewed
PARTIAL_UPFRONT_SHARE = Decimal("0.5")    # partial upfront pays at least half of the term's commitment [S190]
COMPUTE_SP, EC2_INSTANCE_SP = "compute", "ec2_instance"
PAYMENTS = ("no_upfront", "partial_upfront", "all_upfront")


@dataclass(frozen=True, slots=True)
class SpRate:
    plan: str                 # compute | ec2_instance
    term_months: int          # 12 | 36
    payment: str              # no_upfront | partial_upfront | all_upfront
    discount: Decimal         # off the on-demand Linux hour
    source: str


_WHY = "UNSOURCED per instance type: AWS per-instance rates are not in the price list read here; "
SP_RATES: dict[tuple[str, int, str], SpRate] = {(r.plan, r.term_months, r.payment): r for r in (
    SpRate(COMPUTE_SP, 12, "no_upfront", Decimal("0.28"), _WHY + "typical m5/c5 us-east-1 [S190][S191]"),
    SpRate(COMPUTE_SP, 12, "partial_upfront", Decimal("0.30"), _WHY + "between no and all upfront [S190]"),
    SpRate(COMPUTE_SP, 12, "all_upfront", Decimal("0.32"), _WHY + "typical m5/c5 us-east-1 [S190][S191]"),
    SpRate(COMPUTE_SP, 36, "no_upfront", Decimal("0.47"), _WHY + "3-year about 1.7x the 1-year [S191]"),
    SpRate(COMPUTE_SP, 36, "partial_upfront", Decimal("0.50"), _WHY + "between no and all upfront [S190]"),
    SpRate(COMPUTE_SP, 36, "all_upfront", Decimal("0.52"), _WHY + "below the 66 % ceiling [S190]"),
    SpRate(EC2_INSTANCE_SP, 12, "no_upfront", Decimal("0.37"), _WHY + "Compute + 9 points [S193]; ~40 % [S192]"),
    SpRate(EC2_INSTANCE_SP, 12, "partial_upfront", Decimal("0.39"), _WHY + "Compute + 9 points [S193]"),
    SpRate(EC2_INSTANCE_SP, 12, "all_upfront", Decimal("0.41"), _WHY + "Compute + 9 points [S193]"),
    SpRate(EC2_INSTANCE_SP, 36, "no_upfront", Decimal("0.56"), _WHY + "Compute + 9 points [S193]; ~60 % [S192]"),
    SpRate(EC2_INSTANCE_SP, 36, "partial_upfront", Decimal("0.59"), _WHY + "Compute + 9 points [S193]"),
    SpRate(EC2_INSTANCE_SP, 36, "all_upfront", Decimal("0.61"), _WHY + "below the 72 % ceiling [S190]"),
)}

def _plan_of(option: PurchaseOption) -> tuple[str, int, str] | None:
    """(plan, term months, payment) of a savings-plan purchase_option; None for on_demand."""
    if option is PurchaseOption.on_demand:
        return None
    plan = EC2_INSTANCE_SP if option.value.startswith("ec2_instance_") else COMPUTE_SP
    rest = option.value.removeprefix("ec2_instance_").removeprefix("savings_plan_")     # e.g. 1y_no_upfront
    return plan, 12 * int(rest[0]), rest[3:]


PLAN_OF: dict[PurchaseOption, tuple[str, int, str] | None] = {o: _plan_of(o) for o in PurchaseOption}
# option: (discount off on-demand EC2, term months, all upfront) of the scenario's purchase_option
SAVINGS_PLAN: dict[PurchaseOption, tuple[Decimal, int, bool]] = {
    o: (SP_RATES[k].discount, k[1], k[2] == "all_upfront") if k else (Decimal("0"), 0, False)
    for o, k in PLAN_OF.items()}
_PLAN_NAME = {COMPUTE_SP: "Compute Savings Plan", EC2_INSTANCE_SP: "EC2 Instance Savings Plan"}
OPTION_LABELS: dict[str, str] = {   # the one label of each purchase_option (page, report)
    o.value: "On-demand" if k is None else f"{_PLAN_NAME[k[0]]} {k[1] // 12}y, {k[2].replace('_', ' ')}"
    for o, k in PLAN_OF.items()}
