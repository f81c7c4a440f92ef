"""What a resource pricer sees: the resource's properties, resolved statically, and its usage.

A property given by an intrinsic function cannot be priced statically, except `{"Ref": Param}` to a
parameter with a `Default` (used, and said in the line's note). Anything else is a TemplateInputError
naming the file, the resource and the property.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pricing.services.base import Component, qty
from pricing.template.reader import Template, TemplateInputError
from sizing.assumptions import HOURS_PER_MONTH

MAX_COUNT = Decimal(1_000_000)             # a count in a template (nodes, subnets, capacity units)
NO_USAGE = "no usage given"
_MISSING = object()


@dataclass
class Ctx:
    """One resource being priced: its template, logical ID, properties and usage (monthly quantities)."""

    template: Template
    logical_id: str
    usage: Mapping[str, Decimal]
    notes: list[str] = field(default_factory=list)

    @property
    def resource(self) -> dict[str, Any]:
        return self.template.resources[self.logical_id]

    @property
    def type(self) -> str:
        return str(self.resource["Type"])

    def where(self, path: str) -> str:
        return f"{self.template.path}: Resources.{self.logical_id}.Properties.{path}"

    def raw(self, path: str, default: Any = None) -> Any:
        """The property at a dotted path (`ScalingConfig.DesiredSize`, `Rules`), or `default`."""
        value: Any = self.resource.get("Properties") or {}
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def value(self, path: str, default: Any = None, *, of: Any = _MISSING) -> Any:
        """A property resolved statically: a literal, or a `Ref` to a parameter with a Default."""
        value = self.raw(path, _MISSING) if of is _MISSING else of
        if value is _MISSING:
            return default
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str):
                param = self.template.parameters.get(arg)
                if isinstance(param, dict) and "Default" in param:
                    self.notes.append(f"{path} from parameter {arg}'s Default ({param['Default']})")
                    return param["Default"]
            if fn == "Ref" or fn.startswith("Fn::"):
                raise TemplateInputError(self.where(path), f"given by {fn} ({str(arg)[:60]}), which cannot be "
                                         "priced statically: write the value, or Ref a parameter with a Default")
        return value

    def count(self, path: str, default: int | None = None, *, of: Any = _MISSING) -> Decimal:
        """A whole, non-negative count property (a number or a numeric string, as CloudFormation allows)."""
        value = self.value(path, _MISSING, of=of)
        if value is _MISSING or value is None:
            if default is None:
                raise TemplateInputError(self.where(path), "missing; it sets how much is bought")
            return Decimal(default)
        try:
            dec = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            dec = None
        if dec is None or not dec.is_finite() or dec < 0 or dec > MAX_COUNT or dec != dec.to_integral_value():
            raise TemplateInputError(self.where(path), f"must be a whole number 0-{MAX_COUNT:,}, got {value!r}"[:200])
        return dec

    def text(self, path: str, default: str = "") -> str:
        value = self.value(path, default)
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise TemplateInputError(self.where(path), f"must be a string, got {str(value)[:60]}")
        return str(value)

    def note(self, extra: str = "") -> str:
        return "; ".join([n for n in (extra, *self.notes) if n])

    def hourly(self, service: str, item: str, count: Decimal | int, unit: str, key: str, note: str = "",
               factor: Decimal = Decimal(1)) -> Component:
        """`count` things billed every hour of the 730-hour month."""
        return Component(service, item, qty(Decimal(count) * HOURS_PER_MONTH), unit, key, self.note(note),
                         price_factor=factor)

    def monthly(self, service: str, item: str, count: Decimal | int, unit: str, key: str, note: str = "") -> Component:
        """`count` things billed per month (keys, secrets, web ACLs)."""
        return Component(service, item, qty(Decimal(count)), unit, key, self.note(note))

    def used(self, service: str, item: str, usage_key: str, unit: str, key: str, per: int = 1,
             fallback: str | None = None) -> Component:
        """A usage-priced line: the usage file's monthly quantity / `per` (else the `fallback` key's; 0, and
        said so, when neither is given)."""
        name = usage_key if usage_key in self.usage or fallback is None else fallback
        given = self.usage.get(name)
        quantity = Decimal(0) if given is None else given / per
        note = NO_USAGE + f" ({usage_key})" if given is None else f"{name} {given:,} from the usage file"
        return Component(service, item, quantity, unit, key, self.note(note))
