"""The first page greets with the estimate: the client plan's range disagreements are in a closed "vs the plan"
expander under the totals, not in the warnings list."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.web.components.results import VS_PLAN_LABEL
from pricing.catalog import load_snapshot
from pricing.engine import estimate
from sizing.scenario import Scenario

APP = str(Path(__file__).resolve().parents[2] / "app" / "web" / "streamlit_app.py")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)


def test_default_page_has_plan_disagreements_in_the_expander_not_the_warnings() -> None:
    est = estimate(Scenario(), load_snapshot())
    off = [c for c in est.plan.plan_checks if not c.agrees]
    assert off and all(c.note in est.warnings for c in off)    # the engine still reports them (CLI, JSON)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "outside the plan's" not in warnings
    panel = [e for e in at.expander if e.label.startswith(VS_PLAN_LABEL)]
    assert len(panel) == 1
    assert panel[0].label == (f"{VS_PLAN_LABEL}: {len(off)} of {len(est.plan.plan_checks)} figures outside the "
                              f"plan's {est.plan.tier} ranges")
    text = " ".join(m.value for m in panel[0].markdown).replace("\\", "")
    for c in off:
        assert c.note in text and c.computed in text and c.plan_range in text
    assert not panel[0].proto.expanded                          # closed: the totals are what the page shows


def test_the_page_opens_with_the_estimate_before_any_warning() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    kinds = [k for n in at.main for k in _kinds(n)]
    assert "Metric" in kinds and "Warning" in kinds
    assert kinds.index("Metric") < kinds.index("Warning"), kinds[:10]


def _kinds(node) -> list[str]:  # type: ignore[no-untyped-def]
    """Element kinds of a node and its children, in page order."""
    out = [type(node).__name__]
    for child in getattr(node, "children", {}).values():
        out.extend(_kinds(child))
    return out
