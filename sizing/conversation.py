"""The conversation model: input tokens per turn from the system prompt, the kept history and the new message.

Turn k of a conversation sends: system prompt + the kept history (user and assistant tokens of the
previous min(k - 1, window) turns) + retrieved context + the new user message (docs/sizing-model.md
section 1b). The cacheable prefix is the system prompt plus the kept history; the part of it equal
to the previous turn's prefix is what a prompt cache can serve. A flat `input_tokens_per_message`
given in the scenario overrides the model (old scenarios) and is reported as such.
"""
from __future__ import annotations

from dataclasses import dataclass

from sizing.bedrock_regions import AVAILABILITY, UNSOURCED, cell, default_profile
from sizing.llm import CACHE_MIN_PREFIX_TOKENS, CACHE_TTL_S, GEO_PROFILE_MODELS, GLOBAL_PROFILE_MODELS
from sizing.scenario import Compliance, InferenceProfile, Scenario

CONVERSATION, FLAT = "conversation", "flat override"


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """The input of one turn, split by what a prompt cache can do with it."""

    prefix_tokens: int          # system prompt + kept history: the cacheable prefix
    reused_prefix_tokens: int   # leading part of the prefix equal to the previous turn's prefix
    fresh_tokens: int           # retrieved context + the new user message: never cached

    @property
    def input_tokens(self) -> int:
        return self.prefix_tokens + self.fresh_tokens


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    """How a conversation's turns use input tokens; the mean over its turns is the per-message figure."""

    model: str                  # "conversation" or "flat override"
    turns: tuple[Turn, ...]
    system_prompt_tokens: int   # the prefix every conversation shares
    seconds_between_turns: float

    @property
    def input_tokens_per_message(self) -> float:
        return sum(t.input_tokens for t in self.turns) / len(self.turns)


def _history(s: Scenario, turn: int) -> int:
    """Tokens of the previous turns the app sends back at `turn` (1-based)."""
    kept = min(turn - 1, s.history_turns_kept)
    return kept * (s.user_message_tokens + s.output_tokens_per_message)


def conversation(s: Scenario) -> Conversation:
    """The turns of one conversation of the scenario."""
    if s.input_tokens_per_message is not None:   # flat: only the system prompt is known to repeat
        prefix = min(s.system_prompt_tokens, s.input_tokens_per_message)
        fresh = s.input_tokens_per_message - prefix
        flat = tuple(Turn(prefix_tokens=prefix, reused_prefix_tokens=0 if k == 1 else prefix, fresh_tokens=fresh)
                     for k in range(1, s.turns_per_conversation + 1))
        return Conversation(model=FLAT, turns=flat, system_prompt_tokens=prefix,
                            seconds_between_turns=s.seconds_between_turns)
    turns = []
    for k in range(1, s.turns_per_conversation + 1):
        prefix = s.system_prompt_tokens + _history(s, k)
        slid = k - 1 > s.history_turns_kept          # the oldest kept turn dropped out of the window
        reused = 0 if k == 1 else (s.system_prompt_tokens if slid else s.system_prompt_tokens + _history(s, k - 1))
        turns.append(Turn(prefix_tokens=prefix, reused_prefix_tokens=reused,
                          fresh_tokens=s.context_tokens_per_message + s.user_message_tokens))
    return Conversation(model=CONVERSATION, turns=tuple(turns), system_prompt_tokens=s.system_prompt_tokens,
                        seconds_between_turns=s.seconds_between_turns)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenSplit:
    """Input tokens of an average message by how they are billed."""

    regular: float
    cache_read: float
    cache_write: float


def token_split(conv: Conversation, min_prefix: int | None) -> TokenSplit:
    """Average input tokens per message as regular input, cache reads and cache writes.

    With caching (`min_prefix` set), a prefix shorter than `min_prefix` is not cached. A turn reads
    the previous turn's prefix when that one was cached, the gap is within the cache TTL and the history
    window has not slid; otherwise it reads the system prompt's checkpoint when that is cacheable (every
    conversation shares it, so it stays warm); the rest of the prefix is written. New text is regular input.
    """
    regular = read = write = 0
    prev_cached = 0
    warm = conv.seconds_between_turns <= CACHE_TTL_S
    for turn in conv.turns:
        if min_prefix is None or turn.prefix_tokens < min_prefix:
            regular += turn.input_tokens
            prev_cached = 0
            continue
        hit = 0
        if prev_cached and warm and turn.reused_prefix_tokens == prev_cached:
            hit = prev_cached
        elif conv.system_prompt_tokens >= min_prefix:
            hit = conv.system_prompt_tokens
        read += hit
        write += turn.prefix_tokens - hit
        regular += turn.fresh_tokens
        prev_cached = turn.prefix_tokens
    n = len(conv.turns)
    return TokenSplit(regular=regular / n, cache_read=read / n, cache_write=write / n)


