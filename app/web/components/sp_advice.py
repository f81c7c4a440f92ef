"""Savings Plans advice on the review page: asked of Cost Explorer when it is the source (review/sources/savings_plans.py)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from app.web.components.text import md_escape
from review.model import ActualsError
from review.sources.savings_plans import OFFLINE_NOTE, SCOPE_NOTE, PlanAdvice, fetch_savings_plans_advice

KEY = "review_sp_advice"
TERMS = {"ONE_YEAR": "1 year", "THREE_YEARS": "3 years"}
TYPES = {"COMPUTE_SP": "Compute", "EC2_INSTANCE_SP": "EC2 Instance"}


def fetch_advice(profile: str | None) -> tuple[PlanAdvice, ...] | None:
    """The four recommendations, or None with the error shown (the review itself still shows)."""
    try:
        return fetch_savings_plans_advice(profile=profile)
    except ActualsError as exc:
        st.error(f"Savings Plans advice: {md_escape(exc)}")
        return None


def render_advice(advice: tuple[PlanAdvice, ...] | None) -> None:
    st.markdown("**Savings Plans advice**")
    if advice is None:
        st.caption(OFFLINE_NOTE.replace("--cost-explorer", "the Cost Explorer API as the source"))
        return
    st.dataframe(pd.DataFrame([{"Plan": TYPES.get(a.plan_type, a.plan_type), "Term": TERMS.get(a.term, a.term),
                                "Hourly commitment (USD)": float(a.hourly_commitment_usd),
                                "Saving / month (USD)": float(a.monthly_saving_usd),
                                "Saving %": float(a.saving_pct), "Upfront (USD)": float(a.upfront_usd),
                                "Break-even": a.break_even} for a in advice]),
                 width="stretch", hide_index=True)
    st.caption(f"No upfront, 30 days of lookback; {SCOPE_NOTE}.")
