"""The whole-project roll-up (pricing/rollup.py): one estimate per environment, totals, what each environment set.

Expected values come from the environment profiles (sizing/profiles.py) and the estimates' own figures,
with the arithmetic written here."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from pricing.catalog import load_snapshot
from pricing.engine import estimate
from pricing.rollup import (
    RollupInputError,
    environment_scenario,
    parse_environment_users,
    parse_environments,
    rollup,
    rollup_csv,
    rollup_to_dict,
    summary_rows,
)
from pricing.schema import estimate_to_dict
from sizing.scenario import Environment, Scenario, parse_scenario

DEV, STAGING, PROD = Environment.dev, Environment.staging, Environment.prod


@pytest.fixture(scope="module")
def catalog():
    return load_snapshot()


def settings(r, env) -> dict[str, tuple[str, str]]:
    part = next(p for p in r.environments if p.environment is env)
    return {s.name: (s.value, s.source) for s in part.settings}


def test_totals_are_the_sum_of_the_environments(catalog):
    s = parse_scenario({"concurrent_users": 800, "compliance": "soc2"})
    r = rollup(s, (DEV, STAGING, PROD), catalog)
    d, st, p = (estimate(environment_scenario(s, e), catalog, ranges=True) for e in (DEV, STAGING, PROD))
    assert [x.estimate for x in r.environments] == [d, st, p]
    assert r.monthly_usd == d.monthly_usd + st.monthly_usd + p.monthly_usd
    assert r.first_year_usd == d.first_year_usd + st.first_year_usd + p.first_year_usd
    assert r.infrastructure_usd == d.infrastructure_usd + st.infrastructure_usd + p.infrastructure_usd
    assert r.llm_usd == d.llm_usd + st.llm_usd + p.llm_usd
    # the same users everywhere: the LLM tokens are the same in each environment; the infrastructure grows to prod
    assert d.llm_usd == st.llm_usd == p.llm_usd
    assert d.infrastructure_usd < st.infrastructure_usd < p.infrastructure_usd


def test_each_environment_is_the_scenario_with_that_environment(catalog):
    s = parse_scenario({"environment": "prod", "concurrent_users": 300, "name": "Acme"})
    r = rollup(s, (DEV,), catalog)
    as_dev = parse_scenario({"environment": "dev", "concurrent_users": 300, "name": "Acme"})
    assert r.environments[0].estimate.scenario == as_dev
    assert estimate_to_dict(r.environments[0].estimate) == estimate_to_dict(estimate(as_dev, catalog, ranges=True))


def test_profile_fields_left_unset_follow_the_environment(catalog):
    r = rollup(Scenario(), (DEV, STAGING, PROD), catalog)
    # sizing/profiles.py: dev 2 AZs, one NAT, 100 % spot, no WAF, 7 days; staging 2 AZs, one NAT, 50 %, 30 days;
    # prod 3 AZs with a NAT per AZ (3), 30 % spot, WAF on, 90 days
    assert settings(r, DEV)["availability_zones"] == ("2", "dev profile")
    assert settings(r, DEV)["nat_gateways"] == ("1", "dev profile")
    assert settings(r, DEV)["spot_share_pct"] == ("100", "dev profile")
    assert settings(r, DEV)["waf_enabled"] == ("off", "dev profile")
    assert settings(r, DEV)["log_retention_days"] == ("7", "dev profile")
    assert settings(r, DEV)["dynamodb_pitr"] == ("on", "dev profile")     # backup policy pitr-only in dev
    assert settings(r, STAGING)["min_backend_replicas"] == ("2", "staging profile")
    assert settings(r, STAGING)["spot_share_pct"] == ("50", "staging profile")
    assert settings(r, STAGING)["log_retention_days"] == ("30", "staging profile")
    assert settings(r, PROD)["nat_gateways"] == (str(3 * 1), "prod profile")     # 3 AZs x 1 NAT per AZ
    assert settings(r, PROD)["min_backend_replicas"] == ("3", "prod profile")
    assert settings(r, PROD)["waf_enabled"] == ("on", "prod profile")
    assert settings(r, PROD)["log_retention_days"] == ("90", "prod profile")
    assert r.kept_from_scenario == ()


def test_fields_set_in_the_scenario_are_kept_in_every_environment(catalog):
    s = parse_scenario({"availability_zones": 3, "spot_share_pct": 0, "waf_enabled": False})
    r = rollup(s, (DEV, PROD), catalog)
    assert r.kept_from_scenario == ("availability_zones", "spot_share_pct", "waf_enabled")
    for env in (DEV, PROD):
        assert settings(r, env)["availability_zones"] == ("3", "scenario")
        assert settings(r, env)["spot_share_pct"] == ("0", "scenario")
        assert settings(r, env)["waf_enabled"] == ("off", "scenario")
    # the NAT layout is the environment's: dev one NAT whatever the AZs, prod one per AZ
    assert settings(r, DEV)["nat_gateways"] == ("1", "dev profile")
    assert settings(r, PROD)["nat_gateways"] == ("3", "prod profile")


def test_compliance_raises_what_the_profile_would_set(catalog):
    r = rollup(parse_scenario({"compliance": "pci"}), (DEV,), catalog)
    assert settings(r, DEV)["waf_enabled"] == ("on", "compliance (PCI DSS)")
    assert settings(r, DEV)["log_retention_days"] == ("365", "compliance")   # PCI DSS 10.5.1: 12 months
    row = dict((line, values) for line, values, _ in summary_rows(r))
    assert row["WAF"] == ["on (compliance (PCI DSS))"] and row["Log retention, days"] == ["365 (compliance)"]


def test_users_override_prices_fewer_users_in_dev_only(catalog):
    s = parse_scenario({"concurrent_users": 2000})
    r = rollup(s, (DEV, PROD), catalog, users={DEV: 20})
    dev, prod = (p.estimate for p in r.environments)
    assert dev.scenario.concurrent_users == 20 and prod.scenario.concurrent_users == 2000
    assert [p.users_source for p in r.environments] == ["override", "scenario"]
    assert dev == estimate(parse_scenario({"concurrent_users": 20, "environment": "dev"}), catalog, ranges=True)
    # the LLM bill is proportional to the users: 20 of 2000 users -> 1 % of the tokens (to the cent per line)
    assert abs(dev.llm_usd - prod.llm_usd * Decimal(20) / Decimal(2000)) <= Decimal("0.05")


def test_json_and_csv_carry_the_totals(catalog):
    r = rollup(Scenario(), (DEV, STAGING, PROD), catalog)
    doc = rollup_to_dict(r)
    assert list(doc["environments"]) == ["dev", "staging", "prod"]
    months = [Decimal(doc["environments"][e]["cost"]["monthly_usd"]) for e in ("dev", "staging", "prod")]
    assert Decimal(doc["monthly_usd"]) == months[0] + months[1] + months[2]
    years = [Decimal(doc["environments"][e]["cost"]["first_year_usd"]) for e in ("dev", "staging", "prod")]
    assert Decimal(doc["first_year_usd"]) == years[0] + years[1] + years[2]
    rows = list(csv.DictReader(io.StringIO(rollup_csv(r))))
    assert [x["environment"] for x in rows] == ["dev", "staging", "prod", "total"]
    assert Decimal(rows[3]["monthly_usd"]) == sum(Decimal(x["monthly_usd"]) for x in rows[:3])
    assert Decimal(rows[3]["first_year_usd"]) == sum(Decimal(x["first_year_usd"]) for x in rows[:3])
    assert int(rows[3]["nodes"]) == sum(int(x["nodes"]) for x in rows[:3])


@pytest.mark.parametrize("text, message", [
    ("", "empty"), (" , ", "empty"), (None, "empty"),
    ("dev,qa", "unknown environment 'qa'"), ("dev,dev", "'dev' is given twice"), ("prod,PROD", "given twice"),
])
def test_bad_environments_name_the_option_and_the_allowed_values(text, message):
    with pytest.raises(RollupInputError) as exc:
        parse_environments(text)
    assert exc.value.option == "--environments"
    assert message in str(exc.value) and "dev, staging, prod" in str(exc.value)


def test_environments_parse_in_the_order_given():
    assert parse_environments(" Prod , dev") == (PROD, DEV)


@pytest.mark.parametrize("text, message", [
    ("dev", "not env=users"), ("qa=5", "not env=users"), ("dev=5,dev=6", "dev is given twice"),
    ("dev=many", "not a whole number"), ("dev=2.5", "not a whole number"), ("dev=0", "out of range"),
    ("staging=1000001", "out of range"),
])
def test_bad_user_overrides_name_the_option_and_the_range(text, message):
    with pytest.raises(RollupInputError) as exc:
        parse_environment_users(text)
    assert exc.value.option == "--env-users"
    assert message in str(exc.value) and "users 1..1,000,000" in str(exc.value)


def test_user_overrides_parse():
    assert parse_environment_users("dev=20, staging=50") == {DEV: 20, STAGING: 50}
    assert parse_environment_users("") == {} and parse_environment_users(None) == {}


@pytest.mark.parametrize("users", [0, 1_000_001, True, 2.5])
def test_rollup_refuses_users_outside_the_field_range(catalog, users):
    with pytest.raises(RollupInputError, match="1..1,000,000"):
        rollup(Scenario(), (DEV,), catalog, users={DEV: users})


def test_an_old_scenario_keeps_its_conversion_note_in_every_environment(catalog):
    s = parse_scenario({"average_load_pct_of_peak": 50})
    r = rollup(s, (DEV,), catalog)
    ref = estimate(parse_scenario({"average_load_pct_of_peak": 50, "environment": "dev"}), catalog, ranges=True)
    assert r.environments[0].estimate.warnings == ref.warnings
    assert any("average_load_pct_of_peak" in w for w in ref.warnings)
