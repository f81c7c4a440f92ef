"""Streamlit AppTest: the Estimate page reacts to inputs, errors sit by their field, share links restore.

Expected numbers come from the cost engine directly, formatted as the page formats them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.web.components.results import FAILURE_PREFIX
from app.web.components.share_link import scenario_to_params
from generators.report_model import usd_compact
from pricing.engine import estimate
from sizing.scenario import Scenario, parse_scenario

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")
TIMEOUT = 60


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)


def ok(at: AppTest) -> AppTest:
    """No exception and no caught page failure in the last run."""
    assert not at.exception, at.exception
    failures = [e.value for e in at.error if e.value.startswith(FAILURE_PREFIX)]
    assert not failures, failures
    return at


def start(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    return ok(at.run())


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open one of the estimate page's result tabs and rerun: only the open tab is drawn (lazy tabs)."""
    at.session_state["result_tab"] = label
    return ok(at.run())


def plain(markdown: str) -> str:
    """Markdown source with backslash escapes removed: the text a person reads."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def usd(x) -> str:
    return f"${x:,.2f}"


def headline(x) -> str:
    """Headline metrics: cents below $10,000, whole dollars from there on."""
    return f"${x:,.2f}" if x < 10_000 else f"${x:,.0f}"


def chart(at: AppTest, key_fragment: str) -> dict:
    """The plotly spec of the chart whose element id contains `key_fragment`."""
    for el in at.get("plotly_chart"):
        if key_fragment in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key_fragment}")


def test_default_page_shows_tier_totals_four_charts_and_no_error():
    at = start()
    expected = estimate(Scenario())
    m = metrics(at)
    assert m["Tier"] == "Small"
    assert m["Monthly"] == headline(expected.monthly_usd)
    assert m["First year"] == headline(expected.first_year_usd)
    assert m["Cost per user / month"] == usd(expected.cost_per_user_usd)
    assert len(at.get("plotly_chart")) == 5                          # four charts and the drivers' tornado
    assert not at.error
    assert any("Tier: Small" in md.value for md in at.markdown)     # the badge


def test_changing_users_updates_tier_totals_and_charts():
    at = start()
    before = chart(at, "chart_curve")
    at.number_input(key="in_concurrent_users").set_value(5000).run()
    ok(at)
    expected = estimate(parse_scenario({"concurrent_users": 5000}))
    m = metrics(at)
    assert m["Tier"] == "Large" and expected.plan.tier == "Large"
    assert m["Monthly"] == headline(expected.monthly_usd)
    assert any(f"Monthly {usd(expected.monthly_usd)}, first year {usd(expected.first_year_usd)}" in c.value
               for c in at.caption)                       # the exact figures, to the cent
    tier_metric = next(x for x in at.metric if x.label == "Tier")
    assert tier_metric.delta == "was Small"
    after = chart(at, "chart_curve")
    marker_before = next(t for t in before["data"] if t["name"] == "This scenario")
    marker_after = next(t for t in after["data"] if t["name"] == "This scenario")
    assert marker_before["x"] == [250] and marker_after["x"] == [5000]
    assert marker_after["y"] == [float(expected.monthly_usd)]
    services = chart(at, "chart_services")["data"][0]
    assert sum(services["x"]) == pytest.approx(float(expected.monthly_usd), abs=0.01)
    assert at.query_params["concurrent_users"] == "5000"


def test_changing_compliance_adds_the_controls_cost():
    at = start()
    base = estimate(Scenario())
    at.multiselect(key="in_compliance").set_value(["hipaa", "pci"]).run()
    ok(at)
    expected = estimate(parse_scenario({"compliance": ["hipaa", "pci"]}))
    assert expected.compliance_usd > 0 and expected.monthly_usd > base.monthly_usd
    assert metrics(at)["Monthly"] == headline(expected.monthly_usd)
    split = chart(at, "chart_split")["data"][0]
    assert dict(zip(split["labels"], split["values"]))["Compliance controls"] == float(expected.compliance_usd)


def test_bad_value_shows_the_error_under_its_field_and_no_results():
    at = start()
    at.number_input(key="in_concurrent_users").set_value(0).run()
    ok(at)
    side = [e.value for e in at.sidebar.error]
    assert any("Peak concurrent users" in e and "allowed: 1..1000000" in e for e in side), side
    assert not at.metric and not at.get("plotly_chart")
    assert any("out of range (Peak concurrent users)" in e.value for e in at.main.error)
    at.number_input(key="in_concurrent_users").set_value(300).run()
    assert not at.error and metrics(at)["Tier"] == "Small"


def test_external_model_without_prices_is_flagged_on_the_model_field():
    at = start()
    at.selectbox(key="in_llm_model").set_value("external").run()
    assert any(e.value.startswith("**LLM model**") and "external_input_usd_per_1m_tokens" in e.value
               for e in at.sidebar.error)
    at.number_input(key="in_external_input_usd_per_1m_tokens").set_value(3.0)
    at.number_input(key="in_external_output_usd_per_1m_tokens").set_value(15.0).run()
    expected = estimate(parse_scenario({"llm_model": "external", "external_input_usd_per_1m_tokens": 3.0,
                                        "external_output_usd_per_1m_tokens": 15.0}))
    assert not at.error and metrics(at)["Monthly"] == headline(expected.monthly_usd)


def test_share_link_restores_the_scenario_exactly():
    s = parse_scenario({"concurrent_users": 4321, "compliance": "gdpr,soc2", "region": "eu-central-1",
                        "environment": "staging", "api_requests_per_user_per_minute": 2.35,
                        "availability_zones": 2, "waf_enabled": True, "purchase_option": "savings_plan_3y_all_upfront",
                        "name": "Link test", "client": "Zed & Co", "spot_share_pct": 12.5})
    at = start(scenario_to_params(s))
    expected = estimate(s)
    m = metrics(at)
    assert m["Monthly"] == headline(expected.monthly_usd) and m["Upfront"] == headline(expected.upfront_usd)
    assert at.number_input(key="in_concurrent_users").value == 4321
    assert at.number_input(key="in_api_requests_per_user_per_minute").value == 2.35
    assert at.multiselect(key="in_compliance").value == ["gdpr", "soc2"]
    assert at.selectbox(key="in_availability_zones").value == 2
    assert at.text_input(key="in_client").value == "Zed & Co"
    assert not at.error
    # the URL the page keeps is the same link
    assert dict(at.query_params) == scenario_to_params(s)


def test_invalid_share_link_explains_and_falls_back_to_defaults():
    at = start({"concurrent_users": "lots", "region": "mars-1", "environment": "dev", "colour": "blue"})
    text = plain(" ".join(e.value for e in at.error))
    assert "share link has invalid parameters" in text
    assert "**concurrent_users**" in text and "**region**" in text and "**colour**: unknown parameter" in text
    assert "eu-central-1" in text                           # the allowed values are named
    assert at.number_input(key="in_concurrent_users").value == 250
    assert at.selectbox(key="in_region").value == "us-east-1"
    assert at.selectbox(key="in_environment").value == "dev"   # the good parameter is kept
    assert metrics(at)["Monthly"] == headline(estimate(parse_scenario({"environment": "dev"})).monthly_usd)
    at.run()                                                   # still the linked scenario: still explained
    assert any("share link has invalid parameters" in e.value for e in at.error)
    at.number_input(key="in_concurrent_users").set_value(300).run()
    assert not at.error                                        # the user moved on: the message goes


def test_stale_prices_show_a_warning(monkeypatch):
    from pricing.catalog import Catalog
    monkeypatch.setattr(Catalog, "age_days", lambda self, today: 120)
    at = start()
    assert any("Prices are 120 days old" in w.value and "stale after 90 days" in w.value for w in at.warning)


def test_gdpr_outside_the_eu_is_warned():
    at = start()
    at.multiselect(key="in_compliance").set_value(["gdpr"]).run()
    assert any("personal data leaves the EU" in w.value for w in at.warning)


def test_save_then_load_a_scenario_in_the_page():
    at = start()
    at.number_input(key="in_concurrent_users").set_value(1234).run()
    open_tab(at, "Share & save")
    at.text_input(key="save_name").set_value("Twelve")
    at.text_input(key="save_client").set_value("Acme")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert any("Saved 'Twelve'" in s.value for s in at.success), [e.value for e in at.error]
    at.number_input(key="in_concurrent_users").set_value(9).run()
    from app.storage import open_repository
    at.selectbox(key="saved_choice").set_value(open_repository().load("Twelve").id)    # choices are row ids
    at.button(key="saved_load").click().run()
    assert at.number_input(key="in_concurrent_users").value == 1234
    assert metrics(at)["Monthly"] == headline(estimate(parse_scenario({"concurrent_users": 1234})).monthly_usd)
    at.text_input(key="save_name").set_value("   ")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert any("**Name**: must not be empty" in e.value for e in at.error)


def test_downloads_offer_the_bundle_zip_and_its_files():
    at = start()
    assert "prepare_downloads" not in [b.key for b in at.button]      # lazy tabs: drawn once the tab is open
    open_tab(at, "Downloads")
    at.button(key="prepare_downloads").click().run()
    ok(at)
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert set(buttons) == {"Whole bundle (zip)", "CDK config", "Helm values", "Report (HTML)", "Report (PDF)",
                            "Bill of materials (CSV)", "Bill of materials (XLSX)", "Scenario (YAML)"}
    assert not [w.value for w in at.warning if w.value.startswith("Not included")]
    assert buttons["Whole bundle (zip)"].proto.url.endswith(".zip") and buttons["Report (PDF)"].proto.url.endswith(".pdf")
    from app.storage import AuditLog, open_repository  # the export is in the audit table, by the local user
    audit = AuditLog(open_repository().engine).entries()
    assert [(e.actor_sub, e.action, e.object_kind) for e in audit] == [("local", "export", "bundle")]
    assert ".zip" in audit[0].detail
    # the session keeps the built files; a new scenario asks to prepare again
    at.number_input(key="in_concurrent_users").set_value(600).run()
    assert not at.get("download_button") and at.button(key="prepare_downloads")


def test_compare_and_prices_pages_render(tmp_path):
    from app.storage import open_repository
    repo = open_repository()
    repo.save("Small one", parse_scenario({"concurrent_users": 300}))
    repo.save("Big one", parse_scenario({"concurrent_users": 5000, "compliance": "pci"}))
    at = start()
    at.switch_page("views/compare.py").run()
    ok(at)
    table = at.dataframe[0].value
    names = list(table.columns)
    assert set(names) == {"Small one", "Big one"}
    big = estimate(parse_scenario({"concurrent_users": 5000, "compliance": "pci"}))
    assert table.loc["Monthly", "Big one"] == usd(big.monthly_usd)
    assert table.loc["Tier", "Big one"] == "Large"
    assert len(at.get("plotly_chart")) == 1
    at.switch_page("views/prices.py").run()
    ok(at)
    assert {m.label for m in at.metric} >= {"Prices as of", "Age"}
    at.selectbox(key="prices_region").set_value("eu-west-1")
    at.selectbox(key="prices_service").set_value("ec2").run()
    df = at.dataframe[0].value
    assert len(df) > 0 and set(df["Service"]) == {"ec2"} and set(df["Region"]) == {"eu-west-1"}


def test_an_unexpected_failure_is_a_message_not_a_traceback(monkeypatch):
    import app.web.components.results as ui_results

    def broken(est):
        raise RuntimeError("boom in the BOM")
    monkeypatch.setattr(ui_results, "render_bom", broken)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state["result_tab"] = "Bill of materials"      # the failing tab is drawn when it is open
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith(FAILURE_PREFIX) and "RuntimeError" in e for e in errors), errors
    assert not any("boom" in e for e in errors), errors     # the exception's text stays in the log
    assert metrics(at)["Tier"] == "Small"          # what was drawn before the failure stays


def test_user_text_is_shown_literally_not_as_markdown():
    name = "![x](http://example.invalid/p.png) **big** :red[alarm]"
    at = start({"name": name, "client": "[Acme](javascript:alert(1))"})
    title = at.subheader[0].value
    assert plain(title) == f"{name} for [Acme](javascript:alert(1))"
    assert "![" not in title and "](" not in title and "**big**" not in title   # every markup char is escaped


@pytest.mark.parametrize("age, stale", [(90, False), (91, True)])
def test_prices_page_warns_only_past_90_days(monkeypatch, age, stale):
    """The Prices page shows the snapshot's age and warns once it is older than STALE_AFTER_DAYS (90)."""
    from pricing.catalog import Catalog
    monkeypatch.setattr(Catalog, "age_days", lambda self, today: age)
    at = start()
    at.switch_page("views/prices.py").run()
    ok(at)
    assert metrics(at)["Age"] == f"{age} days"
    warned = [w.value for w in at.warning if "stale after 90 days" in w.value]
    assert warned == ([f"These prices are {age} days old (stale after 90 days). Refresh them with "
                       "`python -m app.cli pricing refresh`."] if stale else [])


