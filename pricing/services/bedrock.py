"""Amazon Bedrock: on-demand input and output tokens of the chosen model."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from pricing.services.base import (
    LLM,
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.capacity import CapacityPlan
from sizing.conversation import caching_on, inference_profile, model_mix, token_split
from sizing.llm import BEDROCK_MODELS, CACHE_MIN_PREFIX_TOKENS
from sizing.scenario import InferenceProfile

CE = "Amazon Bedrock"
INPUT, OUTPUT = "bedrock:input", "bedrock:output"

#: Bedrock model ids -> accepted values of the price list's ``model`` attribute.
MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "anthropic.claude-sonnet-4-5": ("Claude Sonnet 4.5", "Claude 4.5 Sonnet"),
    "anthropic.claude-haiku-4-5": ("Claude Haiku 4.5", "Claude 4.5 Haiku"),
    "anthropic.claude-3-5-sonnet": ("Claude 3.5 Sonnet",),
    "anthropic.claude-3-5-haiku": ("Claude 3.5 Haiku",),
    "anthropic.claude-3-haiku": ("Claude 3 Haiku",),
    "amazon.nova-pro": ("Nova Pro",),
    "amazon.nova-lite": ("Nova Lite",),
    "amazon.nova-micro": ("Nova Micro",),
    "meta.llama3-70b-instruct": ("Llama 3 70B Instruct", "Llama3 70B Instruct", "Llama 3 70B"),
}
_EXCLUDE = ("batch", "cache", "flex", "priority", "latency", "provisioned", "reserved", "custom", "global",
            "cross-region", "crossregion")
_TOKEN_UNITS = {"1k tokens": Decimal(1), "1k token": Decimal(1), "1m tokens": Decimal("0.001"),
                "1m token": Decimal("0.001")}


def token_key(model: str, direction: str) -> str:
    """The price key of 1,000 tokens of a model: input, output, cache-read or cache-write."""
    return f"bedrock:{model}:{direction}-1k"


#: Global cross-Region inference costs the in-Region / geographic price / 1.1 for the models that have it
#: (docs/sizing-facts.md § Bedrock prices and network path: regional endpoints cost 10% more [S60]).
GLOBAL_PRICE_FACTOR = Decimal(10) / Decimal(11)


def _line(model: str, item: str, tokens_month: float, direction: str, note: str, factor: Decimal) -> Component:
    return Component("Bedrock", f"{model} {item}", qty(tokens_month / 1e3), "1k tokens",
                     token_key(model, direction), note, LLM, price_factor=factor)


def model_lines(p: CapacityPlan, model: str, share: float) -> list[Component]:
    """The token lines of one model answering `share` of the messages."""
    s, w, conv = p.scenario, p.workload, p.conversation
    profile, why = inference_profile(s, model)
    factor = GLOBAL_PRICE_FACTOR if profile is InferenceProfile.global_ else Decimal(1)
    where = f"{profile.value} inference ({why})"
    split = token_split(conv, CACHE_MIN_PREFIX_TOKENS[model] if caching_on(s, model) else None)
    msgs = w.messages_per_month * share
    routed = "" if share == 1 else f"{share:.0%} of the messages (routing mix); "
    model_text = (f"{conv.model} model: {len(conv.turns)} turns, {conv.input_tokens_per_message:,.0f} input tokens "
                  f"per message on average")
    out = [_line(model, "input tokens", msgs * split.regular, "input",
                 f"{routed}{msgs:,.0f} messages x {split.regular:,.0f} uncached input tokens; {model_text}; {where}",
                 factor)]
    if split.cache_read:
        out.append(_line(model, "prompt cache reads", msgs * split.cache_read, "cache-read",
                         f"{split.cache_read:,.0f} tokens per message read from the prompt cache", factor))
    if split.cache_write:
        out.append(_line(model, "prompt cache writes (5-minute TTL)", msgs * split.cache_write, "cache-write",
                         f"{split.cache_write:,.0f} tokens per message written to the prompt cache", factor))
    out.append(_line(model, "output tokens", w.output_tokens_per_month * share, "output",
                     f"{routed}{msgs:,.0f} messages x {s.output_tokens_per_message:,} tokens; {where}", factor))
    return out


def tokens(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    if p.scenario.llm_model not in BEDROCK_MODELS:
        return []
    return [c for model, share in model_mix(p.scenario) for c in model_lines(p, model, share)]


def _matcher(model: str, direction: str) -> Callable[[Mapping[str, str]], bool]:
    names = {n.lower() for n in MODEL_NAMES[model]}

    def match(attrs: Mapping[str, str]) -> bool:
        if attrs.get("model", "").strip().lower() not in names:
            return False
        if attrs.get("inferenceType", "").strip().lower() != f"{direction} tokens":
            return False
        feature = attrs.get("feature", "On-demand Inference").lower()
        usagetype = attrs.get("usagetype", "").lower()
        return "on-demand" in feature and not any(x in usagetype for x in _EXCLUDE)
    return match


def _token_key(model: str, direction: str) -> PriceKey:
    return PriceKey(key=token_key(model, direction), unit=f"USD per 1,000 {direction} tokens", ce=CE,
                    bill=INPUT if direction == "input" else OUTPUT,
                    refresh=Refresh(service_code="AmazonBedrock", usagetypes=(), units=_TOKEN_UNITS,
                                    extra=_matcher(model, direction)))


def _cache_key(model: str, direction: str) -> PriceKey:
    kind = "read" if direction == "cache-read" else "written (5-minute TTL)"
    return PriceKey(key=token_key(model, direction), unit=f"USD per 1,000 input tokens {kind} from the prompt cache"
                    if direction == "cache-read" else f"USD per 1,000 input tokens {kind} to the prompt cache",
                    ce=CE, bill=INPUT,
                    refresh=KeptPrice(service_code="AmazonBedrock",
                                      reason="the Price List spelling of prompt-cache tokens is not verified against "
                                             "a live offer; the snapshot price (a dated multiple of the input price) is "
                                             "kept"))


SERVICE = Service(
    name="bedrock", title="Amazon Bedrock", ce=CE, product_code="AmazonBedrock",
    keys=tuple(_token_key(m, d) for m in BEDROCK_MODELS for d in ("input", "output"))
    + tuple(_cache_key(m, d) for m in CACHE_MIN_PREFIX_TOKENS for d in ("cache-read", "cache-write")),
    bill_lines=(
        BillLine(id=INPUT, rules=(BillRule(usage=r"(?i)input.?token"),),
                 over="more input tokens: more messages or longer prompts (chat history) than planned",
                 under="fewer input tokens: fewer messages or shorter prompts than planned"),
        BillLine(id=OUTPUT, rules=(BillRule(usage=r"(?i)output.?token"),),
                 over="more output tokens: longer answers or more messages than planned",
                 under="fewer output tokens than planned"),
    ),
    components=(Priced(order=300, fn=tokens),),
)
