"""Purchase-option assumptions (not list prices): the spot discount and Compute Savings Plan rates."""
from __future__ import annotations

from decimal import Decimal

from sizing.scenario import PurchaseOption

SPOT_DISCOUNT = Decimal("0.60")           # UNSOURCED: plan says spot saves 60-90%; we take the low end
SAVINGS_PLAN: dict[PurchaseOption, tuple[Decimal, int, bool]] = {
    # option: (discount off on-demand EC2, term months, all upfront). UNSOURCED typical Compute Savings
    # Plan rates for m5/c5 in us-east-1 ("up to 66%" on the AWS page); shown to the user as assumptions.
    PurchaseOption.on_demand: (Decimal("0"), 0, False),
    PurchaseOption.savings_plan_1y_no_upfront: (Decimal("0.28"), 12, False),
    PurchaseOption.savings_plan_1y_all_upfront: (Decimal("0.32"), 12, True),
    PurchaseOption.savings_plan_3y_no_upfront: (Decimal("0.47"), 36, False),
    PurchaseOption.savings_plan_3y_all_upfront: (Decimal("0.52"), 36, True),
}
