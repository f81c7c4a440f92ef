"""Range inputs: every accepted form, validation naming the field, default ranges, round trips."""
import numpy as np
import pytest

from sizing.load_profile import average_load, load_means
from sizing.ranges import DEFAULT_RANGES, UNCERTAIN_FIELDS, effective_ranges
from sizing.scenario import Scenario, ScenarioError, parse_scenario


def test_every_uncertain_field_has_a_documented_default_range():
    assert set(DEFAULT_RANGES) == set(UNCERTAIN_FIELDS)
    assert all(d.why for d in DEFAULT_RANGES.values())


@pytest.mark.parametrize("value", [{"low": 6, "expected": 10, "high": 16}, "6:10:16"])
def test_a_field_range_keeps_the_expected_value_in_the_field(value):
    s = parse_scenario({"messages_per_user_per_hour": value})
    assert s.messages_per_user_per_hour == 10
    assert s.ranges == (("messages_per_user_per_hour", 6.0, 16.0),)
    assert effective_ranges(s)["messages_per_user_per_hour"] == (6.0, 10.0, 16.0)


def test_ranges_field_forms_and_yaml_round_trip():
    s = parse_scenario({"ranges": "messages_per_user_per_hour=6:16; turns_per_conversation 2:8"})
    assert dict((f, (lo, hi)) for f, lo, hi in s.ranges) == {"messages_per_user_per_hour": (6, 16),
                                                             "turns_per_conversation": (2, 8)}
    assert s.to_yaml_dict()["ranges"] == {"messages_per_user_per_hour": [6, 16], "turns_per_conversation": [2, 8]}
    assert parse_scenario(s.to_yaml_dict()) == s
    assert parse_scenario({"ranges": {"turns_per_conversation": {"low": 2, "high": 8}}}).ranges == \
        (("turns_per_conversation", 2.0, 8.0),)


def test_old_scenarios_without_ranges_dump_unchanged():
    assert "ranges" not in Scenario().to_yaml_dict()
    assert Scenario().ranges == ()


@pytest.mark.parametrize("data, field, words", [
    ({"messages_per_user_per_hour": "16:10:6"}, "messages_per_user_per_hour", "out of order"),
    ({"messages_per_user_per_hour": {"low": -1, "expected": 10, "high": 16}}, "messages_per_user_per_hour",
     "outside the field's range"),
    ({"active_load_pct_of_peak": "50:90:120"}, "active_load_pct_of_peak", "outside the field's range"),
    ({"turns_per_conversation": "1.5:4:8"}, "turns_per_conversation", "whole numbers"),
    ({"output_tokens_per_message": {"low": 1, "high": 2}}, "output_tokens_per_message", "missing expected"),
    ({"ranges": "history_turns_kept=1:4"}, "ranges", "cannot take a range"),
    ({"messages_per_user_per_hour": "a:10:16"}, "messages_per_user_per_hour", "not a number"),
])
def test_bad_ranges_name_the_field(data, field, words):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    (name, msg), = exc.value.errors
    assert name == field and words in msg and "allowed" in msg


def test_default_ranges_are_clipped_and_whole_for_integer_fields():
    r = effective_ranges(Scenario(active_days_per_week=7, turns_per_conversation=1, active_load_pct_of_peak=100))
    assert r["active_days_per_week"] == (7, 7, 7)
    assert r["turns_per_conversation"] == (1, 1, 2)
    assert r["active_load_pct_of_peak"][2] == 100
    assert r["messages_per_user_per_hour"] == (6.0, 10.0, 16.0)


def test_vector_load_means_equal_the_curve_mean():
    for h, d, a, q in [(1, 1, 50.0, 0.0), (10, 5, 90.0, 30.0), (16, 7, 80.0, 10.0), (24, 3, 70.0, 20.0)]:
        s = Scenario(active_hours_per_day=h, active_days_per_week=d, active_load_pct_of_peak=a,
                     quiet_load_pct_of_peak=q)
        v = load_means(np.array([h]), np.array([d]), np.array([a]), np.array([q]), None)[0]
        assert v == pytest.approx(average_load(s), rel=1e-12)
    curve = tuple(float(i * 4) for i in range(24))
    s = Scenario(active_days_per_week=6, quiet_load_pct_of_peak=25, hourly_load_pct_of_peak=curve)
    v = load_means(np.array([10]), np.array([6]), np.array([90.0]), np.array([25.0]), curve)[0]
    assert v == pytest.approx(average_load(s), rel=1e-12)
