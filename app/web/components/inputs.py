"""Estimate-page inputs: which widget edits which Scenario field, grouped; state <-> scenario; errors.

The page validates what is in `st.session_state` *before* drawing the widgets, so each error is
shown right under the widget whose value caused it. Widget values live under ``in_<field>`` keys
and are mirrored into a plain dict (``STORE_KEY``) so they survive a visit to another page.
"""
from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pricing.purchase import OPTION_LABELS
from sizing.eks_versions import creatable_versions
from sizing.instances import INSTANCE_SHAPES
from sizing.llm import BEDROCK_MODELS, EXTERNAL_MODEL, NO_MODEL
from sizing.profiles import COMPLIANCE_REGIMES, ENVIRONMENT_PROFILES
from sizing.ranges import ranges_text
from sizing.scenario import (
    REGIONS,
    BackupPolicy,
    Compliance,
    DrMode,
    Environment,
    InferenceProfile,
    NodeProvisioner,
    Scenario,
    ScenarioError,
    parse_scenario,
)

AUTO = "auto"
KEY_PREFIX = "in_"
STORE_KEY = "scenario_inputs"

PROVISIONER_LABELS: dict[str, str] = {
    NodeProvisioner.managed_nodegroup.value: "Managed node groups (cluster autoscaler)",
    NodeProvisioner.karpenter.value: "Karpenter (+ a small system node group for its controller)",
}
PURCHASE_LABELS: dict[str, str] = OPTION_LABELS
MODEL_LABELS: dict[str, str] = {**{m: f"{s.display_name} (Bedrock)" for m, s in BEDROCK_MODELS.items()},
                                EXTERNAL_MODEL: "External API (price per 1M tokens)", NO_MODEL: "No LLM cost"}


def field_bounds(name: str) -> tuple[int, int]:
    """(ge, le) of an integer Scenario field, read from its constraints (one place for each range)."""
    meta = Scenario.model_fields[name].metadata
    ge = next(m.ge for m in meta if getattr(m, "ge", None) is not None)
    le = next(m.le for m in meta if getattr(m, "le", None) is not None)
    return int(ge), int(le)


