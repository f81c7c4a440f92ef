"""Purchase options compared for the whole bill: on-demand, spot, Compute and EC2 Instance Savings Plans, DynamoDB
reserved capacity (docs/pricing.md § Purchase options). Arithmetic on the priced lines and the plan; no I/O."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from pricing.purchase import (
    COMPUTE_SP,
    EC2_INSTANCE_SP,
    PARTIAL_UPFRONT_SHARE,
    PLAN_OF,
    SP_RATES,
    SP_RATES_AS_OF,
    SPOT_DISCOUNT,
)
from pricing.services.base import qty
from pricing.services.dynamodb import RCU_HOUR, READS, RESERVED, RESERVED_BLOCK, WCU_HOUR, WRITES
from pricing.services.ec2 import ON_DEMAND, SPOT, instance_key
from sizing.assumptions import HOURS_PER_MONTH
from sizing.capacity import CapacityPlan
from sizing.nodes import _spot as spot_nodes

if TYPE_CHECKING:
    from pricing.catalog import Catalog

_PLAN_LABEL = {COMPUTE_SP: "Compute Savings Plan", EC2_INSTANCE_SP: "EC2 Instance Savings Plan"}
_PAY_LABEL = {"no_upfront": "no upfront", "partial_upfront": "partial upfront", "all_upfront": "all upfront"}
SP_ROW = {o: "on_demand" if k is None else f"{k[0]}_sp_{k[1] // 12}y_{k[2]}" for o, k in PLAN_OF.items()}
_RECURRING = {"no_upfront": Decimal(1), "partial_upfront": 1 - PARTIAL_UPFRONT_SHARE, "all_upfront": Decimal(0)}


@dataclass(frozen=True, slots=True)
class PurchaseRow:
    """One purchase option priced over the whole bill."""

    option: str                     # on_demand | spot | compute_sp_1y_no_upfront | ... | dynamodb_reserved_1y
    label: str
    kind: str                       # on_demand | spot | savings_plan | dynamodb_reserved
    term_months: int                # 0: no commitment
    discount_pct: Decimal | None    # off the on-demand rate of the lines it touches (assumed rate for plans)
    hourly_commitment_usd: Decimal  # what is committed per hour (the Savings Plan's $/hour; reserved hourly fee)
    commitment_hours: int           # hours the commitment runs: term x 730
    upfront_usd: Decimal            # paid once at the start of the term
    monthly_usd: Decimal            # the whole month's bill under the option (recurring; upfront not included)
    baseline_monthly_usd: Decimal   # the bill the option is compared with
    monthly_saving_usd: Decimal     # baseline - monthly
    break_even_month: int | None    # first month whose cumulative saving exceeds the upfront; None: never in the term
    saving_12_months_usd: Decimal   # 12 x monthly saving - the upfront's share of 12 months
    cash_saving_12_months_usd: Decimal   # 12 x monthly saving - the whole upfront (paid in month 1)
    lines: tuple[str, ...]          # the bill lines the option reprices
    touched_usd: Decimal            # those lines' month at the baseline: the most a month can save
    note: str


@dataclass(frozen=True, slots=True)
class PurchaseComparison:
    on_demand_monthly_usd: Decimal  # the bill with no commitment (= purchase_option on_demand)
    instance_type: str
    node_hour_usd: Decimal          # the node type's on-demand hour
    base_nodes: int                 # on-demand nodes running in every hour: the quietest hour's need less its spot
    node_hours_on_demand: Decimal
    rows: tuple[PurchaseRow, ...]
    recommended: str
    reason: str
    rates_as_of: str


def _money(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sum(lines, pred) -> Decimal:
    return sum((ln.monthly_usd for ln in lines if pred(ln)), Decimal(0))


def break_even_month(saving_per_month: Decimal, upfront: Decimal, term_months: int) -> int | None:
    """The first month m (1-based) with m x saving > upfront; None when the option never saves within its term."""
    if saving_per_month <= 0:
        return None
    m = int(upfront // saving_per_month) + 1
    return m if m <= max(term_months, 1) else None


def _row(option: str, label: str, kind: str, term: int, disc: Decimal | None, hourly: Decimal, upfront: Decimal,
         monthly: Decimal, baseline: Decimal, lines: tuple[str, ...], touched: Decimal, note: str) -> PurchaseRow:
    diff = baseline - monthly
    share = upfront * 12 / term if term else Decimal(0)
    return PurchaseRow(option, label, kind, term, disc, hourly, term * int(HOURS_PER_MONTH), _money(upfront),
                       monthly, baseline, diff, break_even_month(diff, upfront, term), _money(12 * diff - share),
                       _money(12 * diff - upfront), lines, touched, note)


def base_nodes(plan: CapacityPlan) -> int:
    """On-demand nodes in every hour of the curve: the quietest hour's nodes less that hour's spot nodes (the
    same split as sizing/nodes.py, on-demand floor included)."""
    n = plan.nodes
    return n.min - spot_nodes(n.min, plan.spot_share_pct, n.on_demand_floor) if n.node_hours_on_demand else 0


@dataclass(frozen=True, slots=True)
class _Covered:
    line: Any                 # the on-demand line the plan covers (the plan's nodes, or an always-on group)
    hours: Decimal            # covered instance-hours a month
    unit: Decimal             # the plan's rate per hour
    month: Decimal            # hours x unit, exact


def _always_on(plan: CapacityPlan, lines, key: str, price: Decimal) -> list[tuple[Any, Decimal, Decimal]]:
    """(line, hours, list rate) of what a Savings Plan covers: `base` nodes of the plan's type x 730 hours, and every
    other always-on on-demand node line (Karpenter's system node group) in full. Found once per estimate."""
    out = []
    base_h = base_nodes(plan) * HOURS_PER_MONTH
    for ln in lines:
        if ln.bill_line != ON_DEMAND or not (ln.price_key or "").startswith("ec2:"):
            continue
        if ln.price_key == key and ln.item == f"{plan.nodes.instance_type} nodes, on-demand":
            if base_h:
                out.append((ln, base_h, price))
        else:
            out.append((ln, ln.quantity, ln.unit_usd))
    return out


def _covered(always_on: list[tuple[Any, Decimal, Decimal]], disc: Decimal) -> list[_Covered]:
    """The always-on lines at a plan's discounted rate."""
    return [_Covered(ln, hours, rate * (1 - disc), hours * rate * (1 - disc)) for ln, hours, rate in always_on]


def _split(c: _Covered, pay: str, term: int) -> tuple[Decimal, Decimal]:
    """(the month's recurring charge, the upfront) of one covered line under a payment option."""
    return _money(c.month * _RECURRING[pay]), _money(c.month * (1 - _RECURRING[pay])) * term


def _savings_plans(plan: CapacityPlan, lines, key: str, price: Decimal, reference: Decimal) -> list[PurchaseRow]:
    """Each plan commits the always-on base's discounted hour; node-hours above the base stay at the on-demand rate."""
    hours = HOURS_PER_MONTH
    base = base_nodes(plan)
    above = _money((qty(plan.nodes.node_hours_on_demand) - base * hours) * price) if plan.nodes.node_hours_on_demand \
        else Decimal(0)
    always_on = _always_on(plan, lines, key, price)
    touched_lines = [ln for ln, _, _ in always_on]
    touched = sum((ln.monthly_usd for ln in touched_lines), Decimal(0))
    out = []
    for (kind, term, pay), r in SP_RATES.items():
        cov = _covered(always_on, r.discount)
        hourly = sum((c.month for c in cov), Decimal(0)) / hours
        parts = [_split(c, pay, term) for c in cov]
        upfront = sum((u for _, u in parts), Decimal(0))
        monthly = reference - touched + sum((m for m, _ in parts), Decimal(0)) + above
        label = f"{_PLAN_LABEL[kind]} {term // 12}y {_PAY_LABEL[pay]}"
        note = (f"commits ${hourly:.4f}/hour: {base} {plan.nodes.instance_type} x ${price}/hour less "
                f"{r.discount * 100:g}% (the always-on base){' + the always-on system nodes' if len(cov) > 1 else ''}; "
                f"{qty(plan.nodes.node_hours_on_demand) - base * hours:,} node-hours above it at the on-demand rate; "
                f"rate: {r.source}")
        if kind == COMPUTE_SP:
            note += "; also covers Fargate and Lambda (not used here)"
        else:
            note += f"; only the {plan.nodes.instance_type.split('.')[0]} family in {plan.scenario.region}"
        out.append(_row(f"{kind}_sp_{term // 12}y_{pay}", label, "savings_plan", term, r.discount * 100, hourly,
                        upfront, monthly, reference, tuple(ln.item for ln in touched_lines), touched, note))
    return out


def _reserved(plan: CapacityPlan, lines, reserved, catalog: Catalog, reference: Decimal) -> list[PurchaseRow]:
    """DynamoDB reserved capacity (its ReservedQuote) in place of the capacity lines the estimate has."""
    provisioned = any(ln.price_key in (WCU_HOUR, RCU_HOUR) for ln in lines)
    keys = (WCU_HOUR, RCU_HOUR) if provisioned else (WRITES, READS)
    touched = tuple(ln for ln in lines if ln.price_key in keys)
    cost = _sum(touched, lambda ln: True)
    out = []
    for r in reserved:
        if not (r.wcu_reserved or r.rcu_reserved):
            continue
        p = lambda k: catalog.price(k, plan.scenario.region).usd  # noqa: E731
        hourly = (r.wcu_reserved * p(RESERVED[r.term_years]["wcu"][1])
                  + r.rcu_reserved * p(RESERVED[r.term_years]["rcu"][1])) / RESERVED_BLOCK
        note = (f"{r.wcu_reserved} WCU + {r.rcu_reserved} RCU reserved (blocks of {RESERVED_BLOCK} under the "
                "always-on base); capacity above stays provisioned")
        if not provisioned:
            note += "; switches the tables from on-demand to provisioned mode"
        disc = (cost - (r.monthly_usd + r.upfront_usd / (12 * r.term_years))) / cost * 100 if cost else None
        out.append(_row(f"dynamodb_reserved_{r.term_years}y", f"DynamoDB reserved capacity {r.term_years}y",
                        "dynamodb_reserved", 12 * r.term_years, None if disc is None else disc.quantize(Decimal("0.1")),
                        hourly, r.upfront_usd, reference - cost + r.monthly_usd, reference,
                        tuple(ln.item for ln in touched), cost, note))
    return out


def _recommend(rows: list[PurchaseRow], growth: float) -> tuple[str, str]:
    """Compute Savings Plan 1y no upfront when it saves: no cash tied up, any family, 12 months of a growing fleet."""
    by = {r.option: r for r in rows}
    pick = by.get("compute_sp_1y_no_upfront")
    ddb = max((r for r in rows if r.kind == "dynamodb_reserved" and r.term_months == 12), default=None,
              key=lambda r: r.saving_12_months_usd)
    extra = (f" DynamoDB reserved capacity 1y touches other lines and can be added: it saves "
             f"${ddb.saving_12_months_usd:,.2f} over 12 months for ${ddb.upfront_usd:,.2f} upfront."
             if ddb and ddb.saving_12_months_usd > 0 else "")
    if pick is None or pick.saving_12_months_usd <= 0:
        if ddb and ddb.saving_12_months_usd > 0:
            return ddb.option, (f"{ddb.label}: saves ${ddb.saving_12_months_usd:,.2f} over 12 months; no on-demand "
                                "node runs in every hour, so a Savings Plan has no base to commit.")
        return "on_demand", "On-demand: no always-on on-demand base to commit (every quiet hour runs on spot or nothing)."
    sp3 = max((r for r in rows if r.kind == "savings_plan" and r.term_months == 36), key=lambda r: r.saving_12_months_usd)
    ec2 = by["ec2_instance_sp_1y_no_upfront"]
    return pick.option, (
        f"{pick.label}: saves ${pick.saving_12_months_usd:,.2f} over 12 months with no upfront, committing "
        f"${pick.hourly_commitment_usd:.4f}/hour (the always-on base only). {ec2.label} saves "
        f"${ec2.saving_12_months_usd - pick.saving_12_months_usd:,.2f} more but locks one instance family in one "
        f"Region; {sp3.label} saves ${sp3.saving_12_months_usd:,.2f} a year but commits 36 months to a fleet whose "
        f"size will change with growth of {growth:g} %/month.{extra}")


def compare(plan: CapacityPlan, lines, catalog: Catalog, monthly: Decimal, reserved) -> PurchaseComparison:
    """Every purchase option over the whole bill; `lines`/`monthly` are the estimate's (any purchase_option), the
    on-demand reference re-prices its on-demand node line at the list rate."""
    n, region = plan.nodes, plan.scenario.region
    key = instance_key(n.instance_type)
    price = catalog.price(key, region).usd
    node = lambda ln: ln.price_key == key and ln.item == f"{n.instance_type} nodes, on-demand"  # noqa: E731
    od_line = _money(qty(n.node_hours_on_demand) * price)
    reference = monthly - _sum(lines, node) + od_line
    rows = [_row("on_demand", "On-demand", "on_demand", 0, None, Decimal(0), Decimal(0), reference, reference,
                 (), Decimal(0), "no commitment; the plan's spot share stays on spot")]
    spot_line = _sum(lines, lambda ln: ln.bill_line == SPOT)
    spot_od = _money(qty(n.node_hours_spot) * price)
    rows.append(_row("spot", f"Spot ({plan.spot_share_pct:g} % of nodes)", "spot", 0, SPOT_DISCOUNT * 100,
                     Decimal(0), Decimal(0), reference, reference - spot_line + spot_od,
                     (f"{n.instance_type} nodes, spot",) if n.node_hours_spot else (), spot_od,
                     f"already in every row: {qty(n.node_hours_spot):,} spot node-hours at the list rate less "
                     f"{SPOT_DISCOUNT * 100:g}% (assumption), interruption headroom included; the baseline runs "
                     "them on demand without headroom; interruptible"))
    rows += _savings_plans(plan, lines, key, price, reference)
    rows += _reserved(plan, lines, reserved, catalog, reference)
    rec, why = _recommend(rows, plan.scenario.growth_pct_per_month)
    return PurchaseComparison(reference, n.instance_type, price, base_nodes(plan), qty(n.node_hours_on_demand),
                              tuple(rows), rec, why, SP_RATES_AS_OF)


def apply_savings_plan(plan: CapacityPlan, lines: list, option: str, catalog: Catalog) -> tuple[list, Decimal]:
    """The bill under one Savings Plan row (`option`, e.g. compute_sp_1y_all_upfront): the on-demand node line splits
    into the committed base (its recurring share) and the node-hours above it at the on-demand rate; always-on system
    nodes take the plan's rate; (lines, upfront). The same pieces as the row, so the bill equals it."""
    n = plan.nodes
    key = instance_key(n.instance_type)
    kind, rest = option.split("_sp_")
    years, pay = int(rest[0]), rest[3:]
    rate = SP_RATES[(kind, 12 * years, pay)]
    price = catalog.price(key, plan.scenario.region).usd
    base, hours = base_nodes(plan), HOURS_PER_MONTH
    cov = {id(c.line): c for c in _covered(_always_on(plan, lines, key, price), rate.discount)}
    out, upfront = [], Decimal(0)
    for ln in lines:
        c = cov.get(id(ln))
        if c is None:
            out.append(ln)
            continue
        monthly, up = _split(c, pay, 12 * years)
        upfront += up
        prepaid = f"; ${up:,.2f} upfront for {12 * years} months" if up else ""
        where = f"{rate.discount * 100:g}% (assumption; docs/sizing-facts.md § Savings Plans rates){prepaid}"
        if ln.item != f"{n.instance_type} nodes, on-demand":
            out.append(replace(ln, unit_usd=c.unit, monthly_usd=monthly,
                               note=f"{ln.note}; {_PLAN_LABEL[kind]}: the list rate less {where}"))
            continue
        out.append(replace(ln, item=f"{n.instance_type} nodes, {_PLAN_LABEL[kind]} base", quantity=c.hours,
                           unit_usd=c.unit, monthly_usd=monthly,
                           note=f"{base} always-on nodes x {hours} hours at the list rate less {where}"))
        above = ln.quantity - c.hours
        if above:
            out.append(replace(ln, item=f"{n.instance_type} nodes, on-demand above the commitment", quantity=above,
                               unit_usd=price, monthly_usd=_money(above * price),
                               note=f"{ln.note}; the hours above the {base} committed nodes"))
    return out, upfront


def comparison_doc(c: PurchaseComparison) -> dict[str, Any]:
    """The estimate JSON's `purchase_comparison` (docs/architecture.md contracts); money as decimal strings."""
    f = lambda x: None if x is None else format(x, "f")  # noqa: E731
    return {"on_demand_monthly_usd": f(c.on_demand_monthly_usd), "instance_type": c.instance_type,
            "node_hour_usd": f(c.node_hour_usd), "base_nodes": c.base_nodes,
            "node_hours_on_demand": f(c.node_hours_on_demand), "recommended": c.recommended, "reason": c.reason,
            "rates_as_of": c.rates_as_of,
            "rates": [{"plan": r.plan, "term_months": r.term_months, "payment": r.payment,
                       "discount_pct": f(r.discount * 100), "source": r.source} for r in SP_RATES.values()],
            "options": [{"option": r.option, "label": r.label, "kind": r.kind, "term_months": r.term_months,
                         "discount_pct": f(r.discount_pct), "hourly_commitment_usd": f(r.hourly_commitment_usd),
                         "commitment_hours": r.commitment_hours, "upfront_usd": f(r.upfront_usd),
                         "monthly_usd": f(r.monthly_usd), "baseline_monthly_usd": f(r.baseline_monthly_usd),
                         "monthly_saving_usd": f(r.monthly_saving_usd), "break_even_month": r.break_even_month,
                         "saving_12_months_usd": f(r.saving_12_months_usd),
                         "cash_saving_12_months_usd": f(r.cash_saving_12_months_usd), "lines": list(r.lines),
                         "touched_usd": f(r.touched_usd), "note": r.note} for r in c.rows]}
