"""Actual spend as the review reads it: one aggregated line per service, usage type, kind and region.

Every reader (Cost Explorer API, CUR 2.0 files, the console CSV) produces `Actuals`; money is Decimal
and `Actuals.total_usd` is the exact sum of what the source billed after the month and tag filters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pricing.services import CE
from pricing.services import PRODUCT_SERVICE as PRICED_PRODUCTS

USAGE = "usage"
BASES = ("unblended", "amortized")
ZERO = Decimal(0)


class ActualsError(ValueError):
    """Cost data that cannot be used; the message names the file, row or column at fault.

    `field` names the input that supplied the bad value when one did (month, basis, cur_file, ce_csv_file,
    cost_explorer, profile); each face shows it its own way (the CLI as its flag, the page as its label).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ActualLine:
    """Spend of one (service, usage type, kind, region) in the month, in the chosen cost basis."""

    service: str                 # Cost Explorer SERVICE spelling
    usage_type: str              # as billed, region prefix included ("" when the source has none)
    kind: str                    # usage | tax | credit | refund | savings_plan | reservation | discount | fee | other
    cost_usd: Decimal
    usage_amount: Decimal | None = None
    region: str = ""
    account_level: bool = False  # untagged account-wide line (tax, credit, refund) kept beside the tagged spend


@dataclass(frozen=True, slots=True)
class Actuals:
    """What one source says the month cost."""

    month: str                   # YYYY-MM
    source: str                  # cur | cost-explorer | ce-csv
    source_name: str
    basis: str                   # unblended | amortized
    granularity: str             # usage_type | service
    lines: tuple[ActualLine, ...]
    rows_read: int = 0
    rows_used: int = 0
    source_total_usd: Decimal | None = None      # the source's own total where it states one
    excluded_untagged_usd: Decimal = ZERO         # usage without the project tags, left out
    excluded_other_tags_usd: Decimal | None = ZERO   # usage of other projects/environments left out; None: unknown
    warnings: tuple[str, ...] = field(default=())

    @property
    def total_usd(self) -> Decimal:
        return sum((ln.cost_usd for ln in self.lines), ZERO)

    @property
    def usage_usd(self) -> Decimal:
        return sum((ln.cost_usd for ln in self.lines if ln.kind == USAGE), ZERO)

    @property
    def adjustments_usd(self) -> Decimal:
        return sum((ln.cost_usd for ln in self.lines if ln.kind != USAGE), ZERO)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[date, date]:
    """'YYYY-MM' -> (first day, first day of the next month); bad text is an error of the field `month`."""
    m = _MONTH.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ActualsError(f"expected YYYY-MM (a month 2000-01..2100-12), got {text!r}", field="month")
    y, mo = int(m.group(1)), int(m.group(2))
    return date(y, mo, 1), date(y + mo // 12, mo % 12 + 1, 1)


def kind_of(record_type: str) -> str:
    """Kind of a CUR line item type or Cost Explorer RECORD_TYPE (either spelling, e.g. 'Savings Plan Negation')."""
    k = re.sub(r"[^a-z]", "", str(record_type).lower())
    if k in ("usage", "discountedusage", "savingsplancoveredusage"):
        return USAGE
    if k in ("tax", "credit", "refund"):
        return k
    if k.startswith("savingsplan"):
        return "savings_plan"
    if "reservation" in k or k.startswith("ri"):
        return "reservation"
    if "discount" in k:
        return "discount"
    if "fee" in k or "support" in k:
        return "fee"
    return "other"


# Region codes AWS puts in front of usage types (USE1-BoxUsage..., EUW1-NatGateway-Hours), CloudFront
# edge groups (US-, EU-, JP-...) and the inter-region pair form (USE1-EUW1-AWS-Out-Bytes).
_REGION_PREFIX = re.compile(
    r"^((?:(?:US|UG|CA|EU|AP|ME|SA|AF|IL|MX)[A-Z]\d|US|CA|EU|JP|AP|AU|IN|SA|ZA|ME|KR|TW|Global)-)+")

def split_usage_type(usage_type: str) -> tuple[str, str]:
    """'EUW1-NatGateway-Bytes' -> ('EUW1-', 'NatGateway-Bytes'); us-east-1 EC2 types have no prefix."""
    m = _REGION_PREFIX.match(usage_type)
    if not m:
        return "", usage_type
    return m.group(0), usage_type[m.end():]


# CUR line_item_product_code -> Cost Explorer SERVICE. AmazonEC2 splits into Compute and "EC2 - Other".
PRODUCT_SERVICE: dict[str, str] = {
    **PRICED_PRODUCTS,
    # billed near the deployment but not priced by it
    "ComputeSavingsPlans": "Savings Plans for AWS Compute usage", "AmazonECR": "Amazon EC2 Container Registry (ECR)",
    "AWSLambda": "AWS Lambda", "AWSCostExplorer": "AWS Cost Explorer",
}
_EC2_COMPUTE = re.compile(r"^(BoxUsage|SpotUsage|DedicatedUsage|HostUsage|ReservedHostUsage|UnusedBox|UnusedDed)")


def service_for(product_code: str, usage_type: str) -> str:
    """Cost Explorer SERVICE name of a CUR line (unknown product codes keep their code)."""
    if product_code == "AmazonEC2":
        return CE["ec2"] if _EC2_COMPUTE.match(split_usage_type(usage_type)[1]) else CE["ec2_other"]
    return PRODUCT_SERVICE.get(product_code, product_code or "(no product code)")
