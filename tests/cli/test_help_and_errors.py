"""`--help` names every scenario flag's type and allowed values; every command's errors share one prefix:
`error: ` and, for invalid input (exit 2), `invalid input: ` and the field or option."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.cli import app
from app.scenario_input import flag_name
from sizing.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
TYPE_WORDS = ("int, ", "float, ", "text", "one of: ", "on|off", "list, ")


def _scenario_options(command: str) -> dict[str, str]:
    """Scenario field -> its flag's help text, from the command's Click parameters."""
    cmd = typer.main.get_command(app).commands[command]     # type: ignore[attr-defined]
    by_flag = {p.opts[0]: p.help or "" for p in cmd.params if getattr(p, "opts", None)}
    return {name: by_flag[f"--{flag_name(name)}"] for name in Scenario.model_fields}


@pytest.mark.parametrize("command", ["estimate", "rollup", "generate", "review"])
def test_every_scenario_flag_names_its_type_and_allowed_values(command: str) -> None:
    helps = _scenario_options(command)
    for name, text in helps.items():
        m = re.search(r"\\?\[([^\[\]]+)\]$", text)
        assert m, f"--{flag_name(name)}: no [type, values] at the end of {text!r}"
        hint = m.group(1)
        assert hint.startswith(TYPE_WORDS), (name, hint)
        field = Scenario.model_fields[name]
        bounds = {k: getattr(c, k) for c in field.metadata for k in ("ge", "le") if getattr(c, k, None) is not None}
        if hint.startswith(("int, ", "float, ")):          # the range is the field's own bounds
            assert hint.split("; ")[0].endswith(f"{bounds['ge']}..{bounds['le']}"), (name, hint)


def test_hand_written_examples_of_flag_help() -> None:
    helps = _scenario_options("estimate")
    assert helps["concurrent_users"].endswith("Peak concurrent users \\[int, 1..1000000]")
    assert helps["environment"].endswith("[one of: dev, staging, prod]")
    assert helps["compliance"].endswith("[list, comma-separated, any of: hipaa, soc2, gdpr, pci]")
    assert helps["prompt_caching"].endswith("[on|off]")
    assert helps["availability_zones"].endswith("[int, 2..3]")
    assert helps["growth_pct_per_month"].endswith("[float, -50..100; or a range low:expected:high]")
    assert "us-east-1, us-west-2, eu-west-1, eu-central-1, ap-southeast-1" in helps["region"]
    assert helps["name"].endswith("[text, 1..200 characters]")


def test_rendered_help_shows_the_brackets_and_value_placeholders() -> None:
    res = CliRunner().invoke(app, ["estimate", "--help"], env={"COLUMNS": "250"})
    assert res.exit_code == 0
    text = " ".join(res.stdout.split())
    assert "--users <int> Peak concurrent users [int, 1..1000000]" in text
    assert "--env <choice> dev | staging | prod [one of: dev, staging, prod]" in text
    assert "--compliance <list>" in text and "--prompt-caching <on|off>" in text


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "TIERSIZER_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


BAD_INPUT = [
    # (arguments, exit code, how the first stderr line starts); exit 1 (not invalid input) has no "invalid input: "
    (["estimate", "--users", "0"], 2, "error: invalid input: concurrent_users (--users): "),
    (["estimate", "--format", "xml"], 2, "error: invalid input: Invalid value for '--format': "),
    (["rollup", "--bogus"], 2, "error: invalid input: No such option: --bogus"),
    (["pricing", "list", "--region", "mars-1"], 2, "error: invalid input: --region: unknown region 'mars-1'"),
    (["pricing", "diff", "old.json", "new.json"], 2, "error: invalid input: OLD: no such file old.json"),
    (["price-template", "absent.yaml"], 2, "error: invalid input: "),
    (["review", "--month", "2026-13", "--cur", "x.csv"], 2, "error: invalid input: --month: "),
    (["review", "--month", "2026-10"], 2, "error: invalid input: give exactly one source"),
    (["scenarios", "show", "nope"], 1, "error: no saved scenario named 'nope'"),     # exit 1: no "invalid input"
]


@pytest.mark.parametrize(("args", "code", "start"), BAD_INPUT, ids=[" ".join(a[0]) for a in BAD_INPUT])
def test_bad_input_has_one_error_prefix(args: list[str], code: int, start: str, tmp_path: Path) -> None:
    res = _cli(args, tmp_path)
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr and "╭" not in res.stderr       # no traceback, no Click error box
    first = res.stderr.strip().splitlines()[0]
    assert first.startswith(start), first
    assert all(ln.startswith("error: ") for ln in res.stderr.strip().splitlines() if not ln.startswith("  ")), \
        res.stderr


def test_no_arguments_still_prints_the_help(tmp_path: Path) -> None:
    res = _cli([], tmp_path)
    assert res.returncode == 2 and "Usage:" in res.stdout + res.stderr and "error:" not in res.stderr
