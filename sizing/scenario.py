"""The Scenario: every input of a sizing, validated once, shared by the UI, CLI, files and DB.

Field names carry their units; ranges are explicit; defaults come from
`docs/sizing-model.md` (which cites docs/sizing-facts.md) and are shown to the
user as assumptions.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sizing import ranges as R
from sizing.bedrock_regions import check_offered
from sizing.dr_regions import check_dr_region
from sizing.eks_versions import check_version
from sizing.instances import INSTANCE_SHAPES
from sizing.llm import (
    BEDROCK_MODELS,
    CACHE_MIN_PREFIX_TOKENS,
    EXTERNAL_MODEL,
    GEO_PROFILE_MODELS,
    GLOBAL_PROFILE_MODELS,
    NO_MODEL,
)
from sizing.load_profile import HOURS_PER_DAY, OLD_LOAD_FIELD, flat_profile
from sizing.scenario_enums import (  # noqa: F401  (re-exported: the enums are part of the scenario's API)
    BackupPolicy,
    Compliance,
    DrMode,
    Environment,
    InferenceProfile,
    NodeProvisioner,
    PurchaseOption,
)
from sizing.scenario_values import is_numeric as _is_numeric
from sizing.scenario_values import mix_entries as _mix_entries
from sizing.scenario_values import not_bool as _not_bool

REGIONS: tuple[str, ...] = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1")
EU_REGIONS: frozenset[str] = frozenset({"eu-west-1", "eu-central-1"})
LOAD_PROFILE_FIELDS: tuple[str, ...] = ("active_hours_per_day", "active_days_per_week", "active_load_pct_of_peak",
                                        "quiet_load_pct_of_peak", "hourly_load_pct_of_peak")
OLD_FIELDS: frozenset[str] = frozenset({OLD_LOAD_FIELD})   # still read from files, flags and links; converted


class ModelShare(BaseModel):
    """One model of a routing mix and the share of messages it answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    share_pct: float = Field(gt=0, le=100)

    @field_validator("share_pct", mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        return _not_bool(v)


class ScenarioError(ValueError):
    """Invalid scenario input; the message names each field and its allowed range."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors))


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class Scenario(BaseModel):
    """One sizing question: who uses the chat app, how hard, where, under which rules."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False,
                              str_strip_whitespace=True, validate_default=True, allow_inf_nan=False)

    name: str = Field("Untitled scenario", min_length=1, max_length=200, description="Scenario name")
    client: str = Field("", max_length=200, description="Client name")
    environment: Environment = Field(Environment.prod, description="dev | staging | prod")
    region: str = Field("us-east-1", description="AWS region")
    concurrent_users: int = Field(250, ge=1, le=1_000_000, description="Peak concurrent users")
    api_requests_per_user_per_minute: float = Field(
        2.0, ge=0, le=600, description="Non-streaming API calls per concurrent user per minute")
    messages_per_user_per_hour: float = Field(
        10.0, ge=0, le=3600, description="Chat messages per concurrent user-hour (docs/sizing-facts.md § Chat traffic per user: 5-20 for open sessions)")
    # -- load profile (sizing/load_profile.py; docs/sizing-facts.md § Load profile) --
    active_hours_per_day: int = Field(
        10, ge=1, le=24, description="Busy hours per active day, from 08:00 (UNSOURCED: a working day plus commute)")
    active_days_per_week: int = Field(
        5, ge=1, le=7, description="Active days per week (UNSOURCED: a working week)")
    active_load_pct_of_peak: float = Field(
        90.0, ge=1, le=100, description="Load in active hours, % of peak (UNSOURCED: busy hours sit near the peak hour)")
    quiet_load_pct_of_peak: float = Field(
        30.0, ge=0, le=100, description="Load outside active hours and on quiet days, % of peak "
                                        "(UNSOURCED: other time zones, evenings)")
    hourly_load_pct_of_peak: tuple[float, ...] | None = Field(
        None, description="Optional 24 values 0..100, % of peak per hour of an active day (00:00 first); "
                          "replaces active hours and active load; comma-separated on the command line")
    _old_average_load_pct: float | None = PrivateAttr(None)   # set when an old scenario was converted

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        return _not_bool(v) if field is not None and _is_numeric(field.annotation) else v

    @field_validator("hourly_load_pct_of_peak", mode="before")
    @classmethod
    def _split_hourly(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.replace(",", " ").split() or None
        if isinstance(v, (list, tuple)):
            for p in v:
                try:
                    float(p)
                except (TypeError, ValueError):
                    raise ValueError(f"{p!r} is not a number (allowed: {HOURS_PER_DAY} values 0..100)") from None
        return v

    @field_validator("hourly_load_pct_of_peak")
    @classmethod
    def _hourly_shape(cls, v: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if v is not None and len(v) != HOURS_PER_DAY:
            raise ValueError(f"needs exactly {HOURS_PER_DAY} values (hour 0..23), got {len(v)} "
                             f"(allowed: {HOURS_PER_DAY} values 0..100)")
        if v is not None and any(not 0 <= p <= 100 for p in v):
            bad = next(p for p in v if not 0 <= p <= 100)
            raise ValueError(f"value {bad:g} out of range (allowed: {HOURS_PER_DAY} values 0..100)")
        return v

    @model_validator(mode="wrap")
    @classmethod
    def _old_load_field(cls, data: Any, handler: Any) -> "Scenario":
        """An old `average_load_pct_of_peak` becomes a flat profile (same numbers); the estimate says so."""
        if not isinstance(data, dict) or OLD_LOAD_FIELD not in data:
            return handler(data)
        data = dict(data)
        old = data.pop(OLD_LOAD_FIELD)
        if old is None:
            return handler(data)
        mixed = [f for f in LOAD_PROFILE_FIELDS if data.get(f) is not None]
        if mixed:
            raise ValueError(f"{mixed[0]} cannot be combined with the old field {OLD_LOAD_FIELD}; "
                             f"allowed: the load profile fields alone")
        try:
            pct = float(old)
        except (TypeError, ValueError):
            pct = float("nan")
        if isinstance(old, bool) or not 1 <= pct <= 100:
            raise ValueError(f"{OLD_LOAD_FIELD} (old field) must be a number 1..100, got {old!r}")
        data.update(flat_profile(pct))
        scenario = handler(data)
        scenario._old_average_load_pct = pct
        return scenario

    def __eq__(self, other: object) -> bool:
        """Equal inputs are equal scenarios; the conversion note (a private attribute) does not count."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    system_prompt_tokens: int = Field(
        500, ge=0, le=200_000, description="LLM system prompt, tokens (docs/sizing-facts.md § Chat traffic per user)")
    user_message_tokens: int = Field(
        100, ge=1, le=100_000, description="Tokens per user message (docs/sizing-facts.md § Chat traffic per user: 50-150)")
    context_tokens_per_message: int = Field(
        0, ge=0, le=1_000_000, description="Retrieved-document tokens sent with each message (RAG); 0 without")
    output_tokens_per_message: int = Field(
        400, ge=1, le=200_000, description="LLM output tokens per answer (docs/sizing-facts.md § Chat traffic per user: 250-750)")
    turns_per_conversation: int = Field(
        4, ge=1, le=200, description="User messages per conversation (docs/sizing-facts.md § Chat traffic per user [S54])")
    history_turns_kept: int = Field(
        20, ge=0, le=200, description="Earlier turns the app sends back with each message (the history window)")
    seconds_between_turns: float = Field(
        60.0, ge=1, le=86_400, description="Seconds between a user's turns (UNSOURCED: reading the answer, typing)")
    input_tokens_per_message: int | None = Field(
        None, ge=1, le=2_000_000, description="Flat LLM input tokens per message; overrides the conversation model")
    prompt_caching: bool | None = Field(
        None, description="Bedrock prompt caching on|off (default: on for models that support it)")
    inference_profile: InferenceProfile | None = Field(
        None, description="Bedrock inference: global | geo | in-region (default: global; geo with GDPR or HIPAA)")
    llm_model: str = Field("anthropic.claude-haiku-4-5", description="Bedrock model id, 'external' or 'none'")
    llm_models: tuple[ModelShare, ...] | None = Field(
        None, description="Routing mix of Bedrock models, model:share_pct comma-separated (shares add up to 100); "
                          "llm_model becomes the largest share")
    external_input_usd_per_1m_tokens: float | None = Field(
        None, ge=0, le=10_000, description="External model input price per 1M tokens")
    external_output_usd_per_1m_tokens: float | None = Field(
        None, ge=0, le=10_000, description="External model output price per 1M tokens")
    compliance: frozenset[Compliance] = Field(frozenset(), description="Subset of hipaa, soc2, gdpr, pci")
    availability_zones: int | None = Field(None, ge=2, le=3, description="AZs (default: env profile; EKS needs 2+)")
    spot_share_pct: float | None = Field(None, ge=0, le=100, description="Share of nodes on spot (default: env profile)")
    purchase_option: PurchaseOption = Field(PurchaseOption.on_demand, description="Compute purchase option")
    node_provisioner: NodeProvisioner = Field(
        NodeProvisioner.managed_nodegroup, description="Who launches worker nodes: managed-nodegroup or karpenter")
    growth_pct_per_month: float = Field(5.0, ge=-50, le=100, description="User growth per month, %")
    chat_history_retention_days: int = Field(365, ge=1, le=3650, description="Chat history kept in DynamoDB, days")
    backup_policy: BackupPolicy | None = Field(None, description="DynamoDB backups (default: environment, compliance)")
    dr: DrMode = Field(DrMode.none, description="Disaster recovery: none | backup-copy | warm-standby")
    dr_region: str | None = Field(None, description="DR Region (default: the region's pair, e.g. us-east-1 -> "
                                  "us-west-2, eu-west-1 -> eu-central-1)")
    node_instance_type: str | None = Field(None, description="Node type override (default: the tier's plan type)")
    kubernetes_version: str | None = Field(None, description="EKS Kubernetes version pin, e.g. 1.33 (default: the "
                                           "newest in standard support that the pinned aws-cdk-lib creates)")
    waf_enabled: bool | None = Field(None, description="WAF on the ALB (default: on in prod, forced by PCI)")
    elasticache_enabled: bool = Field(False, description="Add an ElastiCache (Valkey) cache")
    backend_cpu_request_m: int = Field(250, ge=50, le=16_000, description="Backend pod CPU request, millicores")
    backend_memory_request_mi: int = Field(256, ge=64, le=65_536, description="Backend pod memory request, MiB")
    streams_per_backend_pod: int = Field(
        100, ge=1, le=10_000, description="In-flight LLM streams one backend pod holds (UNSOURCED, async I/O)")
    backend_max_replicas: int | None = Field(
        None, ge=1, le=10_000, description="Cap on backend replicas (HPA maxReplicas; default: 1.5 x the peak need)")

    ranges: tuple[tuple[str, float, float], ...] = Field(
        (), description="Ranges of uncertain inputs, field=low:high (sizing/ranges.py; default ranges apply to the rest)")

    @model_validator(mode="before")
    @classmethod
    def _collect_ranges(cls, data: Any) -> Any:
        """Per-field ranges ({low, expected, high} or "6:10:16") -> the expected value + `ranges`."""
        return R.collect(data)

    @model_validator(mode="after")
    def _check_ranges(self) -> "Scenario":
        R.check(type(self), self.__dict__, self.ranges)
        return self

    @field_validator("region")
    @classmethod
    def _known_region(cls, v: str) -> str:
        if v not in REGIONS:
            raise ValueError(f"unknown region {v!r}; allowed: {', '.join(REGIONS)}")
        return v

    @field_validator("name", "client")
    @classmethod
    def _printable(cls, v: str) -> str:
        """Names reach terminals, pages, reports and file names: a control character (escape sequence, newline,
        NUL, bidirectional override) would change what they show."""
        bad = next((ch for ch in v if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS), None)
        if bad is not None:
            raise ValueError(f"must not contain control characters (found U+{ord(bad):04X} at position "
                             f"{v.index(bad) + 1})")
        return v

    @field_validator("llm_model")
    @classmethod
    def _known_model(cls, v: str) -> str:
        if v not in BEDROCK_MODELS and v not in (EXTERNAL_MODEL, NO_MODEL):
            raise ValueError(f"unknown model {v!r}; allowed: {', '.join([*BEDROCK_MODELS, EXTERNAL_MODEL, NO_MODEL])}")
        return v

    @field_validator("kubernetes_version")
    @classmethod
    def _eks_version(cls, v: str | None) -> str | None:
        return None if v is None else check_version(v)

    @field_validator("node_instance_type")
    @classmethod
    def _known_instance(cls, v: str | None) -> str | None:
        if v is not None and v not in INSTANCE_SHAPES:
            raise ValueError(f"unknown instance type {v!r}; allowed: {', '.join(INSTANCE_SHAPES)}")
        return v

    @field_validator("compliance", mode="before")
    @classmethod
    def _split_compliance(cls, v: Any) -> Any:
        if isinstance(v, str):
            return frozenset(p.strip().lower() for p in v.split(",") if p.strip())
        return v

    @field_validator("llm_models", mode="before")
    @classmethod
    def _parse_mix(cls, v: Any) -> Any:
        return _mix_entries(v)

    @model_validator(mode="before")
    @classmethod
    def _primary_model(cls, data: Any) -> Any:
        """With a routing mix and no llm_model, llm_model is the mix's largest share."""
        if isinstance(data, dict) and data.get("llm_models") and not data.get("llm_model"):
            try:
                entries = _mix_entries(data["llm_models"])
                primary = max(entries, key=lambda e: float(e["share_pct"]))["model"]
            except (ValueError, TypeError, KeyError):
                return data                   # the field validator reports it, naming llm_models
            if primary in BEDROCK_MODELS:     # an unknown model is reported by _routing_mix, naming llm_models
                data = {**data, "llm_model": primary}
        return data

    @model_validator(mode="after")
    def _routing_mix(self) -> "Scenario":
        if not self.llm_models:
            return self
        names = [m.model for m in self.llm_models]
        unknown = [m for m in names if m not in BEDROCK_MODELS]
        if unknown:
            raise ValueError(f"llm_models entry {unknown[0]!r} is not a Bedrock model (allowed: {', '.join(BEDROCK_MODELS)})")
        if len(set(names)) != len(names):
            raise ValueError("llm_models lists a model twice (allowed: each model once)")
        total = sum(m.share_pct for m in self.llm_models)
        if abs(total - 100) > 0.01:
            raise ValueError(f"llm_models shares add up to {total:g}, not 100 (allowed: shares adding up to 100)")
        if self.llm_model not in names:
            raise ValueError(f"llm_models does not include llm_model {self.llm_model!r} (allowed: llm_model one of "
                             f"the mix, or left out)")
        return self

    @model_validator(mode="after")
    def _model_options(self) -> "Scenario":
        models = [m.model for m in self.llm_models] if self.llm_models else [self.llm_model]
        no_global = [m for m in models if m not in GLOBAL_PROFILE_MODELS]
        if self.inference_profile is InferenceProfile.global_ and no_global:
            raise ValueError(f"inference_profile 'global' is not offered for llm_model {no_global[0]!r}; "
                             f"use geo or in-region (global: {', '.join(sorted(GLOBAL_PROFILE_MODELS))})")
        no_geo = [m for m in models if m not in GEO_PROFILE_MODELS]
        if self.inference_profile is InferenceProfile.geo and no_geo:
            raise ValueError(f"inference_profile 'geo' is not offered for llm_model {no_geo[0]!r}; use in-region")
        if self.inference_profile is not None and self.llm_model not in BEDROCK_MODELS:
            raise ValueError(f"inference_profile applies to Bedrock models only, not to llm_model {self.llm_model!r}")
        for m in (m for m in models if m in BEDROCK_MODELS):   # docs/sizing-facts.md § Bedrock model availability by Region
            check_offered(m, self.region, self.inference_profile, "llm_models" if self.llm_models else "llm_model")
        if self.prompt_caching and not any(m in CACHE_MIN_PREFIX_TOKENS for m in models):
            raise ValueError(f"prompt_caching is not modelled for llm_model {self.llm_model!r}; "
                             f"models that cache: {', '.join(sorted(CACHE_MIN_PREFIX_TOKENS))}")
        return self

    @model_validator(mode="after")
    def _dr_region(self) -> "Scenario":
        check_dr_region(self.region, self.dr_region, REGIONS, EU_REGIONS, Compliance.gdpr in self.compliance)
        return self

    @model_validator(mode="after")
    def _external_prices(self) -> "Scenario":
        if self.llm_model == EXTERNAL_MODEL and (
                self.external_input_usd_per_1m_tokens is None or self.external_output_usd_per_1m_tokens is None):
            raise ValueError("llm_model 'external' needs external_input_usd_per_1m_tokens and "
                             "external_output_usd_per_1m_tokens (each 0..10000 USD per 1M tokens)")
        return self

    def to_yaml_dict(self) -> dict[str, Any]:
        """Plain data for YAML/JSON: enums as values, compliance as a sorted list."""
        data = self.model_dump(mode="json")
        data["compliance"] = sorted(c.value for c in self.compliance)
        data.pop("ranges")
        if self.ranges:    # only when given: scenarios without ranges dump as before
            data["ranges"] = R.ranges_doc(self.ranges)
        return data


def parse_scenario(data: dict[str, Any]) -> Scenario:
    """Validate raw input; raise ScenarioError naming each bad field and its allowed range."""
    if not isinstance(data, dict):
        raise ScenarioError([("scenario", f"expected a mapping of fields, got {type(data).__name__}")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_describe(err) for err in exc.errors()]) from None


def _describe(err: dict[str, Any]) -> tuple[str, str]:
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    field = ".".join(loc) or "scenario"
    msg0 = err.get("msg", "").removeprefix("Value error, ")
    if field == "scenario" and msg0.split(" ")[0] in (*Scenario.model_fields, *OLD_FIELDS):
        field = msg0.split(" ")[0]
    name = field.split(".")[0]
    info = Scenario.model_fields.get(name)
    allowed = _allowed_range(name) if info else ""
    msg = err.get("msg", "invalid value")
    if err.get("type") == "extra_forbidden":
        msg = f"unknown field; known fields: {', '.join(Scenario.model_fields)}"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if allowed and "allowed" not in msg:
        msg = f"{msg} (allowed: {allowed})"
    return field, msg


def _allowed_range(name: str) -> str:
    """Human text of the allowed values for a field, from its constraints."""
    info = Scenario.model_fields[name]
    c: dict[str, Any] = {}
    for m in info.metadata:
        for attr in ("ge", "le", "min_length", "max_length"):
            if getattr(m, attr, None) is not None:
                c[attr] = getattr(m, attr)
    if "max_length" in c:
        return f"text of {c.get('min_length', 0)}..{c['max_length']} characters"
    if "ge" in c or "le" in c:
        return f"{c.get('ge', '')}..{c.get('le', '')}"
    enums = {"environment": Environment, "compliance": Compliance, "purchase_option": PurchaseOption,
             "backup_policy": BackupPolicy, "node_provisioner": NodeProvisioner, "dr": DrMode}
    if name in enums:
        return ", ".join(e.value for e in enums[name])
    if name in ("region", "dr_region"):
        return ", ".join(REGIONS)
    return ""
