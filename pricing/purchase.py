"""Purchase-option assumptions (not list prices): the spot discount and Compute Savings Plan rates."""
from __future__ import annotations

from decimal import Decimal

from sizing.scenario import PurchaseOption

# One figure for every family: no per-family savings source was readable offline (the Spot Instance Advisor's
# per-type "savings over on-demand" is live data); docs/sizing-facts.md § Spot discount [S172][S173].
SPOT_DISCOUNT = Decimal("0.60")           # the low end of AWS's "up to 90%" and the plan's 60-90 %
SAVINGS_PLAN: dict[PurchaseOption, tuple[Decimal, int, bool]] = {
    # option: (discount off on-demand EC2, term months, all upfront). UNSOURCED typical Compute Savings
    # Plan rates for m5/c5 in us-east-1 ("up to 66%" on the AWS page); shown to the user as assumptions.
    PurchaseOption.on_demand: (Decimal("0"), 0, False),
    PurchaseOption.savings_plan_1y_no_upfront: (Decimal("0.28"), 12, False),
    PurchaseOption.savings_plan_1y_all_upfront: (Decimal("0.32"), 12, True),
    PurchaseOption.savings_plan_3y_no_upfront: (Decimal("0.47"), 36, False),
    PurchaseOption.savings_plan_3y_all_upfront: (Decimal("0.52"), 36, True),
}