def test_old_share_link_with_average_load_opens_with_a_note():
    at = start({"users": "1200", "average_load_pct_of_peak": "65"})
    assert not at.error
    note = plain(" ".join(i.value for i in at.info))
    assert "average_load_pct_of_peak" in note and "flat load profile of 65 %" in note
    assert at.number_input(key="in_active_hours_per_day").value == 24
    assert at.number_input(key="in_active_load_pct_of_peak").value == 65.0
    expected = estimate(parse_scenario({"concurrent_users": 1200, "average_load_pct_of_peak": 65}))
    assert metrics(at)["Monthly"] == headline(expected.monthly_usd)
    assert "average_load_pct_of_peak" not in at.query_params        # the page's own link uses the new fields


def test_the_page_shows_the_range_beside_the_total_and_the_drivers():
    at = start({"messages_per_user_per_hour": "6:10:16", "concurrent_users": "2000"})
    expected = estimate(parse_scenario({"messages_per_user_per_hour": "6:10:16", "concurrent_users": 2000}),
                        ranges=True)
    m = metrics(at)
    assert m["Monthly"] == headline(expected.monthly_usd)
    assert m["Range p10 - p90"] == f"{usd_compact(expected.range.p10_usd)}-{usd_compact(expected.range.p90_usd)}"
    spec = chart(at, "chart_drivers")
    assert spec["data"][0]["y"][-1] == expected.drivers[0].field          # the largest swing on top
    at.text_area(key="in_ranges").set_value("messages_per_user_per_hour=9:11").run()
    narrower = metrics(at)["Range p10 - p90"]
    assert narrower != m["Range p10 - p90"] and not at.error


