"""Pure helpers of the app: share links, input <-> scenario mapping, chart data, download assembly."""
from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.web.components import downloads as ui_downloads
from app.web.components import inputs as ui_inputs
from app.web.components import share_link
from generators.report_model import bom_csv, build_series, cost_by_service, cost_split
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from sizing.instances import INSTANCE_SHAPES
from sizing.llm import BEDROCK_MODELS
from sizing.scenario import REGIONS, Compliance, Environment, PurchaseOption, Scenario, ScenarioError, parse_scenario


# ---- share links ---------------------------------------------------------------------------------
def _offered_or_none(**kw) -> Scenario | None:
    """The scenario, or None for a model/Region pair the availability table refuses (filtered out below)."""
    try:
        return parse_scenario({k: v for k, v in kw.items() if v is not None})
    except ScenarioError as err:
        if err.errors[0][0] in ("llm_model", "region"):
            return None
        raise


scenarios = st.builds(
    _offered_or_none,
    name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                 min_size=1, max_size=40),
    client=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=20),
    environment=st.sampled_from([e.value for e in Environment]),
    region=st.sampled_from(REGIONS),
    concurrent_users=st.integers(1, 1_000_000),
    api_requests_per_user_per_minute=st.floats(0, 600, allow_nan=False),
    messages_per_user_per_hour=st.floats(0, 3600, allow_nan=False),
    growth_pct_per_month=st.floats(-50, 100, allow_nan=False),
    llm_model=st.sampled_from(list(BEDROCK_MODELS) + ["none"]),
    compliance=st.sets(st.sampled_from([c.value for c in Compliance])).map(sorted),
    availability_zones=st.none() | st.integers(*ui_inputs.field_bounds("availability_zones")),
    spot_share_pct=st.none() | st.floats(0, 100, allow_nan=False),
    purchase_option=st.sampled_from([p.value for p in PurchaseOption]),
    node_instance_type=st.none() | st.sampled_from(sorted(INSTANCE_SHAPES)),
    waf_enabled=st.none() | st.booleans(),
    elasticache_enabled=st.booleans(),
    active_hours_per_day=st.integers(1, 24),
    active_days_per_week=st.integers(1, 7),
    active_load_pct_of_peak=st.floats(1, 100, allow_nan=False),
    quiet_load_pct_of_peak=st.floats(0, 100, allow_nan=False),
    hourly_load_pct_of_peak=st.none() | st.lists(st.floats(0, 100, allow_nan=False), min_size=24, max_size=24),
).filter(lambda s: s is not None)


@settings(max_examples=150, deadline=None)
@given(scenarios)
def test_share_link_round_trips_every_scenario_exactly(s: Scenario):
    url = share_link.share_url("http://localhost:8501/?old=1#x", s)
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    assert share_link.params_to_scenario(params) == s
    restored, problems = share_link.restore(params)
    assert restored == s and problems == []


def test_share_link_carries_every_set_field_and_no_unset_one():
    s = parse_scenario({"compliance": "pci,hipaa", "waf_enabled": False, "api_requests_per_user_per_minute": 0.1})
    p = share_link.scenario_to_params(s)
    assert p["compliance"] == "hipaa,pci" and p["waf_enabled"] == "false"
    assert p["api_requests_per_user_per_minute"] == "0.1"
    assert "availability_zones" not in p and "node_instance_type" not in p
    assert set(p) == {k for k, v in s.model_dump().items() if v is not None and v != ()}   # no ranges given


def test_restore_keeps_good_params_and_names_bad_ones():
    s, problems = share_link.restore({"concurrent_users": "0", "region": "us-west-2", "spot_share_pct": "150",
                                      "bogus": "1", "embed": "true"})
    assert (s.concurrent_users, s.region, s.spot_share_pct) == (250, "us-west-2", None)
    assert sorted(f for f, _ in problems) == ["bogus", "concurrent_users", "spot_share_pct"]
    msgs = dict(problems)
    assert "1..1000000" in msgs["concurrent_users"] and "0..100" in msgs["spot_share_pct"]
    assert msgs["bogus"] == "unknown parameter; ignored"


