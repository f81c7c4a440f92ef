"""The load profile (sizing/load_profile.py): the month's hourly curve, volumes derived by hand from it,
old scenarios' `average_load_pct_of_peak` converted to a flat profile, bad profiles rejected by field."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizing.load_profile import average_load, hourly_curve, load_hours, load_profile_warnings, weekly_curve
from sizing.scenario import ScenarioError, parse_scenario
from sizing.workload import derive_workload

FLAT_50 = {"active_hours_per_day": 24, "active_days_per_week": 7,
           "active_load_pct_of_peak": 50, "quiet_load_pct_of_peak": 50}


def test_default_curve_by_hand():
    s = parse_scenario({})
    week, month = weekly_curve(s), hourly_curve(s)
    assert len(week) == 168 and len(month) == 730
    monday = week[:24]
    assert monday[:8] == (0.3,) * 8 and monday[8:18] == (0.9,) * 10 and monday[18:] == (0.3,) * 6
    assert week[5 * 24:] == (0.3,) * 48                       # Saturday and Sunday are quiet days
    assert month[:168] == week and month[672:] == week[:58]     # 4 whole weeks, then Mon, Tue, Wed 00-09
    # an active day: 10 h x 0.9 + 14 h x 0.3 = 13.2 peak-hours; a quiet day 24 x 0.3 = 7.2
    # week = 5 x 13.2 + 2 x 7.2 = 80.4; month = 4 x 80.4 + 13.2 + 13.2 + (8 x 0.3 + 2 x 0.9) = 352.2
    assert load_hours(s) == pytest.approx(352.2, abs=1e-9)
    assert average_load(s) == pytest.approx(352.2 / 730, abs=1e-12)    # 48.25 % of peak
    assert sum(month) == pytest.approx(352.2, abs=1e-9)


def test_default_monthly_volumes_by_hand():
    w = derive_workload(parse_scenario({"output_tokens_per_message": 400}))
    # 250 users x 10 messages per user-hour = 2,500 messages per peak hour, x 352.2 peak-hours
    assert w.messages_per_month == pytest.approx(2_500 * 352.2, rel=1e-12) == 880_500
    # 250 users x 2 API calls a minute = 30,000 per peak hour
    assert w.api_requests_per_month == pytest.approx(30_000 * 352.2, rel=1e-12)
    assert w.output_tokens_per_month == pytest.approx(880_500 * 400, rel=1e-12)
    # one page load per 15-minute session: 1,000 per peak hour
    assert w.page_loads_per_month == pytest.approx(1_000 * 352.2, rel=1e-12)
    assert w.load_factor == average_load(parse_scenario({}))


@pytest.mark.parametrize("data", [FLAT_50, {"average_load_pct_of_peak": 50}], ids=["flat fields", "old field"])
def test_flat_profile_reproduces_the_old_50_pct_figures_exactly(data):
    w = derive_workload(parse_scenario(data))
    assert w.load_factor == 0.5
    month_s = 730.0 * 3600                       # the old formula, bit for bit: peak rate x load x month seconds
    assert w.messages_per_month == 250 * 10 / 3600 * 0.5 * month_s == pytest.approx(912_500, rel=1e-15)
    assert w.api_requests_per_month == 250 * 2 / 60 * 0.5 * month_s == pytest.approx(10_950_000, rel=1e-15)
    assert w.page_loads_per_month == 250 / (0.25 * 3600) * 0.5 * month_s


def test_hourly_curve_replaces_active_hours_on_active_days():
    day = [0] * 8 + [100] * 10 + [20] * 6
    s = parse_scenario({"hourly_load_pct_of_peak": day, "quiet_load_pct_of_peak": 10, "active_hours_per_day": 3})
    # active day 10 x 1.0 + 6 x 0.2 = 11.2; quiet day 24 x 0.1 = 2.4; week 5 x 11.2 + 2 x 2.4 = 60.8
    # month 4 x 60.8 + 11.2 + 11.2 + (8 x 0 + 2 x 1.0) = 267.6
    assert load_hours(s) == pytest.approx(267.6, abs=1e-9)
    assert weekly_curve(s)[:24] == tuple(p / 100 for p in day)


def test_active_block_ends_by_midnight():
    s = parse_scenario({"active_hours_per_day": 20, "active_load_pct_of_peak": 80, "quiet_load_pct_of_peak": 0})
    assert weekly_curve(s)[:24] == (0.0,) * 4 + (0.8,) * 20


shares = st.floats(1, 100, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(active=shares, quiet=st.floats(0, 100, allow_nan=False), hours=st.integers(1, 24), days=st.integers(1, 7),
       bump=st.floats(0.1, 50, allow_nan=False))
def test_monthly_volume_is_monotone_in_each_share(active, quiet, hours, days, bump):
    base = {"active_hours_per_day": hours, "active_days_per_week": days,
            "active_load_pct_of_peak": active, "quiet_load_pct_of_peak": quiet}
    m0 = derive_workload(parse_scenario(base)).messages_per_month
    for field in ("active_load_pct_of_peak", "quiet_load_pct_of_peak"):
        more = derive_workload(parse_scenario({**base, field: min(100.0, base[field] + bump)})).messages_per_month
        assert more >= m0 * (1 - 1e-12)
    if active >= quiet:   # more busy hours or days never lower the volume when busy hours are busier
        for field, top in (("active_hours_per_day", 24), ("active_days_per_week", 7)):
            more = derive_workload(parse_scenario({**base, field: min(top, base[field] + 1)})).messages_per_month
            assert more >= m0 * (1 - 1e-12)


def test_old_field_converts_to_a_flat_profile_and_says_so():
    s = parse_scenario({"average_load_pct_of_peak": 80})
    assert (s.active_hours_per_day, s.active_days_per_week, s.active_load_pct_of_peak) == (24, 7, 80)
    assert average_load(s) == 0.8
    (note,) = load_profile_warnings(s)
    assert "average_load_pct_of_peak (old field) converted to a flat load profile of 80 %" in note
    assert "average_load_pct_of_peak" not in s.to_yaml_dict()
    again = parse_scenario(s.to_yaml_dict())          # saved again: the new fields, same numbers, no note
    assert average_load(again) == 0.8 and load_profile_warnings(again) == ()
    assert load_profile_warnings(parse_scenario({})) == ()


def test_old_field_note_reaches_the_estimate_warnings():
    from pricing.engine import estimate
    est = estimate(parse_scenario({"average_load_pct_of_peak": 65}))
    assert any("converted to a flat load profile of 65 %" in w for w in est.warnings)


@pytest.mark.parametrize("data,field,text", [
    ({"average_load_pct_of_peak": 50, "active_hours_per_day": 8}, "active_hours_per_day", "average_load_pct_of_peak"),
    ({"average_load_pct_of_peak": 50, "hourly_load_pct_of_peak": [10] * 24}, "hourly_load_pct_of_peak", "old field"),
    ({"average_load_pct_of_peak": 0}, "average_load_pct_of_peak", "1..100"),
    ({"average_load_pct_of_peak": "lots"}, "average_load_pct_of_peak", "1..100"),
    ({"active_hours_per_day": 0}, "active_hours_per_day", "1..24"),
    ({"active_hours_per_day": 25}, "active_hours_per_day", "1..24"),
    ({"active_days_per_week": 8}, "active_days_per_week", "1..7"),
    ({"active_load_pct_of_peak": 0}, "active_load_pct_of_peak", "1..100"),
    ({"quiet_load_pct_of_peak": 101}, "quiet_load_pct_of_peak", "0..100"),
    ({"hourly_load_pct_of_peak": [50] * 23}, "hourly_load_pct_of_peak", "24 values"),
    ({"hourly_load_pct_of_peak": [50] * 23 + [120]}, "hourly_load_pct_of_peak", "0..100"),
    ({"hourly_load_pct_of_peak": "5,x" + ",5" * 22}, "hourly_load_pct_of_peak", "not a number"),
])
def test_bad_profiles_name_the_field(data, field, text):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    assert [f for f, _ in exc.value.errors] == [field]
    assert text in exc.value.errors[0][1]


def test_hourly_curve_accepts_a_comma_list():
    s = parse_scenario({"hourly_load_pct_of_peak": ",".join(["40"] * 24)})
    assert s.hourly_load_pct_of_peak == (40.0,) * 24
    assert parse_scenario({"hourly_load_pct_of_peak": " "}).hourly_load_pct_of_peak is None
