"""README.md stays runnable: every `python -m app.cli ...` command in its code blocks runs, as written, with the
project's Python in a scratch copy of examples/ (so the commands that write - generate, pricing refresh
--output, scenarios save, review - write there, and the database and user snapshot are the scratch folder's),
in README order, and exits 0. A command marked `[needs AWS]` or `[needs Node.js]` is skipped with that reason;
a line that mentions app.cli but is neither runnable nor marked fails the test.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKER = re.compile(r"\[needs ([^\]]+)\]")
PREFIX = "python -m app.cli "


def code_block_lines(text: str) -> list[str]:
    """The lines of the fenced code blocks, with backslash continuations joined."""
    out: list[str] = []
    inside = False
    pending = ""
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if not inside:
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1].rstrip() + " "
            continue
        out.append(pending + line.strip())
        pending = ""
    return out


def readme_commands() -> tuple[list[str], list[tuple[str, str]]]:
    """(commands to run, (command, reason) skipped) from README.md."""
    run: list[str] = []
    skipped: list[tuple[str, str]] = []
    for line in code_block_lines(README.read_text(encoding="utf-8")):
        if "app.cli" not in line or line.startswith("#"):
            continue
        marked = MARKER.search(line)
        if marked:
            skipped.append((line, f"needs {marked.group(1)}"))
            continue
        assert line.startswith(PREFIX), f"README command neither runnable as written nor marked [needs ...]: {line}"
        run.append(line)
    return run, skipped


def test_the_readme_extraction_finds_the_commands() -> None:
    run, skipped = readme_commands()
    assert len(run) >= 14 and len(skipped) >= 3
    assert sum(c.split()[3] == "review" for c in run) == 2 and sum("[needs AWS]" in c for c, _ in skipped) == 3
    assert any("--offer-file examples/offer-ec2-us-east-1.json" in c for c in run)
    assert any(c.startswith("python -m app.cli export aws-calculator") and "--dry-run" in c for c in run)


def test_every_readme_command_runs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TIERSIZER_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "100"}
    env.pop("TIERSIZER_DATABASE_URL", None)
    run, skipped = readme_commands()
    for command in run:
        argv = [sys.executable, *shlex.split(command, comments=True)[1:]]
        res = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, f"{command}\nexit {res.returncode}\n{res.stderr[-2000:]}"
        assert res.stdout.strip() or res.stderr.strip(), f"{command} printed nothing"
    # what the writing commands wrote, in the scratch folder only
    assert (tmp_path / "acme-prod" / "cdk" / "app.py").is_file()
    assert (tmp_path / "prices-refreshed.json").is_file()
    assert (tmp_path / "data" / "tiersizer.db").is_file()
    assert not (tmp_path / "data" / "snapshot.json").exists()      # --output: the user snapshot is untouched
    for command, reason in skipped:
        print(f"skipped ({reason}): {command}")


def test_the_readme_template_total_is_derived_by_hand() -> None:
    """README: "$41.00/month": NAT gateway 730 h x $0.045 = 32.85, 100 GB x $0.045 = 4.50, one EIP 730 h x
    $0.005 = 3.65; 32.85 + 4.50 + 3.65 = 41.00."""
    res = subprocess.run([sys.executable, "-m", "app.cli", "price-template", "examples/vpc-nat.yaml", "--usage",
                          "examples/vpc-nat.usage.yaml", "--region", "us-east-1", "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr
    hand = Decimal(730) * Decimal("0.045") + Decimal(100) * Decimal("0.045") + Decimal(730) * Decimal("0.005")
    assert Decimal(json.loads(res.stdout)["monthly_usd"]) == hand == Decimal("41.00")
    assert "$41.00/month" in README.read_text(encoding="utf-8")
