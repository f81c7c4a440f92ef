"""Estimate page: inputs on the left, tier / totals / capacity / charts / downloads on the right.

Every change reruns the page: the inputs are validated first (errors go under their widgets), the
estimate and chart data come from `st.cache_data` functions keyed by the scenario's JSON and the
price snapshot's checksum, and the URL's query parameters are kept equal to the scenario (share link).
"""
from __future__ import annotations

import json
from datetime import date

import streamlit as st

from app.web.components import inputs as ui_inputs
from app.web.components import share_link
from app.web.components.results import (
    render_bom,
    render_capacity,
    render_charts,
    render_header,
    render_totals,
    render_vs_plan,
    render_warnings,
    stale_warning,
)
from app.web.components.text import md_escape
from app.web.components.widgets import render_inputs
from generators.report_model import ReportSeries, build_series
from pricing.catalog import Catalog, MissingPriceError, SnapshotError, load_snapshot
from pricing.engine import Estimate, estimate
from sizing.scenario import Scenario, parse_scenario

# --- constants ---------------------------------------------------------------------------------
LINK_PROBLEMS_KEY = "share_link_problems"
HISTORY_KEY = "estimate_history"          # (json of the scenario shown last, json of the one before)
DOWNLOADS_KEY = "downloads"               # (scenario JSON|checksum, Downloads) built in this session
RESULT_TABS = ("Charts", "Capacity plan", "Bill of materials", "Assumptions", "Share & save", "Downloads")
RESULT_TAB_KEY = "result_tab"             # the open tab (its label); only that tab is drawn
LINK_NOTE_KEY = "saved_link_note"         # = app.web.components.saved.LINK_NOTE_KEY (not imported: SQLAlchemy)


# --- cached loaders (arguments are plain values taken from the widgets) ------------------------
@st.cache_data(show_spinner=False, max_entries=1024)
def load_estimate(scenario_json: str, prices_checksum: str) -> Estimate:
    """Size and price one scenario (the checksum keys the cache to the price snapshot)."""
    return estimate(parse_scenario(json.loads(scenario_json)), load_snapshot(), ranges=True)


@st.cache_data(show_spinner=False, max_entries=1024)
def load_point_estimate(scenario_json: str, prices_checksum: str) -> Estimate:
    """The same estimate without its range and drivers (milliseconds, not the Monte Carlo's tenth of a second):
    the headline totals are drawn from it first."""
    return estimate(parse_scenario(json.loads(scenario_json)), load_snapshot())


@st.cache_data(show_spinner=False, max_entries=256)
def load_chart_series(scenario_json: str, prices_checksum: str) -> ReportSeries:
    """Cost curve across user counts and the 12-month projection (the report's series)."""
    return build_series(load_estimate(scenario_json, prices_checksum), load_snapshot())


# --- helpers -------------------------------------------------------------------------------------
def initial_scenario() -> Scenario:
    """First run of a session: the share link's scenario (bad parameters fall back to defaults), or the saved
    scenario a `?saved=<id>` link names when this user may see it."""
    params = st.query_params.to_dict()
    if "saved" in params:
        from app.web.components.saved import load_linked
        saved = load_linked(str(params["saved"]))
        return Scenario() if saved is None else saved.scenario
    if not share_link.has_scenario_params(params):
        return Scenario()
    scenario, problems = share_link.restore(params)
    if problems:
        st.session_state[LINK_PROBLEMS_KEY] = (ui_inputs.canonical_json(scenario), problems)
    return scenario


def sync_share_link(s: Scenario) -> None:
    """Keep the URL's query parameters equal to the scenario, so the address bar is the share link."""
    params = share_link.scenario_to_params(s)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def previous_estimate(current_json: str, checksum: str) -> Estimate | None:
    """The estimate shown before the last change in this session (for the deltas)."""
    last, before = st.session_state.get(HISTORY_KEY, (None, None))
    if last != current_json:
        before, last = last, current_json
        st.session_state[HISTORY_KEY] = (last, before)
    return load_point_estimate(before, checksum) if before else None


def render_link_problems(current: Scenario | None) -> None:
    """What was wrong with the opened link, shown until the user changes the scenario it gave."""
    restored, problems = st.session_state.get(LINK_PROBLEMS_KEY, (None, []))
    if problems and (current is None or ui_inputs.canonical_json(current) != restored):
        del st.session_state[LINK_PROBLEMS_KEY]
    elif problems:
        for f, m in filter(share_link.is_conversion_note, problems):
            st.info(f"**{md_escape(f)}**: {md_escape(m)}", icon=":material/update:")
        errors = [p for p in problems if not share_link.is_conversion_note(p)]
        lines = "\n".join(f"- **{md_escape(f)}**: {md_escape(m)}" for f, m in errors)
        if errors:
            st.error(f"The share link has invalid parameters; the defaults are used for them:\n{lines}",
                     icon=":material/link_off:")


def render_share(s: Scenario) -> None:
    base = st.context.url or "/"
    st.markdown("The address bar always holds the whole scenario. Send this link to reopen it exactly:")
    st.code(share_link.share_url(base, s), language=None, wrap_lines=True)


