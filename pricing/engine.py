"""Cost engine: looks each component's price up in the catalog and multiplies; builds the Estimate."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from pricing.catalog import EMBEDDED_SNAPSHOT, Catalog, MissingPriceError, load_snapshot, tiered_cost
from pricing.commitments import SP_ROW, PurchaseComparison, apply_savings_plan, compare
from pricing.purchase import SAVINGS_PLAN, SPOT_DISCOUNT
from pricing.ranges import CostRange, Driver, cost_range, drivers
from pricing.services import KEYS, PriceOptions, bill_of_materials
from pricing.services.backup import KEY as BACKUP_KEY
from pricing.services.base import COMPLIANCE, LLM, Component, billable, qty
from pricing.services.dr import DR, grows_with_table
from pricing.services.dynamodb import FREE_STORAGE_GB as DDB_FREE_GB
from pricing.services.dynamodb import PITR as DDB_PITR
from pricing.services.dynamodb import RESERVED as DDB_RESERVED
from pricing.services.dynamodb import RESERVED_BLOCK as DDB_RESERVED_BLOCK
from pricing.services.dynamodb import STORAGE as DDB_STORAGE
from pricing.services.kms import ROTATED_UNIT
from sizing import assumptions as A
from sizing.capacity import CapacityPlan, NodePlan, PlanCheck, size
from sizing.scenario import Scenario


@dataclass(frozen=True, slots=True)
class CostLine:
    service: str
    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal
    price_key: str | None
    ce_service: str
    note: str
    category: str
    control: str | None
    bill_line: str                # the monthly review's line for it (pricing/services/)


@dataclass(frozen=True, slots=True)
class NodeOption:
    instance_type: str
    arch: str
    nodes: int
    monthly_usd: Decimal


@dataclass(frozen=True, slots=True)
class DynamoModeChoice:
    recommended: str            # on_demand | provisioned
    on_demand_usd: Decimal
    provisioned_usd: Decimal
    break_even_utilisation_pct: Decimal
    provisioned_utilisation_pct: Decimal
    reserved: tuple[ReservedQuote, ...] = ()


@dataclass(frozen=True, slots=True)
class ReservedQuote:
    """DynamoDB reserved capacity over provisioned: reserved blocks cover the always-on base hour."""

    term_years: int
    wcu_reserved: int           # units reserved (blocks of 100) of the month's lowest hour
    rcu_reserved: int
    upfront_usd: Decimal        # one-time, for the whole term
    monthly_usd: Decimal        # reserved hourly rate + the provisioned hours above the reservation
    provisioned_monthly_usd: Decimal
    saving_12_months_usd: Decimal   # 12 x (provisioned - monthly) - the upfront's share of 12 months


@dataclass(frozen=True, slots=True)
class MonthCost:
    """Month `month` of the first year: the DynamoDB storage, PITR and backups hold min(month, retention) months."""

    month: int
    storage_gb: Decimal         # table + GSI
    backup_gb: Decimal
    monthly_usd: Decimal


@dataclass(frozen=True, slots=True)
class PurchaseQuote:
    option: str
    monthly_usd: Decimal
    upfront_usd: Decimal
    first_year_usd: Decimal


@dataclass(frozen=True, slots=True)
class Estimate:
    scenario: Scenario
    plan: CapacityPlan
    lines: tuple[CostLine, ...]
    monthly_usd: Decimal
    upfront_usd: Decimal
    first_year_usd: Decimal
    infrastructure_usd: Decimal
    llm_usd: Decimal
    compliance_usd: Decimal
    compliance_by_control: dict[str, Decimal]
    cost_per_user_usd: Decimal
    node_default: NodeOption
    node_cheapest: NodeOption
    dynamodb_mode: DynamoModeChoice
    purchase_options: tuple[PurchaseQuote, ...]
    warnings: tuple[str, ...]
    prices_as_of: str
    prices_source: str
    prices_checksum: str
    first_year_months: tuple[MonthCost, ...] = ()
    range: CostRange | None = None          # p10/p50/p90 of the month (pricing/ranges.py), when asked for
    drivers: tuple[Driver, ...] = ()        # one-at-a-time swings, largest first
    purchase_comparison: PurchaseComparison | None = None   # every purchase option over the whole bill


CENT = Decimal("0.01")


def money(x: Decimal) -> Decimal:
    """Round to the cent, half up (how a bill line is shown)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def price_line(c: Component, catalog: Catalog, region: str) -> CostLine:
    """Price one component: unit price x quantity (tiers where the price has them), to the cent."""
    qty_ = c.quantity
    note = c.note
    if c.unit_usd is not None:
        unit = c.unit_usd
        cost = qty_ * unit
    else:
        point = catalog.price(c.price_key, c.region or region)
        unit = point.usd * c.price_factor
        if unit.as_tuple().exponent < -12:     # a non-terminating factor (10/11): show 12 places, price exactly
            unit = unit.quantize(Decimal("1e-12")).normalize()
        cost = (tiered_cost(point, qty_) if c.tiered and point.tiers else qty_ * point.usd) * c.price_factor
        if point.approximation:
            note = f"{note}; PRICE APPROXIMATION: {point.approximation}" if note else \
                f"PRICE APPROXIMATION: {point.approximation}"
    info = KEYS.get(c.price_key) if c.price_key else None
    return CostLine(service=c.service, item=c.item, quantity=qty_, unit=c.unit, unit_usd=unit, monthly_usd=money(cost),
                    price_key=c.price_key, ce_service=c.ce or info.ce, note=note, category=c.category,
                    control=c.control, bill_line=c.bill_line or info.bill_line)