def _zone_options() -> tuple[Any, ...]:
    lo, hi = field_bounds("availability_zones")
    return (AUTO, *range(lo, hi + 1))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input widget for one Scenario field."""

    name: str
    label: str
    kind: str                    # int | float | text | numbers (comma list) | mix (model:share list) | ranges
                                 # | select | multiselect | checkbox
    options: tuple[Any, ...] = ()
    step: float | int | None = None
    fmt: str | None = None
    labels: dict[Any, str] = field(default_factory=dict)
    optional: bool = False       # None allowed (select: AUTO; number: empty box)

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.name

    def option_label(self, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(self.option_label(v) for v in value) or "none"
        if value == AUTO:
            return "auto (profile default)"
        if self.kind == "ranges":
            return value or "the default ranges (docs/sizing-model.md section 12)"
        return self.labels.get(value, str(value))


GROUPS: tuple[tuple[str, tuple[FieldSpec, ...]], ...] = (
    ("Load", (
        FieldSpec("concurrent_users", "Peak concurrent users", "int", step=50),
        FieldSpec("messages_per_user_per_hour", "Chat messages per user-hour", "float", step=1.0, fmt="%.2f"),
        FieldSpec("api_requests_per_user_per_minute", "API calls per user-minute", "float", step=0.5, fmt="%.2f"),
        FieldSpec("active_hours_per_day", "Active hours per day (from 08:00)", "int", step=1),
        FieldSpec("active_days_per_week", "Active days per week", "int", step=1),
        FieldSpec("active_load_pct_of_peak", "Load in active hours, % of peak", "float", step=5.0, fmt="%.1f"),
        FieldSpec("quiet_load_pct_of_peak", "Load in quiet hours and days, % of peak", "float", step=5.0,
                  fmt="%.1f"),
        FieldSpec("hourly_load_pct_of_peak", "Hourly curve of an active day, % of peak (24 values, 00:00 first; "
                  "empty = active/quiet hours)", "numbers", optional=True),
        FieldSpec("growth_pct_per_month", "User growth per month, %", "float", step=1.0, fmt="%.1f"),
    )),
    ("LLM usage", (
        FieldSpec("llm_model", "LLM model", "select", options=(*BEDROCK_MODELS, EXTERNAL_MODEL, NO_MODEL),
                  labels=MODEL_LABELS),
        FieldSpec("llm_models", "Routing mix, model:share % (empty = the model above alone)", "mix", optional=True),
        FieldSpec("system_prompt_tokens", "System prompt, tokens", "int", step=100),
        FieldSpec("user_message_tokens", "Tokens per user message", "int", step=25),
        FieldSpec("context_tokens_per_message", "Retrieved context per message, tokens", "int", step=500),
        FieldSpec("output_tokens_per_message", "Output tokens per answer", "int", step=50),
        FieldSpec("turns_per_conversation", "Turns per conversation", "int", step=1),
        FieldSpec("history_turns_kept", "History window, turns sent back", "int", step=1),
        FieldSpec("seconds_between_turns", "Seconds between turns", "float", step=15.0, fmt="%.0f"),
        FieldSpec("input_tokens_per_message", "Flat input tokens per message (empty = conversation model)", "int",
                  step=100, optional=True),
        FieldSpec("prompt_caching", "Prompt caching", "select", options=(AUTO, True, False),
                  labels={True: "on", False: "off"}, optional=True),
        FieldSpec("inference_profile", "Inference profile", "select",
                  options=(AUTO, *(p.value for p in InferenceProfile)), optional=True),
        FieldSpec("external_input_usd_per_1m_tokens", "External input USD / 1M tokens", "float", step=0.25,
                  fmt="%.4f", optional=True),
        FieldSpec("external_output_usd_per_1m_tokens", "External output USD / 1M tokens", "float", step=0.25,
                  fmt="%.4f", optional=True),
    )),
    ("Environment and region", (
        FieldSpec("environment", "Environment", "select", options=tuple(e.value for e in Environment)),
        FieldSpec("region", "AWS region", "select", options=REGIONS),
        FieldSpec("availability_zones", "Availability zones", "select", options=_zone_options(), optional=True),
        FieldSpec("node_instance_type", "Node instance type", "select", options=(AUTO, *INSTANCE_SHAPES),
                  optional=True),
        FieldSpec("kubernetes_version", "EKS Kubernetes version (auto = newest in standard support)", "select",
                  options=(AUTO, *creatable_versions()), optional=True),
        FieldSpec("elasticache_enabled", "Add an ElastiCache (Valkey) cache", "checkbox"),
        FieldSpec("chat_history_retention_days", "Chat history kept, days", "int", step=30),
        FieldSpec("backup_policy", "DynamoDB backups", "select", options=(AUTO, *(b.value for b in BackupPolicy)),
                  labels={"pitr-only": "PITR only (35 days)", "pitr+weekly": "PITR + 5 weekly copies",
                          "daily-30": "PITR + 30 daily copies"}, optional=True),
        FieldSpec("dr", "Disaster recovery", "select", options=tuple(m.value for m in DrMode),
                  labels={"none": "none (one Region)", "backup-copy": "backup copies in a second Region",
                          "warm-standby": "warm standby (global tables + a small cluster)"}),
        FieldSpec("dr_region", "DR Region (auto = the region's pair)", "select", options=(AUTO, *REGIONS),
                  optional=True),
        FieldSpec("backend_cpu_request_m", "Backend pod CPU request, millicores", "int", step=50),
        FieldSpec("backend_memory_request_mi", "Backend pod memory request, MiB", "int", step=64),
        FieldSpec("streams_per_backend_pod", "LLM streams per backend pod", "int", step=10),
        FieldSpec("backend_max_replicas", "Backend replica cap (HPA max; empty = 1.5 x peak need)", "int", step=10,
                  optional=True),
    )),
    ("Compliance", (
        FieldSpec("compliance", "Compliance regimes", "multiselect", options=tuple(c.value for c in Compliance),
                  labels={c.value: r.label for c, r in COMPLIANCE_REGIMES.items()}),
        FieldSpec("waf_enabled", "AWS WAF", "select", options=(AUTO, True, False),
                  labels={True: "on", False: "off"}, optional=True),
    )),
    ("Purchase options", (
        FieldSpec("purchase_option", "Compute purchase option", "select", options=tuple(PURCHASE_LABELS),
                  labels=PURCHASE_LABELS),
        FieldSpec("node_provisioner", "Node provisioner", "select", options=tuple(p.value for p in NodeProvisioner),
                  labels=PROVISIONER_LABELS),
        FieldSpec("spot_share_pct", "Nodes on spot, % (empty = profile default)", "float", step=10.0, fmt="%.1f",
                  optional=True),
    )),
    ("Ranges", (
        FieldSpec("ranges", "Ranges of uncertain inputs: field=low:high, one per line or separated by ; "
                  "(empty = the default ranges)", "ranges", optional=True),
    )),
    ("Scenario", (
        FieldSpec("name", "Scenario name", "text"),
        FieldSpec("client", "Client", "text"),
    )),
)
# tests/web/test_app_units.py checks that every Scenario field has exactly one widget here.
SPECS: dict[str, FieldSpec] = {s.name: s for _, specs in GROUPS for s in specs}


def canonical_json(s: Scenario) -> str:
    """The scenario as compact JSON in field order: the cache key of everything derived from it."""
    return json.dumps(s.to_yaml_dict(), ensure_ascii=False, separators=(",", ":"))


def to_widget(spec: FieldSpec, value: Any) -> Any:
    """Scenario value -> widget value."""
    if spec.kind == "multiselect":
        return sorted(v.value if hasattr(v, "value") else str(v) for v in value)
    if hasattr(value, "value"):                 # enums
        return value.value
    if value is None and spec.kind == "select":
        return AUTO
    if spec.kind == "numbers":
        return ", ".join(f"{v:g}" if v == int(v) else repr(v) for v in value or ())   # exact round trip
    if spec.kind == "mix":
        return ", ".join(f"{m.model}:{m.share_pct:g}" for m in value or ())
    if spec.kind == "ranges":
        return ranges_text(value or ()).replace("; ", "\n")
    return value


def to_raw(spec: FieldSpec, value: Any) -> Any:
    """Widget value -> raw input for parse_scenario (AUTO and empty optional boxes are None)."""
    if spec.kind == "select" and value == AUTO:
        return None
    if spec.kind == "multiselect":
        return list(value or [])
    if spec.kind in ("numbers", "mix", "ranges"):
        return value.strip() or None if isinstance(value, str) else value
    return value


def widget_values(s: Scenario) -> dict[str, Any]:
    """Widget key -> value for a scenario."""
    return {spec.key: to_widget(spec, getattr(s, name)) for name, spec in SPECS.items()}


def load_into_state(state: MutableMapping[str, Any], s: Scenario) -> None:
    """Put a scenario into the widgets (call before they are drawn, e.g. from a callback)."""
    values = widget_values(s)
    state[STORE_KEY] = dict(values)
    for key, value in values.items():
        state[key] = value


def ensure_state(state: MutableMapping[str, Any], initial: Callable[[], Scenario]) -> None:
    """Seed widget keys: from the mirror (after another page) or, on a session's first run, `initial()`."""
    if STORE_KEY not in state:
        load_into_state(state, initial())
        return
    store = state[STORE_KEY]
    for key, value in store.items():
        if key not in state:
            state[key] = value


