"""The estimate's range (seeded Monte Carlo) and drivers (one-at-a-time swings with the real engine)."""
import numpy as np
import pytest

from pricing.engine import estimate
from pricing.ranges import SAMPLES, SEED, llm_usd_arrays, sample_inputs, token_split_arrays, volumes
from pricing.schema import EstimateDoc, estimate_to_dict
from sizing.conversation import conversation, token_split
from sizing.llm import CACHE_MIN_PREFIX_TOKENS
from sizing.ranges import UNCERTAIN_FIELDS
from sizing.scenario import Scenario, parse_scenario

POINT = {f: {"low": v, "expected": v, "high": v} for f, v in Scenario().model_dump().items() if f in UNCERTAIN_FIELDS}
CASES = [{}, {"concurrent_users": 5000, "region": "eu-west-1", "compliance": "hipaa,pci"},
         {"llm_model": "anthropic.claude-sonnet-4-5", "system_prompt_tokens": 1500, "turns_per_conversation": 12},
         {"llm_model": "external", "external_input_usd_per_1m_tokens": 2.5, "external_output_usd_per_1m_tokens": 10},
         {"llm_model": "none", "environment": "dev"},
         {"llm_models": "anthropic.claude-haiku-4-5:70,anthropic.claude-sonnet-4-5:30", "system_prompt_tokens": 2000}]


@pytest.mark.parametrize("raw", CASES)
def test_p10_le_p50_le_p90_and_the_samples_and_seed_are_reported(raw):
    est = estimate(parse_scenario(raw), ranges=True)
    r = est.range
    assert r.p10_usd <= r.p50_usd <= r.p90_usd
    assert (r.samples, r.seed) == (SAMPLES, SEED) and SAMPLES >= 2000


@pytest.mark.parametrize("raw", CASES)
def test_a_point_input_gives_the_expected_total_at_every_percentile(raw):
    est = estimate(parse_scenario({**raw, **POINT}), ranges=True)
    assert est.range.p10_usd == est.range.p50_usd == est.range.p90_usd == est.monthly_usd
    assert all(d.low_usd == d.high_usd == est.monthly_usd for d in est.drivers)


def test_the_same_seed_gives_the_same_range():
    s = parse_scenario({"concurrent_users": 3000, "messages_per_user_per_hour": "4:10:30"})
    a, b = estimate(s, ranges=True), estimate(s, ranges=True)
    assert a.range == b.range and a.drivers == b.drivers
    assert estimate(s).range is None          # without ranges: no sampling


def test_a_wider_range_widens_the_interval():
    narrow = estimate(parse_scenario({"messages_per_user_per_hour": "9:10:11"}), ranges=True).range
    wide = estimate(parse_scenario({"messages_per_user_per_hour": "2:10:40"}), ranges=True).range
    assert wide.p90_usd - wide.p10_usd > narrow.p90_usd - narrow.p10_usd


def test_drivers_equal_a_direct_re_estimate_at_each_end():
    s = parse_scenario({"concurrent_users": 2000, "messages_per_user_per_hour": "6:10:16",
                        "turns_per_conversation": "2:4:9"})
    est = estimate(s, ranges=True)
    by = {d.field: d for d in est.drivers}
    assert [d.swing_usd for d in est.drivers] == sorted((d.swing_usd for d in est.drivers), reverse=True)
    assert by["messages_per_user_per_hour"].low_usd == estimate(s.model_copy(
        update={"messages_per_user_per_hour": 6.0})).monthly_usd
    assert by["turns_per_conversation"].high_usd == estimate(s.model_copy(
        update={"turns_per_conversation": 9})).monthly_usd
    # hand check of one end: 9 turns, window 20 -> mean input (600 + ... + 4,600) / 9 = 2,600 tokens per message
    assert conversation(s.model_copy(update={"turns_per_conversation": 9})).input_tokens_per_message == 2600


@pytest.mark.parametrize("raw", [{"system_prompt_tokens": 4000, "turns_per_conversation": 8},
                                 {"llm_model": "anthropic.claude-sonnet-4-5", "turns_per_conversation": 30,
                                  "history_turns_kept": 5, "seconds_between_turns": 200},
                                 {"input_tokens_per_message": 5000, "system_prompt_tokens": 4500}])
def test_the_vector_token_split_equals_the_scalar_one(raw):
    s = parse_scenario({**raw, "llm_model": raw.get("llm_model", "anthropic.claude-haiku-4-5")})
    x = sample_inputs(s, 200, 7)
    mp = CACHE_MIN_PREFIX_TOKENS[s.llm_model]
    reg, read, write = token_split_arrays(x, s, mp)
    for i in range(0, 200, 23):
        si = s.model_copy(update={f: (int(x[f][i]) if isinstance(getattr(s, f), int) else float(x[f][i]))
                                  for f in UNCERTAIN_FIELDS})
        t = token_split(conversation(si), mp)
        assert (reg[i], read[i], write[i]) == pytest.approx((t.regular, t.cache_read, t.cache_write), rel=1e-12)


def test_a_sample_s_llm_cost_equals_the_engine_s_llm_lines():
    s = parse_scenario({"concurrent_users": 4000, "system_prompt_tokens": 3000})
    from pricing.catalog import load_snapshot
    cat = load_snapshot()
    x = {f: np.array([v, v]) for f, v in ((f, float(getattr(s, f))) for f in UNCERTAIN_FIELDS)}
    x["turns_per_conversation"] = np.array([9.0, 4.0])
    x["messages_per_user_per_hour"] = np.array([14.0, 10.0])
    llm = llm_usd_arrays(x, volumes(x, s)["messages"], s, cat)
    hi = estimate(s.model_copy(update={"turns_per_conversation": 9, "messages_per_user_per_hour": 14.0}), cat)
    assert llm[0] == pytest.approx(float(hi.llm_usd), abs=0.05)
    assert llm[1] == pytest.approx(float(estimate(s, cat).llm_usd), abs=0.05)


def test_json_carries_range_and_drivers_and_reads_back():
    doc = estimate_to_dict(estimate(Scenario(), ranges=True))
    back = EstimateDoc.model_validate(doc)
    assert back.cost.range.p10_usd <= back.cost.range.p90_usd and back.cost.range.samples == SAMPLES
    assert {d.field for d in back.cost.drivers} == set(UNCERTAIN_FIELDS)
    assert estimate_to_dict(estimate(Scenario()))["cost"]["range"] is None


def test_a_routing_mix_sample_equals_the_engine_s_llm_lines():
    s = parse_scenario({"concurrent_users": 3000, "system_prompt_tokens": 5000,
                        "llm_models": "anthropic.claude-haiku-4-5:70,anthropic.claude-sonnet-4-5:30"})
    from pricing.catalog import load_snapshot
    cat = load_snapshot()
    x = {f: np.array([float(getattr(s, f))]) for f in UNCERTAIN_FIELDS}
    llm = llm_usd_arrays(x, volumes(x, s)["messages"], s, cat)
    assert llm[0] == pytest.approx(float(estimate(s, cat).llm_usd), abs=0.05)