def _hours(h: float) -> Decimal:
    """Node-hours as the EC2 lines price them (qty); whole hours without the float rounding."""
    return Decimal(int(h)) if h.is_integer() else qty(h)


def _node_month(n: NodePlan, catalog: Catalog, region: str, sp_discount: Decimal) -> Decimal:
    price = catalog.price(f"ec2:{n.instance_type}", region).usd
    spot_h = _hours(n.node_hours_spot) + qty(n.node_hours_spot_headroom)   # the interruption headroom is spot too
    cost = _hours(n.node_hours_on_demand) * price * (1 - sp_discount) + spot_h * price * (1 - SPOT_DISCOUNT)
    if n.surplus_vcpu_hours_month:
        cost += qty(n.surplus_vcpu_hours_month) * catalog.price("ec2:t-unlimited-vcpu-hour", region).usd
    return money(cost)


def _reserved(plan: CapacityPlan, catalog: Catalog, region: str, term: int, prov_month: Decimal) -> ReservedQuote:
    """Reserved blocks of 100 under the always-on base (every table and index at its lowest hour); the hours above
    stay provisioned; docs/sizing-model.md § DynamoDB reserved capacity."""
    d = plan.dynamodb
    p = lambda k: catalog.price(k, region).usd  # noqa: E731
    hours = Decimal(A.HOURS_PER_MONTH)
    users = 2 * A.PROVISIONED_MIN_CAPACITY
    upfront = monthly = Decimal(0)
    units = {}
    for unit, base, unit_hours in (("wcu", d.provisioned_wcu_base, d.provisioned_wcu_hours_month),
                                   ("rcu", d.provisioned_rcu_base, d.provisioned_rcu_hours_month)):
        up_key, hour_key = DDB_RESERVED[term][unit]
        blocks = (2 * base + users) // DDB_RESERVED_BLOCK
        units[unit] = blocks * DDB_RESERVED_BLOCK
        upfront += blocks * p(up_key)
        monthly += blocks * hours * p(hour_key) + (qty(unit_hours) - units[unit] * hours) * p(f"dynamodb:{unit}-hour")
    saving = (prov_month - money(monthly)) * 12 - upfront / term
    return ReservedQuote(term, units["wcu"], units["rcu"], money(upfront), money(monthly), prov_month, money(saving))