def test_restore_falls_back_to_all_defaults_on_a_cross_field_error():
    s, problems = share_link.restore({"llm_model": "external", "concurrent_users": "700"})
    assert s.concurrent_users == 700 and s.llm_model == Scenario().llm_model
    assert problems and problems[0][0] == "llm_model"


def test_params_to_scenario_raises_naming_the_field():
    with pytest.raises(ScenarioError) as info:
        share_link.params_to_scenario({"environment": "qa"})
    assert info.value.errors[0][0] == "environment" and "dev, staging, prod" in info.value.errors[0][1]


def test_old_share_link_with_average_load_still_opens():
    s, problems = share_link.restore({"users": "800", "average_load_pct_of_peak": "40"})
    assert (s.concurrent_users, s.active_hours_per_day, s.active_days_per_week, s.active_load_pct_of_peak) \
        == (800, 24, 7, 40.0)
    assert [f for f, _ in problems] == ["average_load_pct_of_peak"] and all(map(share_link.is_conversion_note, problems))
    assert share_link.has_scenario_params({"average_load_pct_of_peak": "40"})
    bad, problems = share_link.restore({"average_load_pct_of_peak": "0"})
    assert bad.active_hours_per_day == 10 and not share_link.is_conversion_note(problems[0])


def test_share_link_keeps_the_hourly_curve_in_order():
    curve = [float(h) for h in range(24)]
    s = parse_scenario({"hourly_load_pct_of_peak": curve})
    params = share_link.scenario_to_params(s)
    assert params["hourly_load_pct_of_peak"] == ",".join(repr(v) for v in curve)
    assert share_link.params_to_scenario(params) == s


# ---- inputs ----------------------------------------------------------------------------------------
def test_every_field_has_one_widget_in_one_group():
    names = [s.name for _, specs in ui_inputs.GROUPS for s in specs]
    assert sorted(names) == sorted(Scenario.model_fields) and len(names) == len(set(names))
    assert [g for g, _ in ui_inputs.GROUPS][:5] == ["Load", "LLM usage", "Environment and region", "Compliance",
                                                    "Purchase options"]


def test_widget_values_round_trip_through_validation():
    s = parse_scenario({"compliance": "gdpr", "availability_zones": 2, "waf_enabled": False,
                        "node_instance_type": "m6g.large", "spot_share_pct": 40.0, "environment": "staging"})
    state: dict = {}
    ui_inputs.load_into_state(state, s)
    assert state["in_compliance"] == ["gdpr"] and state["in_environment"] == "staging"
    assert state["in_availability_zones"] == 2 and state["in_node_instance_type"] == "m6g.large"
    assert ui_inputs.validate(state) == (s, {})
    defaults: dict = {}
    ui_inputs.load_into_state(defaults, Scenario())
    assert defaults["in_availability_zones"] == ui_inputs.AUTO and defaults["in_waf_enabled"] == ui_inputs.AUTO
    assert defaults["in_spot_share_pct"] is None
    assert ui_inputs.validate(defaults) == (Scenario(), {})
    curve = parse_scenario({"hourly_load_pct_of_peak": [12.345678901] * 12 + [0] * 12})
    state = {}
    ui_inputs.load_into_state(state, curve)
    assert state["in_hourly_load_pct_of_peak"].startswith("12.345678901, ")
    assert ui_inputs.validate(state) == (curve, {}) and defaults["in_hourly_load_pct_of_peak"] == ""


def test_validate_maps_errors_to_fields():
    state: dict = {}
    ui_inputs.load_into_state(state, Scenario())
    state["in_concurrent_users"] = 0
    state["in_output_tokens_per_message"] = None
    state["in_name"] = ""
    s, errors = ui_inputs.validate(state)
    assert s is None
    assert set(errors) == {"concurrent_users", "output_tokens_per_message", "name"}
    assert "1..1000000" in errors["concurrent_users"][0]
    assert "1..200000" in errors["output_tokens_per_message"][0]


