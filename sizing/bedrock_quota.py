"""Bedrock throughput at peak per model, and the account quota it needs (dated, sourced table).

Peak requests per minute of a model = peak messages per second x 60 x its share of the routing mix. Peak tokens
per minute = requests per minute x (regular input + cache-write input + output x the model's output burndown)
per message: the bedrock-runtime token quotas count input and output together (quotas-runtime, [S155]) and cache reads do not count
(docs/sizing-facts.md § Bedrock prices and network path). docs/sizing-facts.md § Bedrock quotas holds the table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sizing import assumptions as A
from sizing.conversation import Conversation, caching_on, inference_profile, model_mix, token_split
from sizing.llm import BEDROCK_MODELS, CACHE_MIN_PREFIX_TOKENS
from sizing.scenario import InferenceProfile, Scenario

QUOTAS_ACCESSED = "2026-11-29"
#: Service Quotas names of the bedrock-runtime per-model token quotas (Bedrock user guide "Quotas for the
#: bedrock-runtime endpoint" [S155]); the cross-Region one applies to geographic and global profiles.
ON_DEMAND_TPM = "On-demand InvokeModel tokens per minute for {model}"
CROSS_REGION_TPM = "Cross-Region InvokeModel tokens per minute for {model}"
#: Default value of each quota (tokens per minute). None = UNSOURCED: the General Reference table of defaults
#: (docs.aws.amazon.com/general/latest/gr/bedrock.html) could not be read here, and defaults vary by account [S155].
DEFAULT_TPM: dict[tuple[str, str], int | None] = {
    (m, q): None for m in BEDROCK_MODELS for q in (ON_DEMAND_TPM, CROSS_REGION_TPM)}
#: Output tokens count this many times toward the quota. A 5x rate is reported for Claude Sonnet 4 and Opus 4 [S156]
#: (secondary), none of them in the catalog; for the catalog's models no source was read, so none is applied.
OUTPUT_BURNDOWN: dict[str, int] = {}
#: The quota to ask for: peak x the plan's burst allowance above the forecast peak (the same one HPA max uses).
QUOTA_HEADROOM = A.HPA_MAX_HEADROOM


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelPeak:
    """One Bedrock model's peak throughput and the quota it draws on."""

    model: str
    share: float
    profile: InferenceProfile
    requests_per_minute: float
    tokens_per_minute: float
    quota_kind: str     # ON_DEMAND_TPM or CROSS_REGION_TPM (the key of DEFAULT_TPM)
    quota_name: str     # its Service Quotas name for this model


def _service_quota_model(model: str) -> str:
    name = BEDROCK_MODELS[model].display_name
    return f"Anthropic {name}" if model.startswith("anthropic.") else name


def model_peaks(s: Scenario, messages_per_s_peak: float, conv: Conversation) -> tuple[ModelPeak, ...]:
    """Peak requests and tokens per minute of every Bedrock model of the scenario (empty for external/none)."""
    if s.llm_model not in BEDROCK_MODELS:
        return ()
    out = []
    for model, share in model_mix(s):
        split = token_split(conv, CACHE_MIN_PREFIX_TOKENS[model] if caching_on(s, model) else None)
        rpm = messages_per_s_peak * 60 * share
        per_msg = split.regular + split.cache_write + s.output_tokens_per_message * OUTPUT_BURNDOWN.get(model, 1)
        profile, _ = inference_profile(s, model)
        quota = ON_DEMAND_TPM if profile is InferenceProfile.in_region else CROSS_REGION_TPM
        out.append(ModelPeak(model=model, share=share, profile=profile, requests_per_minute=rpm,
                             tokens_per_minute=rpm * per_msg, quota_kind=quota,
                             quota_name=quota.format(model=_service_quota_model(model))))
    return tuple(out)


def quota_to_ask(tokens_per_minute: float) -> int:
    """Peak x QUOTA_HEADROOM, rounded up to two significant figures (e.g. 123,456 -> 130,000)."""
    need = tokens_per_minute * QUOTA_HEADROOM
    if need <= 0:
        return 0
    step = 10 ** max(int(math.floor(math.log10(need))) - 1, 0)
    return int(math.ceil(need / step - 1e-9) * step)


def quota_warnings(peaks: tuple[ModelPeak, ...],
                   defaults: dict[tuple[str, str], int | None] = DEFAULT_TPM) -> tuple[str, ...]:
    """A warning per model whose peak exceeds its default quota, or whose default is not known here."""
    out = []
    for p in peaks:
        name = p.quota_name
        default = defaults.get((p.model, p.quota_kind))
        ask = quota_to_ask(p.tokens_per_minute)
        peak = f"peak {p.tokens_per_minute:,.0f} tokens per minute"
        if default is None:
            out.append(f"Bedrock quota '{name}': {peak}; its default is UNSOURCED here, so check the account's quota "
                       f"(Service Quotas) and ask for {ask:,} (peak x {QUOTA_HEADROOM:g}, rounded up) if it is lower")
        elif p.tokens_per_minute > default:
            out.append(f"Bedrock quota '{name}': {peak} exceeds the default {default:,}; ask for {ask:,} "
                       f"(peak x {QUOTA_HEADROOM:g}, rounded up) in Service Quotas before launch")
    return tuple(out)
