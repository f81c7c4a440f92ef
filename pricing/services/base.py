"""The shapes every service module fills in: price keys, price-list filters, bill rules, cost components.

A service module (pricing/services/<name>.py) declares one `Service`: its canonical price keys with
units, how each key is found in the AWS Price List (`Refresh`), the Cost Explorer service that bills
it, the bill lines the monthly review compares (`BillLine`: usage-type rules and the variance hint),
and the functions that turn a capacity plan into `Component`s. A component says *what* is bought;
the engine (pricing/engine.py) alone looks the price up and multiplies.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sizing.capacity import CapacityPlan
from sizing.profiles import CONTROL_LABELS

INFRA, LLM, COMPLIANCE = "infrastructure", "llm", "compliance"

# Price-list units (lower case) -> factor to the catalog unit.
ONE = Decimal(1)
HOURS: Mapping[str, Decimal] = {"hrs": ONE, "hours": ONE, "hour": ONE}
GB: Mapping[str, Decimal] = {"gb": ONE}
GB_MONTH: Mapping[str, Decimal] = {"gb-mo": ONE, "gb-month": ONE}
PER_MILLION = Decimal(1_000_000)

#: Cost Explorer bills EBS, NAT gateways and EC2 data transfer under this SERVICE.
EC2_OTHER = "EC2 - Other"


@dataclass(frozen=True, kw_only=True, slots=True)
class Refresh:
    """How to recognise a key's product in the AWS Price List (API `get_products` or a bulk offer file)."""

    service_code: str                      # Price List ServiceCode (AmazonEC2, awskms, ...)
    usagetypes: tuple[str, ...]            # accepted usagetype names without the region prefix; the first is
                                           # the spelling AWS bills today (pricing/usage_types.py)
    units: Mapping[str, Decimal]           # accepted unit (lower case) -> factor to the catalog unit
    attrs: Mapping[str, str] = field(default_factory=dict)    # attribute == value (case-insensitive)
    filters: Mapping[str, str] = field(default_factory=dict)  # extra TERM_MATCH filters for get_products
    scope: str = "regional"                # regional | global | edge
    tiered: bool = False                   # keep the price list's tiers
    extra: Callable[[Mapping[str, str]], bool] | None = None  # further attribute test (Bedrock models)
    operation: str = ""                    # the price list's `operation` attribute ("" where not recorded)

    @property
    def billed_usage_type(self) -> str:
        """The one usage-type spelling (no region prefix) the calculator export uses and the review must match."""
        return self.usagetypes[0] if self.usagetypes else ""


@dataclass(frozen=True, kw_only=True, slots=True)
class KeptPrice:
    """A key the refresh does not look up: it keeps the snapshot's price, for the reason given."""

    service_code: str                      # Price List ServiceCode the price belongs to
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceKey:
    """One canonical price key: unit, the Cost Explorer service that bills it, refresh rule, bill line."""

    key: str
    unit: str
    ce: str                                # Cost Explorer SERVICE spelling of the bill that carries it
    refresh: Refresh | KeptPrice
    bill: str = ""                         # id of the BillLine it is reviewed under ("" = the key itself)

    @property
    def bill_line(self) -> str:
        return self.bill or self.key

    @property
    def is_global(self) -> bool:
        return isinstance(self.refresh, Refresh) and self.refresh.scope == "global"


@dataclass(frozen=True, kw_only=True, slots=True)
class BillRule:
    """Which billed usage types feed a bill line, and how billed usage converts to the estimate's unit."""

    usage: str                             # regex searched in the usage type after the region prefix
    services: tuple[str, ...] | None = None  # Cost Explorer services it applies to (None: any)
    per_unit: Decimal | None = ONE         # billed usage amount x per_unit = estimate quantity (None: unknown)


@dataclass(frozen=True, kw_only=True, slots=True)
class BillLine:
    """A line of the monthly review: its bill rules and the hints shown when the bill is above or below."""

    id: str
    rules: tuple[BillRule, ...]
    over: str                              # hint when the bill is above the estimate
    under: str                             # hint when the bill is below the estimate


@dataclass(frozen=True, slots=True)
class Component:
    """What one bill-of-materials line buys; the engine prices it."""

    service: str
    item: str
    quantity: Decimal
    unit: str
    price_key: str | None
    note: str = ""
    category: str = INFRA
    control: str | None = None             # compliance control this line pays for
    price_factor: Decimal = ONE            # spot / savings plan multiplier on the list price
    unit_usd: Decimal | None = None        # price given by the scenario (external LLM), no catalog key
    tiered: bool = False
    bill_line: str | None = None           # review line when it is not the key's (spot vs on-demand nodes)
    ce: str | None = None                  # Cost Explorer service when there is no key (external LLM)
    region: str | None = None              # priced in this Region, not the scenario's (the DR Region's lines)


@dataclass(frozen=True, kw_only=True, slots=True)
class PriceOptions:
    """Pricing choices made before the components are built (the DynamoDB mode; purchase options are applied by
    pricing/commitments.py after pricing)."""

    dynamodb_provisioned: bool = False


ComponentFn = Callable[[CapacityPlan, PriceOptions], list[Component]]


@dataclass(frozen=True, kw_only=True, slots=True)
class Priced:
    """A component function and its place in the bill of materials (lower first)."""

    order: int
    fn: ComponentFn


@dataclass(frozen=True, kw_only=True, slots=True)
class Service:
    """Everything about one AWS service, in one module."""

    name: str                              # module name and key prefix (vpc, dynamodb, ...)
    title: str
    ce: str                                # Cost Explorer SERVICE spelling
    product_code: str | None               # CUR line_item_product_code (None: not billed by AWS)
    keys: tuple[PriceKey, ...]
    bill_lines: tuple[BillLine, ...] = ()
    components: tuple[Priced, ...] = ()


def qty(x: float | int | Decimal) -> Decimal:
    """A quantity as the engine prices it: exact for Decimal and int, floats rounded to 6 places."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    return Decimal(repr(round(x, 6)))


def billable(quantity: float, free: float) -> float:
    """Units left after a monthly free allowance."""
    return max(0.0, quantity - free)


def control_line(p: CapacityPlan, control: str, *, service: str, item: str, quantity: float | Decimal, unit: str,
                 key: str, note: str = "") -> Component:
    """A cost line that exists because a compliance regime asks for `control`; its note names the regimes."""
    who = ", ".join(p.compliance.controls[control])
    text = f"{CONTROL_LABELS[control]} ({who})" + (f"; {note}" if note else "")
    return Component(service, item, qty(quantity), unit, key, text, COMPLIANCE, control)