def model_mix(s: Scenario) -> tuple[tuple[str, float], ...]:
    """(model, share of messages) for every model the scenario routes to: the mix, else llm_model alone."""
    if s.llm_models:
        return tuple((m.model, m.share_pct / 100) for m in s.llm_models)
    return ((s.llm_model, 1.0),)


def caching_on(s: Scenario, model: str | None = None) -> bool:
    """Prompt caching for `model` (default: llm_model): as the scenario says, else on where the model caches."""
    supported = (model or s.llm_model) in CACHE_MIN_PREFIX_TOKENS
    return supported if s.prompt_caching is None else (s.prompt_caching and supported)


def _preferred_profile(s: Scenario, model: str) -> tuple[InferenceProfile, str]:
    """The profile the defaults ask for: geo under GDPR or HIPAA, else global where the model has it."""
    regimes = sorted(c.value.upper() for c in s.compliance & {Compliance.gdpr, Compliance.hipaa})
    if regimes and model not in GEO_PROFILE_MODELS:
        return InferenceProfile.in_region, (f"{' and '.join(regimes)}: requests stay in the Region (the model has "
                                            "no geographic profile)")
    if regimes:
        return InferenceProfile.geo, (f"{' and '.join(regimes)}: requests stay in the Region's geography "
                                      "(geographic cross-Region inference), not global")
    if model in GLOBAL_PROFILE_MODELS:
        return InferenceProfile.global_, "global cross-Region inference, the lowest price for this model"
    return InferenceProfile.in_region, "the model has no global profile; in-Region price"


def inference_profile(s: Scenario, model: str | None = None) -> tuple[InferenceProfile, str]:
    """The Bedrock inference profile of `model` and why: the scenario's choice, else the preferred default
    (`_preferred_profile`), replaced by an offered one where the Region does not offer it
    (sizing/bedrock_regions.py)."""
    if s.inference_profile is not None:
        return s.inference_profile, "chosen in the scenario"
    model = model or s.llm_model
    profile, why = _preferred_profile(s, model)
    if model not in AVAILABILITY:
        return profile, why
    picked, replaced = default_profile(model, s.region, profile.value)
    if replaced is None:
        return profile, why
    return InferenceProfile(picked), f"{replaced}; {picked} is offered there"


def llm_warnings(s: Scenario) -> tuple[str, ...]:
    """What the reader must know about the token model: a flat override, a profile chosen for them."""
    out = []
    if s.input_tokens_per_message is not None:
        out.append(f"input_tokens_per_message = {s.input_tokens_per_message:,} is a flat override: every message is "
                   "priced at that context; leave it empty to use the conversation model (system prompt, kept "
                   "history, new message per turn)")
    out += _availability_warnings(s)
    profile, why = inference_profile(s)
    global_models = [m for m, _ in model_mix(s) if m in GLOBAL_PROFILE_MODELS]
    if global_models and s.inference_profile is None and profile is InferenceProfile.geo:
        out.append(f"inference_profile defaults to geo: {why}; the global profile would cost about 9% less")
    return tuple(out)


def _availability_warnings(s: Scenario) -> list[str]:
    """A default profile replaced because the Region does not offer it; a profile whose availability is UNSOURCED."""
    out = []
    for model, _ in model_mix(s):
        if model not in AVAILABILITY:
            continue
        profile, why = inference_profile(s, model)
        if s.inference_profile is None and "is not offered for" in why:
            out.append(f"inference_profile defaults to {profile.value} for {model}: {why} "
                       "(docs/sizing-facts.md § Bedrock model availability by Region)")
        c = cell(model, s.region, profile.value)
        if c.status == UNSOURCED:
            out.append(f"{model} with the {profile.value} profile from {s.region} is not confirmed by a source here "
                       f"({c.source}): check the model's Bedrock model card before you deploy")
    return out