def _dynamodb_mode(plan: CapacityPlan, catalog: Catalog, region: str) -> DynamoModeChoice:
    """On-demand vs provisioned for the chats workload; provisioned follows the load curve hour by hour, the
    break-even per docs/sizing-facts.md § DynamoDB capacity mode break-even."""
    d = plan.dynamodb
    p = lambda k: catalog.price(k, region).usd  # noqa: E731
    od = qty(d.write_request_units_month / 1e6) * p("dynamodb:write-request-million") \
        + qty(d.read_request_units_month / 1e6) * p("dynamodb:read-request-million")
    prov = qty(d.provisioned_wcu_hours_month) * p("dynamodb:wcu-hour") \
        + qty(d.provisioned_rcu_hours_month) * p("dynamodb:rcu-hour")
    # one WCU held an hour = 3,600 writes: break-even utilisation = WCU-hour price / (3,600 x WRU price)
    per_wru = p("dynamodb:write-request-million") / Decimal(1_000_000)
    break_even = p("dynamodb:wcu-hour") / (Decimal(3600) * per_wru) * 100
    used = Decimal(repr(d.write_request_units_month / (d.provisioned_wcu_hours_month * 3600) * 100))
    mode = "provisioned" if prov < od else "on_demand"
    reserved = tuple(_reserved(plan, catalog, region, t, money(prov)) for t in DDB_RESERVED
                     if all(catalog.has(k, region) for keys in DDB_RESERVED[t].values() for k in keys))
    return DynamoModeChoice(mode, money(od), money(prov), break_even.quantize(Decimal("0.1")),
                            used.quantize(Decimal("0.1")), reserved)


def _first_year(plan: CapacityPlan, lines: tuple[CostLine, ...], monthly: Decimal, catalog: Catalog,
                region: str) -> tuple[MonthCost, ...]:
    """Months 1..12: the month's bill with the storage-dependent lines (DynamoDB storage, PITR, backups) at
    min(month, retention) months of history, no rotated KMS key versions yet; every other line as in the steady
    month. Arithmetic on the steady
    plan's quantities (each is proportional to the months held), so an estimate stays about 1 ms."""
    own = lambda ln: ln.category != DR and ln.price_key in (DDB_STORAGE, DDB_PITR, BACKUP_KEY)  # noqa: E731
    dr_stored = [ln for ln in lines if grows_with_table(ln.category, ln.unit)]   # the DR Region's copies, replica
    # rotated KMS key versions are billed from month 13 (pricing/services/kms.py): none in the first year
    rest = monthly - _sum(lines, own) - _sum(tuple(dr_stored)) - _sum(lines, lambda ln: ln.unit == ROTATED_UNIT)
    d = plan.dynamodb
    unit = {k: catalog.price(k, region).usd for k in (DDB_STORAGE, DDB_PITR, BACKUP_KEY)
            if any(own(ln) for ln in lines if ln.price_key == k)}
    out = []
    for m in range(1, 13):
        share = min(float(m), d.retention_months) / d.retention_months       # DynamoPlan.at_month
        stored, backup = (d.table_gb + d.gsi_gb) * share, d.backup_gb * share
        cost = money(qty(billable(stored, DDB_FREE_GB)) * unit[DDB_STORAGE])
        if DDB_PITR in unit:
            cost += money(qty(d.pitr_gb * share) * unit[DDB_PITR])
        if BACKUP_KEY in unit:
            cost += money(qty(backup) * unit[BACKUP_KEY])
        cost += sum((money(qty(float(ln.quantity) * share) * ln.unit_usd) for ln in dr_stored), Decimal(0))
        out.append(MonthCost(m, Decimal(repr(round(stored, 3))), Decimal(repr(round(backup, 3))), rest + cost))
    return tuple(out)


