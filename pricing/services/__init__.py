"""The registry of priced AWS services: every module in this package declares one `SERVICE`.

Adding a module here is how a service joins the estimate, the price refresh and the bill review; the
views below (keys and units, refresh rules, bill lines and rules, hints, Cost Explorer names, the bill
of materials) are assembled from those declarations and nowhere else.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import MappingProxyType

from pricing.services.base import (
    EC2_OTHER,
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
)
from sizing.capacity import CapacityPlan


def _discover() -> tuple[Service, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        service = getattr(module, "SERVICE", None)
        if not isinstance(service, Service):
            raise TypeError(f"pricing/services/{info.name}.py must define SERVICE = Service(...)")
        found.append(service)
    return tuple(found)


SERVICES: tuple[Service, ...] = _discover()

KEYS: MappingProxyType[str, PriceKey] = MappingProxyType(
    {k.key: k for s in SERVICES for k in s.keys})
BILL_LINES: MappingProxyType[str, BillLine] = MappingProxyType(
    {b.id: b for s in SERVICES for b in s.bill_lines})
#: Cost Explorer SERVICE spelling per CUR product code (AmazonEC2 is split further by the review).
PRODUCT_SERVICE: MappingProxyType[str, str] = MappingProxyType(
    {s.product_code: s.ce for s in SERVICES if s.product_code})
#: Cost Explorer SERVICE spelling per service module name; "ec2_other" is the EC2 - Other bill.
CE: MappingProxyType[str, str] = MappingProxyType({**{s.name: s.ce for s in SERVICES}, "ec2_other": EC2_OTHER})
EXTERNAL_CE = CE["external_llm"]
_BOM = tuple(sorted((p for s in SERVICES for p in s.components), key=lambda p: p.order))


def key_units() -> dict[str, str]:
    """Every canonical key mapped to its unit."""
    return {k: v.unit for k, v in KEYS.items()}


def global_keys() -> frozenset[str]:
    """Keys priced once for the whole account (stored under region "global")."""
    return frozenset(k for k, v in KEYS.items() if v.is_global)


def refresh_specs() -> dict[str, Refresh]:
    """Keys the refresh looks up in the AWS Price List, with their filters."""
    return {k: v.refresh for k, v in KEYS.items() if isinstance(v.refresh, Refresh)}


def kept_prices() -> dict[str, str]:
    """Keys the refresh does not look up, with the reason (they keep the snapshot's price)."""
    return {k: v.refresh.reason for k, v in KEYS.items() if isinstance(v.refresh, KeptPrice)}


def bill_rules() -> tuple[tuple[str, BillRule], ...]:
    """(bill line, rule) in matching order: rules tied to a Cost Explorer service before open ones.

    Within each group the order is the services' module order, then their declaration order, so a
    service lists its specific patterns before its general ones.
    """
    ordered = [(b.id, r) for s in SERVICES for b in s.bill_lines for r in b.rules]
    return tuple([x for x in ordered if x[1].services is not None] + [x for x in ordered if x[1].services is None])


def hints() -> dict[str, tuple[str, str]]:
    """Bill line -> (hint when the bill is above the estimate, hint when below)."""
    return {b.id: (b.over, b.under) for b in BILL_LINES.values()}


def bill_of_materials(plan: CapacityPlan, options: PriceOptions) -> list[Component]:
    """Every component of the deployment, in bill-of-materials order."""
    out: list[Component] = []
    for priced in _BOM:
        out.extend(priced.fn(plan, options))
    return out


def service_code_for(key: str) -> str | None:
    """The AWS Price List ServiceCode that prices ``key`` (None for an unknown key)."""
    info = KEYS.get(key)
    return info.refresh.service_code if info else None


__all__ = ["SERVICES", "KEYS", "BILL_LINES", "PRODUCT_SERVICE", "CE", "EXTERNAL_CE", "key_units", "global_keys",
           "refresh_specs", "kept_prices", "bill_rules", "hints", "bill_of_materials", "service_code_for",
           "Component", "PriceOptions"]
