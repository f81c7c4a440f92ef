"""Draw an estimate on the page: tier badge, totals, capacity plan, plan ranges, warnings, BOM, charts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Callable

import streamlit as st

from app.web.components.inputs import PURCHASE_LABELS
from app.web.components.text import md_escape
from generators.report_model import bom_rows, range_text, usd, usd_compact, usd_headline
from pricing.catalog import STALE_AFTER_DAYS
from pricing.dr_summary import dr_summary

if TYPE_CHECKING:
    import pandas as pd

    from generators.report_model import ReportSeries
    from pricing.catalog import Catalog
    from pricing.engine import Estimate

# pandas and plotly are imported inside the functions that draw tables and charts: the header and
# totals (drawn first) then reach the browser before those imports run on a cold start.

TIER_BADGE: dict[str, str] = {"Small": "green", "Medium": "blue", "Large": "orange", "Enterprise": "violet"}
FAILURE_PREFIX = "Something went wrong while drawing this page"   # app/web/streamlit_app.py's last-resort message


def stale_warning(catalog: "Catalog", today: date) -> str | None:
    """Text of the stale-prices warning, or None while the snapshot is fresh."""
    age = catalog.age_days(today)
    if age <= STALE_AFTER_DAYS:
        return None
    return (f"Prices are {age} days old (snapshot of {catalog.header.as_of}; stale after {STALE_AFTER_DAYS} "
            "days). Refresh them with `python -m app.cli pricing refresh`.")


def render_header(est: "Estimate", previous: "Estimate | None") -> None:
    """Scenario title, tier badge, the reasons for the tier, and the tier as a metric (with its change)."""
    s, p = est.scenario, est.plan
    who = f" for {md_escape(s.client)}" if s.client else ""
    left, right = st.columns([4, 1])
    with left:
        st.subheader(f"{md_escape(s.name)}{who}", anchor=False)
        st.badge(f"Tier: {p.tier}", color=TIER_BADGE.get(p.tier, "gray"),  # type: ignore[arg-type]
                 icon=":material/stacks:")
        st.caption(" · ".join(p.tier_reasons) + f" · {s.environment.value}, {s.region}")
    changed = previous is not None and previous.plan.tier != p.tier
    right.metric("Tier", p.tier, delta=f"was {previous.plan.tier}" if changed and previous else None,
                 delta_color="off")


def render_totals(est: "Estimate", previous: "Estimate | None") -> "Callable[[Estimate], None]":
    """Monthly / upfront / first-year / per-user totals, with the change from the previous scenario. Drawn from the
    point estimate (a few milliseconds), so they reach the browser before the range's Monte Carlo runs; returns the
    function that fills in the range and the summary line once the ranged estimate `full` is known."""
    def delta(now: Decimal, before: Decimal | None) -> str | None:
        if before is None or now == before:
            return None
        return f"{'+' if now > before else '-'}{usd_headline(abs(now - before))}"

    prev = previous
    cols = st.columns([1.1, 0.8, 1.1, 1, 1.7])    # room for "$47.7k - $95.8k" in the range column
    cols[0].metric("Monthly", usd_headline(est.monthly_usd), delta(est.monthly_usd, prev and prev.monthly_usd),
                   delta_color="inverse")
    range_slot = cols[4].empty()
    cols[1].metric("Upfront", usd_headline(est.upfront_usd), delta(est.upfront_usd, prev and prev.upfront_usd),
                   delta_color="inverse")
    cols[2].metric("First year", usd_headline(est.first_year_usd),
                   delta(est.first_year_usd, prev and prev.first_year_usd), delta_color="inverse")
    cols[3].metric("Cost per user / month", usd(est.cost_per_user_usd),
                   delta(est.cost_per_user_usd, prev and prev.cost_per_user_usd), delta_color="inverse")
    caption_slot = st.empty()

    def finish(full: "Estimate") -> None:
        r = full.range
        if r is not None:
            range_slot.metric("Range p10 - p90", f"{usd_compact(r.p10_usd)}-{usd_compact(r.p90_usd)}",
                              help=f"p50 {usd(r.p50_usd)}; seeded Monte Carlo over the inputs' ranges ({r.samples:,} "
                                   f"samples, seed {r.seed}); the Monthly figure is the expected case")
        caption_slot.caption(
            f"Monthly {usd(full.monthly_usd)}, first year {usd(full.first_year_usd)} · infrastructure "
            f"{usd(full.infrastructure_usd)} (of which compliance controls {usd(full.compliance_usd)}) · LLM "
            f"{usd(full.llm_usd)} · prices as of {full.prices_as_of}"
            + (f" · range p10 {usd(r.p10_usd)}, p50 {usd(r.p50_usd)}, p90 {usd(r.p90_usd)}" if r is not None else ""))
    return finish


def page_warnings(est: "Estimate") -> list[str]:
    """The estimate's warnings without the plan-range disagreements (those are in the "vs the plan" panel)."""
    plan_notes = {c.note for c in est.plan.plan_checks if not c.agrees}
    return [w for w in est.warnings if w not in plan_notes]


