"""The report model: what the page, the report, the review and the CLI show, computed and formatted once.

- formatting helpers (money, percent, quantities, unit prices), the only copies in the project;
- the bill of materials: `bom_rows` (checked to sum to the estimate), the per-service and per-category
  totals, and `bom_csv`, the one BOM CSV builder (report's bom.csv, the page's download, `estimate
  --format csv`);
- the re-estimate series: the cost curve over user counts (across the tier bands) and the 12-month
  projection, each point the cost engine re-run with every other input unchanged.
"""
from __future__ import annotations

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from generators.safe_text import csv_cell
from pricing.catalog import Catalog, load_snapshot
from pricing.commitments import SP_ROW
from pricing.engine import Estimate, estimate
from pricing.purchase import OPTION_LABELS
from sizing.profiles import TIERS
from sizing.scenario import Scenario

HEADLINE_CENTS_BELOW = 10_000
CURVE_POINTS = 12
PROJECTION_MONTHS = 12
CURVE_MIN_USERS = 50
CURVE_MAX_USERS = 20_000
# bom.csv / bom.xlsx columns; `estimate --format csv` writes the same without the two scenario columns.
BOM_COLUMNS = ("scenario", "client", "service", "item", "quantity", "unit", "unit_usd", "monthly_usd", "price_key",
               "ce_service", "category", "control", "note")
SCENARIO_COLUMNS = ("scenario", "client")


# --- formatting -----------------------------------------------------------------------------------

def fmt_usd(x: Decimal) -> str:
    """Money as the report shows it: `$12,345.67` (`-$1.00` when negative)."""
    x = Decimal(x)
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def usd(x: Decimal | float | None, none: str = "") -> str:
    """Money as the page, the compare view and the review show it: `$12,345.67` (`$-1.00` when negative);
    `none` for a missing value."""
    return none if x is None else f"${x:,.2f}"


def usd_headline(x: Decimal | float) -> str:
    """Headline figures: cents below $10,000, whole dollars above (exact values are in the BOM)."""
    return f"${x:,.2f}" if abs(x) < HEADLINE_CENTS_BELOW else f"${x:,.0f}"


def usd_compact(x: Decimal | float) -> str:
    """A short money figure for narrow places (`$4,522`, `$47.7k`, `$1.23M`); exact values are beside it."""
    v = float(x)
    if abs(v) >= 1_000_000:
        return f"${v / 1_000_000:,.2f}M"
    if abs(v) >= 10_000:
        return f"${v / 1_000:,.1f}k"
    return f"${v:,.0f}"


def pct_delta(x: Decimal | float | None) -> str:
    """A signed percentage with one decimal (`+12.5%`), `n/a` when there is no base to compare with."""
    return "n/a" if x is None else f"{x:+.1f}%"


def plain_decimal(x: Decimal | None) -> str:
    """An exact decimal without exponent or grouping (`1234.5600`), empty for a missing value (CSV cells)."""
    return "" if x is None else format(x, "f")


def fmt_num(x: float | Decimal, places: int = 2) -> str:
    """A quantity with thousands separators and at most `places` decimals (trailing zeros dropped)."""
    s = f"{Decimal(str(x)):,.{places}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fmt_unit_price(x: Decimal) -> str:
    """A unit price with the precision it needs (`$0.00065`, `$0.10`)."""
    s = format(Decimal(x).normalize(), "f")
    whole, _, frac = s.partition(".")
    frac = (frac + "00")[:max(2, len(frac))]
    return f"${int(whole):,}.{frac}" if not whole.startswith("-") else f"-${-int(whole):,}.{frac}"


def tier_band_name(t) -> str:
    """Legend name of a tier band, e.g. `Small tier (0-499 users)`."""
    upper = "+" if t.max_users is None else f"-{t.max_users - 1:,}"
    return f"{t.name} tier ({t.min_users:,}{upper} users)"


def option_label(option: str, chosen: str) -> str:
    """A purchase option's name, `(chosen)` appended for the scenario's own."""
    return OPTION_LABELS.get(option, option) + (" (chosen)" if option == chosen else "")


PURCHASE_COLUMNS = ("Option", "Commitment", "Upfront", "Monthly bill", "Saving / month", "Break-even month",
                    "12-month saving", "Lines touched")


def purchase_comparison_rows(est: Estimate) -> list[tuple[str, ...]]:
    """The whole-bill purchase comparison as text rows (PURCHASE_COLUMNS): the CLI, the page and the report."""
    c = est.purchase_comparison
    if c is None:
        return []
    chosen = SP_ROW[est.scenario.purchase_option]
    rows = []
    for r in c.rows:
        mark = (" (recommended)" if r.option == c.recommended else "") + (" (chosen)" if r.option == chosen else "")
        commit = (f"${r.hourly_commitment_usd:,.4f}/h x {r.commitment_hours:,} h" if r.hourly_commitment_usd
                  else "none")
        rows.append((r.label + mark, commit, fmt_usd(r.upfront_usd), fmt_usd(r.monthly_usd),
                     fmt_usd(r.monthly_saving_usd), "-" if r.break_even_month is None else str(r.break_even_month),
                     fmt_usd(r.saving_12_months_usd), "; ".join(r.lines) or "-"))
    return rows