def test_model_not_offered_in_the_region_is_flagged_on_the_region_field():
    """docs/sizing-facts.md § Bedrock model availability by Region: Claude 3.5 Haiku has no EU offer."""
    at = start()
    at.selectbox(key="in_region").set_value("eu-west-1")
    at.selectbox(key="in_llm_model").set_value("anthropic.claude-3-5-haiku").run()
    ok(at)
    side = [e.value for e in at.sidebar.error]
    assert any("does not offer 'anthropic.claude-3-5-haiku'" in e and "us-east-1" in e for e in side), side
    assert not at.metric


def test_estimate_page_compares_purchase_options():
    """The Capacity plan tab carries the whole-bill purchase comparison with its recommendation."""
    at = open_tab(start(), "Capacity plan")
    s = parse_scenario({})
    c = estimate(s).purchase_comparison
    tables = [df.value for df in at.dataframe if "Break-even month" in list(df.value.columns)]
    assert len(tables) == 1
    options = list(tables[0]["Option"])
    assert len(options) == len(c.rows) and any(o.endswith("(recommended)") for o in options)
    assert any(cap.value.startswith("Recommended: ") for cap in at.caption)


def test_bill_of_materials_tab_shows_what_gets_deployed():
    """The inventory table: one row per item, its lines' month summing to the total."""
    at = open_tab(start(), "Bill of materials")
    from pricing.inventory import inventory
    est = estimate(Scenario())
    tables = [df.value for df in at.dataframe if "Kind" in list(df.value.columns)]
    assert len(tables) == 1
    t = tables[0]
    assert list(t["Kind"]) == [it.kind for it in inventory(est)]
    assert "k8s:Ingress" in list(t["Kind"]) and "AWS::EC2::NatGateway" in list(t["Kind"])
    assert sum(t["Lines"]) == len(est.lines)
    assert abs(sum(t["Monthly USD"]) - float(est.monthly_usd)) < 0.005     # floats of the cents
