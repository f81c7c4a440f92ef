"""Ten sessions at once, each with its own inputs, see only their own results (no shared state leaks).

AppTest swaps a mock Runtime in and out around every run and compiles the scripts afresh each
time, which is not safe across threads. Here all sessions share one Runtime and one (locked)
ScriptCache, as they do in a real `streamlit run` server: AppTest's per-run swap is pointed at a
harmless stand-in, so ten scripts really run at the same time in one process and share the app's
caches.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import MagicMock

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from pricing.engine import estimate
from sizing.scenario import parse_scenario

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")
SESSIONS = 10
STEPS = 3
REGIMES = ([], ["hipaa"], ["pci"], ["gdpr", "soc2"], ["hipaa", "pci"])


def session_inputs(i: int) -> dict:
    return {"concurrent_users": 100 + 997 * i, "compliance": REGIMES[i % len(REGIMES)],
            "environment": ("dev", "staging", "prod")[i % 3]}


class _PerRunRuntimeSlot:
    """Receives AppTest's per-run `Runtime._instance = ...` assignments instead of the real class."""

    _instance = None


@pytest.fixture
def shared_runtime(monkeypatch):
    """One Runtime for every session (like a server), kept in place while the threads run."""
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
    runtime.dataframe_source_mgr = DataframeSourceManager()
    monkeypatch.setattr(app_test_module, "Runtime", _PerRunRuntimeSlot)
    script_cache = ScriptCache()                   # thread-safe; a server has exactly one
    monkeypatch.setattr(app_test_module, "ScriptCache", lambda: script_cache)
    monkeypatch.setattr(Runtime, "_instance", runtime)
    with patch_config_options({"global.appTest": True}):
        yield runtime


def test_ten_concurrent_sessions_see_only_their_own_results(tmp_path, monkeypatch, shared_runtime):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path))
    barrier = threading.Barrier(SESSIONS)
    running = {"now": 0, "max": 0}
    lock = threading.Lock()

    def session(i: int) -> tuple[int, list[tuple[str, str, int]]]:
        inputs = session_inputs(i)
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        barrier.wait()                       # every session changes its inputs at the same moment
        seen = []
        for step in range(STEPS):
            at.number_input(key="in_concurrent_users").set_value(inputs["concurrent_users"] + step)
            at.multiselect(key="in_compliance").set_value(inputs["compliance"])
            at.selectbox(key="in_environment").set_value(inputs["environment"])
            with lock:
                running["now"] += 1
                running["max"] = max(running["max"], running["now"])
            at.run()
            with lock:
                running["now"] -= 1
            assert not at.exception, at.exception
            m = {x.label: x.value for x in at.metric}
            assert "Tier" in m, [e.value for e in at.error]
            seen.append((m["Tier"], m["Monthly"], at.number_input(key="in_concurrent_users").value))
        return i, seen

    with ThreadPoolExecutor(SESSIONS) as pool:
        results = dict(pool.map(session, range(SESSIONS)))

    assert running["max"] > 1                      # runs really overlapped
    monthly_seen = set()
    for i, seen in results.items():
        inputs = session_inputs(i)
        for step, (tier, monthly, users) in enumerate(seen):
            expected = estimate(parse_scenario({**inputs, "concurrent_users": inputs["concurrent_users"] + step}))
            assert users == inputs["concurrent_users"] + step
            shown = f"${expected.monthly_usd:,.2f}" if expected.monthly_usd < 10_000 else f"${expected.monthly_usd:,.0f}"
            assert (tier, monthly) == (expected.plan.tier, shown)
            monthly_seen.add(monthly)
    assert len(monthly_seen) == SESSIONS * STEPS    # every session's numbers were its own
