"""tiersizer web app: `streamlit run app/web/streamlit_app.py` (or `make run`). Pages are routed with st.navigation.

With an `[auth]` section in `.streamlit/secrets.toml` (app/web/auth.py) only the sign-in page is drawn until the
user has signed in: no page, no share link, no saved scenario runs before that.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:               # `streamlit run app/web/streamlit_app.py` from any folder
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.web import auth  # noqa: E402
from app.web.components.results import FAILURE_PREFIX  # noqa: E402

VIEWS_DIR = Path(__file__).resolve().parent / "views"   # not "pages/": Streamlit would auto-discover it


def pages() -> list:
    """The app's pages, in sidebar order."""
    return [
        st.Page(VIEWS_DIR / "estimate.py", title="Estimate", icon=":material/calculate:", default=True),
        st.Page(VIEWS_DIR / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(VIEWS_DIR / "project.py", title="Whole project", icon=":material/stacks:", url_path="project"),
        st.Page(VIEWS_DIR / "prices.py", title="Prices", icon=":material/sell:", url_path="prices"),
        st.Page(VIEWS_DIR / "review.py", title="Monthly review", icon=":material/receipt_long:", url_path="review"),
    ]


st.set_page_config(page_title="tiersizer", page_icon=":material/calculate:", layout="wide")
owner = auth.current_owner()
if owner is None:                           # sign-in configured, nobody signed in: the sign-in page only
    st.session_state.pop(auth.OWNER_KEY, None)
    auth.render_sign_in()
    st.stop()
previous = st.session_state.get(auth.OWNER_KEY)
if previous is not None and previous != owner:       # another user signed in on this session: nothing carried over
    st.session_state.clear()
st.session_state[auth.OWNER_KEY] = owner
auth.render_account(owner)
try:
    st.navigation(pages()).run()
except Exception as exc:  # noqa: BLE001 - last line of defence: a message in the page, the traceback in the log
    logging.getLogger("tiersizer.app").exception("page failed")
    # The exception's text is not shown: it may quote a configuration value (a database URL, a path).
    st.error(f"{FAILURE_PREFIX} ({type(exc).__name__}; the details are in the server log). Your inputs are kept: "
             "change a value or reload the page.", icon=":material/error:")