def render_warnings(est: "Estimate", stale: str | None) -> None:
    """Stale prices first, then the estimate's warnings in one block (one line each)."""
    if stale:
        st.warning(stale, icon=":material/schedule:")
    warnings = page_warnings(est)
    if len(warnings) == 1:
        st.warning(warnings[0], icon=":material/warning:")
    elif warnings:
        st.warning("\n".join(f"- {w}" for w in warnings), icon=":material/warning:")


VS_PLAN_LABEL = "vs the plan"       # the expander's label starts with this


def render_vs_plan(est: "Estimate") -> None:
    """The client plan's ranges for the tier beside the computed values, in a closed expander: a figure outside
    the plan's range is a fact about the plan, not a problem with the inputs."""
    checks = est.plan.plan_checks
    off = [c for c in checks if not c.agrees]
    summary = (f"{len(off)} of {len(checks)} figures outside the plan's {est.plan.tier} ranges" if off
               else f"every figure within the plan's {est.plan.tier} ranges")
    with st.expander(f"{VS_PLAN_LABEL}: {summary}", icon=":material/rule:"):
        st.markdown("\n".join(f"- {md_escape(c.metric)}: {md_escape(c.computed)}, "
                               f"{'within' if c.agrees else '**outside**'} the plan's {md_escape(c.plan_range)}"
                               + (f". {md_escape(c.note)}" if c.note else "") for c in checks))


def capacity_table(est: "Estimate") -> "pd.DataFrame":
    """Rows of the capacity plan: what runs, how many, and the cheaper node alternative."""
    import pandas as pd
    p, n = est.plan, est.plan.nodes
    b, f = p.backend, p.frontend
    alt = est.node_cheapest
    rows = [
        ("Backend pods", f"{b.replicas}", f"HPA {b.hpa_min}-{b.hpa_max}; requests {b.cpu_request_m}m / "
                                          f"{b.memory_request_mi}Mi (by CPU {b.pods_by_cpu}, by streams "
                                          f"{b.pods_by_concurrency})"),
        ("Frontend pods", f"{f.replicas}", f"HPA {f.hpa_min}-{f.hpa_max}"),
        ("Nodes at peak", f"{n.desired} x {n.instance_type}",
         f"{n.binding_reason}. Average {n.average:.2f} nodes, {n.node_hours:,.0f} node-hours/month; node group "
         f"min {n.min}, max {n.max}; {n.on_demand} on-demand, {n.spot} spot at peak; {n.backend_pods_per_node} "
         f"backend pods/node ({n.packing_limit} fills a node); {usd(est.node_default.monthly_usd)}/month"),
        ("Node count set by", n.binding_limit.replace("_", " "), n.binding_reason),
        ("Node provisioner", est.plan.provisioner.provisioner,
         f"Karpenter {est.plan.provisioner.karpenter_version}; controller on {est.plan.provisioner.system_nodes} x "
         f"{est.plan.provisioner.system_instance_type} (system node group)" if est.plan.provisioner.karpenter
         else "managed node groups, cluster autoscaler"),
        ("Cheaper nodes", f"{alt.nodes} x {alt.instance_type}" if alt.instance_type != n.instance_type
         else "none cheaper", f"{alt.arch}; {usd(alt.monthly_usd)}/month" if alt.instance_type != n.instance_type
         else "the default type is already the cheapest that fits"),
        ("DynamoDB", est.dynamodb_mode.recommended.replace("_", "-"),
         f"on-demand {usd(est.dynamodb_mode.on_demand_usd)} vs provisioned {usd(est.dynamodb_mode.provisioned_usd)}"
         f" (break-even at {est.dynamodb_mode.break_even_utilisation_pct}% utilisation)"),
        ("DynamoDB backups", p.dynamodb.backup_policy.value, p.dynamodb.backup_policy_reason),
        ("Availability zones / NAT", f"{p.network.availability_zones} / {p.network.nat_gateways}",
         f"ALB {p.network.alb_lcu:.2f} LCU"),
        ("WAF", "on" if p.security.waf_enabled else "off", f"{p.security.waf_rules} rules"),
        ("Log retention", f"{p.observability.log_retention_days} days", ""),
    ]
    if p.elasticache_node_type:
        rows.append(("ElastiCache", f"{p.elasticache_nodes} x {p.elasticache_node_type}", ""))
    dr = dr_summary(est)
    if dr.region is not None:
        rows.append(("Disaster recovery", f"{dr.mode} in {dr.region}",
                     f"{usd(dr.monthly_usd)}/month over {len(dr.lines)} DR lines (marked 'DR {dr.region}:' in the "
                     "bill of materials)"))
    return pd.DataFrame(rows, columns=["Component", "Plan", "Detail"])


