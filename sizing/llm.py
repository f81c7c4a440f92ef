"""LLM model facts used for sizing (speed), kept apart from their prices (pricing/ catalog)."""
from __future__ import annotations

from dataclasses import dataclass

EXTERNAL_MODEL = "external"
NO_MODEL = "none"


@dataclass(frozen=True, slots=True)
class ModelSpeed:
    """Median output speed and time to first token of a model endpoint."""

    display_name: str
    output_tokens_per_s: float
    time_to_first_token_s: float
    source: str


# Planning default where no median is published: docs/sizing-facts.md § LLM streaming concurrency worked examples use 60 tok/s, TTFT 1 s.
PLANNING_SPEED = ModelSpeed("planning default", 60.0, 1.0, "docs/sizing-facts.md § LLM streaming concurrency (planning range 50-200 tok/s, TTFT 0.5-3 s)")

BEDROCK_MODELS: dict[str, ModelSpeed] = {
    "anthropic.claude-sonnet-4-5": ModelSpeed("Claude Sonnet 4.5", 63.0, 1.8, "docs/sizing-facts.md § LLM streaming concurrency [S51]"),
    "anthropic.claude-haiku-4-5": ModelSpeed("Claude Haiku 4.5", 60.0, 1.0, PLANNING_SPEED.source),
    "anthropic.claude-3-5-sonnet": ModelSpeed("Claude 3.5 Sonnet", 60.0, 1.0, PLANNING_SPEED.source),
    "anthropic.claude-3-5-haiku": ModelSpeed("Claude 3.5 Haiku", 60.0, 1.0, PLANNING_SPEED.source),
    "anthropic.claude-3-haiku": ModelSpeed("Claude 3 Haiku", 60.0, 1.0, PLANNING_SPEED.source),
    "amazon.nova-pro": ModelSpeed("Amazon Nova Pro", 60.0, 1.0, PLANNING_SPEED.source),
    "amazon.nova-lite": ModelSpeed("Amazon Nova Lite", 60.0, 1.0, PLANNING_SPEED.source),
    "amazon.nova-micro": ModelSpeed("Amazon Nova Micro", 60.0, 1.0, PLANNING_SPEED.source),
    "meta.llama3-70b-instruct": ModelSpeed("Meta Llama 3 70B Instruct", 60.0, 1.0, PLANNING_SPEED.source),
}


def model_speed(model: str) -> ModelSpeed:
    """Speed facts for a model id; external models and 'none' use the planning default."""
    return BEDROCK_MODELS.get(model, PLANNING_SPEED)

#: Prompt caching on Bedrock: the minimum cacheable prefix of each model that caches (tokens).
#: docs/sizing-facts.md § Bedrock prices and network path (AWS Bedrock user guide "Prompt caching").
CACHE_MIN_PREFIX_TOKENS: dict[str, int] = {
    "anthropic.claude-sonnet-4-5": 1024,
    "anthropic.claude-haiku-4-5": 4096,
}
CACHE_TTL_S = 300       # a cache entry lives 5 minutes after its last use (same section)

#: Models with a global cross-Region inference profile, priced below their geographic and in-Region
#: profiles (same section: "approximately 10% savings" for Claude Sonnet 4.5; Claude 4.5+ [S60]).
GLOBAL_PROFILE_MODELS: frozenset[str] = frozenset({"anthropic.claude-sonnet-4-5", "anthropic.claude-haiku-4-5"})

#: The Bedrock model ID each catalog model is invoked with in its Region (the Bedrock user guide's "Supported
#: foundation models" / model cards, e.g. Claude Haiku 4.5: anthropic.claude-haiku-4-5-20251001-v1:0).
BEDROCK_MODEL_IDS: dict[str, str] = {
    "anthropic.claude-sonnet-4-5": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "anthropic.claude-3-5-sonnet": "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-haiku": "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-haiku": "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.nova-pro": "amazon.nova-pro-v1:0",
    "amazon.nova-lite": "amazon.nova-lite-v1:0",
    "amazon.nova-micro": "amazon.nova-micro-v1:0",
    "meta.llama3-70b-instruct": "meta.llama3-70b-instruct-v1:0",
}
#: Models with geographic cross-Region inference profiles (us., eu., apac.): the Bedrock user guide's
#: "Supported cross-Region inference profiles". Llama 3 70B Instruct has none here.
GEO_PROFILE_MODELS: frozenset[str] = frozenset(BEDROCK_MODEL_IDS) - {"meta.llama3-70b-instruct"}
_GEO_PREFIX = {"us": "us.", "ca": "us.", "eu": "eu.", "ap": "apac."}   # source Region -> geography profile prefix


def invocation_id(model: str, profile: str, region: str) -> str:
    """The ID the app calls Bedrock with: the model ID in-Region, or the global/geographic inference profile ID."""
    base = BEDROCK_MODEL_IDS[model]
    if profile == "global":
        return f"global.{base}"
    if profile == "geo":
        return _GEO_PREFIX[region.split("-", 1)[0]] + base
    return base
