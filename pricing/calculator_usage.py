"""An estimate's cost lines as AWS Pricing Calculator usage lines (docs/aws-calculator.md), pure (no AWS calls).

Each exportable line becomes (serviceCode, usageType with the Region's prefix, operation, amount, group):
the spellings come from pricing/usage_types.py, the amount is the line's quantity in the price list's unit
(quantity x `amount_factor`). Lines that cannot be exported are kept with the reason, never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pricing.services.base import COMPLIANCE, INFRA
from pricing.usage_types import NoUsageType, amount_factor, operation, service_code, usage_type

#: The API's limit on one batch_create_workload_estimate_usage call (BatchCreateWorkloadEstimateUsageEntries max).
BATCH_LIMIT = 25
KEY_PATTERN = re.compile(r"^[a-zA-Z0-9]{1,10}$")       # BatchCreateWorkloadEstimateUsageEntry.key
GROUP_MAX = 30                                           # .group: [a-zA-Z0-9-]{0,30}
SPOT_BILL_LINE = "ec2:nodes:spot"
EXPORTED_CATEGORIES = (INFRA, COMPLIANCE)


@dataclass(frozen=True, slots=True)
class UsageLine:
    """One usage line of the workload estimate and the tiersizer line it comes from."""

    key: str                  # L001, L002 ... (unique in the estimate)
    service_code: str
    usage_type: str
    operation: str
    amount: Decimal           # in the price list's unit
    group: str                # the tiersizer service, as the API allows it
    price_key: str
    item: str
    quantity: Decimal         # in the estimate's unit
    unit: str
    list_usd: Decimal         # tiersizer's monthly cost at list price

    def entry(self, account_id: str) -> dict[str, object]:
        """The BatchCreateWorkloadEstimateUsageEntry for this line."""
        return {"serviceCode": self.service_code, "usageType": self.usage_type, "operation": self.operation,
                "key": self.key, "group": self.group, "usageAccountId": account_id, "amount": float(self.amount)}


@dataclass(frozen=True, slots=True)
class NotExported:
    service: str
    item: str
    list_usd: Decimal
    reason: str


def group_name(service: str) -> str:
    """The tiersizer service as a usage group (letters, digits and dashes, at most 30)."""
    return re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9-]", "-", service)).strip("-")[:GROUP_MAX]


def _why_not(line, dr: bool) -> str | None:  # type: ignore[no-untyped-def]
    if line.price_key is None:
        return "billed outside AWS (external LLM provider): not in an AWS estimate"
    if line.category == "llm":
        return ("Bedrock tokens: the price list knows them by model attributes, not a usage type tiersizer can "
                "send; price them on the Bedrock page of the Pricing Calculator")
    if dr:
        return "DR line (priced in the DR Region or as a cross-Region copy): export a scenario for that Region"
    if line.category not in EXPORTED_CATEGORIES:
        return f"{line.category} line: not exported"
    if line.bill_line == SPOT_BILL_LINE:
        return "spot hours: the spot price changes by the hour; the Pricing Calculator prices on-demand usage"
    if line.quantity <= 0:
        return "no usage this month"
    return None


def usage_lines(lines, region: str) -> tuple[list[UsageLine], list[NotExported]]:  # type: ignore[no-untyped-def]
    """The estimate's cost lines (pricing.engine.CostLine) as usage lines, and the lines left out with why."""
    out: list[UsageLine] = []
    left: list[NotExported] = []
    for ln in lines:
        reason = _why_not(ln, ln.category == "dr")
        if reason is None:
            try:
                spelled = (service_code(ln.price_key), usage_type(ln.price_key, region), operation(ln.price_key))
                amount = ln.quantity * amount_factor(ln.price_key)
            except NoUsageType as exc:
                reason = str(exc)
        if reason is not None:
            left.append(NotExported(ln.service, ln.item, ln.monthly_usd, reason))
            continue
        out.append(UsageLine(f"L{len(out) + 1:03d}", *spelled, amount, group_name(ln.service), ln.price_key,
                             ln.item, ln.quantity, ln.unit, ln.monthly_usd))
    return out, left


def batches(lines: list[UsageLine], size: int = BATCH_LIMIT) -> list[list[UsageLine]]:
    """The lines in API-sized batches, in order."""
    return [lines[i:i + size] for i in range(0, len(lines), size)]
