"""Monthly review page: a saved scenario and a month, actual spend from an uploaded file or the Cost Explorer
API, the variance table, charts (estimate vs actual by service, trend over months), the tier recommendation,
and the review as HTML / PDF / CSV. Every review run here is stored with its scenario.
"""
from __future__ import annotations

import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import streamlit as st

from app.storage import ReviewStoreError, StorageError, database_url, open_review_store
from app.web.auth import session_owner
from app.web.components.saved import get_repository
from app.web.components.sp_advice import KEY as SP_KEY
from app.web.components.sp_advice import fetch_advice, render_advice
from app.web.components.text import md_escape
from generators.charts import fig_review_services, fig_review_trend
from generators.report_model import pct_delta, usd
from generators.review_report import review_csv, review_html, review_pdf
from pricing.catalog import MissingPriceError, SnapshotError, load_snapshot
from pricing.engine import estimate
from review.model import parse_month
from review.recommend import ObservedUsage
from review.sources import DEFAULT_PROJECT, ActualsError, fetch_cost_explorer, project_tags, read_file
from review.variance import Review, build_review
from sizing.scenario import ScenarioError

# --- constants ---------------------------------------------------------------------------------
UPLOAD, API = "Upload a file", "Cost Explorer API"
RESULT_KEY = "review_result"
UPLOAD_LABEL = "CUR 2.0 export (CSV, CSV.gz or Parquet) or Cost Explorer console CSV"
# The widget that supplies each field a review error can name (review/model.py: ActualsError.field); the page
# always reads with basis "auto", so `basis` never comes from a widget here and keeps its field name.
FIELD_LABELS = {"month": "Month (YYYY-MM)", "profile": "AWS profile", "cost_explorer": API,
                "cur_file": UPLOAD_LABEL, "ce_csv_file": UPLOAD_LABEL}


def actuals_message(exc: ActualsError) -> str:
    """An ActualsError as the page shows it: prefixed with the label of the field it names, if any."""
    return f"{FIELD_LABELS.get(exc.field, exc.field)}: {exc}" if exc.field else str(exc)


def last_month(today: date) -> str:
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def money(x: Decimal | None) -> str:
    return usd(x, none="—")


def variance_frame(rows, label: bool = True) -> pd.DataFrame:
    return pd.DataFrame([{"Line" if label else "Service": v.label if label else v.service,
                          "Estimate": float(v.estimate_usd), "Actual": float(v.actual_usd),
                          "Δ USD": float(v.delta_usd), "Δ %": None if v.delta_pct is None else float(v.delta_pct),
                          "Flag": v.flag or "", "Hint": v.hint} for v in rows])


