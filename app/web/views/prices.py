"""Prices page: browse the active price snapshot by region and service, with its date, sources and age."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app.web.components.text import md_escape
from pricing.catalog import GLOBAL_REGION, STALE_AFTER_DAYS, Catalog, SnapshotError, load_snapshot

# --- constants ---------------------------------------------------------------------------------
ALL = "all services"


# --- cached loaders --------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def price_rows(snapshot_checksum: str, region: str) -> pd.DataFrame:
    """The region's points (plus global ones) as a table; the checksum keys the cache to the snapshot."""
    cat = load_snapshot()
    return pd.DataFrame([{"Service": p.key.split(":")[0], "Key": p.key, "Region": p.region, "USD": float(p.usd),
                          "Unit": p.unit, "As of": p.as_of, "Confidence": p.confidence,
                          "Approximation": p.approximation or "", "Source": p.source, "Note": p.note}
                         for p in cat.points(region)])


# --- helpers -------------------------------------------------------------------------------------
def render_header(cat: Catalog, today: date) -> None:
    h = cat.header
    age = cat.age_days(today)
    cols = st.columns(4)
    cols[0].metric("Prices as of", h.as_of)
    cols[1].metric("Age", f"{age} days")
    cols[2].metric("Price points", f"{h.point_count:,}")
    cols[3].metric("Regions", len(h.regions))
    if age > STALE_AFTER_DAYS:
        st.warning(f"These prices are {age} days old (stale after {STALE_AFTER_DAYS} days). Refresh them with "
                   "`python -m app.cli pricing refresh`.", icon=":material/schedule:")
    st.caption(md_escape(f"Snapshot file {cat.path} · built {h.built_at} · {h.checksum}"))
    with st.expander(f"Sources ({len(h.sources)})"):
        for src in h.sources:
            st.markdown(f"- {src}")


# --- layout ----------------------------------------------------------------------------------------
st.title("Price snapshot", anchor=False)
try:
    catalog = load_snapshot()
except SnapshotError as exc:
    st.error(f"The price snapshot cannot be read: {md_escape(exc)}")
else:
    render_header(catalog, date.today())
    left, mid, right = st.columns([1, 1, 2])
    regions = list(catalog.regions())
    region = left.selectbox("Region", regions, key="prices_region")
    table = price_rows(catalog.header.checksum, region)
    service = mid.selectbox("Service", [ALL, *sorted(table["Service"].unique())], key="prices_service")
    needle = right.text_input("Filter keys", key="prices_filter", placeholder="e.g. c6g or nat")
    shown = table if service == ALL else table[table["Service"] == service]
    if needle.strip():
        shown = shown[shown["Key"].str.contains(needle.strip(), case=False, regex=False)]
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={"USD": st.column_config.NumberColumn(format="%.6g")})
    st.caption(f"{len(shown)} of {len(table)} points for {region} (with the {GLOBAL_REGION} ones). "
               "Approximations are prices copied from a neighbouring region or a published rate; see their notes.")