def purchase_comparison_notes(est: Estimate) -> list[str]:
    """The recommendation, how the rows are compared, and the assumed rates (shown wherever the table is)."""
    c = est.purchase_comparison
    if c is None:
        return []
    return [f"Recommended: {c.reason}",
            f"Savings Plans commit only the always-on base: {c.base_nodes} on-demand {c.instance_type} nodes run in "
            f"every hour of the load curve ({c.node_hours_on_demand:,} on-demand node-hours a month); hours above "
            "are billed on demand. Compute Savings Plans also cover Fargate and Lambda (not used here).",
            "Monthly bill: the whole month under the option, upfront excluded. Break-even month: the first month "
            "whose cumulative saving exceeds the upfront. 12-month saving: 12 x the monthly saving less the upfront's "
            "share of 12 months. Spot is already in every row; its saving is against running those hours on demand.",
            f"Savings Plans rates are assumptions as of {c.rates_as_of} (UNSOURCED per instance type; "
            "docs/sizing-facts.md § Savings Plans rates)."]


# --- bill of materials ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BomRow:
    """One bill-of-materials row (a cost line with text fields never None)."""

    service: str
    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal
    price_key: str
    ce_service: str
    category: str
    control: str
    note: str


def bom_rows(est: Estimate) -> list[BomRow]:
    """The estimate's cost lines as BOM rows; they sum to `est.monthly_usd` (checked, not assumed)."""
    rows = [BomRow(ln.service, ln.item, ln.quantity, ln.unit, ln.unit_usd, ln.monthly_usd, ln.price_key or "",
                   ln.ce_service, ln.category, ln.control or "", ln.note) for ln in est.lines]
    total = sum((r.monthly_usd for r in rows), Decimal(0))
    if total != est.monthly_usd:
        raise ValueError(f"estimate: the cost lines sum to {total} but monthly_usd is {est.monthly_usd}; "
                         "a report would not add up")
    return rows


def bom_records(est: Estimate, with_scenario: bool = True) -> list[list[object]]:
    """BOM rows as spreadsheet records in `BOM_COLUMNS` order, user text neutralised (`csv_cell`)."""
    s = est.scenario
    head = [csv_cell(s.name), csv_cell(s.client)] if with_scenario else []
    return [head + [csv_cell(r.service), csv_cell(r.item), r.quantity, r.unit, r.unit_usd, r.monthly_usd,
                    r.price_key, r.ce_service, r.category, r.control, csv_cell(r.note)] for r in bom_rows(est)]


def bom_columns(with_scenario: bool = True) -> tuple[str, ...]:
    return BOM_COLUMNS if with_scenario else tuple(c for c in BOM_COLUMNS if c not in SCENARIO_COLUMNS)


def bom_total_record(est: Estimate, with_scenario: bool = True) -> list[object]:
    """The TOTAL row: `TOTAL` in the first column, the estimate's monthly total under `monthly_usd`."""
    cols = bom_columns(with_scenario)
    total: list[object] = [""] * len(cols)
    total[0], total[cols.index("monthly_usd")] = "TOTAL", est.monthly_usd
    return total


def range_text(est: Estimate) -> str:
    """`$p10 - $p90 (p50 $p50)`, or a dash for an estimate without a range."""
    r = est.range
    return "—" if r is None else f"{usd(r.p10_usd)} - {usd(r.p90_usd)} (p50 {usd(r.p50_usd)})"


def bom_range_records(est: Estimate, with_scenario: bool = True) -> list[list[object]]:
    """After TOTAL: `RANGE_P10`, `RANGE_P50`, `RANGE_P90` (the month's range) and a `DRIVER_LOW` and
    `DRIVER_HIGH` row per driver (item: the input and its value; monthly_usd: the month at that value).
    Empty for an estimate without a range."""
    cols = bom_columns(with_scenario)
    first, item, qty_, money_ = 0, cols.index("item"), cols.index("quantity"), cols.index("monthly_usd")

    def rec(label: str, what: str, value: object, usd: Decimal) -> list[object]:
        r: list[object] = [""] * len(cols)
        r[first], r[item], r[qty_], r[money_] = label, what, value, usd
        return r
    if est.range is None:
        return []
    r = est.range
    out = [rec(f"RANGE_P{p}", f"p{p} of {r.samples} samples, seed {r.seed}", "", v)
           for p, v in ((10, r.p10_usd), (50, r.p50_usd), (90, r.p90_usd))]
    for d in est.drivers:
        out.append(rec("DRIVER_LOW", d.field, d.low_value, d.low_usd))
        out.append(rec("DRIVER_HIGH", d.field, d.high_value, d.high_usd))
    return out


