"""Saved-scenario panel of the Estimate page: save, load, rename, delete (errors shown in place)."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import streamlit as st

from app.storage import (
    DatabaseConfigError,
    InvalidFieldError,
    ScenarioRepository,
    StorageError,
    database_url,
    open_repository,
)
from app.web.components import inputs as ui_inputs
from app.web.components.text import md_escape

if TYPE_CHECKING:
    from pricing.engine import Estimate

FLASH_KEY = "saved_flash"


@st.cache_resource(show_spinner=False)
def repository(url: str) -> ScenarioRepository:
    """One migrated repository per database URL and process (a failure is not cached: retried next run)."""
    return open_repository(url)


RETRY_AFTER_S = 30.0      # an unreachable database is retried at most this often, not on every rerun
_failures: dict[str, tuple[float, str]] = {}   # url -> (monotonic time of the failure, message)
_failures_lock = threading.Lock()
_now = time.monotonic                          # the clock (a test replaces it)


def get_repository() -> ScenarioRepository | None:
    """The repository of the configured database, or None after showing why it is unavailable.

    A failure is remembered for RETRY_AFTER_S, so a database that is down (each attempt may wait for the
    connect timeout) does not slow every rerun of the page."""
    try:
        url = database_url()
    except DatabaseConfigError as exc:
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        return None
    with _failures_lock:
        failed = _failures.get(url)
    if failed is not None and _now() - failed[0] < RETRY_AFTER_S:
        st.error(f"Saved scenarios are unavailable: {md_escape(failed[1])} (retrying within "
                 f"{RETRY_AFTER_S:.0f} s)")
        return None
    try:
        repo = repository(url)
    except (StorageError, DatabaseConfigError) as exc:
        with _failures_lock:
            _failures[url] = (_now(), str(exc))
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        return None
    with _failures_lock:
        _failures.pop(url, None)
    return repo


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH_KEY] = (kind, text)


def _load_cb(name: str) -> None:
    """Callback (runs before the widgets are drawn): put a saved scenario into the inputs."""
    repo = get_repository()
    if repo is None:
        return
    try:
        saved = repo.load(name)
    except StorageError as exc:
        _flash("error", str(exc))
        return
    ui_inputs.load_into_state(st.session_state, saved.scenario)
    _flash("success", f"Loaded {saved.name!r} (saved {saved.updated_at:%Y-%m-%d %H:%M} UTC).")


def render_saved(est: "Estimate | None") -> None:
    """Save the current scenario; load, rename or delete saved ones."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        getattr(st, flash[0])(md_escape(flash[1]))
    repo = get_repository()
    if repo is None:
        return
    save_col, manage_col = st.columns(2)
    with save_col:
        st.markdown("**Save this scenario**")
        if est is None:
            st.info("Fix the inputs first: only a valid scenario can be saved.")
        else:
            _save_form(repo, est)
    with manage_col:
        st.markdown("**Saved scenarios**")
        _manage(repo)


def _save_form(repo: ScenarioRepository, est: "Estimate") -> None:
    s = est.scenario
    with st.form("save_form", clear_on_submit=False, border=False):
        name = st.text_input("Save as", value=s.name, key="save_name", max_chars=200)
        client = st.text_input("Client", value=s.client, key="save_client", max_chars=200)
        notes = st.text_area("Notes", key="save_notes", height=80)
        overwrite = st.checkbox("Overwrite a saved scenario with this name", key="save_overwrite")
        submitted = st.form_submit_button("Save scenario", type="primary")
    if not submitted:
        return
    try:
        saved = repo.save(name, s, client=client, notes=notes, estimate=est, overwrite=overwrite)
    except InvalidFieldError as exc:
        st.error(f"**{exc.field.capitalize()}**: {md_escape(str(exc).split(': ', 1)[1])}")
    except StorageError as exc:
        st.error(md_escape(exc))
    else:
        st.success(md_escape(f"Saved {saved.name!r}: tier {saved.totals.tier}, "
                             f"${saved.totals.monthly_usd:,.2f}/month."))


def _manage(repo: ScenarioRepository) -> None:
    try:
        rows = repo.list()
    except StorageError as exc:
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        return
    if not rows:
        st.caption("Nothing saved yet.")
        return
    labels = {r.name: f"{r.name} — {r.client or 'no client'}, {r.totals.tier}, ${r.totals.monthly_usd:,.0f}/mo"
              for r in rows}
    choice = st.selectbox("Saved scenario", list(labels), format_func=labels.__getitem__, key="saved_choice")
    if choice is None:
        return
    picked = next(r for r in rows if r.name == choice)
    if picked.notes:
        st.caption(md_escape(picked.notes))
    st.button("Load into the inputs", key="saved_load", on_click=_load_cb, args=(choice,))
    st.text_input("Rename to", key="saved_rename_to", max_chars=200)
    st.button("Rename", key="saved_rename", on_click=_rename_cb, args=(choice,))
    confirm = st.checkbox(f"Yes, delete {choice!r}", key="saved_delete_confirm")
    st.button("Delete", key="saved_delete", disabled=not confirm, on_click=_delete_cb, args=(choice,))


def _rename_cb(old: str) -> None:
    repo = get_repository()
    new = st.session_state.get("saved_rename_to", "")
    if repo is None:
        return
    try:
        saved = repo.rename(old, new)
    except StorageError as exc:
        _flash("error", str(exc))
    else:
        st.session_state["saved_choice"] = saved.name
        st.session_state["saved_rename_to"] = ""
        _flash("success", f"Renamed {old!r} to {saved.name!r}.")


def _delete_cb(name: str) -> None:
    repo = get_repository()
    if repo is None:
        return
    try:
        repo.delete(name)
    except StorageError as exc:
        _flash("error", str(exc))
    else:
        st.session_state["saved_delete_confirm"] = False
        st.session_state.pop("saved_choice", None)
        _flash("success", f"Deleted {name!r}.")
