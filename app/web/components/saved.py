"""Saved-scenario panel of the Estimate page: save (private or for the team), load, rename, share, delete, and a
link to a saved scenario (`?saved=<id>`); errors shown in place.

Everything goes through the repository as the session's owner (app/web/auth.py): the list holds the user's own
scenarios and the team's; a team scenario of another user can be loaded but only its owner renames, shares or
deletes it (the buttons say so). A link to a saved scenario opens it only for a user allowed to see it."""
from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import streamlit as st

from app.storage import (
    PRIVATE,
    TEAM,
    DatabaseConfigError,
    InvalidFieldError,
    SavedScenario,
    ScenarioRepository,
    ScenarioSummary,
    StorageError,
    database_url,
    open_repository,
)
from app.web import auth
from app.web.components import inputs as ui_inputs
from app.web.components.text import md_escape

if TYPE_CHECKING:
    from pricing.engine import Estimate

FLASH_KEY = "saved_flash"
LINK_PARAM = "saved"            # ?saved=<id>: the link to a saved scenario
LINK_NOTE_KEY = "saved_link_note"   # (kind, text) about the opened ?saved= link, shown once at the top
VISIBILITY_LABELS = {PRIVATE: "Only me", TEAM: "My team (everyone signed in)"}


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
    return repo.as_owner(auth.session_owner())


def record_export(name: str, detail: str) -> None:
    """An audit row for files built for download (best effort: a database that is down does not stop them)."""
    from app.storage import AuditError, AuditLog
    try:
        engine = repository(database_url()).engine
        AuditLog(engine, auth.session_owner()).record_export("bundle", name or "(unnamed scenario)", detail)
    except (StorageError, DatabaseConfigError, AuditError):
        logging.getLogger("tiersizer.app").warning("the export was not recorded in the audit table", exc_info=True)


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH_KEY] = (kind, text)


def _load_cb(scenario_id: int) -> None:
    """Callback (runs before the widgets are drawn): put a saved scenario into the inputs."""
    repo = get_repository()
    if repo is None:
        return
    try:
        saved = repo.load_id(scenario_id)
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
        visibility = st.radio("Visible to", list(VISIBILITY_LABELS), format_func=VISIBILITY_LABELS.__getitem__,
                              key="save_visibility", horizontal=True)
        submitted = st.form_submit_button("Save scenario", type="primary")
    if not submitted:
        return
    try:
        saved = repo.save(name, s, client=client, notes=notes, estimate=est, overwrite=overwrite,
                          visibility=visibility)
    except InvalidFieldError as exc:
        st.error(f"**{exc.field.capitalize()}**: {md_escape(str(exc).split(': ', 1)[1])}")
    except StorageError as exc:
        st.error(md_escape(exc))
    else:
        st.success(md_escape(f"Saved {saved.name!r} ({saved.visibility}): tier {saved.totals.tier}, "
                             f"${saved.totals.monthly_usd:,.2f}/month."))


def _label(r: ScenarioSummary, me: str) -> str:
    who = "" if r.owner_sub == me else f" · {r.owner_email or r.owner_sub}"
    shared = " · team" if r.visibility == TEAM else ""
    return f"{r.name} — {r.client or 'no client'}, {r.totals.tier}, ${r.totals.monthly_usd:,.0f}/mo{shared}{who}"


def _manage(repo: ScenarioRepository) -> None:
    try:
        rows = repo.list()
    except StorageError as exc:
        st.error(f"Saved scenarios are unavailable: {md_escape(exc)}")
        return
    if not rows:
        st.caption("Nothing saved yet.")
        return
    labels = {r.id: _label(r, repo.owner.subject) for r in rows}
    choice = st.selectbox("Saved scenario", list(labels), format_func=labels.__getitem__, key="saved_choice")
    picked = next((r for r in rows if r.id == choice), None)
    if picked is None:
        return
    if picked.notes:
        st.caption(md_escape(picked.notes))
    st.button("Load into the inputs", key="saved_load", on_click=_load_cb, args=(picked.id,))
    st.caption("Link to this saved scenario (opens only for whoever may see it):")
    st.code(saved_link(st.context.url or "/", picked.id), language=None, wrap_lines=True)
    if picked.owner_sub != repo.owner.subject:
        st.caption(md_escape(f"Shared by {picked.owner_email or picked.owner_sub}: only they can rename, "
                             "re-share or delete it. Save a copy under your own name to change it."))
        return
    _owner_controls(picked)


def _owner_controls(picked: ScenarioSummary) -> None:
    """Rename, share / make private, delete: the owner's own scenario only."""
    choice = picked.name
    st.text_input("Rename to", key="saved_rename_to", max_chars=200)
    st.button("Rename", key="saved_rename", on_click=_rename_cb, args=(choice,))
    target = PRIVATE if picked.visibility == TEAM else TEAM
    st.button("Make private" if target == PRIVATE else "Share with the team", key="saved_share",
              on_click=_share_cb, args=(choice, target))
    confirm = st.checkbox(f"Yes, delete {choice!r}", key="saved_delete_confirm")
    st.button("Delete", key="saved_delete", disabled=not confirm, on_click=_delete_cb, args=(choice,))


def saved_link(base_url: str, scenario_id: int) -> str:
    """`base_url` (its own query dropped) with ?saved=<id>."""
    from urllib.parse import urlencode, urlsplit, urlunsplit
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode({LINK_PARAM: scenario_id}), ""))


def load_linked(value: str) -> SavedScenario | None:
    """The saved scenario a `?saved=<id>` link names, when this session's owner may see it; otherwise a message
    that does not tell a private scenario of someone else from one that does not exist."""
    repo = get_repository()
    if repo is None:
        return None
    try:
        saved = repo.load_id(int(value))
    except (ValueError, StorageError):
        st.session_state[LINK_NOTE_KEY] = ("error", "The linked saved scenario does not exist or is not shared "
                                                    "with you; the default scenario is shown.")
        return None
    st.session_state[LINK_NOTE_KEY] = ("success", f"Opened the saved scenario {saved.name!r} "
                                                  f"({saved.owner_email or saved.owner_sub}) from the link.")
    return saved


def _share_cb(name: str, visibility: str) -> None:
    repo = get_repository()
    if repo is None:
        return
    try:
        repo.set_visibility(name, visibility)
    except StorageError as exc:
        _flash("error", str(exc))
    else:
        _flash("success", f"{name!r} is now visible to {VISIBILITY_LABELS[visibility].lower()}.")


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
        st.session_state["saved_choice"] = saved.id
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
