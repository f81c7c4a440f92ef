"""Amazon Bedrock: on-demand input and output tokens of the chosen model."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from pricing.services.base import (
    LLM,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.capacity import CapacityPlan
from sizing.llm import BEDROCK_MODELS

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
    """The price key of 1,000 input or output tokens of a model."""
    return f"bedrock:{model}:{direction}-1k"


def tokens(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    s, w = p.scenario, p.workload
    if s.llm_model not in BEDROCK_MODELS:
        return []
    return [Component("Bedrock", f"{s.llm_model} input tokens", qty(w.input_tokens_per_month / 1e3), "1k tokens",
                      token_key(s.llm_model, "input"),
                      f"{w.messages_per_month:,.0f} messages x {s.input_tokens_per_message:,} tokens", LLM),
            Component("Bedrock", f"{s.llm_model} output tokens", qty(w.output_tokens_per_month / 1e3), "1k tokens",
                      token_key(s.llm_model, "output"),
                      f"{w.messages_per_month:,.0f} messages x {s.output_tokens_per_message:,} tokens", LLM)]


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


SERVICE = Service(
    name="bedrock", title="Amazon Bedrock", ce=CE, product_code="AmazonBedrock",
    keys=tuple(_token_key(m, d) for m in BEDROCK_MODELS for d in ("input", "output")),
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
