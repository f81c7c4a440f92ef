"""The cost report: totals agree in every format, BOM sums exactly, offline HTML, charts, escaping."""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from generators import charts as C
from generators import report_model as M
from generators.report import REPORT_FILES, md_text, write_report
from generators.report_model import bom_csv, fmt_num, fmt_unit_price
from pricing.engine import Estimate, estimate
from sizing.scenario import parse_scenario

NASTY_NAME = "=Acme \"R&D\" 'Ltd' <script>alert(1)</script> {{ config }} {% raw %}: # & * ! |x|"   # one line: names refuse control characters
NASTY_CLIENT = "@SUM(1+1)|cmd"


def _estimate(**fields) -> Estimate:
    return estimate(parse_scenario(fields))


@pytest.fixture(scope="module")
def est() -> Estimate:
    return _estimate(name=NASTY_NAME, client=NASTY_CLIENT, concurrent_users=5000, compliance="hipaa,pci")


@pytest.fixture(scope="module")
def report(est: Estimate, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report")
    paths = write_report(est, out, today=date(2026, 12, 1))
    return {p.name: p for p in paths}


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- formatting helpers (expected values written by hand) -------------------------------------------

def test_fmt_usd_by_hand() -> None:
    assert M.fmt_usd(Decimal("12345.67")) == "$12,345.67"
    assert M.fmt_usd(Decimal("0")) == "$0.00"
    assert M.fmt_usd(Decimal("-253.16")) == "-$253.16"
    assert M.fmt_usd(Decimal("1234567.891")) == "$1,234,567.89"


def test_fmt_unit_price_and_quantity() -> None:
    assert fmt_unit_price(Decimal("0.00065")) == "$0.00065"
    assert fmt_unit_price(Decimal("0.1")) == "$0.10"
    assert fmt_unit_price(Decimal("1250")) == "$1,250.00"
    assert fmt_num(174470.0) == "174,470"
    assert fmt_num(1419.4444) == "1,419.44"


def test_md_text_escapes_markup() -> None:
    assert md_text("<script>x</script>") == r"\<script\>x\</script\>"
    assert md_text("a|b\nc") == r"a\|b c"
    assert md_text("# title") == r"\# title"
    assert md_text("- item") == r"\- item"
    assert md_text("12. item") == r"12\. item"
    assert md_text("*x* _y_ [l](u) `c`") == r"\*x\* \_y\_ \[l\](u) \`c\`"
    assert md_text("c5.xlarge 50%") == "c5.xlarge 50%"


def test_curve_and_projection_user_counts() -> None:
    counts = M.curve_user_counts(5000)
    assert counts[0] == 50 and counts[-1] == 20_000 and 5000 in counts and counts == sorted(counts)
    # 12 log-spaced points + the scenario itself + both sides of the three tier boundaries
    assert {499, 500, 1999, 2000, 9999, 10_000} <= set(counts) and len(counts) == 13 + 6
    assert M.curve_user_counts(100_000)[-1] == 200_000
    assert M.projection_users(1000, 10, 3) == [1000, 1100, 1210]
    assert M.projection_users(1000, -50, 3) == [1000, 500, 250]
    assert M.projection_users(900_000, 100, 2) == [900_000, 1_000_000]     # clamped to the field's bound


# --- totals agree -----------------------------------------------------------------------------------

def test_all_files_written(report: dict[str, Path]) -> None:
    assert sorted(report) == sorted(REPORT_FILES)
    assert all(p.stat().st_size > 0 for p in report.values())


def test_total_in_html_markdown_and_pdf(est: Estimate, report: dict[str, Path]) -> None:
    total = f"${est.monthly_usd:,.2f}"
    html = report["report.html"].read_text(encoding="utf-8")
    assert re.search(r'id="monthly-total">([^<]+)<', html).group(1) == total
    md = report["report.md"].read_text(encoding="utf-8")
    assert f"**Monthly total: {total}**" in md
    assert f"| **Total** | | | | | **{total}** |" in md
    text = "".join(page.extract_text() for page in PdfReader(report["report.pdf"]).pages)
    assert total in text
    assert f"${est.upfront_usd:,.2f}" in text and f"${est.first_year_usd:,.2f}" in text


def test_csv_lines_sum_to_total(est: Estimate, report: dict[str, Path]) -> None:
    rows = _csv_rows(report["bom.csv"].read_text(encoding="utf-8"))
    lines, total = rows[:-1], rows[-1]
    assert total["scenario"] == "TOTAL" and Decimal(total["monthly_usd"]) == est.monthly_usd
    assert sum(Decimal(r["monthly_usd"]) for r in lines) == est.monthly_usd
    assert len(lines) == len(est.lines)          # on-demand: no prepaid adjustment row
    assert {r["ce_service"] for r in lines} >= {"Amazon Elastic Compute Cloud - Compute", "Amazon DynamoDB"}


def test_xlsx_lines_sum_to_total(est: Estimate, report: dict[str, Path]) -> None:
    ws = load_workbook(report["bom.xlsx"])["Bill of materials"]
    header = [c.value for c in ws[1]]
    col = header.index("monthly_usd")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    lines, total = rows[:-1], rows[-1]
    assert total[0] == "TOTAL" and round(Decimal(str(total[col])), 2) == est.monthly_usd
    assert round(sum(Decimal(str(r[col])) for r in lines), 2) == est.monthly_usd
    assert all(isinstance(r[col], (int, float)) for r in lines)     # numbers, not text


def test_all_upfront_bom_sums_to_monthly_and_shows_prepaid_ec2() -> None:
    e = _estimate(concurrent_users=3000, purchase_option="savings_plan_1y_all_upfront")
    assert e.upfront_usd > 0
    rows = _csv_rows(bom_csv(e))[:-1]
    assert sum(Decimal(r["monthly_usd"]) for r in rows) == e.monthly_usd
    ec2 = [r for r in rows if r["item"].endswith("nodes, Compute Savings Plan base")]
    assert len(ec2) == 1 and Decimal(ec2[0]["monthly_usd"]) == 0          # prepaid: in the upfront amount
    assert sum(M.cost_by_service(e).values()) == e.monthly_usd
    assert sum(M.cost_split(e).values()) == e.monthly_usd


def test_bom_refuses_lines_that_do_not_add_up(est: Estimate) -> None:
    broken = dataclasses.replace(est, monthly_usd=est.monthly_usd + Decimal("0.01"))
    with pytest.raises(ValueError, match="lines sum to"):
        bom_csv(broken)


def test_cost_split_matches_estimate_categories(est: Estimate) -> None:
    split = M.cost_split(est)
    assert split["LLM tokens"] == est.llm_usd
    assert split["Compliance controls"] == est.compliance_usd
    assert split["Infrastructure"] + split["Compliance controls"] == est.infrastructure_usd
    assert sum(split.values()) == est.monthly_usd


# --- HTML: offline, charts --------------------------------------------------------------------------

def test_html_is_offline_and_embeds_plotly_once(report: dict[str, Path]) -> None:
    html = report["report.html"].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link[^>]+href\s*=\s*[\"']?https?:", html, re.I)
    assert html.count("plotly.js v") == 1 or len(re.findall(r"\* plotly\.js v\d", html)) == 1
    assert html.count("Plotly.newPlot(") == 5


def test_html_has_every_chart_and_tier_band(est: Estimate, report: dict[str, Path]) -> None:
    html = report["report.html"].read_text(encoding="utf-8")
    for chart_id in ("cost-by-service", "infra-vs-llm", "cost-vs-users", "projection", "purchase-options"):
        assert f'id="chart-{chart_id}"' in html
    for band in ("Small tier (0-499 users)", "Medium tier (500-1,999 users)", "Large tier (2,000-9,999 users)",
                 "Enterprise tier (10,000+ users)"):
        assert band in html
    assert "This scenario" in html


def test_cost_vs_users_marks_scenario_and_bands(est: Estimate) -> None:
    series = M.build_series(est)
    fig = C.fig_cost_vs_users(est, series)
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [t.name.split()[0] for t in bands] == ["Small", "Medium", "Large", "Enterprise"]
    marker = next(t for t in fig.data if t.name == "This scenario")
    assert list(marker.x) == [5000] and list(marker.y) == [float(est.monthly_usd)]
    # the curve re-runs the engine: its 5,000-user point is this estimate
    point = next(p for p in series.curve if p.users == 5000)
    assert point.monthly_usd == est.monthly_usd and point.tier == est.plan.tier
    assert [p.tier for p in series.curve][0] == "Small" and series.curve[-1].tier == "Enterprise"


def test_projection_grows_users_and_cost(est: Estimate) -> None:
    series = M.build_series(est)
    assert [p.month for p in series.projection] == list(range(1, 13))
    # month 1 of operation: the chat history (DynamoDB storage, PITR, backups) holds one month, not the full 365 days
    assert series.projection[0].monthly_usd == est.first_year_months[0].monthly_usd < est.monthly_usd
    assert series.projection[1].users == 5250            # 5,000 x 1.05
    costs = [p.monthly_usd for p in series.projection]
    assert costs == sorted(costs)


def test_series_refuse_a_different_catalog(est: Estimate) -> None:
    other = dataclasses.replace(est, prices_checksum="sha256:" + "0" * 64)
    with pytest.raises(ValueError, match="catalog"):
        M.build_series(other)


# --- content sections -------------------------------------------------------------------------------

def test_report_sections_cover_the_brief(est: Estimate, report: dict[str, Path]) -> None:
    md = report["report.md"].read_text(encoding="utf-8")
    for heading in ("## Inputs and assumptions", f"## Tier: {est.plan.tier}", "## Capacity plan",
                    "## The plan's ranges beside the computed values", "## Bill of materials",
                    "## Compliance controls", "## Purchase options", "## Charts", "## Price snapshot"):
        assert heading in md
    assert f"Prices as of {est.prices_as_of}" in md
    assert "HPA\\_CPU\\_TARGET\\_PCT | 70 |" in md          # assumptions read from sizing/assumptions.py
    for check in est.plan.plan_checks:
        assert md_text(check.plan_range) in md
    for control, cost in est.compliance_by_control.items():
        assert f"${cost:,.2f}" in md
    assert f"**${est.compliance_usd:,.2f}**" in md


def test_stale_snapshot_is_flagged(est: Estimate, tmp_path: Path) -> None:
    paths = write_report(est, tmp_path, today=date.fromisoformat(est.prices_as_of).replace(year=2099))
    md = next(p for p in paths if p.name == "report.md").read_text(encoding="utf-8")
    assert "days old" in md and "pricing refresh" in md


def test_dev_report_without_llm_or_compliance(tmp_path: Path) -> None:
    e = _estimate(environment="dev", concurrent_users=40, llm_model="none")
    paths = {p.name: p for p in write_report(e, tmp_path)}
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "No compliance regime selected." in md
    assert f"**Monthly total: ${e.monthly_usd:,.2f}**" in md
    fig = C.fig_cost_vs_users(e, M.build_series(e))
    assert "Infrastructure" not in [t.name for t in fig.data]     # total == infrastructure: one line


# --- safety -----------------------------------------------------------------------------------------

def test_html_escapes_the_names(report: dict[str, Path]) -> None:
    html = report["report.html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;R&amp;D&#34;" in html or "&quot;R&amp;D&quot;" in html
    assert "{{ config }}" in html                   # template syntax in data stays text


def test_markdown_escapes_the_names(report: dict[str, Path]) -> None:
    md = report["report.md"].read_text(encoding="utf-8")
    assert "<script>" not in md
    title = md.splitlines()[0]
    assert title.startswith("# Cost report: =Acme") and r"\<script\>" in title and r"\|x\|" in title


def test_csv_and_xlsx_neutralise_formulas(report: dict[str, Path]) -> None:
    rows = _csv_rows(report["bom.csv"].read_text(encoding="utf-8"))[:-1]
    assert {r["scenario"] for r in rows} == {"'" + NASTY_NAME}
    assert {r["client"] for r in rows} == {"'" + NASTY_CLIENT}
    wb = load_workbook(report["bom.xlsx"])
    ws = wb["Bill of materials"]
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row - 1, max_col=2):
        for cell in row:
            assert cell.data_type == "s" and str(cell.value).startswith("'")
    inputs = {r[0].value: r[1] for r in wb["Inputs"].iter_rows(min_row=2)}
    assert inputs["name"].value == "'" + NASTY_NAME and inputs["name"].data_type == "s"
    assert not any(c.data_type == "f" for ws_ in wb for row in ws_.iter_rows() for c in row)


def test_pdf_keeps_the_name_as_text(report: dict[str, Path]) -> None:
    text = PdfReader(report["report.pdf"]).pages[0].extract_text()
    assert "<script>alert(1)</script>" in text        # plain text in a PDF is inert; it is shown as typed


@pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="Debian chromium not installed")
def test_pdf_with_kaleido_chart_images(tmp_path: Path) -> None:
    e = _estimate(concurrent_users=800)
    paths = {p.name: p for p in write_report(e, tmp_path, pdf_charts="kaleido")}
    reader = PdfReader(paths["report.pdf"])
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 5
    assert f"${e.monthly_usd:,.2f}" in "".join(p.extract_text() for p in reader.pages)


