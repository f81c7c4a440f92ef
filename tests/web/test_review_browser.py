"""Monthly review page in a real headless Chromium: upload a CUR 2.0 file for a saved scenario, see NAT flagged
with its hint, download the review CSV and read it back; screenshot in test-artifacts/."""
from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest

from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, cur_row, write_cur_csv
from tests.web.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    DOWNLOAD_TIMEOUT_MS,
    STEP_TIMEOUT_MS,
    StreamlitServer,
    launch_chromium,
    metric,
    wait_until_idle,
)

# PCI, not HIPAA: under HIPAA the plan sends no bytes through the NAT (all on VPC endpoints)
SCEN = {"name": "Acme prod", "concurrent_users": 5000, "compliance": ["pci"]}


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium); CI must run the browser test")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    data = tmp_path_factory.mktemp("review-browser")
    from app.storage import dispose_engines, open_repository
    s = parse_scenario(SCEN)
    open_repository(f"sqlite:///{data / 'tiersizer.db'}").save("Acme prod", s)
    dispose_engines()
    est = estimate(s)
    cur = write_cur_csv(data / "cur-2025-05.csv",
                        [*bill_rows(est, "2025-05", scale={"vpc:nat-gateway-gb": Decimal(5)}),
                         cur_row("2025-05", "AmazonEC2", "Tax", "12.34", None, line_type="Tax")])
    srv = StreamlitServer(data).start()
    try:
        srv.wait_healthy()
        yield srv, est, cur
    finally:
        srv.stop()


def run_review(page, attempts: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Click "Run the review" once the page is idle; a click that lands while the upload's rerun starts can be
    dropped by Streamlit on a loaded machine, so click again (running the review twice gives the same result)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
    for attempt in range(attempts):
        wait_until_idle(page)
        page.get_by_role("button", name="Run the review").click()
        try:
            expect(metric(page, "Estimate")).to_be_visible(timeout=30_000)
            return
        except (AssertionError, PlaywrightTimeout):
            if attempt == attempts - 1:
                raise


def upload(page, path: Path, attempts: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Attach `path` to the file uploader once the page is idle. A rerun still in flight (the month just typed)
    can redraw the uploader and drop the file on a loaded machine, so attach again until its name shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
    for attempt in range(attempts):
        wait_until_idle(page)
        page.locator("input[type='file']").set_input_files(str(path))
        try:
            expect(page.get_by_text(path.name)).to_be_visible(timeout=15_000)
            wait_until_idle(page)
            return
        except (AssertionError, PlaywrightTimeout):
            if attempt == attempts - 1:
                raise


def test_upload_a_cur_file_and_see_the_review(review_server):
    from playwright.sync_api import expect, sync_playwright
    server, est, cur = review_server
    nat = next(ln.monthly_usd for ln in est.lines if ln.price_key == "vpc:nat-gateway-gb")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
            context.set_default_timeout(STEP_TIMEOUT_MS)
            page = context.new_page()
            page.goto(server.url + "review")
            month = page.get_by_label("Month (YYYY-MM)")
            month.fill("2025-05")
            month.press("Enter")
            upload(page, cur)
            run_review(page)
            expect(metric(page, "Flags (> 15.0%)")).to_have_text("1", timeout=DOWNLOAD_TIMEOUT_MS)
            expect(metric(page, "Estimate")).to_have_text(f"${est.monthly_usd:,.2f}")
            expect(metric(page, "Actual usage")).to_have_text(f"${est.monthly_usd + 4 * nat:,.2f}")
            expect(metric(page, "Tax, credits, fees")).to_have_text("$12.34")
            expect(page.get_by_text("NAT bytes far above plan").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "browser-review.png"), full_page=True)
            with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
                page.get_by_role("button", name="Review (CSV)").click()
            rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
        finally:
            browser.close()
    flagged = [r for r in rows if r["section"] == "line" and r["flag"]]
    assert len(flagged) == 1 and "VPC endpoints" in flagged[0]["hint"]
    assert Decimal(flagged[0]["delta_usd"]) == 4 * nat
    assert Decimal(rows[-1]["actual_usd"]) == est.monthly_usd + 4 * nat + Decimal("12.34")
    assert "Traceback" not in server.log_text()