def bom_csv(est: Estimate, with_scenario: bool = True) -> str:
    """The one BOM CSV: a header, one row per BOM line (money as exact decimals), then a TOTAL row equal to
    the estimate, then the range and drivers rows (`bom_range_records`). `with_scenario=False` leaves out the
    scenario and client columns (`estimate --format csv`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(bom_columns(with_scenario))
    w.writerows(bom_records(est, with_scenario))
    w.writerow(bom_total_record(est, with_scenario))
    w.writerows(bom_range_records(est, with_scenario))
    return buf.getvalue()


def cost_by_service(est: Estimate) -> "OrderedDict[str, Decimal]":
    """Monthly cost per service, largest first (sums to `est.monthly_usd`)."""
    totals: dict[str, Decimal] = {}
    for r in bom_rows(est):
        totals[r.service] = totals.get(r.service, Decimal(0)) + r.monthly_usd
    return OrderedDict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def cost_split(est: Estimate) -> "OrderedDict[str, Decimal]":
    """Monthly cost as infrastructure (without compliance), compliance controls and LLM tokens."""
    split = OrderedDict((("Infrastructure", Decimal(0)), ("Compliance controls", Decimal(0)),
                         ("LLM tokens", Decimal(0))))
    names = {"infrastructure": "Infrastructure", "compliance": "Compliance controls", "llm": "LLM tokens"}
    for r in bom_rows(est):
        split[names.get(r.category, "Infrastructure")] += r.monthly_usd
    return split


# --- re-estimate series ---------------------------------------------------------------------------

def _field_max(name: str) -> int:
    """Upper bound (`le`) of a Scenario field, read from its constraints."""
    return next(m.le for m in Scenario.model_fields[name].metadata if getattr(m, "le", None) is not None)


MAX_USERS = _field_max("concurrent_users")


@dataclass(frozen=True, slots=True)
class CostPoint:
    """The estimate re-run for one user count (cost curve) or one month (projection)."""

    users: int
    monthly_usd: Decimal
    infrastructure_usd: Decimal
    llm_usd: Decimal
    tier: str
    month: int = 0


@dataclass(frozen=True, slots=True)
class ReportSeries:
    """Everything the charts need beyond the estimate itself."""

    curve: tuple[CostPoint, ...]
    projection: tuple[CostPoint, ...]


def resolve_catalog(est: Estimate, catalog: Catalog | None) -> Catalog:
    """The catalog the estimate was priced with (checked by checksum), so re-runs use the same prices."""
    cat = catalog or load_snapshot()
    if cat.header.checksum != est.prices_checksum:
        raise ValueError(f"catalog: the estimate was priced with snapshot {est.prices_checksum}, but the catalog "
                         f"given is {cat.header.checksum}; pass the catalog used for the estimate")
    return cat


def _point(e: Estimate, month: int = 0) -> CostPoint:
    """The steady month (month 0), or month `month` of operation: its storage-dependent lines hold that many
    months of chat history (Estimate.first_year_months), the infrastructure share moves with them."""
    if 1 <= month <= len(e.first_year_months):
        young = e.monthly_usd - e.first_year_months[month - 1].monthly_usd
        return CostPoint(e.scenario.concurrent_users, e.monthly_usd - young, e.infrastructure_usd - young, e.llm_usd,
                         e.plan.tier, month)
    return CostPoint(e.scenario.concurrent_users, e.monthly_usd, e.infrastructure_usd, e.llm_usd, e.plan.tier,
                     month)


def _with_users(s: Scenario, users: int) -> Scenario:
    return s.model_copy(update={"concurrent_users": max(1, min(MAX_USERS, users))})


def curve_user_counts(users: int, points: int = CURVE_POINTS) -> list[int]:
    """`points` user counts spaced evenly on a log scale, both sides of every tier boundary inside that range
    (so the chart shows each tier's step), and `users` itself."""
    lo = min(CURVE_MIN_USERS, users)
    hi = min(MAX_USERS, max(CURVE_MAX_USERS, users * 2))
    ratio = (hi / lo) ** (1 / (points - 1))
    counts = {int(round(lo * ratio ** i)) for i in range(points)} | {users}
    counts |= {u for t in TIERS if t.min_users > 1 for u in (t.min_users - 1, t.min_users) if lo <= u <= hi}
    return sorted(counts)


def projection_users(users: int, growth_pct: float, months: int = PROJECTION_MONTHS) -> list[int]:
    """Users in months 1..`months`: month 1 is today's count, then compound growth per month."""
    return [max(1, min(MAX_USERS, int(round(users * (1 + growth_pct / 100) ** m)))) for m in range(months)]


def build_series(est: Estimate, catalog: Catalog | None = None) -> ReportSeries:
    """Re-estimate for the cost curve and the 12-month projection (about 1 ms per estimate)."""
    cat = resolve_catalog(est, catalog)
    s = est.scenario
    cache: dict[int, Estimate] = {s.concurrent_users: est}

    def at(users: int) -> Estimate:
        if users not in cache:
            cache[users] = estimate(_with_users(s, users), cat)
        return cache[users]

    curve = tuple(_point(at(u)) for u in curve_user_counts(s.concurrent_users))
    proj = tuple(_point(at(u), m + 1) for m, u in enumerate(projection_users(s.concurrent_users,
                                                                                  s.growth_pct_per_month)))
    return ReportSeries(curve, proj)
