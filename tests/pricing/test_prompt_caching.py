"""Prompt caching and inference profiles on the Bedrock lines, derived by hand."""
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.engine import estimate
from sizing.conversation import conversation, token_split
from sizing.scenario import parse_scenario

HAIKU = "anthropic.claude-haiku-4-5"
# Claude Haiku 4.5 in-Region (us-east-1) per 1k tokens: input 0.0011, output 0.0055, cache read 0.00011 (0.1x),
# 5-minute cache write 0.001375 (1.25x); the global profile costs 10/11 of that (the $1 / $5 per 1M list price).
IN, OUT, READ, WRITE = Decimal("0.0011"), Decimal("0.0055"), Decimal("0.00011"), Decimal("0.001375")
GLOBAL = Decimal(10) / Decimal(11)


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lines(est) -> dict[str, Decimal]:
    return {ln.item.split(" ", 1)[1]: ln.monthly_usd for ln in est.lines if ln.category == "llm"}


def haiku(**fields):
    return estimate(parse_scenario({"llm_model": HAIKU, "system_prompt_tokens": 4500, **fields}))


@pytest.mark.parametrize("n, regular, read, write", [
    # system 4,500 (>= Haiku 4.5's 4,096-token minimum, so every conversation reads the shared system prompt),
    # each turn adds 500 tokens of history, written once and read by the next turn 60 s later (TTL 300 s)
    (1, 100, 4500, 0),
    (4, 100, (4500 + 4500 + 5000 + 5500) / 4, (0 + 500 + 500 + 500) / 4),
    (12, 100, (4500 + sum(4500 + 500 * k for k in range(11))) / 12, 500 * 11 / 12),
])
def test_haiku_with_caching_by_hand(n, regular, read, write):
    est = haiku(turns_per_conversation=n)
    msgs = Decimal(repr(est.plan.workload.messages_per_month))
    split = token_split(est.plan.conversation, 4096)
    assert (split.regular, split.cache_read, split.cache_write) == pytest.approx((regular, read, write))
    got = lines(est)
    assert got["input tokens"] == cents(msgs * Decimal(repr(regular)) / 1000 * IN * GLOBAL)
    assert got["prompt cache reads"] == cents(msgs * Decimal(repr(read)) / 1000 * READ * GLOBAL)
    if write:
        assert got["prompt cache writes (5-minute TTL)"] == cents(msgs * Decimal(repr(write)) / 1000 * WRITE * GLOBAL)
    assert got["output tokens"] == cents(msgs * 400 / 1000 * OUT * GLOBAL)


@pytest.mark.parametrize("n", [1, 4, 12])
def test_haiku_without_caching_by_hand(n):
    est = haiku(turns_per_conversation=n, prompt_caching=False)
    msgs = Decimal(repr(est.plan.workload.messages_per_month))
    per_msg = Decimal(sum(4600 + 500 * k for k in range(n))) / n
    assert lines(est) == {"input tokens": cents(msgs * per_msg / 1000 * IN * GLOBAL),
                          "output tokens": cents(msgs * 400 / 1000 * OUT * GLOBAL)}


def test_gaps_longer_than_the_ttl_rewrite_the_history():
    split = token_split(conversation(parse_scenario({"llm_model": HAIKU, "system_prompt_tokens": 4500,
                                                     "seconds_between_turns": 600})), 4096)
    # every turn reads only the shared system prompt and writes its whole history again
    assert (split.cache_read, split.cache_write) == (4500, (0 + 500 + 1000 + 1500) / 4)


def test_prefixes_under_the_minimum_are_not_cached():
    est = estimate(parse_scenario({"llm_model": HAIKU}))      # 500-token system prompt, at most 2,000 of prefix
    assert set(lines(est)) == {"input tokens", "output tokens"}
    assert est.plan.conversation.input_tokens_per_message == 1350


@pytest.mark.parametrize("n", [1, 4, 12])
def test_external_model_by_hand(n):
    est = estimate(parse_scenario({"llm_model": "external", "external_input_usd_per_1m_tokens": 2.5,
                                   "external_output_usd_per_1m_tokens": 10, "turns_per_conversation": n}))
    msgs = Decimal(repr(est.plan.workload.messages_per_month))
    per_msg = Decimal(sum(600 + 500 * k for k in range(n))) / n
    got = {ln.item: ln.monthly_usd for ln in est.lines if ln.category == "llm"}
    assert got == {"Input tokens": cents(msgs * Decimal(repr(float(per_msg))) / 1_000_000 * Decimal("2.5")),
                   "Output tokens": cents(msgs * 400 / 1_000_000 * 10)}


def test_profiles_price_in_region_and_geo_at_the_list_price_and_global_at_10_11():
    base = {"llm_model": HAIKU, "region": "eu-west-1"}
    geo = lines(estimate(parse_scenario({**base, "compliance": "gdpr"})))
    in_region = lines(estimate(parse_scenario({**base, "inference_profile": "in-region"})))
    glob = lines(estimate(parse_scenario({**base, "inference_profile": "global"})))
    assert geo["output tokens"] == in_region["output tokens"]
    assert glob["output tokens"] == cents(in_region["output tokens"] * GLOBAL)
    warnings = estimate(parse_scenario({**base, "compliance": "gdpr"})).warnings
    assert any(w.startswith("inference_profile defaults to geo: GDPR") for w in warnings)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 30), st.integers(4096, 20_000), st.integers(1, 300), st.integers(1, 2000))
def test_caching_never_costs_more_when_each_prefix_is_read_twice_within_the_ttl(n, system, gap, output):
    """Window 0: every turn re-sends the same system prompt, so each cached prefix is read by the following turns."""
    fields = {"llm_model": HAIKU, "system_prompt_tokens": system, "turns_per_conversation": n,
              "history_turns_kept": 0, "seconds_between_turns": gap, "output_tokens_per_message": output}
    on = estimate(parse_scenario(fields))
    off = estimate(parse_scenario({**fields, "prompt_caching": False}))
    assert on.llm_usd <= off.llm_usd
