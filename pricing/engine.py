"""Cost engine: looks each component's price up in the catalog and multiplies; builds the Estimate."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from pricing import components as C
from pricing.catalog import EMBEDDED_SNAPSHOT, Catalog, MissingPriceError, PricePoint, load_snapshot, tiered_cost
from pricing.constants import CE, CENT, SAVINGS_PLAN, SPOT_DISCOUNT
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


def money(x: Decimal) -> Decimal:
    """Round to the cent, half up (how a bill line is shown)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _qty(q: float) -> Decimal:
    return Decimal(repr(round(q, 6)))


def price_line(c: C.Component, catalog: Catalog, region: str) -> CostLine:
    """Price one component: unit price x quantity (tiers where the price has them), to the cent."""
    qty = _qty(c.quantity)
    note = c.note
    if c.unit_usd is not None:
        unit = c.unit_usd
        cost = qty * unit
    else:
        point: PricePoint = catalog.price(c.price_key, region)
        unit = point.usd * c.price_factor
        cost = (tiered_cost(point, qty) if c.tiered and point.tiers else qty * point.usd) * c.price_factor
        if point.approximation:
            note = f"{note}; PRICE APPROXIMATION: {point.approximation}" if note else \
                f"PRICE APPROXIMATION: {point.approximation}"
    return CostLine(c.service, c.item, qty, c.unit, unit, money(cost), c.price_key, CE[c.ce], note, c.category,
                    c.control)


def _node_month(n: NodePlan, catalog: Catalog, region: str, sp_discount: Decimal) -> Decimal:
    price = catalog.price(f"ec2:{n.instance_type}", region).usd
    hours = Decimal(A.HOURS_PER_MONTH)
    cost = n.on_demand * hours * price * (1 - sp_discount) + n.spot * hours * price * (1 - SPOT_DISCOUNT)
    if n.surplus_vcpu_hours_month:
        cost += _qty(n.surplus_vcpu_hours_month) * catalog.price("ec2:t-unlimited-vcpu-hour", region).usd
    return money(cost)


def _dynamodb_mode(plan: CapacityPlan, catalog: Catalog, region: str) -> DynamoModeChoice:
    """On-demand vs provisioned for the chats workload; break-even per sizing-facts 4.4."""
    d = plan.dynamodb
    p = lambda k: catalog.price(k, region).usd  # noqa: E731
    hours = Decimal(A.HOURS_PER_MONTH)
    od = _qty(d.write_request_units_month / 1e6) * p("dynamodb:write-request-million") \
        + _qty(d.read_request_units_month / 1e6) * p("dynamodb:read-request-million")
    prov = d.provisioned_wcu_total * hours * p("dynamodb:wcu-hour") \
        + d.provisioned_rcu_total * hours * p("dynamodb:rcu-hour")
    # one WCU held an hour = 3,600 writes: break-even utilisation = WCU-hour price / (3,600 x WRU price)
    per_wru = p("dynamodb:write-request-million") / Decimal(1_000_000)
    break_even = p("dynamodb:wcu-hour") / (Decimal(3600) * per_wru) * 100
    used = Decimal(repr(d.write_request_units_month / (float(A.HOURS_PER_MONTH) * 3600) / d.provisioned_wcu_total * 100))
    mode = "provisioned" if prov < od else "on_demand"
    return DynamoModeChoice(mode, money(od), money(prov), break_even.quantize(Decimal("0.1")),
                            used.quantize(Decimal("0.1")))


def _tier_cost_check(plan: CapacityPlan, infra: Decimal) -> PlanCheck:
    """The plan's monthly cost range for the tier beside the computed infrastructure cost (LLM excluded)."""
    lo, hi = plan.tier_spec.cost_usd
    rng = f"${lo:,}-{'' if hi is None else f'${hi:,}'}"
    ok = lo <= infra and (hi is None or infra <= hi)
    note = ""
    if not ok:
        why = ("a 3-AZ production floor (EKS, NAT per AZ, ALB, public IPv4, WAF, KMS) is about $231 before nodes "
               "(sizing-facts 12), and the plan's figures leave out DynamoDB growth, logs and compliance"
               if hi is not None and infra > hi else
               "the load needs fewer nodes than the plan's range (CPU requests bind; sizing-facts 1.5)")
        note = (f"infrastructure cost ${infra:,.2f}/month is outside the plan's {plan.tier} range {rng} "
                f"(LLM tokens excluded): {why}")
    return PlanCheck(metric="monthly infrastructure cost (USD)", plan_range=rng, computed=f"${infra:,.2f}", agrees=ok,
                     note=note)