def test_ensure_state_restores_widgets_dropped_on_another_page():
    state: dict = {}
    ui_inputs.ensure_state(state, lambda: parse_scenario({"concurrent_users": 777}))
    ui_inputs.remember(state)
    for key in [k for k in state if k.startswith(ui_inputs.KEY_PREFIX)]:
        del state[key]                       # Streamlit forgets widgets that were not drawn
    ui_inputs.ensure_state(state, lambda: pytest.fail("must not be called again"))
    assert state["in_concurrent_users"] == 777


def test_assumptions_list_only_defaults_with_their_why():
    rows = ui_inputs.assumptions(parse_scenario({"concurrent_users": 900, "compliance": "pci"}))
    labels = {r["input"] for r in rows}
    assert "Peak concurrent users" not in labels and "Compliance regimes" not in labels
    msgs = next(r for r in rows if r["input"] == "Chat messages per user-hour")
    assert msgs["assumed"] == "10.0" and "docs/sizing-facts.md § Chat traffic per user" in msgs["why"]
    assert next(r for r in rows if r["input"] == "Availability zones")["assumed"] == "profile default"


def test_default_hints_show_profile_defaults():
    az = ui_inputs.SPECS["availability_zones"]
    from sizing.profiles import ENVIRONMENT_PROFILES
    for env in Environment:
        zones = ENVIRONMENT_PROFILES[env].availability_zones
        assert ui_inputs.default_hint(az, env.value).startswith(f"Default: {env.value} profile: {zones}.")
    assert az.options == ("auto", *range(ui_inputs.field_bounds("availability_zones")[0], 4))
    assert ui_inputs.default_hint(ui_inputs.SPECS["concurrent_users"], "prod").startswith("Default: 250.")


# ---- chart data --------------------------------------------------------------------------------------
def test_curve_users_cover_tier_edges_and_the_scenario():
    from generators.report_model import curve_user_counts
    users = curve_user_counts(4321)
    assert users == sorted(set(users))
    assert {499, 500, 1999, 2000, 9999, 10_000, 4321} <= set(users)
    assert curve_user_counts(400_000)[-1] == 800_000
    assert curve_user_counts(900_000)[-1] == 1_000_000


def test_cost_curve_prices_each_point_with_the_engine():
    s = parse_scenario({"concurrent_users": 3000, "compliance": "soc2"})
    cat = load_snapshot()
    points = build_series(estimate(s, cat), cat).curve
    at_2000 = next(p for p in points if p.users == 2000)
    e = estimate(s.model_copy(update={"concurrent_users": 2000}), cat)
    assert (at_2000.monthly_usd, at_2000.tier) == (e.monthly_usd, "Large")
    assert next(p for p in points if p.users == 1999).tier == "Medium"


def test_projection_grows_users_monthly():
    s = parse_scenario({"concurrent_users": 1000, "growth_pct_per_month": 10.0})
    rows = build_series(estimate(s), load_snapshot()).projection
    assert [r.month for r in rows] == list(range(1, 13))
    assert [r.users for r in rows[:4]] == [1000, 1100, 1210, 1331]      # 1000 x 1.1^(m-1), rounded
    assert rows[11].users == round(1000 * 1.1 ** 11) == 2853
    assert rows[11].tier == "Large" and rows[0].tier == "Medium"
    assert rows[0].monthly_usd == estimate(s).first_year_months[0].monthly_usd    # month 1: one month of history


def test_service_and_split_totals_add_up_to_the_bill():
    e = estimate(parse_scenario({"concurrent_users": 2500, "compliance": "hipaa"}))
    services = cost_by_service(e)
    assert sum(services.values()) == e.monthly_usd
    assert list(services.values()) == sorted(services.values(), reverse=True)
    split = cost_split(e)
    assert split["Compliance controls"] == e.compliance_usd > 0
    assert sum(split.values()) == e.monthly_usd


