"""AppTest: the Whole project page shows the Estimate page's scenario as dev, staging and prod, with totals.

Expected numbers come from the cost engine directly and are added here."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.web.components.results import FAILURE_PREFIX
from pricing.engine import estimate
from sizing.scenario import parse_scenario

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")
TIMEOUT = 60


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if e.value.startswith(FAILURE_PREFIX)]
    return at


def usd(x) -> str:
    return f"${x:,.2f}"


def project_page(users: int) -> AppTest:
    """The Estimate page with `users` peak users, then the Whole project page."""
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    at.number_input(key="in_concurrent_users").set_value(users).run()
    at.switch_page("views/project.py").run()
    return ok(at)


def test_whole_project_shows_each_environment_and_the_totals():
    at = project_page(600)
    d, s, p = (estimate(parse_scenario({"concurrent_users": 600, "environment": e}), ranges=True)
               for e in ("dev", "staging", "prod"))
    table = at.dataframe[0].value
    assert list(table.columns) == ["dev", "staging", "prod", "Total"]
    assert table.loc["Monthly", "dev"] == usd(d.monthly_usd)
    assert table.loc["First year", "prod"] == usd(p.first_year_usd)
    assert table.loc["Tier", "staging"] == s.plan.tier
    assert table.loc["Nodes", "prod"] == f"{p.plan.nodes.desired} x {p.plan.nodes.instance_type}"
    assert table.loc["LLM", "dev"] == usd(d.llm_usd) and table.loc["Infrastructure", "staging"] == usd(s.infrastructure_usd)
    month = d.monthly_usd + s.monthly_usd + p.monthly_usd
    year = d.first_year_usd + s.first_year_usd + p.first_year_usd
    assert table.loc["Monthly", "Total"] == usd(month) and table.loc["First year", "Total"] == usd(year)
    m = {x.label: x.value for x in at.metric}
    assert m["Whole project, monthly"] == usd(month) and m["Whole project, first year"] == usd(year)
    assert table.loc["AZs / NAT gateways", "dev"] == "2 / 1" and table.loc["AZs / NAT gateways", "prod"] == "3 / 3"
    assert table.loc["Peak concurrent users", "dev"] == "600"


def test_users_override_and_environment_choice():
    at = project_page(600)
    at.text_input(key="project_env_users").set_value("dev=20").run()
    at.multiselect(key="project_environments").set_value(["prod", "dev"]).run()
    ok(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["dev", "prod", "Total"]      # always in dev, staging, prod order
    dev = estimate(parse_scenario({"concurrent_users": 20, "environment": "dev"}), ranges=True)
    prod = estimate(parse_scenario({"concurrent_users": 600, "environment": "prod"}), ranges=True)
    assert table.loc["Peak concurrent users", "dev"] == "20 (override)"
    assert table.loc["Monthly", "dev"] == usd(dev.monthly_usd)
    assert table.loc["Monthly", "Total"] == usd(dev.monthly_usd + prod.monthly_usd)
    assert Decimal(table.loc["Monthly", "Total"].strip("$").replace(",", "")) == dev.monthly_usd + prod.monthly_usd


def test_bad_override_and_no_environment_are_messages_not_tracebacks():
    at = project_page(600)
    at.text_input(key="project_env_users").set_value("dev=0").run()
    ok(at)
    assert any("Users per environment" in e.value and "out of range" in e.value for e in at.error)
    assert not at.dataframe
    at.text_input(key="project_env_users").set_value("").run()
    at.multiselect(key="project_environments").set_value([]).run()
    ok(at)
    assert any("at least one environment" in w.value for w in at.warning) and not at.dataframe


def test_invalid_estimate_inputs_are_pointed_to():
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    at.number_input(key="in_concurrent_users").set_value(600).run()
    at.session_state["in_concurrent_users"] = 0
    at.switch_page("views/project.py").run()
    ok(at)
    assert any("Estimate page has inputs out of range" in e.value for e in at.error) and not at.dataframe
