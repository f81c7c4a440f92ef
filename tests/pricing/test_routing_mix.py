"""A routing mix of Bedrock models: each model prices its share of the messages at its own rates."""
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.web.components.share_link import params_to_scenario, scenario_to_params
from pricing.engine import estimate
from sizing.llm import model_speed
from sizing.scenario import ScenarioError, parse_scenario
from sizing.workload import derive_workload

HAIKU, SONNET, NOVA = "anthropic.claude-haiku-4-5", "anthropic.claude-sonnet-4-5", "amazon.nova-pro"
MIX = f"{HAIKU}:80,{SONNET}:20"


def cents(x) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_mix_splits_the_messages_by_share_by_hand():
    est = estimate(parse_scenario({"llm_models": MIX, "prompt_caching": False}))
    assert est.scenario.llm_model == HAIKU                 # the largest share
    msgs = Decimal(repr(est.plan.workload.messages_per_month))
    got = {ln.item: ln.monthly_usd for ln in est.lines if ln.category == "llm"}
    g = Decimal(10) / Decimal(11)                          # both models on the global profile
    # default conversation: 1,350 input and 400 output tokens per message
    assert got == {
        f"{HAIKU} input tokens": cents(msgs * Decimal("0.8") * 1350 / 1000 * Decimal("0.0011") * g),
        f"{HAIKU} output tokens": cents(msgs * Decimal("0.8") * 400 / 1000 * Decimal("0.0055") * g),
        f"{SONNET} input tokens": cents(msgs * Decimal("0.2") * 1350 / 1000 * Decimal("0.0033") * g),
        f"{SONNET} output tokens": cents(msgs * Decimal("0.2") * 400 / 1000 * Decimal("0.0165") * g),
    }


def test_single_model_mix_equals_the_model_alone():
    alone = estimate(parse_scenario({"llm_model": NOVA}))
    mixed = estimate(parse_scenario({"llm_models": f"{NOVA}:100"}))
    assert mixed.monthly_usd == alone.monthly_usd and mixed.llm_usd == alone.llm_usd


def test_stream_duration_is_share_weighted():
    w = derive_workload(parse_scenario({"llm_models": f"{SONNET}:25,{NOVA}:75"}))
    out, overhead = 400, 0.2
    want = sum(share * (model_speed(m).time_to_first_token_s + out / model_speed(m).output_tokens_per_s)
               for m, share in ((SONNET, 0.25), (NOVA, 0.75))) + overhead
    assert w.stream_duration_s == pytest.approx(want)


def test_mix_in_yaml_form_and_share_link_round_trip():
    s = parse_scenario({"llm_models": [{"model": SONNET, "share_pct": 70}, {"model": HAIKU, "share_pct": 30}]})
    assert s.llm_model == SONNET and s.to_yaml_dict()["llm_models"][1] == {"model": HAIKU, "share_pct": 30.0}
    assert params_to_scenario(scenario_to_params(s)) == s


@pytest.mark.parametrize("fields", [
    {"llm_models": f"{HAIKU}:80"},                               # shares add up to 80
    {"llm_models": f"{HAIKU}:50,{HAIKU}:50"},                    # a model twice
    {"llm_models": "gpt-9:100"},                                 # not a Bedrock model
    {"llm_models": HAIKU},                                       # no share
    {"llm_models": f"{HAIKU}:80,{SONNET}:20", "llm_model": NOVA},  # llm_model outside the mix
])
def test_bad_mixes_name_llm_models(fields):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(fields)
    assert [f for f, _ in err.value.errors] == ["llm_models"]


def test_global_profile_needs_every_model_of_the_mix_to_have_one():
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"llm_models": f"{HAIKU}:50,{NOVA}:50", "inference_profile": "global"})
    assert err.value.errors[0][0] == "inference_profile"
    est = estimate(parse_scenario({"llm_models": f"{HAIKU}:50,{NOVA}:50"}))   # defaults: Haiku global, Nova in-Region
    notes = {ln.item: ln.note for ln in est.lines if ln.category == "llm"}
    assert "global inference" in notes[f"{HAIKU} output tokens"]
    assert "in-region inference" in notes[f"{NOVA} output tokens"]


def test_peak_quota_figures_by_hand():
    from pricing.schema import estimate_to_dict
    doc = estimate_to_dict(estimate(parse_scenario({"concurrent_users": 6000, "llm_models": MIX})))
    haiku, sonnet = doc["conversation"]["models"]
    # 6,000 users x 10 messages per user-hour = 1,000 per minute at peak, split 80/20
    assert (haiku["peak_requests_per_minute"], sonnet["peak_requests_per_minute"]) == (800, 200)
    # tokens: Haiku caches nothing here (prefixes < 4,096): 1,350 in + 400 out per message
    assert haiku["peak_tokens_per_minute"] == 800 * (1350 + 400)
    split = sonnet["input_tokens_per_message_billed"]           # cache reads do not count toward the quota
    assert sonnet["peak_tokens_per_minute"] == pytest.approx(200 * (split["regular"] + split["cache_write"] + 400))


@pytest.mark.parametrize("fields, model_id", [
    ({}, "global.anthropic.claude-haiku-4-5-20251001-v1:0"),
    ({"compliance": "hipaa"}, "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
    ({"compliance": "gdpr", "region": "eu-central-1"}, "eu.anthropic.claude-haiku-4-5-20251001-v1:0"),
    ({"llm_model": NOVA, "region": "ap-southeast-1", "inference_profile": "geo"}, "apac.amazon.nova-pro-v1:0"),
    ({"llm_model": NOVA}, "amazon.nova-pro-v1:0"),
    ({"llm_model": "meta.llama3-70b-instruct", "compliance": "gdpr", "region": "eu-west-1"},
     "meta.llama3-70b-instruct-v1:0"),
])
def test_helm_values_call_bedrock_through_the_priced_profile(fields, model_id):
    from generators.helm_from_estimate import helm_values_from_estimate
    assert helm_values_from_estimate(estimate(parse_scenario(fields)))["config"]["llmModelId"] == model_id


def test_geo_is_refused_for_a_model_without_a_geographic_profile():
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"llm_model": "meta.llama3-70b-instruct", "inference_profile": "geo"})
    assert err.value.errors[0][0] == "inference_profile"
