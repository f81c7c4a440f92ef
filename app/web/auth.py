"""Sign-in for a team server: Streamlit's built-in OIDC (`st.login`), configured only by the `[auth]` section of
`.streamlit/secrets.toml` (redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url).

Without an `[auth]` section the app is the single-user local tool it always was: every page acts as the local
user (`LOCAL_OWNER`, subject "local"). With it, nothing but the sign-in page is drawn before login (share links
included), and the signed-in user's OIDC subject and e-mail are the `Owner` of what they save (app/storage/owner.py).
No value of the section is ever shown: a misconfiguration names the missing keys only.
"""
from __future__ import annotations

import logging

import streamlit as st

from app.storage.owner import LOCAL_OWNER, Owner, OwnerError
from app.web.components.text import md_escape

REQUIRED_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret", "client_id", "client_secret",
                                  "server_metadata_url")
log = logging.getLogger("tiersizer.auth")


def auth_section() -> dict | None:
    """The `[auth]` section of the secrets (a copy), or None when there is none (local single-user mode)."""
    secrets = st.secrets
    try:
        if not secrets.load_if_toml_exists() or "auth" not in secrets:
            return None
        return dict(secrets["auth"])
    except Exception:  # noqa: BLE001 - an unreadable secrets file: sign-in is required but cannot work
        log.warning("the secrets file cannot be read", exc_info=True)
        return {}


def auth_configured() -> bool:
    return auth_section() is not None


def missing_keys(section: dict) -> list[str]:
    """Required `[auth]` keys that are absent or empty (names only, never values)."""
    return [k for k in REQUIRED_KEYS if not str(section.get(k) or "").strip()]


def current_owner() -> Owner | None:
    """Who this session acts as: the local user without `[auth]`; the signed-in user with it; None before login."""
    if not auth_configured():
        return LOCAL_OWNER
    if not st.user.get("is_logged_in", False):
        return None
    try:
        return Owner(str(st.user.get("sub") or ""), str(st.user.get("email") or ""))
    except OwnerError as exc:
        log.warning("the identity provider's claims cannot be used: %s", exc)
        return None


OWNER_KEY = "owner"


def session_owner() -> Owner:
    """The owner resolved for this session by the entry page (app/web/streamlit_app.py); resolved here when a page
    runs alone. Never the local user when sign-in is configured and nobody is signed in."""
    owner = st.session_state.get(OWNER_KEY)
    if owner is None:
        owner = current_owner()
        if owner is None:
            raise PermissionError("not signed in")
        st.session_state[OWNER_KEY] = owner
    return owner


def render_sign_in() -> None:
    """The only thing drawn before login: a title, the sign-in button, or what is wrong with `[auth]`."""
    st.title("tiersizer", anchor=False)
    section = auth_section() or {}
    missing = missing_keys(section)
    if missing:
        st.error("Sign-in is required but the `[auth]` section of `.streamlit/secrets.toml` lacks: "
                 f"{', '.join(missing)}. Ask the administrator of this server.", icon=":material/lock:")
        return
    if st.user.get("is_logged_in", False):        # signed in, but without a usable `sub` claim
        st.error("Your identity provider did not send a usable subject (`sub`); sign out and ask the "
                 "administrator.", icon=":material/error:")
        st.button("Sign out", on_click=st.logout)
        return
    st.markdown("Sign in to see and save your scenarios.")
    st.button("Sign in", key="sign_in", type="primary", icon=":material/login:", on_click=st.login)


def render_account(owner: Owner) -> None:
    """Sidebar: who is signed in, and the sign-out button (nothing in local mode)."""
    if owner == LOCAL_OWNER and not auth_configured():
        return
    with st.sidebar:
        st.caption(f"Signed in as **{md_escape(owner.label)}**")
        st.button("Sign out", key="sign_out", on_click=st.logout)