def plan_checks_table(est: "Estimate") -> "pd.DataFrame":
    import pandas as pd
    return pd.DataFrame([{"Metric": c.metric, "Plan's range": c.plan_range, "Computed": c.computed,
                          "Agrees": "yes" if c.agrees else "no", "Why": c.note} for c in est.plan.plan_checks])


def purchase_table(est: "Estimate") -> "pd.DataFrame":
    import pandas as pd
    return pd.DataFrame([{"Option": PURCHASE_LABELS.get(q.option, q.option), "Monthly USD": float(q.monthly_usd),
                          "Upfront USD": float(q.upfront_usd), "First year USD": float(q.first_year_usd),
                          "Chosen": "✓" if q.option == est.scenario.purchase_option.value else ""}
                         for q in est.purchase_options])


def render_capacity(est: "Estimate") -> None:
    st.dataframe(capacity_table(est), hide_index=True, width="stretch")
    st.markdown("**The plan's ranges beside the computed values**")
    st.dataframe(plan_checks_table(est), hide_index=True, width="stretch")
    st.markdown("**Purchase options**")
    st.dataframe(purchase_table(est), hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="$%.2f")
                                for c in ("Monthly USD", "Upfront USD", "First year USD")})
    render_purchase_comparison(est)


def purchase_comparison_table(est: "Estimate") -> "pd.DataFrame":
    import pandas as pd

    from generators.report_model import PURCHASE_COLUMNS, purchase_comparison_rows
    return pd.DataFrame(purchase_comparison_rows(est), columns=list(PURCHASE_COLUMNS))


def render_purchase_comparison(est: "Estimate") -> None:
    """Every purchase option over the whole bill, the recommendation and the assumed rates."""
    from generators.report_model import purchase_comparison_notes
    if est.purchase_comparison is None:
        return
    st.markdown("**Purchase options compared for the whole bill**")
    st.dataframe(purchase_comparison_table(est), hide_index=True, width="stretch")
    for note in purchase_comparison_notes(est):
        st.caption(note)


def bom_table(est: "Estimate") -> list[dict[str, object]]:
    """Bill of materials rows for the page's table (numbers as floats for st.dataframe)."""
    return [{"Service": r.service, "Item": r.item, "Quantity": float(r.quantity), "Unit": r.unit,
             "Unit USD": float(r.unit_usd), "Monthly USD": float(r.monthly_usd), "Category": r.category,
             "Note": r.note} for r in bom_rows(est)]


def render_bom(est: "Estimate") -> None:
    import pandas as pd
    df = pd.DataFrame(bom_table(est))
    st.dataframe(df, hide_index=True, width="stretch",
                 column_config={"Unit USD": st.column_config.NumberColumn(format="%.6g"),
                                "Monthly USD": st.column_config.NumberColumn(format="$%.2f"),
                                "Quantity": st.column_config.NumberColumn(format="%.4g")})
    st.caption(f"{len(df)} lines; total {usd(est.monthly_usd)} per month (the sum of the lines).")
    st.markdown("**What gets deployed**")
    st.dataframe(pd.DataFrame(inventory_table(est)), hide_index=True, width="stretch",
                 column_config={"Monthly USD": st.column_config.NumberColumn(format="$%.2f")})
    st.caption("Each priced thing the bundle deploys (CloudFormation type, or Kubernetes kind the Helm values "
               "create), and the lines billed without a resource (external, with the reason).")


def inventory_table(est: "Estimate") -> list[dict[str, object]]:
    """The estimate's inventory (pricing/inventory.py): kind, count, where, and the month its lines cost."""
    from pricing.inventory import inventory
    return [{"Kind": it.kind, "Count": it.count, "Where": it.reason or it.where, "Lines": len(it.lines),
             "Monthly USD": float(sum((est.lines[i].monthly_usd for i in it.lines), Decimal(0)))}
            for it in inventory(est)]


def render_charts(est: "Estimate", series: "ReportSeries") -> None:
    """The report's first four charts in a 2 x 2 grid, drawn with the page theme."""
    from generators import charts
    theme = charts.PAGE
    top = st.columns(2)
    top[0].plotly_chart(charts.fig_cost_by_service(est, theme), key="chart_services")
    top[1].plotly_chart(charts.fig_cost_split(est, theme), key="chart_split")
    bottom = st.columns(2)
    bottom[0].plotly_chart(charts.fig_cost_vs_users(est, series, theme), key="chart_curve")
    bottom[1].plotly_chart(charts.fig_projection(est, series, theme), key="chart_projection")
    if any(d.swing_usd for d in est.drivers):
        st.plotly_chart(charts.fig_drivers(est, theme), key="chart_drivers")
        st.caption(f"Range {range_text(est)}: each bar is the month with one input at its low or its high, the "
                   "others at expected (ranges: the sidebar's Ranges box, else the default ranges).")
