"""Monthly review page (Streamlit AppTest): saved scenario + month + Cost Explorer (stubbed) -> variance, flags with
hints, charts, stored review and trend; bad month shown by its field; exports (CSV, HTML, PDF) read back."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from streamlit.testing.v1 import AppTest

from pricing.engine import estimate
from review.mapping import estimate_groups
from review.sources.savings_plans import PLANS
from sizing.scenario import parse_scenario
from tests.helpers.cur import USAGE_FOR_GROUP
from tests.review.test_savings_plans import response as sp_response

PAGE = str(Path(__file__).resolve().parents[2] / "app" / "web" / "views" / "review.py")
# PCI, not HIPAA: under HIPAA the plan sends no bytes through the NAT (all on VPC endpoints)
SCEN = {"name": "Acme prod", "concurrent_users": 5000, "compliance": ["pci"]}


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    from app.storage import open_repository
    s = parse_scenario(SCEN)
    open_repository().save("Acme prod", s)
    return estimate(s)


def _groups(keys, amount):
    return {"Keys": list(keys), "Metrics": {k: {"Amount": str(amount), "Unit": "USD"}
                                            for k in ("UnblendedCost", "AmortizedCost")}
            | {"UsageQuantity": {"Amount": "0", "Unit": "N/A"}}}


def _resp(groups):
    return {"ResultsByTime": [{"TimePeriod": {"Start": "2025-05-01", "End": "2025-06-01"}, "Total": {},
                               "Groups": groups, "Estimated": False}]}


def stub_cost_explorer(monkeypatch, est, nat_factor: int) -> None:
    """Cost Explorer returning the estimate as the bill, NAT bytes times `nat_factor`, plus $7.50 tax."""
    groups, _ = estimate_groups(est.lines)
    usage = []
    for gid, g in groups.items():
        ut = USAGE_FOR_GROUP[gid][1].format(type=est.plan.nodes.instance_type, cache="")
        usage.append(_groups([g.service, ut], g.estimate_usd * (nat_factor if gid == "vpc:nat-gateway-gb" else 1)))
    client = boto3.client("ce", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    stub = Stubber(client)
    stub.add_response("get_cost_and_usage", _resp([_groups(["Usage", "EC2 - Other"], 1)]))
    stub.add_response("get_cost_and_usage", _resp(usage))
    stub.add_response("get_cost_and_usage", _resp([_groups(["Tax", "Tax"], "7.50")]))
    for plan, term in PLANS:   # Compute 1 year: 0.25 USD/h saves 40 USD a month (22%); the others none
        figures = ("0.250", "40.00", "22.0") if (plan, term) == ("COMPUTE_SP", "ONE_YEAR") else ("0", "0", "0")
        stub.add_response("get_savings_plans_purchase_recommendation", sp_response(plan, term, *figures))
    stub.activate()
    monkeypatch.setattr("review.sources.ce_api.ce_client", lambda profile=None: client)


def start() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_review_from_cost_explorer_flags_nat_stores_and_exports(saved, monkeypatch):
    est = saved
    stub_cost_explorer(monkeypatch, est, nat_factor=5)
    at = start()
    at.text_input(key="review_month").set_value("2025-05")
    at.radio(key="review_source").set_value("Cost Explorer API")
    at.run()
    at.button(key="review_run").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    m = {x.label: x.value for x in at.metric}
    nat = next(ln.monthly_usd for ln in est.lines if ln.price_key == "vpc:nat-gateway-gb")
    assert m["Estimate"] == f"${est.monthly_usd:,.2f}"
    assert m["Actual usage"] == f"${est.monthly_usd + 4 * nat:,.2f}"
    assert m["Tax, credits, fees"] == "$7.50" and m["Flags (> 15.0%)"] == "1" and m["Recommended tier"] == "Large"
    flagged = [w.value for w in at.warning]
    assert len(flagged) == 1 and "NAT data processed" in flagged[0] and "VPC endpoints" in flagged[0]
    charts = [el.proto.id for el in at.get("plotly_chart")]
    assert any("review_service_chart" in c for c in charts) and any("review_trend_chart" in c for c in charts)
    sp = next(d.value for d in at.dataframe if "Break-even" in d.value.columns)
    assert list(sp["Plan"]) == ["Compute", "Compute", "EC2 Instance", "EC2 Instance"]
    assert sp["Hourly commitment (USD)"][0] == 0.25 and sp["Saving / month (USD)"][0] == 40.0
    assert sp["Break-even"][0] == "month 1 (no upfront)" and sp["Break-even"][1] == "no saving"
    from app.storage.reviews import open_review_store
    stored = open_review_store().list("Acme prod")
    assert [(s.month, s.flags, s.actual_usd) for s in stored] == [("2025-05", 1, est.monthly_usd + 4 * nat
                                                                     + Decimal("7.50"))]


def test_bad_month_is_shown_by_the_field_and_blocks_the_run(saved):
    at = start()
    at.text_input(key="review_month").set_value("2025-13")
    at.run()
    assert any("Month (YYYY-MM): expected YYYY-MM" in e.value.replace("\\", "") for e in at.error)
    assert at.button(key="review_run").disabled


def test_user_text_in_messages_is_not_markdown(tmp_path, monkeypatch):
    """A saved name and a profile name with Markdown characters are shown as typed (escaped), not as markup."""
    from app.storage import open_repository
    from app.web.components.text import md_escape
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    name = "Acme *prod* $1$ [x](http://evil)"
    s = parse_scenario(SCEN)
    open_repository().save(name, s)
    at = start()
    at.text_input(key="review_month").set_value("2025-05")
    at.radio(key="review_source").set_value("Cost Explorer API")
    at.run()
    at.text_input(key="review_profile").set_value("ops_*team*")
    at.button(key="review_run").click()
    at.run()
    assert not at.exception, at.exception
    message = "AWS profile: AWS profile 'ops_*team*' not found in ~/.aws/config or credentials"
    assert [e.value for e in at.error] == [md_escape(message)]
    stub_cost_explorer(monkeypatch, estimate(s), nat_factor=1)
    at.button(key="review_run").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [h.value for h in at.subheader] == [f"{md_escape(name)}: 2025-05"]


def test_exports_read_back(saved, tmp_path):
    from generators.charts import fig_review_services as service_chart
    from generators.review_report import review_csv, review_html, review_pdf
    from review.sources import read_cur
    from review.variance import build_review
    from tests.helpers.cur import bill_rows, write_cur_csv
    est = saved
    p = write_cur_csv(tmp_path / "cur.csv", list(bill_rows(est, "2025-05", scale={"vpc:nat-gateway-gb": Decimal(5)})))
    r = build_review(est, read_cur(p, "2025-05", {"Project": "ChatApp", "Environment": "prod"}))
    rows = list(csv.DictReader(io.StringIO(review_csv(r))))
    lines = [x for x in rows if x["section"] == "line"]
    assert sum(Decimal(x["actual_usd"]) for x in lines) == r.actual_usage_usd
    assert [x["flag"] for x in lines if x["flag"]] == ["over"]
    total = [x for x in rows if x["section"] == "total"]
    assert Decimal(total[1]["actual_usd"]) == r.actual_usd
    html = review_html(r, [service_chart(r)])
    assert "NAT bytes far above plan" in html and "<script" in html and "<script src=" not in html
    from pypdf import PdfReader
    text = " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(io.BytesIO(review_pdf(r))).pages)
    assert "Monthly review 2025-05" in text and "NAT bytes far above plan" in text
    assert f"${r.actual_usd:,.2f}" in text
    json.dumps(r.month)
