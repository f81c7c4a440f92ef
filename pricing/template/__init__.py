"""Price a CloudFormation template or a cdk.out folder from the price snapshot, like Infracost does for
Terraform: `price_template(paths, usage, region, catalog) -> TemplatePrice`.

reader.py reads and checks templates (JSON/YAML with short-form tags, cdk.out folders), usage.py the usage
file, resources.py maps resource types to the `Component`s they cost (the estimate's price keys), and the
engine's `price_line` prices them. Every resource is priced, free, or listed unsupported (never dropped).
See docs/price-template.md.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from pricing.catalog import Catalog
from pricing.engine import CostLine, money, price_line, snapshot_label
from pricing.keys import GLOBAL_REGION
from pricing.template import dr_resources  # noqa: F401  (registers the DR pricers)
from pricing.template.context import Ctx
from pricing.template.outside import apply_free_tier, outside_components
from pricing.template.reader import Template, TemplateInputError, TemplateSet, read_paths
from pricing.template.resources import PRICERS, is_free, usage_keys
from pricing.template.usage import Usage, read_usage

NOTE = ("LLM tokens are not in a template: Bedrock or external model tokens are priced by `estimate`, not here; "
        "usage-priced lines without a usage file entry are 0 (no usage given); account-wide free tiers are not "
        "subtracted unless the usage file's `outside.account` says so")
OUTSIDE_STACK = "(outside the template)"     # TemplateLine.stack of the usage file's `outside` lines


@dataclass(frozen=True, slots=True)
class TemplateLine:
    logical_id: str
    type: str
    stack: str
    line: CostLine                     # name = line.item


@dataclass(frozen=True, slots=True)
class Unsupported:
    type: str
    count: int
    reason: str


@dataclass(frozen=True, slots=True)
class TemplatePrice:
    monthly_usd: Decimal
    lines: tuple[TemplateLine, ...]
    unsupported: tuple[Unsupported, ...]
    free: tuple[tuple[str, int], ...]
    region: str
    prices_as_of: str
    prices_source: str
    notes: tuple[str, ...]
    note: str = NOTE


def pick_region(region: str | None, found: TemplateSet, catalog: Catalog) -> str:
    """`--region`, else the cdk.out manifest's; one the snapshot prices, else TemplateInputError on --region."""
    allowed = [r for r in catalog.regions() if r != GLOBAL_REGION]
    chosen = region or found.region
    if not chosen:
        raise TemplateInputError("--region", "no region given and no cdk.out/manifest.json names one; "
                                 f"allowed: {', '.join(allowed)}")
    if chosen not in allowed:
        raise TemplateInputError("--region", f"{chosen!r} has no prices in the snapshot; allowed: {', '.join(allowed)}")
    return chosen


def _price_resource(tpl: Template, lid: str, usage: Usage, catalog: Catalog, region: str
                    ) -> tuple[list[TemplateLine], str | None]:
    """The resource's priced lines, or ([], reason) when it cannot be priced; ([], None) when free."""
    rtype = tpl.resources[lid]["Type"]
    ctx = Ctx(tpl, lid, usage.get((tpl.stack, lid), {}))
    comps = PRICERS[rtype].fn(ctx)
    missing = sorted({f"{c.price_key} in {c.region or region}" for c in comps
                      if c.price_key and not catalog.has(c.price_key, c.region or region)})
    if missing:
        return [], f"no price for {', '.join(missing)} in the snapshot"
    return [TemplateLine(lid, rtype, tpl.stack, price_line(c, catalog, region)) for c in comps], None


def price_template(paths: Sequence[Path], usage: Path | None, region: str | None, catalog: Catalog) -> TemplatePrice:
    """Price every resource of the templates (files or cdk.out folders) in `region` (else the manifest's)."""
    found = read_paths([Path(p) for p in paths])
    chosen = pick_region(region, found, catalog)
    used, outside = read_usage(Path(usage), found.templates, usage_keys()) if usage is not None else ({}, {})
    lines: list[TemplateLine] = []
    free: Counter[str] = Counter()
    unsupported: Counter[tuple[str, str]] = Counter()
    notes = list(found.notes)
    for tpl in found.templates:
        for lid, res in tpl.resources.items():
            rtype = res["Type"]
            if rtype == "AWS::CloudFormation::Stack":
                notes.append(f"{tpl.stack}/{lid}: nested stack not priced (price its template on its own)")
            elif is_free(rtype):
                free[rtype] += 1
            elif rtype not in PRICERS:
                unsupported[(rtype, "no pricer for this resource type")] += 1
            else:
                own = tpl.region if region is None and tpl.region else chosen    # a DR stack's own Region
                priced, reason = _price_resource(tpl, lid, used, catalog, own)
                if reason:
                    unsupported[(rtype, reason)] += 1
                elif not priced:
                    free[rtype] += 1
                lines += priced
    for name, kind, comps in outside_components(outside):
        lines += [TemplateLine(name, kind, OUTSIDE_STACK, price_line(c, catalog, chosen)) for c in comps]
    lines = [replace(t, line=ln) for t, ln in zip(lines, apply_free_tier((t.line for t in lines), outside))]
    total = money(sum((ln.line.monthly_usd for ln in lines), Decimal(0)))
    h = catalog.header
    return TemplatePrice(
        monthly_usd=total, lines=tuple(lines),
        unsupported=tuple(Unsupported(t, n, r) for (t, r), n in sorted(unsupported.items())),
        free=tuple(sorted(free.items())), region=chosen, prices_as_of=h.as_of,
        prices_source=snapshot_label(catalog), notes=tuple(notes))


def template_price_to_dict(tp: TemplatePrice) -> dict:
    """The JSON shape of `price-template --format json` (docs/architecture.md § Template price JSON)."""
    return {
        "monthly_usd": str(tp.monthly_usd),
        "lines": [{"logical_id": t.logical_id, "type": t.type, "name": t.line.item, "quantity": str(t.line.quantity),
                   "unit": t.line.unit, "price_key": t.line.price_key, "unit_usd": str(t.line.unit_usd),
                   "monthly_usd": str(t.line.monthly_usd), "stack": t.stack, "note": t.line.note}
                  for t in tp.lines],
        "unsupported": [{"type": u.type, "count": u.count, "reason": u.reason} for u in tp.unsupported],
        "free": [{"type": t, "count": n} for t, n in tp.free],
        "region": tp.region,
        "prices": {"as_of": tp.prices_as_of, "source": tp.prices_source},
        "notes": list(tp.notes),
        "note": tp.note,
    }


__all__ = ["OUTSIDE_STACK", "TemplateInputError", "TemplatePrice", "price_template", "template_price_to_dict"]
