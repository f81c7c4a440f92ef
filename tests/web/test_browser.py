"""The page as a person sees it: real headless Chromium (Debian /usr/bin/chromium, Playwright) against
`streamlit run` on a free local port.

Open the app, change peak concurrent users 250 -> 5,000, see tier Large and the total change,
download the bundle zip and open it, open the share link in a new page and see the same scenario,
and save screenshots in test-artifacts/. `StreamlitServer` and `launch_chromium` are reused by
bench/bench_app.py.
"""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pricing.engine import estimate
from sizing.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT_S = 60   # generous: CI runs the browser beside CDK synths on 2 cores
STEP_TIMEOUT_MS = 60_000
DOWNLOAD_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StreamlitServer:
    """`streamlit run app/web/streamlit_app.py` on a free loopback port, in its own process group."""

    def __init__(self, data_dir: Path, port: int | None = None, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.cwd = cwd or ROOT                  # Streamlit reads .streamlit/ (config, secrets) from here
        self.extra_env = env or {}
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = data_dir / "streamlit.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> "StreamlitServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TIERSIZER_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1", **self.extra_env}
        env.pop("TIERSIZER_DATABASE_URL", None)
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "web" / "streamlit_app.py"),
               "--server.headless", "true", "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        self.started_at = time.perf_counter()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def wait_healthy(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"streamlit did not answer on {self.url} within {timeout_s}s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    return metric(page, label).inner_text()


def metric(page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue")


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the rerun in flight (its status widget is gone), so a click is not lost."""
    from playwright.sync_api import expect
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)


def wait_for_estimate(page, tier: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page shows `tier` (metric and badge) and its totals: the run has finished."""
    from playwright.sync_api import expect
    expect(metric(page, "Tier")).to_have_text(tier, timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text(f"Tier: {tier}")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    metric(page, "Monthly").wait_for(timeout=STEP_TIMEOUT_MS)
    wait_until_idle(page, STEP_TIMEOUT_MS)      # the totals are drawn first; the sidebar and tabs follow


def headline(x) -> str:  # type: ignore[no-untyped-def]
    return f"${x:,.2f}" if x < 10_000 else f"${x:,.0f}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium); CI must run the browser test")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    srv = StreamlitServer(tmp_path_factory.mktemp("browser-data")).start()
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def test_estimate_page_in_a_real_browser(server):
    from playwright.sync_api import expect, sync_playwright

    small = estimate(Scenario())
    large = estimate(parse_scenario({"concurrent_users": 5000}))
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            context.set_default_timeout(STEP_TIMEOUT_MS)
            page = context.new_page()
            page.goto(server.url)
            wait_for_estimate(page, "Small")
            assert metric_value(page, "Monthly") == headline(small.monthly_usd)

            users = page.get_by_role("spinbutton", name="Peak concurrent users")
            expect(users).to_have_value("250")
            users.fill("5000")
            users.press("Enter")
            wait_for_estimate(page, "Large")
            expect(metric(page, "Monthly")).to_have_text(headline(large.monthly_usd))
            assert metric_value(page, "Monthly") != headline(small.monthly_usd)
            assert "concurrent_users=5000" in page.url
            page.screenshot(path=str(ARTIFACTS / "browser-estimate-large.png"), full_page=True)

            page.get_by_role("tab", name="Downloads").click()             # lazy tab: drawn by the rerun
            page.get_by_role("button", name="Prepare downloads").wait_for(timeout=STEP_TIMEOUT_MS)
            wait_until_idle(page)
            page.get_by_role("button", name="Prepare downloads").click()
            bundle = page.get_by_role("button", name="Whole bundle (zip)")
            bundle.wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
            with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
                bundle.click()
            download = info.value
            assert download.suggested_filename.endswith(".zip")
            data = Path(download.path()).read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                assert zf.testzip() is None
                names = zf.namelist()
                top = names[0].split("/")[0]
                assert f"{top}/scenario.yaml" in names and f"{top}/report/bom.csv" in names
                restored = parse_scenario(yaml.safe_load(zf.read(f"{top}/scenario.yaml")))
            assert restored == large.scenario
            (ARTIFACTS / "browser-bundle-files.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
            with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
                page.get_by_role("button", name="Helm values").click()
            helm = info.value
            assert helm.suggested_filename == "untitled-scenario-helm-values-prod.yaml"
            with zipfile.ZipFile(io.BytesIO(data)) as zf:   # the single file is the bundle's file
                assert Path(helm.path()).read_bytes() == zf.read(f"{top}/helm/values-prod.yaml")

            shared = context.new_page()
            shared.goto(page.url)
            wait_for_estimate(shared, "Large")
            expect(shared.get_by_role("spinbutton", name="Peak concurrent users")).to_have_value("5000")
            assert metric_value(shared, "Monthly") == headline(large.monthly_usd)
            assert metric_value(shared, "First year") == metric_value(page, "First year")
            shared.screenshot(path=str(ARTIFACTS / "browser-share-link.png"), full_page=True)
        finally:
            browser.close()
    assert "Traceback" not in server.log_text()


def test_whole_project_page_in_a_real_browser(server):
    """The sidebar's Whole project page: the three environments and the totals, added up here."""
    from playwright.sync_api import expect, sync_playwright

    envs = [estimate(parse_scenario({"environment": e}), ranges=True) for e in ("dev", "staging", "prod")]
    month = sum((e.monthly_usd for e in envs), Decimal(0))
    year = sum((e.first_year_usd for e in envs), Decimal(0))
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(server.url)
            wait_for_estimate(page, "Small")
            page.get_by_role("link", name="Whole project").click()
            expect(metric(page, "Whole project, monthly")).to_have_text(f"${month:,.2f}", timeout=STEP_TIMEOUT_MS)
            expect(metric(page, "Whole project, first year")).to_have_text(f"${year:,.2f}")
            page.screenshot(path=str(ARTIFACTS / "browser-whole-project.png"), full_page=True)
        finally:
            browser.close()
    assert "Traceback" not in server.log_text()