def read_upload(upload, month: str, tags: dict[str, str]):  # type: ignore[no-untyped-def]
    """Save the uploaded bytes to a private temp file (written then renamed) and read it."""
    folder = Path(tempfile.mkdtemp(prefix="tiersizer-review-"))
    try:
        part = folder / "upload.part"
        part.write_bytes(upload.getvalue())
        path = part.rename(folder / "upload")
        return read_file(path, month, tags, display_name=upload.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_review(name: str, month: str, source: str, upload, profile: str, project: str, tag_env: str,  # type: ignore[no-untyped-def]
               threshold: float, min_delta: float, observed: ObservedUsage) -> Review | None:
    """Load the saved scenario, read the actuals, build and store the review; errors shown in place."""
    repo = get_repository()
    if repo is None:
        return None
    try:
        saved = repo.load(name)
        catalog = load_snapshot()
        est = estimate(saved.scenario, catalog)
    except (StorageError, SnapshotError, MissingPriceError) as exc:
        st.error(md_escape(exc))
        return None
    tags = project_tags(project.strip() or None, tag_env.strip() or None)
    try:
        if source == UPLOAD:
            if upload is None:
                st.error("Choose a CUR 2.0 export or a Cost Explorer CSV to upload.")
                return None
            actuals = read_upload(upload, month, tags)
        else:
            actuals = fetch_cost_explorer(month, tags, profile=profile.strip() or None)
        st.session_state[SP_KEY] = None if source == UPLOAD else fetch_advice(profile.strip() or None)
        review = build_review(est, actuals, threshold, min_delta, observed, catalog, name)
    except ActualsError as exc:     # names the uploaded file or the profile: user text, escaped
        st.error(md_escape(actuals_message(exc)))
        return None
    except ScenarioError as exc:
        for field, msg in exc.errors:
            st.error(md_escape(f"{field}: {msg}"))
        return None
    try:
        open_review_store(database_url(), session_owner()).save(review, saved.scenario, name, saved.visibility)
    except ReviewStoreError as exc:
        st.warning(f"The review was not stored: {md_escape(exc)}")
    return review


def render_headline(name: str, r: Review) -> None:
    """Totals as metrics, the source, the flagged lines and the warnings."""
    st.subheader(f"{md_escape(name)}: {r.month}", anchor=False)
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric("Estimate", money(r.estimate_usd))
    top[1].metric("Actual usage", money(r.actual_usage_usd),
                  delta=f"{money(r.delta_usd)} ({pct_delta(r.delta_pct)})",
                  delta_color="inverse")
    top[2].metric("Total billed", money(r.actual_usd))
    bottom[0].metric("Tax, credits, fees", money(r.tax_and_credits_usd))
    bottom[1].metric(f"Flags (> {r.threshold_pct}%)", len(r.flagged))
    bottom[2].metric("Recommended tier", r.recommended_tier, delta=None if r.recommended_tier == r.tier else
                     f"from {r.tier}", delta_color="off")
    st.caption(f"Source: {r.actuals.source} ({md_escape(r.actuals.source_name)}), {r.actuals.basis} cost, "
               f"{r.actuals.rows_read:,} rows read.")
    for v in r.flagged:
        st.warning(f"**{v.label}**: {money(v.estimate_usd)} planned, {money(v.actual_usd)} billed "
                   f"({pct_delta(v.delta_pct)}). {v.hint}")
    for w in r.warnings:
        st.caption(f"⚠ {md_escape(w)}")


def render_trend(name: str) -> None:
    try:
        points = open_review_store(database_url(), session_owner()).trend(name)
    except ReviewStoreError as exc:
        st.error(md_escape(exc))
        points = []
    if points:
        st.plotly_chart(fig_review_trend(points), key="review_trend_chart")
    else:
        st.info("No stored reviews of this scenario yet.")


def render_tabs(name: str, r: Review) -> None:
    """Lines, services (with the chart), unmatched spend, tax and credits, the trend over months."""
    money_cols = {c: st.column_config.NumberColumn(format="$%.2f") for c in ("Estimate", "Actual", "Δ USD")}
    money_cols["Δ %"] = st.column_config.NumberColumn(format="%.1f%%")
    lines, services, unmatched, adjustments, trend = st.tabs(
        ["Lines", "By service", f"Not in the estimate ({len(r.unmatched)})",
         f"Tax and credits ({len(r.adjustments)})", "Trend"])
    with lines:
        st.dataframe(variance_frame(r.lines), width="stretch", hide_index=True, column_config=money_cols)
    with services:
        st.plotly_chart(fig_review_services(r), key="review_service_chart")
        st.dataframe(variance_frame(r.services, label=False), width="stretch", hide_index=True,
                     column_config=money_cols)
    with unmatched:
        st.dataframe(pd.DataFrame([{"Service": u.line.service, "Usage type": u.line.usage_type,
                                    "Actual": float(u.line.cost_usd), "Reason": u.reason} for u in r.unmatched]),
                     width="stretch", hide_index=True)
    with adjustments:
        st.dataframe(pd.DataFrame([{"Kind": a.kind, "Service": a.service, "Detail": a.usage_type,
                                    "Account level": a.account_level, "Amount": float(a.cost_usd)}
                                   for a in r.adjustments]), width="stretch", hide_index=True)
    with trend:
        render_trend(name)


def render_recommendation(r: Review) -> None:
    rec = r.recommendation
    if rec:
        st.markdown(f"**Recommendation: {'stay at' if rec.recommended_tier == rec.current_tier else 'move to'} "
                    f"{rec.recommended_tier}** (now {rec.current_tier}); new monthly estimate "
                    f"{money(rec.new_monthly_usd)} ({money(rec.monthly_delta_usd)} against the current estimate).")
        st.dataframe(pd.DataFrame([{"What": f"observed {c.what}", "Before": c.before, "After": c.after}
                                   for c in rec.scenario_changes]
                                  + [{"What": c.what, "Before": c.before, "After": c.after}
                                     for c in rec.plan_changes]), width="stretch", hide_index=True)
    else:
        st.caption("Give observed usage (peak users, messages, tokens) under *Options* to re-size and get a tier "
                   "recommendation from what really happened.")


def render_downloads(name: str, r: Review) -> None:
    """The review as HTML (with the service chart), PDF and CSV (generators/review_report.py)."""
    base = f"review-{name}-{r.month}".replace(" ", "_")
    d1, d2, d3 = st.columns(3)
    d1.download_button("Review (HTML)", review_html(r, [fig_review_services(r)]), f"{base}.html", "text/html",
                       key="review_dl_html")
    d2.download_button("Review (PDF)", review_pdf(r), f"{base}.pdf", "application/pdf", key="review_dl_pdf")
    d3.download_button("Review (CSV)", review_csv(r), f"{base}.csv", "text/csv", key="review_dl_csv")


def render_result(name: str, r: Review) -> None:
    render_headline(name, r)
    render_tabs(name, r)
    render_recommendation(r)
    render_advice(st.session_state.get(SP_KEY))
    render_downloads(name, r)


# --- layout ----------------------------------------------------------------------------------------
st.title("Monthly review", anchor=False)
st.caption("Last month's actual AWS spend against the estimate, line by line, with the reasons and a tier "
           "recommendation.")
repo = get_repository()
names: list[str] = []
if repo is not None:
    try:
        names = repo.names()
    except StorageError as exc:     # down since the page opened: say so, not "save a scenario first"
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        repo = None
if repo is not None and not names:
    st.info("Save a scenario on the Estimate page (tab **Share & save**) to review its bills here.")
elif names:
    left, right = st.columns(2)
    name = left.selectbox("Saved scenario", names, key="review_scenario")
    month = right.text_input("Month (YYYY-MM)", value=last_month(date.today()), key="review_month").strip()
    month_ok = True
    try:
        parse_month(month)
    except ActualsError as exc:
        right.error(md_escape(actuals_message(exc)))
        month_ok = False
    source = st.radio("Actual spend from", [UPLOAD, API], horizontal=True, key="review_source")
    upload, profile = None, ""
    if source == UPLOAD:
        upload = st.file_uploader(UPLOAD_LABEL, type=["csv", "gz", "parquet"], key="review_file")
    else:
        profile = st.text_input("AWS profile (empty: the default credential chain)", key="review_profile")
    with st.expander("Options: tags, threshold, observed usage"):
        c1, c2, c3, c4 = st.columns(4)
        project = c1.text_input("Project tag", value=DEFAULT_PROJECT, key="review_project")
        tag_env = c2.text_input("Environment tag (empty: the scenario's)", key="review_tag_env")
        threshold = c3.number_input("Flag beyond (%)", min_value=1.0, max_value=1000.0, value=15.0, step=1.0,
                                    key="review_threshold")
        min_delta = c4.number_input("Ignore gaps below (USD)", min_value=0.0, max_value=1e6, value=1.0, step=1.0,
                                    key="review_min_delta")
        o1, o2, o3, o4 = st.columns(4)
        users = o1.number_input("Observed peak users (0: not given)", min_value=0, max_value=1_000_000, value=0,
                                step=1, key="review_users")
        msgs = o2.number_input("Observed messages in the month (0: not given)", min_value=0.0, value=0.0,
                               step=1000.0, key="review_messages")
        tin = o3.number_input("Observed input tokens / message (0: not given)", min_value=0, max_value=2_000_000,
                              value=0, step=100, key="review_input_tokens")
        tout = o4.number_input("Observed output tokens / message (0: not given)", min_value=0, max_value=200_000,
                               value=0, step=50, key="review_output_tokens")
    if st.button("Run the review", type="primary", key="review_run", disabled=not month_ok):
        env = tag_env
        if not env.strip():
            try:
                env = repo.load(name).scenario.environment.value
            except StorageError as exc:
                st.error(md_escape(exc))
        observed = ObservedUsage(int(users) or None, float(msgs) or None, int(tin) or None, int(tout) or None)
        with st.spinner("Reading the bill and comparing it with the estimate..."):
            result = run_review(name, month, source, upload, profile, project, env, threshold, min_delta, observed)
        if result is not None:
            st.session_state[RESULT_KEY] = (name, result)
    shown = st.session_state.get(RESULT_KEY)
    if shown and shown[0] == name and shown[1].month == month:
        render_result(*shown)
