"""Whole project page: the Estimate page's current scenario priced as dev, staging and prod side by side.

The scenario comes from the Estimate page's inputs (the session's widget mirror, `ui_inputs`); each
environment is `pricing.rollup.rollup()` of it with `environment` replaced (its profile sets AZs, NATs,
replicas, spot, WAF, retention; values the scenario set stay), and optionally fewer peak users per environment.
"""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app.web.components import inputs as ui_inputs
from app.web.components.text import md_escape
from pricing.catalog import MissingPriceError, SnapshotError, load_snapshot
from pricing.rollup import (
    ALL_ENVIRONMENTS,
    USERS_FROM_OVERRIDE,
    Rollup,
    RollupInputError,
    parse_environment_users,
    rollup,
    summary_rows,
)
from sizing.scenario import Environment, Scenario, parse_scenario

# --- constants ---------------------------------------------------------------------------------
ENVS_KEY = "project_environments"
USERS_KEY = "project_env_users"
ROW_PX = 35                      # st.dataframe row height: drawn tall enough to need no scroll
USERS_HELP = ("Peak concurrent users per environment, e.g. `dev=20, staging=50`. Empty: every environment "
              "carries the scenario's users (no source says how much lighter dev and staging are).")


# --- cached loaders (arguments are plain values taken from the widgets) ------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def load_rollup(scenario_json: str, environments: tuple[str, ...], users_text: str, prices_checksum: str) -> Rollup:
    """The roll-up of one scenario (the checksum keys the cache to the price snapshot)."""
    users = parse_environment_users(users_text, option="Users per environment")
    return rollup(parse_scenario(json.loads(scenario_json)), [Environment(e) for e in environments],
                  load_snapshot(), users=users)


# --- helpers -------------------------------------------------------------------------------------
def rollup_table(r: Rollup) -> pd.DataFrame:
    """One column per environment and a Total column; the rows are `summary_rows` (the CLI's table)."""
    rows = summary_rows(r)
    cols = [p.environment.value for p in r.environments]
    data = {c: [values[i] for _, values, _ in rows] for i, c in enumerate(cols)}
    data["Total"] = [total for _, _, total in rows]
    return pd.DataFrame(data, index=[line for line, _, _ in rows])


def current_scenario() -> Scenario | None:
    """The Estimate page's scenario (defaults on a session's first page); None while an input is invalid."""
    ui_inputs.ensure_state(st.session_state, Scenario)
    scenario, _ = ui_inputs.validate(st.session_state)
    return scenario


def render_notes(r: Rollup) -> None:
    kept = ", ".join(r.kept_from_scenario)
    st.caption("Each environment's profile sets AZs, NAT gateways, minimum replicas, spot share, WAF, log retention "
               "and DynamoDB PITR. Values marked (scenario) were set in the scenario and kept; (compliance) were "
               "raised by a compliance regime." + (f" Kept in every environment: {kept}." if kept else ""))
    same = [p.environment.value for p in r.environments if p.users_source != USERS_FROM_OVERRIDE]
    if same:
        st.caption(f"{', '.join(same)}: the scenario's {r.scenario.concurrent_users:,} peak users (no override).")


# --- layout ----------------------------------------------------------------------------------------
st.title("Whole project: dev + staging + prod", anchor=False)
scenario = current_scenario()
if scenario is None:
    st.error("The Estimate page has inputs out of range; fix them there to see the whole project.",
             icon=":material/error:")
else:
    st.markdown(f"**{md_escape(scenario.name)}**, {md_escape(scenario.region)}: the Estimate page's scenario "
                "priced once per environment.")
    names = st.multiselect("Environments", [e.value for e in ALL_ENVIRONMENTS],
                           default=[e.value for e in ALL_ENVIRONMENTS], key=ENVS_KEY)
    users_text = st.text_input("Users per environment (optional)", key=USERS_KEY, help=USERS_HELP,
                               placeholder="dev=20, staging=50")
    envs = tuple(e.value for e in ALL_ENVIRONMENTS if e.value in names)   # always dev, staging, prod order
    if not envs:
        st.warning("Choose at least one environment.")
    else:
        try:
            catalog = load_snapshot()
            r = load_rollup(ui_inputs.canonical_json(scenario), envs, users_text or "", catalog.header.checksum)
        except RollupInputError as exc:
            st.error(md_escape(exc))
        except (SnapshotError, MissingPriceError) as exc:
            st.error(md_escape(exc))
        else:
            c1, c2 = st.columns(2)
            c1.metric("Whole project, monthly", f"${r.monthly_usd:,.2f}")
            c2.metric("Whole project, first year", f"${r.first_year_usd:,.2f}")
            table = rollup_table(r)
            st.dataframe(table, width="stretch", height=ROW_PX * (len(table) + 1) + 3)
            render_notes(r)
