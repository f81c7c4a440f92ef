"""Draw the grouped Estimate inputs (Streamlit widgets bound to session state) with errors beneath each."""
from __future__ import annotations

import streamlit as st

from app.web.components.inputs import GROUPS, SPECS, FieldSpec, default_hint
from sizing.llm import EXTERNAL_MODEL

OPEN_GROUPS = frozenset({"Load", "Compliance"})


def _widget(spec: FieldSpec, hint: str, disabled: bool) -> None:
    if spec.kind in ("int", "float"):
        extra = {"value": None, "placeholder": "empty = default"} if spec.optional else {}
        st.number_input(spec.label, key=spec.key, step=spec.step, format=spec.fmt, help=hint, disabled=disabled,
                        **extra)
    elif spec.kind == "select":
        st.selectbox(spec.label, spec.options, key=spec.key, format_func=spec.option_label, help=hint,
                     disabled=disabled)
    elif spec.kind == "multiselect":
        st.multiselect(spec.label, spec.options, key=spec.key, format_func=spec.option_label, help=hint,
                       placeholder="none", disabled=disabled)
    elif spec.kind == "ranges":
        st.text_area(spec.label, key=spec.key, help=hint, disabled=disabled, height=90,
                     placeholder="messages_per_user_per_hour=6:16")
    elif spec.kind == "checkbox":
        st.checkbox(spec.label, key=spec.key, help=hint, disabled=disabled)
    else:
        st.text_input(spec.label, key=spec.key, help=hint, disabled=disabled)


def render_inputs(errors: dict[str, list[str]]) -> None:
    """All input groups; a group holding an error opens and the error sits under its widget."""
    state = st.session_state
    env_value = state.get(SPECS["environment"].key)
    external = state.get(SPECS["llm_model"].key) == EXTERNAL_MODEL
    for message in errors.get("", []):
        st.error(message)
    for group, specs in GROUPS:
        failing = any(s.name in errors for s in specs)
        with st.expander(group + (" — fix the highlighted input" if failing else ""),
                         expanded=group in OPEN_GROUPS or failing):
            for spec in specs:
                disabled = spec.name.startswith("external_") and not external and spec.name not in errors
                _widget(spec, default_hint(spec, env_value), disabled)
                for message in errors.get(spec.name, []):
                    st.error(f"**{spec.label}**: {message}", icon=":material/error:")