def raw_input(state: MutableMapping[str, Any]) -> dict[str, Any]:
    """The raw scenario input the widgets currently hold."""
    return {name: to_raw(spec, state.get(spec.key)) for name, spec in SPECS.items()}


def validate(state: MutableMapping[str, Any]) -> tuple[Scenario | None, dict[str, list[str]]]:
    """Scenario from the widgets, or None and error messages by field name ('' for whole-scenario errors)."""
    try:
        return parse_scenario(raw_input(state)), {}
    except ScenarioError as exc:
        errors: dict[str, list[str]] = {}
        for fld, msg in exc.errors:
            name = fld.split(".")[0]
            errors.setdefault(name if name in SPECS else "", []).append(msg)
        return None, errors


def remember(state: MutableMapping[str, Any]) -> None:
    """Mirror the widget values so they survive pages where the widgets are not drawn."""
    state[STORE_KEY] = {spec.key: state.get(spec.key) for spec in SPECS.values()}


def default_hint(spec: FieldSpec, env_value: str | None) -> str:
    """'Default: ...' text shown as the assumption behind a field."""
    info = Scenario.model_fields[spec.name]
    default = info.default
    env = Environment(env_value) if env_value in {e.value for e in Environment} else Environment.prod
    prof = ENVIRONMENT_PROFILES[env]
    if spec.name == "availability_zones":
        shown = f"{env.value} profile: {prof.availability_zones}"
    elif spec.name == "spot_share_pct":
        shown = f"{env.value} profile: {prof.spot_share_pct:g}%"
    elif spec.name == "waf_enabled":
        shown = f"{env.value} profile: {'on' if prof.waf_default else 'off'} (PCI forces it on)"
    elif spec.name == "node_instance_type":
        shown = "the tier's plan instance type"
    elif isinstance(default, frozenset):
        shown = "none"
    else:
        shown = spec.option_label(to_widget(spec, default)) if default is not None else "none"
    return f"Default: {shown}. {info.description or ''}".strip()


def assumptions(s: Scenario) -> list[dict[str, str]]:
    """Fields left at their default: the assumptions behind this estimate, with their sources."""
    rows = []
    for name, info in Scenario.model_fields.items():
        if name in ("name", "client"):
            continue
        value = getattr(s, name)
        if value == info.default:
            spec = SPECS[name]
            shown = "none" if spec.kind in ("numbers", "mix") else "profile default"
            rows.append({"input": spec.label, "assumed": spec.option_label(to_widget(spec, value))
                         if value is not None else shown,
                         "why": info.description or ""})
    return rows