def test_unknown_pdf_chart_mode_is_refused(est: Estimate, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf_charts must be one of vector, kaleido"):
        write_report(est, tmp_path, pdf_charts="png")


def test_xlsx_inputs_carry_the_hourly_load_curve() -> None:
    from generators.report import bom_xlsx
    curve = [10.0] * 8 + [90.0] * 10 + [25.5] * 6
    est = estimate(parse_scenario({"hourly_load_pct_of_peak": curve}))
    wb = load_workbook(io.BytesIO(bom_xlsx(est)))
    inputs = {r[0].value: r[1].value for r in wb["Inputs"].iter_rows(min_row=2)}
    assert inputs["hourly_load_pct_of_peak"] == ", ".join(str(v) for v in curve)
    assert inputs["active_hours_per_day"] == 10


def test_report_compares_purchase_options(report: dict[str, Path], est: Estimate) -> None:
    """The purchase section carries the whole-bill comparison, its recommendation and the assumed rates."""
    c = est.purchase_comparison
    rec = next(r for r in c.rows if r.option == c.recommended)
    for name in ("report.md", "report.html"):
        text = report[name].read_text(encoding="utf-8")
        assert "Purchase options compared for the whole bill" in text
        assert "Break-even month" in text and "12-month saving" in text
        assert "DynamoDB reserved capacity 1y" in text and "EC2 Instance Savings Plan 3y all upfront" in text
        assert f"{rec.label} (recommended)" in text and M.fmt_usd(rec.saving_12_months_usd) in text
        assert "UNSOURCED per instance type" in text