def _tier_cost_check(plan: CapacityPlan, infra: Decimal) -> PlanCheck:
    """The plan's monthly cost range for the tier beside the computed infrastructure cost (LLM excluded)."""
    lo, hi = plan.tier_spec.cost_usd
    rng = f"${lo:,}-{'' if hi is None else f'${hi:,}'}"
    ok = lo <= infra and (hi is None or infra <= hi)
    note = ""
    if not ok:
        why = ("a 3-AZ production floor (EKS, NAT per AZ, ALB, public IPv4, WAF, KMS) is about $231 before nodes "
               "(docs/sizing-facts.md § Monthly floor and plan tiers), and the plan's figures leave out DynamoDB growth, logs and compliance"
               if hi is not None and infra > hi else
               f"the load needs fewer nodes than the plan's range ({plan.nodes.binding_reason}; "
               "docs/sizing-facts.md § Backend pod packing)")
        note = (f"infrastructure cost ${infra:,.2f}/month is outside the plan's {plan.tier} range {rng} "
                f"(LLM tokens excluded): {why}")
    return PlanCheck(metric="monthly infrastructure cost (USD)", plan_range=rng, computed=f"${infra:,.2f}", agrees=ok,
                     note=note)


def snapshot_label(catalog: Catalog) -> str:
    """Where the prices came from: the embedded snapshot, or the file a refresh or --snapshot gave."""
    return _path_label(catalog.path)


@lru_cache(maxsize=64)
def _path_label(path: Path) -> str:
    """Resolved once per snapshot path (resolving touches the file system; a sweep prices thousands of scenarios)."""
    if path.resolve() == EMBEDDED_SNAPSHOT.resolve():
        return f"embedded snapshot pricing/data/{EMBEDDED_SNAPSHOT.name}"
    return f"snapshot {path}"


def _node_options(plan: CapacityPlan, catalog: Catalog, region: str, sp_discount: Decimal) -> tuple[NodeOption, NodeOption]:
    """The plan's node type and the cheapest feasible type priced in the region."""
    default = plan.nodes
    node_default = NodeOption(default.instance_type, default.arch, default.desired,
                              _node_month(default, catalog, region, sp_discount))
    best = node_default
    # Rank the candidates in floats first and price exactly (Decimal) only those within NEAR_USD of the float
    # minimum: float error is far below a cent here, so the choice is the exact one, at a fraction of the cost.
    sp = float(sp_discount)
    rough = {n.instance_type: _node_month_rough(n, catalog, region, sp) for n in plan.node_candidates.values()
             if n.feasible and catalog.has(f"ec2:{n.instance_type}", region)}
    floor = min(rough.values(), default=0.0)
    for n in plan.node_candidates.values():
        if n.instance_type in rough and rough[n.instance_type] <= floor + _NEAR_USD:
            cost = _node_month(n, catalog, region, sp_discount)
            if cost < best.monthly_usd:
                best = NodeOption(n.instance_type, n.arch, n.desired, cost)
    return node_default, best


_NEAR_USD = 0.05      # candidates priced exactly: within 5 cents of the float minimum
_SPOT = float(SPOT_DISCOUNT)


def _node_month_rough(n: NodePlan, catalog: Catalog, region: str, sp: float) -> float:
    """`_node_month` in floats, for ranking only."""
    price = float(catalog.price(f"ec2:{n.instance_type}", region).usd)
    cost = n.node_hours_on_demand * price * (1 - sp) + (n.node_hours_spot + n.node_hours_spot_headroom) * price * (1 - _SPOT)
    if n.surplus_vcpu_hours_month:
        cost += n.surplus_vcpu_hours_month * float(catalog.price("ec2:t-unlimited-vcpu-hour", region).usd)
    return cost


def _purchase_quotes(comparison: PurchaseComparison, growth: Decimal) -> tuple[PurchaseQuote, ...]:
    """The month, upfront and first year (with the young table's `growth` difference) under every purchase_option:
    the Compute Savings Plan rows of the whole-bill comparison."""
    rows = {r.option: r for r in comparison.rows}
    quotes = []
    for opt, (_, t, upf) in SAVINGS_PLAN.items():
        r = rows[SP_ROW[opt]]
        quotes.append(PurchaseQuote(opt.value, r.monthly_usd, r.upfront_usd,
                                    money(r.upfront_usd + r.monthly_usd * 12 + growth)))
    return tuple(quotes)


