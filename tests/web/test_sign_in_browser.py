"""Sign-in for real: an OpenID Connect provider (oidc-provider-mock, its own process) and `streamlit run` with an
`[auth]` section in .streamlit/secrets.toml, driven by headless Chromium.

Before sign-in only the sign-in button is drawn, a share link or a saved-scenario link included. Alice signs in
at the provider, sets 1,200 users (tier Medium) and saves a private scenario; Bob, in a second browser context,
signs in and neither lists it nor opens it by its link; Alice shares it with the team and Bob's link opens it
with her 1,200 users. No secret of the `[auth]` section reaches the server log.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    ROOT,
    STEP_TIMEOUT_MS,
    StreamlitServer,
    free_port,
    launch_chromium,
    metric,
    wait_for_estimate,
    wait_until_idle,
)

USERS = {"alice-sub": "alice@example.com", "bob-sub": "bob@example.com"}
START_TIMEOUT_S = 60


class OidcProvider:
    """`python -m oidc_provider_mock` on a free loopback port with Alice and Bob predefined (sub + e-mail)."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "OidcProvider":
        claims = [f'{{"sub": "{sub}", "email": "{email}"}}' for sub, email in USERS.items()]
        cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)]
        for c in claims:
            cmd += ["--user-claims", c]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/.well-known/openid-configuration", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the OIDC provider did not answer within {START_TIMEOUT_S}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium); CI must run the browser test")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    root = tmp_path_factory.mktemp("sign-in")
    provider = OidcProvider(root / "oidc.log").start()
    site = root / "site"
    (site / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", site / ".streamlit" / "config.toml")
    srv = StreamlitServer(root / "data", cwd=site)
    hidden = [secrets.token_hex(32), secrets.token_hex(16)]          # cookie_secret, client_secret
    (site / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{srv.port}/oauth2callback"\n'
        f'cookie_secret = "{hidden[0]}"\n'
        'client_id = "tiersizer-test"\n'
        f'client_secret = "{hidden[1]}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n', encoding="utf-8")
    srv.start()
    try:
        srv.wait_healthy()
        yield srv, provider, hidden
    finally:
        srv.stop()
        provider.stop()


def only_sign_in(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_test_id("stButton")).to_have_count(1)


def sign_in(browser, server, provider, sub: str):  # type: ignore[no-untyped-def]
    """A new browser context signed in as `sub` at the provider; its page back on the Estimate page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(server.url)
    only_sign_in(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**")
    page.get_by_role("button", name=sub, exact=True).click()
    wait_for_estimate(page, "Small")
    from playwright.sync_api import expect
    expect(page.get_by_test_id("stSidebar").get_by_text(USERS[sub])).to_be_visible()
    return page


def open_tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click a result tab and wait for the rerun that draws it (the tabs are lazy)."""
    wait_until_idle(page)
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(200)            # the rerun starts after the click reaches the server
    wait_until_idle(page)


def test_two_users_sign_in_and_see_only_their_own_and_the_teams(team_server):
    from playwright.sync_api import expect, sync_playwright

    server, provider, hidden = team_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            anon = browser.new_page()
            anon.set_default_timeout(STEP_TIMEOUT_MS)
            for query in ("", "?concurrent_users=5000&name=Acme", "?saved=1"):
                anon.goto(server.url + query)
                only_sign_in(anon)
            anon.screenshot(path=str(ARTIFACTS / "browser-sign-in.png"))

            alice = sign_in(browser, server, provider, "alice-sub")
            users = alice.get_by_role("spinbutton", name="Peak concurrent users")
            users.fill("1200")
            users.press("Enter")
            wait_for_estimate(alice, "Medium")              # 1,200 users: the Medium band (500-1,999)
            open_tab(alice, "Share & save")
            alice.get_by_label("Save as").fill("Alice private")
            alice.get_by_role("button", name="Save scenario").click()
            expect(alice.get_by_text("Saved 'Alice private' (private)")).to_be_visible()
            link = alice.get_by_test_id("stCode").filter(has_text="?saved=").inner_text().strip()
            assert link.startswith(server.url + "?saved=")

            bob = sign_in(browser, server, provider, "bob-sub")
            open_tab(bob, "Share & save")
            expect(bob.get_by_text("Nothing saved yet.")).to_be_visible()
            bob.goto(link)
            expect(bob.get_by_text("does not exist or is not shared with you")).to_be_visible()
            wait_for_estimate(bob, "Small")
            expect(bob.get_by_role("spinbutton", name="Peak concurrent users")).to_have_value("250")

            wait_until_idle(alice)
            alice.get_by_role("button", name="Share with the team").click()
            expect(alice.get_by_text("is now visible to my team")).to_be_visible()

            bob.goto(link)
            expect(bob.get_by_text("Opened the saved scenario 'Alice private'")).to_be_visible()
            wait_for_estimate(bob, "Medium")
            expect(bob.get_by_role("spinbutton", name="Peak concurrent users")).to_have_value("1200")
            assert metric(bob, "Tier").inner_text() == "Medium"
            open_tab(bob, "Share & save")
            expect(bob.get_by_role("combobox", name="Saved scenario")).to_have_value(
                re.compile(r"^Alice private — .* · team · alice@example\.com$"))
            expect(bob.get_by_text("only they can rename, re-share or delete it")).to_be_visible()
            expect(bob.get_by_role("button", name="Delete")).to_have_count(0)     # not his to delete
            bob.screenshot(path=str(ARTIFACTS / "browser-sign-in-bob.png"), full_page=True)
        finally:
            browser.close()
    log = server.log_text()
    assert "Traceback" not in log and not any(h in log for h in hidden)