def render_downloads(est: Estimate, checksum: str) -> None:
    """'Prepare downloads' builds every file once (with progress); the session keeps them for this scenario."""
    from app.web.components.downloads import build_downloads  # generators load only when files are asked for
    key = f"{ui_inputs.canonical_json(est.scenario)}|{checksum}"
    built = st.session_state.get(DOWNLOADS_KEY)
    if built is None or built[0] != key:
        st.session_state.pop(DOWNLOADS_KEY, None)    # files of an older scenario are never offered
        st.caption("CDK app and config, Helm values, report (HTML, PDF), bill of materials (CSV, XLSX).")
        if not st.button("Prepare downloads", key="prepare_downloads", type="primary"):
            return
        bar = st.progress(0.0, text="Preparing the files")
        with st.spinner("Building the bundle…"):
            built = (key, build_downloads(est.scenario, est, lambda f, m: bar.progress(f, text=m)))
        bar.empty()
        st.session_state[DOWNLOADS_KEY] = built
        from app.web.components.saved import record_export
        record_export(est.scenario.name, ", ".join(a.file_name for a in built[1].artifacts))
    dl = built[1]
    for problem in dl.problems:
        st.warning(f"Not included: {md_escape(problem)}")
    cols = st.columns(4)
    for i, a in enumerate(dl.artifacts):
        cols[i % 4].download_button(a.label, data=a.data, file_name=a.file_name, mime=a.mime,
                                    key=f"dl_{a.label}", on_click="ignore",
                                    type="primary" if i == 0 else "secondary", icon=":material/download:")


def open_catalog() -> Catalog | None:
    try:
        return load_snapshot()
    except SnapshotError as exc:
        st.error(f"The price snapshot cannot be read: {md_escape(exc)}")
        return None


def render_sidebar(errors: dict[str, list[str]]) -> None:
    with st.sidebar:
        st.markdown("### Inputs")
        render_inputs(errors)
    ui_inputs.remember(st.session_state)


# --- layout ----------------------------------------------------------------------------------------
# Validate first (errors go under their widgets), draw the headline numbers, then the inputs, then the
# tabs: on a cold start the totals reach the browser before the sidebar's 25 widgets and the charts.
ui_inputs.ensure_state(st.session_state, initial_scenario)
scenario, errors = ui_inputs.validate(st.session_state)

st.title("LLM chat app on AWS: size and cost", anchor=False)
if LINK_NOTE_KEY in st.session_state:       # what became of a ?saved=<id> link (set by initial_scenario)
    kind, note = st.session_state.pop(LINK_NOTE_KEY)
    getattr(st, kind)(md_escape(note))
render_link_problems(scenario)
catalog = open_catalog()
est: Estimate | None = None
if scenario is None:
    bad = [ui_inputs.SPECS[f].label for f in errors if f in ui_inputs.SPECS]
    st.error(f"Some inputs are out of range ({', '.join(bad) or 'see the sidebar'}); the errors are shown next to "
             "them in the sidebar. The estimate updates as soon as they are fixed.", icon=":material/error:")
elif catalog is not None:
    sync_share_link(scenario)
    sj, checksum = ui_inputs.canonical_json(scenario), catalog.header.checksum
    try:   # the totals first (point estimate), then the range's Monte Carlo fills in the rest of the headline
        point = load_point_estimate(sj, checksum)
        previous = previous_estimate(sj, checksum)
        render_header(point, previous)
        finish_totals = render_totals(point, previous)
        est = load_estimate(sj, checksum)
        finish_totals(est)
    except MissingPriceError as exc:
        st.error(md_escape(exc))
if est is not None and catalog is not None:
    render_warnings(est, stale_warning(catalog, date.today()))
    render_vs_plan(est)
render_sidebar(errors)
if est is not None and catalog is not None:
    # Lazy tabs: only the open one is drawn (a tab click reruns the page), so a cold start sends the browser the
    # charts, not six tabs of charts and tables, and the totals are painted without waiting for them.
    charts, capacity, bom, assumptions, share, downloads = st.tabs(RESULT_TABS, key=RESULT_TAB_KEY, on_change="rerun")
    if charts.open:
        with charts:
            render_charts(est, load_chart_series(sj, checksum))
    if capacity.open:
        with capacity:
            render_capacity(est)
    if bom.open:
        with bom:
            render_bom(est)
    if assumptions.open:
        with assumptions:
            st.caption("Inputs left at their defaults; change any of them in the sidebar.")
            st.dataframe(ui_inputs.assumptions(est.scenario), hide_index=True, width="stretch")
    if share.open:
        with share:
            render_share(est.scenario)
            from app.web.components.saved import render_saved  # SQLAlchemy loads after the totals are on screen
            render_saved(est)
    if downloads.open:
        with downloads:
            render_downloads(est, checksum)
elif scenario is None:
    with st.expander("Saved scenarios"):
        from app.web.components.saved import render_saved
        render_saved(None)
