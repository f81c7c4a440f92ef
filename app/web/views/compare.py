"""Compare page: two to four saved scenarios side by side, totals and per-service deltas, one chart.

Each scenario is re-estimated from its saved input with the current price snapshot; the totals stored
when it was saved are shown beside them so a price change is visible.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import streamlit as st

from app.storage import SavedScenario, StorageError
from app.web.components.saved import get_repository
from app.web.components.text import md_escape
from generators.charts import fig_compare
from generators.report_model import cost_by_service, pct_delta, range_text, usd
from pricing.catalog import MissingPriceError, SnapshotError, load_snapshot
from pricing.engine import Estimate, estimate
from sizing.scenario import parse_scenario

# --- constants ---------------------------------------------------------------------------------
MIN_COMPARED, MAX_COMPARED = 2, 4
ROW_PX = 35                      # st.dataframe row height: tables are drawn tall enough to need no scroll


# --- cached loaders --------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def load_estimate(scenario_json: str, prices_checksum: str) -> Estimate:
    """Estimate of a saved input under the current snapshot (checksum keys the cache)."""
    return estimate(parse_scenario(json.loads(scenario_json)), load_snapshot(), ranges=True)


# --- helpers -------------------------------------------------------------------------------------
def totals_table(saved: list[SavedScenario], ests: list[Estimate], names: list[str] | None = None) -> pd.DataFrame:
    """One column per scenario (headed `names`, default the saved names): tier, load and every total; the first
    column is the baseline."""
    rows: dict[str, list[str]] = {
        "Client": [s.client or "—" for s in saved],
        "Environment / region": [f"{e.scenario.environment.value} / {e.scenario.region}" for e in ests],
        "Peak concurrent users": [f"{e.scenario.concurrent_users:,}" for e in ests],
        "Compliance": [", ".join(sorted(c.value for c in e.scenario.compliance)) or "none" for e in ests],
        "Tier": [e.plan.tier for e in ests],
        "Nodes": [f"{e.plan.nodes.desired} x {e.plan.nodes.instance_type}" for e in ests],
        "Monthly": [usd(e.monthly_usd) for e in ests],
        "Range p10 - p90 (p50)": [range_text(e) for e in ests],
        "Largest driver": [_top_driver(e) for e in ests],
        "Δ monthly vs first": ["—"] + [_delta(e.monthly_usd, ests[0].monthly_usd) for e in ests[1:]],
        "Upfront": [usd(e.upfront_usd) for e in ests],
        "First year": [usd(e.first_year_usd) for e in ests],
        "Δ first year vs first": ["—"] + [_delta(e.first_year_usd, ests[0].first_year_usd) for e in ests[1:]],
        "Cost per user / month": [usd(e.cost_per_user_usd) for e in ests],
        "Infrastructure": [usd(e.infrastructure_usd) for e in ests],
        "LLM": [usd(e.llm_usd) for e in ests],
        "Compliance controls": [usd(e.compliance_usd) for e in ests],
        "Monthly when saved": [f"{usd(s.totals.monthly_usd)} ({s.totals.prices_as_of})" for s in saved],
    }
    return pd.DataFrame(rows, index=names or [s.name for s in saved]).T


def _top_driver(e: Estimate) -> str:
    top = next((d for d in e.drivers if d.swing_usd), None)
    return "—" if top is None else f"{top.field}: {usd(top.low_usd)} - {usd(top.high_usd)}"


def _delta(now: Decimal, base: Decimal) -> str:
    diff = now - base
    pct = f" ({pct_delta(diff / base * 100)})" if base else ""
    return f"{'+' if diff >= 0 else '-'}{usd(abs(diff))}{pct}"


def service_table(names: list[str], ests: list[Estimate]) -> tuple[list[str], list[list[float]], pd.DataFrame]:
    """Monthly USD per service for each scenario, with each one's delta against the first."""
    per = [{k: float(v) for k, v in cost_by_service(e).items()} for e in ests]
    services = sorted({s for p in per for s in p}, key=lambda s: -max(p.get(s, 0.0) for p in per))
    values = [[p.get(s, 0.0) for s in services] for p in per]
    df = pd.DataFrame({n: v for n, v in zip(names, values)}, index=services)
    for n, v in zip(names[1:], values[1:]):
        df[f"Δ {n} vs {names[0]}"] = [round(a - b, 2) for a, b in zip(v, values[0])]
    df.loc["Total"] = df.sum(numeric_only=True).round(2)
    return services, values, df


# --- layout ----------------------------------------------------------------------------------------
st.title("Compare saved scenarios", anchor=False)
repo = get_repository()          # None: the database is unavailable and the page already says why
rows = []
if repo is not None:
    try:
        rows = repo.list()
    except StorageError as exc:     # down since the page opened: say so, never "0 saved"
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        repo = None
if repo is not None and len(rows) < MIN_COMPARED:
    st.info(f"Save at least {MIN_COMPARED} scenarios on the Estimate page (tab **Share & save**) to compare them; "
            f"{len(rows)} saved so far.")
elif rows:
    # Choices are row ids (a team scenario may share its name with one of the user's own); another user's
    # scenario is labelled with its owner.
    me = repo.owner.subject if repo is not None else ""
    labels = {r.id: r.name if r.owner_sub == me else f"{r.name} ({r.owner_email or r.owner_sub})" for r in rows}
    ids = st.multiselect(f"Scenarios to compare ({MIN_COMPARED} to {MAX_COMPARED}; the first is the baseline)",
                         list(labels), default=[r.id for r in rows[:MIN_COMPARED]], format_func=labels.__getitem__,
                         max_selections=MAX_COMPARED, key="compare_ids")
    names = [labels[i] for i in ids]
    if len(names) < MIN_COMPARED:
        st.warning(f"Choose at least {MIN_COMPARED} scenarios.")
    else:
        try:
            catalog = load_snapshot()
            saved = [repo.load_id(i) for i in ids]
            ests = [load_estimate(s.input_json, catalog.header.checksum) for s in saved]
        except (StorageError, SnapshotError, MissingPriceError) as exc:
            st.error(md_escape(exc))
        else:
            changed = [n for n, s, e in zip(names, saved, ests) if s.totals.monthly_usd != e.monthly_usd]
            if changed:
                st.caption("Re-estimated with the current prices (as of "
                           f"{catalog.header.as_of}); changed since saved: {md_escape(', '.join(changed))}.")
            totals = totals_table(saved, ests, names)
            st.dataframe(totals, width="stretch", height=ROW_PX * (len(totals) + 1) + 3)
            services, values, df = service_table(names, ests)
            st.plotly_chart(fig_compare(names, services, values), key="compare_chart")
            st.markdown("**Monthly USD by service, and each scenario's difference from the first**")
            st.dataframe(df, width="stretch", height=ROW_PX * (len(df) + 1) + 3,
                         column_config={c: st.column_config.NumberColumn(format="$%.2f") for c in df.columns})
