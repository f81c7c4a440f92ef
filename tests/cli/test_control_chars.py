"""Control characters and Rich markup in names: refused by field (scenario name/client), or printed literally
(names and texts from files), never interpreted by the terminal."""
from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from app.cli.common import printable
from pricing.engine import estimate
from sizing.scenario import ScenarioError, parse_scenario
from tests.helpers.cur import bill_rows, write_cur_csv

CONTROLS = ["a\x1b[31mred", "line1\nline2", "nul\x00byte", "tab\there", "bell\x07", "rtl\u202eevil", "del\x7f"]


@pytest.mark.parametrize("field", ["name", "client"])
@pytest.mark.parametrize("text", CONTROLS)
def test_scenario_names_with_control_characters_are_refused_by_field(field, text):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({field: text})
    assert info.value.errors[0][0] == field and "must not contain control characters" in info.value.errors[0][1]


@pytest.mark.parametrize("text", CONTROLS[:2] + CONTROLS[3:])        # argv cannot carry a NUL
def test_the_cli_exits_2_naming_the_flag(text, tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path))
    for flag in ("--name", "--client"):
        r = CliRunner().invoke(app, ["estimate", flag, text])
        assert r.exit_code == 2, r.output
        assert f"({flag}): must not contain control characters" in r.output
        assert "\x1b[31m" not in r.output and "Traceback" not in r.output


def test_printable_shows_controls_and_markup_literally():
    assert printable("a\x1b[31mb [bold]c[/]\u202e") == "a\\u001b[31mb \\[bold]c\\[/]\\u202e"
    assert printable("x\ny", newlines=True) == "x\ny" and printable("x\ny") == "x\\u000ay"


def test_review_prints_a_name_with_markup_literally(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    scen = {"name": "[/]oops [bold]x", "client": "[red]c", "concurrent_users": 500}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scen))
    bill = write_cur_csv(tmp_path / "[bold]may.csv", list(bill_rows(estimate(parse_scenario(scen)), "2025-05")))
    r = CliRunner().invoke(app, ["review", "--scenario", str(tmp_path / "s.yaml"), "--month", "2025-05",
                                 "--cur", str(bill), "--no-store"])
    assert r.exit_code == 0, r.output
    assert "[/]oops [bold]x — review of 2025-05 (cur: [bold]may.csv" in " ".join(r.stdout.split())