def _warnings(plan: CapacityPlan, cost_check: PlanCheck, lines: tuple[CostLine, ...], region: str,
              node_default: NodeOption, best: NodeOption) -> tuple[str, ...]:
    warnings = list(plan.warnings)
    if not cost_check.agrees:
        warnings.append(cost_check.note)
    approximations = sorted({ln.price_key for ln in lines if "PRICE APPROXIMATION" in ln.note})
    if approximations:
        warnings.append(f"{len(approximations)} prices for {region} are approximations (see the lines' notes): "
                        + ", ".join(approximations[:6]) + ("..." if len(approximations) > 6 else ""))
    if best.instance_type != node_default.instance_type:
        warnings.append(f"{best.nodes} x {best.instance_type} would carry the same pods for "
                        f"${best.monthly_usd:,.2f}/month instead of ${node_default.monthly_usd:,.2f} "
                        f"({node_default.nodes} x {node_default.instance_type}): saving "
                        f"${node_default.monthly_usd - best.monthly_usd:,.2f}/month")
    return tuple(warnings)


def _sum(lines: tuple[CostLine, ...], keep=lambda ln: True) -> Decimal:
    return sum((ln.monthly_usd for ln in lines if keep(ln)), Decimal(0))


def estimate(scenario: Scenario, catalog: Catalog | None = None, *, ranges: bool = False) -> Estimate:
    """Validate-size-price: the full estimate for one scenario; with `ranges`, its range and drivers too."""
    catalog = catalog or load_snapshot()
    est = _estimate(scenario, catalog)
    return replace(est, range=cost_range(est, catalog), drivers=drivers(est, catalog)) if ranges else est


def _estimate(scenario: Scenario, catalog: Catalog) -> Estimate:
    plan = size(scenario)
    region = scenario.region
    sp_discount, term, _ = SAVINGS_PLAN[scenario.purchase_option]
    ddb = _dynamodb_mode(plan, catalog, region)
    comps = bill_of_materials(plan, PriceOptions(dynamodb_provisioned=ddb.recommended == "provisioned"))
    priced = [price_line(c, catalog, region) for c in comps]
    comparison = compare(plan, priced, catalog, money(_sum(tuple(priced))), ddb.reserved)
    upfront = Decimal(0)
    if sp_discount:   # the Savings Plan covers the always-on base; the hours above stay on demand
        priced, upfront = apply_savings_plan(plan, priced, SP_ROW[scenario.purchase_option], catalog)
    lines = tuple(priced)
    monthly = _sum(lines)
    infra = _sum(lines, lambda ln: ln.category != LLM)
    by_control: dict[str, Decimal] = {}
    for ln in lines:
        if ln.control:
            by_control[ln.control] = by_control.get(ln.control, Decimal(0)) + ln.monthly_usd
    node_default, best = _node_options(plan, catalog, region, sp_discount)
    cost_check = _tier_cost_check(plan, money(infra))
    plan = replace(plan, plan_checks=plan.plan_checks + (cost_check,))
    months = _first_year(plan, lines, money(monthly), catalog, region)
    growth = sum((mc.monthly_usd for mc in months), Decimal(0)) - money(monthly) * 12   # young table: <= 0
    h = catalog.header
    return Estimate(
        scenario=scenario, plan=plan, lines=lines, monthly_usd=money(monthly), upfront_usd=money(upfront),
        first_year_usd=money(upfront + money(monthly) * 12 + growth), first_year_months=months,
        infrastructure_usd=money(infra),
        llm_usd=money(_sum(lines, lambda ln: ln.category == LLM)),
        compliance_usd=money(_sum(lines, lambda ln: ln.category == COMPLIANCE)),
        compliance_by_control={k: money(v) for k, v in by_control.items()},
        cost_per_user_usd=money((monthly + upfront / term if term else monthly)
                                / scenario.concurrent_users),
        node_default=node_default, node_cheapest=best, dynamodb_mode=ddb,
        purchase_options=_purchase_quotes(comparison, growth),
        warnings=_warnings(plan, cost_check, lines, region, node_default, best),
        purchase_comparison=comparison,
        prices_as_of=h.as_of, prices_source=snapshot_label(catalog), prices_checksum=h.checksum)


__all__ = ["CostLine", "Estimate", "MonthCost", "ReservedQuote", "estimate", "price_line", "money", "MissingPriceError"]
