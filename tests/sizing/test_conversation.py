"""The conversation model: input tokens per turn from system prompt, kept history and the new message."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing.conversation import CONVERSATION, FLAT, conversation, inference_profile
from sizing.scenario import InferenceProfile, ScenarioError, parse_scenario


def turns(**fields) -> list[int]:
    return [t.input_tokens for t in conversation(parse_scenario(fields)).turns]


def test_default_four_turns_by_hand():
    # 500 system + (k-1) x (100 user + 400 answer) + 100 new message
    assert turns() == [600, 1100, 1600, 2100]
    conv = conversation(parse_scenario({}))
    assert conv.model == CONVERSATION and conv.input_tokens_per_message == 1350


def test_one_and_twelve_turns_and_context():
    assert turns(turns_per_conversation=1) == [600]
    twelve = turns(turns_per_conversation=12)
    assert twelve == [600 + 500 * k for k in range(12)] and sum(twelve) / 12 == 3350
    # 2,000 retrieved tokens ride on every message but never enter the history
    assert turns(context_tokens_per_message=2000, turns_per_conversation=3) == [2600, 3100, 3600]


def test_history_window_slides_and_breaks_the_reused_prefix():
    conv = conversation(parse_scenario({"history_turns_kept": 2, "turns_per_conversation": 5}))
    assert [t.input_tokens for t in conv.turns] == [600, 1100, 1600, 1600, 1600]
    # turns 2-3 extend the previous prefix; from turn 4 the oldest turn drops out: only the system prompt repeats
    assert [t.reused_prefix_tokens for t in conv.turns] == [0, 500, 1000, 500, 500]


def test_flat_override_keeps_old_scenarios():
    conv = conversation(parse_scenario({"input_tokens_per_message": 2600}))
    assert conv.model == FLAT and conv.input_tokens_per_message == 2600
    assert all(t.prefix_tokens == 500 and t.fresh_tokens == 2100 for t in conv.turns)


@given(st.integers(1, 60), st.integers(0, 60), st.integers(0, 5000), st.integers(1, 2000), st.integers(1, 2000))
def test_more_turns_never_lower_input_tokens(n, window, system, user, output):
    base = {"history_turns_kept": window, "system_prompt_tokens": system, "user_message_tokens": user,
            "output_tokens_per_message": output}
    a = conversation(parse_scenario({**base, "turns_per_conversation": n}))
    b = conversation(parse_scenario({**base, "turns_per_conversation": n + 1}))
    assert b.input_tokens_per_message >= a.input_tokens_per_message
    assert sum(t.input_tokens for t in b.turns) > sum(t.input_tokens for t in a.turns)


def test_inference_profile_defaults():
    assert inference_profile(parse_scenario({}))[0] is InferenceProfile.global_
    profile, why = inference_profile(parse_scenario({"compliance": "gdpr", "region": "eu-west-1"}))
    assert profile is InferenceProfile.geo and "GDPR" in why
    assert inference_profile(parse_scenario({"compliance": "hipaa"}))[0] is InferenceProfile.geo
    assert inference_profile(parse_scenario({"llm_model": "amazon.nova-pro"}))[0] is InferenceProfile.in_region
    chosen = parse_scenario({"compliance": "gdpr", "inference_profile": "in-region"})
    assert inference_profile(chosen) == (InferenceProfile.in_region, "chosen in the scenario")


@pytest.mark.parametrize("fields, field", [
    ({"turns_per_conversation": 0}, "turns_per_conversation"),
    ({"turns_per_conversation": -3}, "turns_per_conversation"),
    ({"history_turns_kept": 201}, "history_turns_kept"),
    ({"inference_profile": "everywhere"}, "inference_profile"),
    ({"llm_model": "amazon.nova-pro", "inference_profile": "global"}, "inference_profile"),
    ({"llm_model": "external", "external_input_usd_per_1m_tokens": 1, "external_output_usd_per_1m_tokens": 1,
      "inference_profile": "geo"}, "inference_profile"),
    ({"llm_model": "amazon.nova-lite", "prompt_caching": True}, "prompt_caching"),
    ({"seconds_between_turns": 0}, "seconds_between_turns"),
])
def test_bad_conversation_inputs_name_the_field(fields, field):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(fields)
    assert [f for f, _ in err.value.errors] == [field]
