"""What the cost report says, as format-neutral sections (HTML, Markdown and PDF render the same data).

Every cell is a plain string formatted here once (money as `$12,345.67`); escaping is the job of
each renderer. Numbers come from the estimate and the assumption modules, never re-typed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from generators.report_model import (
    PURCHASE_COLUMNS,
    ReportSeries,
    bom_rows,
    fmt_num,
    fmt_unit_price,
    fmt_usd,
    option_label,
    purchase_comparison_notes,
    purchase_comparison_rows,
    tier_band_name,
)
from pricing.catalog import STALE_AFTER_DAYS
from pricing.dr_summary import dr_summary
from pricing.engine import Estimate
from pricing.purchase import SAVINGS_PLAN, SPOT_DISCOUNT
from sizing import assumptions as A
from sizing.llm import model_speed
from sizing.profiles import CONTROL_LABELS, ENVIRONMENT_PROFILES, TIERS
from sizing.ranges import ranges_text
from sizing.scenario import Scenario

# Assumptions that drive the plan, shown with their current values (read from sizing/assumptions.py).
KEY_ASSUMPTIONS: tuple[tuple[str, str], ...] = (
    ("HOURS_PER_MONTH", "hours in a billing month"),
    ("HPA_CPU_TARGET_PCT", "HPA CPU utilisation target, %"),
    ("HPA_MEMORY_TARGET_PCT", "HPA memory utilisation target, %"),
    ("HPA_MAX_HEADROOM", "HPA max = pods needed at peak x this"),
    ("CPU_MS_PER_API_REQUEST", "backend CPU per API request, ms"),
    ("CPU_MS_PER_MESSAGE", "backend CPU per streamed answer, ms"),
    ("APP_OVERHEAD_PER_STREAM_S", "app time around each model call, s"),
    ("DAEMONSET_CPU_M", "DaemonSet CPU per node, millicores"),
    ("DAEMONSET_MEMORY_MI", "DaemonSet memory per node, MiB"),
    ("NODE_DISK_GIB", "node root volume, GiB"),
    ("BYTES_PER_TOKEN", "DynamoDB bytes stored per message token"),
    ("CHAT_ITEM_META_BYTES", "DynamoDB chat item metadata, bytes"),
    ("TURN_OVERHEAD_BYTES", "DynamoDB bytes per turn besides the text"),
    ("PROVISIONED_TARGET_UTILISATION", "DynamoDB provisioned auto-scaling target"),
    ("BACKUP_RETENTION_DAYS", "AWS Backup retention (daily-30 policy), days"),
    ("SCALE_DOWN_LAG_HOURS", "DynamoDB auto scaling scale-down lag, hours"),
    ("SESSION_HOURS", "session length (one SPA page load), hours"),
    ("LOG_BYTES_PER_REQUEST", "log bytes per API request"),
    ("LOG_BYTES_PER_MESSAGE", "log bytes per chat message"),
)


@dataclass(frozen=True, slots=True)
class Table:
    """A table; `numeric` marks right-aligned columns; `footer` is a bold total row."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    footer: tuple[str, ...] | None = None
    widths: tuple[float, ...] = ()      # relative column widths for the PDF


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a section: a paragraph, a bullet list, a table or a chart (with its data table)."""

    kind: str                     # para | bullets | table | chart
    text: str = ""
    items: tuple[str, ...] = ()
    table: Table | None = None
    chart_id: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ReportDoc:
    """The whole report: header facts, headline figures and sections."""

    title: str
    subtitle: str
    headline: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    total: str


def _para(text: str) -> Block:
    return Block("para", text=text)


def _bullets(items) -> Block:
    return Block("bullets", items=tuple(items))


def _table(headers, rows, numeric=(), footer=None, widths=()) -> Block:
    return Block("table", table=Table(tuple(headers), tuple(tuple(r) for r in rows), tuple(numeric),
                                      tuple(footer) if footer else None, tuple(widths)))


def _field_value(s: Scenario, name: str) -> str:
    v = getattr(s, name)
    if name == "ranges":
        return ranges_text(v) or "default ranges (docs/sizing-model.md section 12)"
    if name == "compliance":
        return ", ".join(sorted(c.value for c in v)) or "none"
    if v is None:
        return "default"
    if hasattr(v, "value"):
        return str(v.value)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return fmt_num(v)
    return str(v)


def _provisioner_note(est: Estimate) -> str:
    k = est.plan.provisioner
    if not k.karpenter:
        return "EKS managed node groups scaled by the cluster autoscaler"
    return (f"Karpenter {k.karpenter_version}: NodePools over {'/'.join(k.instance_families)} "
            f"({', '.join(k.capacity_types)}); controller on {k.system_nodes} x {k.system_instance_type} "
            f"(system node group, on-demand)")


def _inputs(est: Estimate) -> Section:
    s = est.scenario
    rows = [(name, _field_value(s, name), Scenario.model_fields[name].description or "")
            for name in Scenario.model_fields]
    prof = ENVIRONMENT_PROFILES[s.environment]
    speed = model_speed(s.llm_model)
    disc = SAVINGS_PLAN[s.purchase_option][0]
    arows = [(name, fmt_num(getattr(A, name), 4), meaning) for name, meaning in KEY_ASSUMPTIONS]
    arows += [
        ("SPOT_DISCOUNT", f"{SPOT_DISCOUNT * 100:g}%", "spot price below on-demand, every family (docs/sizing-facts.md "
         "§ Spot discount)"),
        ("SPOT_INTERRUPTION_HEADROOM_PCT", f"{A.SPOT_INTERRUPTION_HEADROOM_PCT:g}%",
         "extra spot node-hours priced to absorb reclaims (UNSOURCED, range 5-20%)"),
        ("savings plan discount", f"{disc * 100:g}%", f"EC2 discount of the chosen option ({s.purchase_option.value})"),
        ("model output speed", f"{fmt_num(speed.output_tokens_per_s)} tokens/s",
         f"{speed.display_name}; {speed.source}"),
        ("model time to first token", f"{fmt_num(speed.time_to_first_token_s)} s", speed.source),
        (f"{s.environment.value} profile", f"{prof.availability_zones} AZs, "
         f"{'NAT per AZ' if prof.nat_per_az else 'one NAT'}",
         f"min replicas backend {prof.min_backend_replicas} / frontend {prof.min_frontend_replicas}, "
         f"log retention {prof.log_retention_days} d, spot {prof.spot_share_pct:g}%"),
    ]
    return Section("inputs", "Inputs and assumptions", (
        _table(("Field", "Value", "Meaning"), rows, widths=(3, 3, 6)),
        _para("Assumptions that drive the sizing (UNSOURCED values are planning assumptions, "
              "not published facts):"),
        _table(("Assumption", "Value", "Meaning"), arows, widths=(3, 2, 7)),
    ))


def _tier(est: Estimate) -> Section:
    p = est.plan
    t = p.tier_spec
    cost_hi = "" if t.cost_usd[1] is None else f"${t.cost_usd[1]:,}"
    band = tier_band_name(t)
    return Section("tier", f"Tier: {p.tier}", (
        _para(f"{band}; the plan expects {t.pods[0]}-{t.pods[1]} pods on {t.nodes[0]}-{t.nodes[1]} x "
              f"{t.instance_type} nodes for ${t.cost_usd[0]:,}-{cost_hi} per month of infrastructure."),
        _bullets(p.tier_reasons),
    ))


def _capacity(est: Estimate) -> Section:
    p = est.plan
    b, f, n, net, d = p.backend, p.frontend, p.nodes, p.network, p.dynamodb
    w = p.workload
    ddb = est.dynamodb_mode
    rows = [
        ("Backend pods at peak", str(b.replicas),
         f"by CPU {b.pods_by_cpu}, by streams {b.pods_by_concurrency}, minimum {b.pods_minimum}"),
        ("Backend HPA", f"{b.hpa_min}-{b.hpa_max}", f"requests {b.cpu_request_m}m/{b.memory_request_mi}Mi, "
                                                    f"limits {b.cpu_limit_m}m/{b.memory_limit_mi}Mi"),
        ("Frontend pods / HPA", f"{f.replicas} / {f.hpa_min}-{f.hpa_max}",
         f"requests {f.cpu_request_m}m/{f.memory_request_mi}Mi"),
        ("Nodes at peak", f"{n.desired} x {n.instance_type}",
         f"{n.binding_reason} (binding limit: {n.binding_limit}); node group min {n.min}, max {n.max}; "
         f"{n.on_demand} on-demand, {n.spot} spot at peak"
         + (f"; on-demand floor {n.on_demand_floor}" if n.on_demand_floor else "")),
        ("Node provisioner", est.plan.provisioner.provisioner, _provisioner_note(est)),
        ("Node-hours per month", fmt_num(round(n.node_hours, 2)),
         f"average {fmt_num(round(n.average, 2))} nodes over the load curve, scale-down delay included"),
        ("Backend pods per node", str(n.backend_pods_per_node),
         f"{n.packing_limit} fills a node; modelled CPU use {fmt_num(n.utilisation_pct)}% at peak, "
         f"{fmt_num(n.average_utilisation_pct)}% on average"),
        ("Availability zones / NAT gateways", f"{net.availability_zones} / {net.nat_gateways}", ""),
        ("Peak messages per second", fmt_num(w.messages_per_s_peak), f"stream {fmt_num(w.stream_duration_s)} s, "
                                                                      f"{fmt_num(w.in_flight_streams_peak)} in flight"),
        ("DynamoDB billing", ddb.recommended.replace("_", "-"),
         f"on-demand {fmt_usd(ddb.on_demand_usd)} vs provisioned {fmt_usd(ddb.provisioned_usd)} "
         f"(chats table {d.provisioned_wcu_base}-{d.provisioned_wcu} WCU / {d.provisioned_rcu_base}-"
         f"{d.provisioned_rcu} RCU hour by hour; all tables and indexes {fmt_num(d.provisioned_wcu_hours_month)} "
         f"WCU-hours / {fmt_num(d.provisioned_rcu_hours_month)} RCU-hours a month); break-even at "
         f"{ddb.break_even_utilisation_pct}% utilisation"),
        ("DynamoDB storage", f"{fmt_num(d.table_gb)} GB",
         f"{fmt_num(d.write_units_per_message)} WRU per message; backups {d.backup_policy.value}: "
         f"{d.backup_policy_reason}"),
        ("ALB capacity units", fmt_num(net.alb_lcu, 4), ""),
        ("Log retention", f"{p.observability.log_retention_days} days",
         f"environment default {p.observability.base_log_retention_days} days"),
        ("WAF", "on" if p.security.waf_enabled else "off", f"{p.security.waf_rules} rules"),
        ("KMS customer-managed keys", ", ".join(p.security.cmks + p.security.compliance_cmks), ""),
        ("Secrets (by name)", ", ".join(p.security.secrets), "values are never written to any file"),
        ("ElastiCache", f"{p.elasticache_nodes} x {p.elasticache_node_type}" if p.elasticache_node_type else "off",
         ""),
    ]
    alt = est.node_cheapest
    blocks = [_table(("Item", "Planned", "Detail"), rows, widths=(4, 3, 7))]
    if alt.instance_type != est.node_default.instance_type:
        blocks.append(_para(f"Cheapest node type for the same pods: {alt.nodes} x {alt.instance_type} ({alt.arch}) "
                            f"at {fmt_usd(alt.monthly_usd)}/month instead of {fmt_usd(est.node_default.monthly_usd)}."))
    return Section("capacity", "Capacity plan", tuple(blocks))


def _plan_checks(est: Estimate) -> Section:
    rows = [(c.metric, c.plan_range, c.computed, "yes" if c.agrees else "no", c.note) for c in est.plan.plan_checks]
    return Section("plan-checks", "The plan's ranges beside the computed values", (
        _table(("Metric", "Plan", "Computed", "Agrees", "Why"), rows, widths=(3, 3, 2, 1.5, 7)),))


def _bom(est: Estimate) -> Section:
    rows = [(r.service, r.item, fmt_num(r.quantity), r.unit, fmt_unit_price(r.unit_usd), fmt_usd(r.monthly_usd))
            for r in bom_rows(est)]
    total = fmt_usd(est.monthly_usd)
    return Section("bom", "Bill of materials", (
        _table(("Service", "Item", "Quantity", "Unit", "Unit price", "Monthly"), rows,
               numeric=(False, False, True, False, True, True),
               footer=("Total", "", "", "", "", total), widths=(2.5, 6, 2.2, 2.4, 2, 2.4)),
        _para(f"Upfront {fmt_usd(est.upfront_usd)}; first year {fmt_usd(est.first_year_usd)}; "
              f"per concurrent user {fmt_usd(est.cost_per_user_usd)} per month."),
    ))


def _compliance(est: Estimate) -> Section:
    controls = est.plan.compliance.controls
    if not controls:
        return Section("compliance", "Compliance controls", (_para("No compliance regime selected."),))
    rows = [(CONTROL_LABELS.get(c, c), ", ".join(who), fmt_usd(est.compliance_by_control.get(c, Decimal(0))))
            for c, who in controls.items()]
    lines = [(ln.control or "", ln.service, ln.item, fmt_usd(ln.monthly_usd)) for ln in est.lines if ln.control]
    return Section("compliance", "Compliance controls", (
        _table(("Control", "Required by", "Monthly"), rows, numeric=(False, False, True),
               footer=("Compliance total", "", fmt_usd(est.compliance_usd)), widths=(7, 4, 2.5)),
        _table(("Control", "Service", "Line", "Monthly"), lines, numeric=(False, False, False, True),
               widths=(3, 3, 7, 2.5)),
    ))


def _dr(est: Estimate) -> Section:
    """The DR line group: mode, DR Region, its lines and total (pricing/services/dr.py)."""
    dr = dr_summary(est)
    what = {"backup-copy": "the AWS Backup recovery points are copied to a vault in the DR Region",
            "warm-standby": "DynamoDB global tables keep a replica in the DR Region beside a scaled-down cluster "
                            "(EKS control plane, the minimum nodes on demand, one NAT gateway, an ALB)"}[dr.mode]
    rows = [(ln.service, ln.item, fmt_num(ln.quantity), ln.unit, fmt_usd(ln.monthly_usd)) for ln in dr.lines]
    return Section("dr", f"Disaster recovery: {dr.mode} in {dr.region}", (
        _para(f"{what}; the lines below are in the bill of materials and the total."),
        _table(("Service", "Line", "Quantity", "Unit", "Monthly"), rows, numeric=(False, False, True, False, True),
               footer=("DR total", "", "", "", fmt_usd(dr.monthly_usd)), widths=(2.5, 7, 2.2, 2.4, 2.4)),
    ))


def _purchase(est: Estimate) -> Section:
    chosen = est.scenario.purchase_option.value
    rows = [(option_label(q.option, chosen), fmt_usd(q.monthly_usd), fmt_usd(q.upfront_usd), fmt_usd(q.first_year_usd)) for q in est.purchase_options]
    return Section("purchase-options", "Purchase options", (
        _table(("Option", "Monthly", "Upfront", "First year"), rows, numeric=(False, True, True, True),
               widths=(6, 3, 3, 3)),
        Block("chart", chart_id="purchase-options"),
        _para("Purchase options compared for the whole bill"),
        _table(PURCHASE_COLUMNS, purchase_comparison_rows(est), numeric=(False, False, True, True, True, True, True,
                                                                          False), widths=(5, 4, 2.5, 3, 2.5, 2, 2.5, 5)),
        _bullets(purchase_comparison_notes(est)),
    ))


def range_rows(est: Estimate) -> tuple[tuple[str, str], ...]:
    """The range as (label, amount) rows; empty without a range."""
    r = est.range
    if r is None:
        return ()
    return (("p10", fmt_usd(r.p10_usd)), ("p50", fmt_usd(r.p50_usd)), ("p90", fmt_usd(r.p90_usd)),
            ("expected (the total)", fmt_usd(est.monthly_usd)), ("samples, seed", f"{r.samples:,}, {r.seed}"))


def driver_rows(est: Estimate) -> list[tuple[str, str, str, str, str]]:
    """Drivers as (input, low, high, month at low, month at high), largest swing first."""
    return [(d.field, fmt_num(d.low_value), fmt_num(d.high_value), fmt_usd(d.low_usd), fmt_usd(d.high_usd))
            for d in est.drivers]


def _range(est: Estimate) -> Section:
    blocks = [_para("The month as an interval: a seeded Monte Carlo over the inputs' ranges (the user's, else the "
                    "documented default ranges; PERT on low, expected, high). The LLM lines are recomputed per "
                    "sample, traffic-driven lines scale with the sample's volume, nodes and fixed items are held "
                    "at the expected plan (docs/sizing-model.md section 12)."),
              _table(("Figure", "Monthly USD"), range_rows(est), numeric=(False, True), widths=(3, 2))]
    if any(d.swing_usd for d in est.drivers):
        blocks.append(Block("chart", chart_id="drivers"))
    blocks.append(_para("Drivers: each input at its low and at its high, the others at expected, re-estimated in "
                        "full; the largest swing first."))
    blocks.append(_table(("Input", "Low", "High", "Month at low", "Month at high"), driver_rows(est),
                         numeric=(False, True, True, True, True), widths=(5, 2, 2, 3, 3)))
    return Section("range", "Range and drivers", tuple(blocks))


def _charts(est: Estimate, series: ReportSeries) -> Section:
    curve = [(f"{p.users:,}", p.tier, fmt_usd(p.infrastructure_usd), fmt_usd(p.monthly_usd)) for p in series.curve]
    proj = [(str(p.month), f"{p.users:,}", p.tier, fmt_usd(p.infrastructure_usd), fmt_usd(p.monthly_usd))
            for p in series.projection]
    bands = ", ".join(tier_band_name(t) for t in TIERS)
    return Section("charts", "Charts", (
        Block("chart", chart_id="cost-by-service"),
        Block("chart", chart_id="infra-vs-llm"),
        Block("chart", chart_id="cost-vs-users"),
        _para(f"Cost against users, all other inputs unchanged; tier bands: {bands}."),
        _table(("Users", "Tier", "Infrastructure", "Total"), curve, numeric=(True, False, True, True)),
        Block("chart", chart_id="projection"),
        _table(("Month", "Users", "Tier", "Infrastructure", "Total"), proj, numeric=(True, True, False, True, True)),
    ))


def _prices(est: Estimate, today: date) -> Section:
    items = [f"Prices as of {est.prices_as_of}", f"Source: {est.prices_source}", f"Checksum: {est.prices_checksum}"]
    try:
        age = (today - date.fromisoformat(est.prices_as_of)).days
    except ValueError:
        age = None
    if age is not None and age > STALE_AFTER_DAYS:
        items.append(f"The snapshot is {age} days old (more than {STALE_AFTER_DAYS}); run `pricing refresh`.")
    return Section("prices", "Price snapshot", (_bullets(items),))


def build_report(est: Estimate, series: ReportSeries, today: date | None = None) -> ReportDoc:
    """All report sections for one estimate."""
    s = est.scenario
    today = today or date.today()
    total = fmt_usd(est.monthly_usd)
    client = f" for {s.client}" if s.client else ""
    headline = (("Monthly total", total), ("Infrastructure", fmt_usd(est.infrastructure_usd)),
                ("of which compliance", fmt_usd(est.compliance_usd)), ("LLM tokens", fmt_usd(est.llm_usd)),
                ("Upfront", fmt_usd(est.upfront_usd)), ("First year", fmt_usd(est.first_year_usd)))
    if est.range is not None:
        headline += (("Range p10-p90 (p50)", f"{fmt_usd(est.range.p10_usd)} - {fmt_usd(est.range.p90_usd)} "
                                              f"({fmt_usd(est.range.p50_usd)})"),)
    sections = [_inputs(est), _tier(est), _capacity(est), _plan_checks(est), _bom(est), _compliance(est),
                _purchase(est), _charts(est, series)]
    if est.range is not None:
        sections.insert(1, _range(est))
    if est.plan.dr is not None and est.plan.dr.region is not None:
        sections.insert(sections.index(next(x for x in sections if x.id == "compliance")) + 1, _dr(est))
        headline += (("Disaster recovery", f"{fmt_usd(dr_summary(est).monthly_usd)} ({est.scenario.dr.value})"),)
    if est.warnings:
        sections.append(Section("warnings", "Warnings", (_bullets(est.warnings),)))
    sections.append(_prices(est, today))
    return ReportDoc(title=f"Cost report: {s.name}",
                     subtitle=f"{s.environment.value} in {s.region}{client}; tier {est.plan.tier}; "
                              f"{s.concurrent_users:,} peak concurrent users",
                     headline=headline, sections=tuple(sections), total=total)
