"""One set of chart functions (generators/charts.py): the page and the report draw the same data, the theme
only changes the look; the review report's HTML comes from its jinja template, escaped."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generators import charts as C
from generators.report_model import build_series, pct_delta, plain_decimal, usd, usd_headline
from generators.review_report import review_html
from pricing.engine import Estimate, estimate
from review.sources import read_cur
from review.variance import build_review
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, write_cur_csv


@pytest.fixture(scope="module")
def est() -> Estimate:
    return estimate(parse_scenario({"concurrent_users": 2500, "compliance": "hipaa"}))


def test_page_and_report_figures_share_their_data(est: Estimate) -> None:
    series = build_series(est)
    page = C.report_figures(est, series, C.PAGE)
    report = C.report_figures(est, series, C.REPORT)
    assert list(page) == list(report)
    for key in page:
        assert page[key].to_plotly_json()["data"] == report[key].to_plotly_json()["data"], key
        assert page[key].layout.title.text == report[key].layout.title.text
    assert report["cost-by-service"].layout.margin.l == 60 and page["cost-by-service"].layout.margin.l == 10


def test_page_theme_attaches_no_named_template(est: Estimate) -> None:
    """A named template is validated per figure (~12 ms); the page leaves the look to Streamlit's theme."""
    import plotly.io as pio
    fig = C.fig_cost_split(est, C.PAGE)
    assert fig.layout.height == 340 and fig.layout.legend.yanchor == "top"
    assert fig.layout.template != pio.templates["plotly_white"]         # the default template, attached unvalidated
    assert C.fig_cost_split(est, C.REPORT).layout.template == pio.templates["plotly_white"]


def test_money_and_percent_helpers_by_hand() -> None:
    assert usd(Decimal("1234.5")) == "$1,234.50" and usd(None) == "" and usd(None, none="—") == "—"
    assert usd_headline(Decimal("9999.99")) == "$9,999.99" and usd_headline(Decimal("12345.6")) == "$12,346"
    assert pct_delta(None) == "n/a" and pct_delta(Decimal("12.34")) == "+12.3%" and pct_delta(-5) == "-5.0%"
    assert plain_decimal(Decimal("1E+2")) == "100" and plain_decimal(None) == ""


def test_review_html_escapes_names_and_has_no_undefined(est: Estimate, tmp_path: Path) -> None:
    p = write_cur_csv(tmp_path / "cur.csv", list(bill_rows(est, "2025-05")))
    r = build_review(est, read_cur(p, "2025-05", {"Project": "ChatApp", "Environment": "prod"}),
                     scenario_name="<script>alert(1)</script> {{ x }}")
    html = review_html(r, [C.fig_review_services(r)])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }}" in html
    assert html.startswith("<!doctype html>") and 'id="review-chart-0"' in html


def test_usd_compact_keeps_narrow_figures_readable():
    from generators.report_model import usd_compact
    assert [usd_compact(x) for x in (4522.01, 47654.2, 80149, 1_234_567)] == ["$4,522", "$47.7k", "$80.1k", "$1.23M"]


def test_projection_month_m_holds_m_months_of_chat_history() -> None:
    # no growth: every month has today's users, so month m is the estimate's month m of operation
    est = estimate(parse_scenario({"concurrent_users": 2000, "growth_pct_per_month": 0}))
    proj = build_series(est).projection
    assert [p.month for p in proj] == list(range(1, 13))
    assert [p.monthly_usd for p in proj] == [m.monthly_usd for m in est.first_year_months]
    # the young table is cheaper; month 12 holds the full 365-day history = the steady month, less the rotated KMS
    # key versions billed from month 13 (2 x $1 per key)
    rotated = sum(ln.monthly_usd for ln in est.lines if ln.unit == "rotated key versions")
    assert rotated == 2 * sum(ln.quantity for ln in est.lines if ln.unit == "keys" and ln.price_key == "kms:key-month")
    assert proj[0].monthly_usd < proj[-1].monthly_usd == est.monthly_usd - rotated
    assert proj[-1].infrastructure_usd - proj[0].infrastructure_usd == proj[-1].monthly_usd - proj[0].monthly_usd