# ---- downloads -----------------------------------------------------------------------------------------
def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return zf.namelist()


def _bundle_fails(monkeypatch):
    import generators.bundle as bundle

    def broken(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(bundle, "generate_bundle", broken)


def test_assembled_downloads_when_the_bundle_generator_fails(monkeypatch):
    _bundle_fails(monkeypatch)
    s = parse_scenario({"concurrent_users": 600, "name": "Acme / Pilot", "environment": "staging"})
    e = estimate(s)
    steps: list[str] = []
    dl = ui_downloads.build_downloads(s, e, lambda f, m: steps.append(m))
    assert dl.source == "assembled" and steps[-1] == "Ready"
    labels = {a.label: a for a in dl.artifacts}
    zip_art = labels["Whole bundle (zip)"]
    assert zip_art.file_name == "tiersizer-acme-pilot-staging.zip"
    names = _zip_names(zip_art.data)
    prefix = "tiersizer-acme-pilot-staging/"
    assert f"{prefix}scenario.yaml" in names and f"{prefix}estimate.json" in names
    assert f"{prefix}report/bom.csv" in names
    with zipfile.ZipFile(io.BytesIO(zip_art.data)) as zf:
        assert parse_scenario(yaml.safe_load(zf.read(f"{prefix}scenario.yaml"))) == s
    rows = list(csv.DictReader(io.StringIO(labels["Bill of materials (CSV)"].data.decode())))
    lines, total = rows[:-1], rows[-1]                  # the last row is the total
    assert len(lines) == len(e.lines) and Decimal(total["monthly_usd"]) == e.monthly_usd
    assert sum(Decimal(r["monthly_usd"]) for r in lines) == e.monthly_usd
    assert dl.problems[0] == "bundle generator: RuntimeError: disk full"
    for problem in dl.problems:                 # a failing generator is said, not raised
        assert ":" in problem


def test_a_failing_generator_becomes_a_problem_not_a_crash(monkeypatch):
    _bundle_fails(monkeypatch)
    import generators.report as report

    def broken(*_a, **_k):
        raise RuntimeError("fonts missing")
    monkeypatch.setattr(report, "write_report", broken)
    s = Scenario()
    dl = ui_downloads.build_downloads(s, estimate(s))
    assert "report: RuntimeError: fonts missing" in dl.problems
    labels = {a.label: a for a in dl.artifacts}
    assert set(labels) >= {"Whole bundle (zip)", "Bill of materials (CSV)", "Scenario (YAML)"}
    assert "Report (HTML)" not in labels
    assert labels["Bill of materials (CSV)"].data.decode() == bom_csv(estimate(s))    # the one BOM CSV builder


def test_zip_is_deterministic(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    (tmp_path / "a.txt").write_text("a")
    one = ui_downloads.zip_dir(tmp_path, "p")
    assert one == ui_downloads.zip_dir(tmp_path, "p")
    assert _zip_names(one) == ["p/a.txt", "p/b/x.txt"]


def test_slug():
    assert ui_downloads.slug("Acme  Health / PROD v2!") == "acme-health-prod-v2"
    assert ui_downloads.slug("¿¿") == "scenario"


# ---- text ------------------------------------------------------------------------------------------------
def test_md_escape_neutralises_markup_and_keeps_the_text():
    import re

    from app.web.components.text import md_escape
    raw = "![i](http://x/y.png) [a](b) **b** _i_ `c` # h $x$ :red[r] <b> a|b ~s~"
    esc = md_escape(raw)
    assert re.sub(r"\\(.)", r"\1", esc) == raw
    assert re.search(r"(?<!\\)[\[\]()*_`#$:<>|~!]", esc) is None      # no unescaped markup character left
    assert md_escape("two\nlines\tand  spaces") == "two lines and spaces"


def test_share_link_accepts_the_cli_short_names():
    s, problems = share_link.restore({"users": "5000", "env": "dev", "region": "mars"})
    assert (s.concurrent_users, s.environment.value, s.region) == (5000, "dev", "us-east-1")
    assert [f for f, _ in problems] == ["region"]
    assert share_link.has_scenario_params({"users": "10"})


def test_undeployable_plan_offers_the_report_but_no_cdk_or_helm():
    """16 vCPU backend pods fit no 2-vCPU t3.medium node: no CDK app or Helm values in the downloads, the
    reason (naming the field) is a problem, and the report and bill of materials are still offered."""
    s = parse_scenario({"environment": "dev", "backend_cpu_request_m": 16000, "node_instance_type": "t3.medium"})
    dl = ui_downloads.build_downloads(s, estimate(s))
    labels = {a.label for a in dl.artifacts}
    assert {"CDK config", "Helm values"}.isdisjoint(labels)
    assert {"Report (HTML)", "Report (PDF)", "Bill of materials (CSV)", "Scenario (YAML)"} <= labels
    assert len(dl.problems) == 1 and "backend_cpu_request_m" in dl.problems[0]
    names = _zip_names(next(a for a in dl.artifacts if a.label == "Whole bundle (zip)").data)
    assert not any("/cdk/" in n or "/helm/" in n for n in names)


def test_an_unreachable_database_is_retried_at_most_every_30_s(monkeypatch):
    """Each attempt on a database that is down may wait for the connect timeout: one attempt per 30 s,
    not one per rerun; the page says why in the meantime, and a later success clears the failure."""
    from app.storage import StorageError
    from app.web.components import saved as ui_saved

    monkeypatch.setenv("TIERSIZER_DATABASE_URL", "postgresql://nobody@db.invalid/none")
    monkeypatch.setattr(ui_saved, "_failures", {})
    clock = [1000.0]
    monkeypatch.setattr(ui_saved, "_now", lambda: clock[0])
    calls: list[str] = []
    outcome: list[object] = [StorageError("cannot open the scenario database: timeout expired")]

    def fake_repository(url: str):
        calls.append(url)
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]
    monkeypatch.setattr(ui_saved, "repository", fake_repository)
    assert ui_saved.get_repository() is None and len(calls) == 1
    clock[0] += 29.9
    assert ui_saved.get_repository() is None and len(calls) == 1        # remembered, not retried
    clock[0] += 0.1
    assert ui_saved.get_repository() is None and len(calls) == 2        # 30 s on: tried again
    class Repo:                                     # get_repository binds the repository to the session's owner
        def as_owner(self, owner):  # type: ignore[no-untyped-def]
            return self
    outcome[0] = repo = Repo()
    clock[0] += 30
    assert ui_saved.get_repository() is repo and len(calls) == 3
    assert ui_saved.get_repository() is repo and ui_saved._failures == {}


def test_share_link_round_trips_ranges():
    s = parse_scenario({"messages_per_user_per_hour": "6.5:10:16.25", "turns_per_conversation": "2:4:9"})
    p = share_link.scenario_to_params(s)
    assert p["ranges"] == "messages_per_user_per_hour=6.5:16.25; turns_per_conversation=2:9"
    assert share_link.params_to_scenario(p) == s
    restored, problems = share_link.restore({**p, "ranges": "messages_per_user_per_hour=12:16"})
    assert restored.ranges == () and problems[0][0] == "messages_per_user_per_hour"


def test_ranges_widget_round_trips_through_validation():
    s = parse_scenario({"quiet_load_pct_of_peak": "10:30:50", "seconds_between_turns": "20:60:400"})
    state: dict = {}
    ui_inputs.load_into_state(state, s)
    assert state["in_ranges"] == "seconds_between_turns=20:400\nquiet_load_pct_of_peak=10:50"
    back, errors = ui_inputs.validate(state)
    assert back == s and not errors