def _snapshot_label(catalog: Catalog) -> str:
    """Where the prices came from: the embedded snapshot, or the file a refresh or --snapshot gave."""
    if catalog.path.resolve() == EMBEDDED_SNAPSHOT.resolve():
        return f"embedded snapshot pricing/data/{EMBEDDED_SNAPSHOT.name}"
    return f"snapshot {catalog.path}"


def estimate(scenario: Scenario, catalog: Catalog | None = None) -> Estimate:
    """Validate-size-price: the full estimate for one scenario."""
    catalog = catalog or load_snapshot()
    plan = size(scenario)
    region = scenario.region
    sp_discount, term, all_upfront = SAVINGS_PLAN[scenario.purchase_option]
    ddb = _dynamodb_mode(plan, catalog, region)
    comps = C.infrastructure(plan, sp_discount, ddb.recommended == "provisioned")
    lines = [price_line(c, catalog, region) for c in comps]
    od_key = f"ec2:{plan.nodes.instance_type}"
    ec2_od = sum((ln.monthly_usd for ln in lines if ln.price_key == od_key and "on-demand" in ln.item), Decimal(0))
    upfront = Decimal(0)
    if all_upfront:   # the commitment is prepaid for the term; the monthly bill no longer carries it
        upfront = ec2_od * term
        lines = [replace(ln, monthly_usd=Decimal("0.00"),
                         note=f"{ln.note}; prepaid: ${ln.monthly_usd:,.2f}/month x {term} months in the upfront")
                 if ln.price_key == od_key and "on-demand" in ln.item else ln for ln in lines]
    lines = tuple(lines)
    monthly = sum((ln.monthly_usd for ln in lines), Decimal(0))
    first_year = money(upfront + monthly * 12)
    infra = sum((ln.monthly_usd for ln in lines if ln.category != C.LLM), Decimal(0))
    llm = sum((ln.monthly_usd for ln in lines if ln.category == C.LLM), Decimal(0))
    comp = sum((ln.monthly_usd for ln in lines if ln.category == C.COMPLIANCE), Decimal(0))
    by_control: dict[str, Decimal] = {}
    for ln in lines:
        if ln.control:
            by_control[ln.control] = by_control.get(ln.control, Decimal(0)) + ln.monthly_usd

    default = plan.nodes
    node_default = NodeOption(default.instance_type, default.arch, default.desired,
                              _node_month(default, catalog, region, sp_discount))
    best = node_default
    for n in plan.node_candidates.values():
        if n.feasible and catalog.has(f"ec2:{n.instance_type}", region):
            cost = _node_month(n, catalog, region, sp_discount)
            if cost < best.monthly_usd:
                best = NodeOption(n.instance_type, n.arch, n.desired, cost)

    quotes = []
    od_monthly = monthly + (ec2_od if all_upfront else 0)
    base_ec2 = ec2_od / (1 - sp_discount) if sp_discount else ec2_od
    for opt, (disc, t, upf) in SAVINGS_PLAN.items():
        ec2 = money(base_ec2 * (1 - disc))
        m = od_monthly - ec2_od + (0 if upf else ec2)
        u = ec2 * t if upf else Decimal(0)
        quotes.append(PurchaseQuote(opt.value, money(m), money(u), money(u + m * 12)))

    cost_check = _tier_cost_check(plan, money(infra))
    plan = replace(plan, plan_checks=plan.plan_checks + (cost_check,))
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
    h = catalog.header
    return Estimate(scenario, plan, lines, money(monthly), money(upfront), first_year, money(infra), money(llm),
                    money(comp), {k: money(v) for k, v in by_control.items()},
                    money((monthly + upfront / term if term and all_upfront else monthly) / scenario.concurrent_users),
                    node_default, best, ddb, tuple(quotes), tuple(warnings), h.as_of,
                    _snapshot_label(catalog), h.checksum)


__all__ = ["CostLine", "Estimate", "estimate", "price_line", "money", "MissingPriceError"]
