"""`pricing` command group: paths that look like rich markup are printed literally, with exit code 2."""
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app

ROOT = Path(__file__).resolve().parents[2]
MARKUP_PATH = "[/x]old.json"


def test_diff_of_a_markup_like_path_exits_2_and_prints_it_literally(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "app.cli", "pricing", "diff", MARKUP_PATH, "new.json"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "200",
                              "TIERSIZER_DATA_DIR": str(tmp_path / "data")})
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and "MarkupError" not in res.stderr
    assert f"error: invalid input: OLD: no such file {MARKUP_PATH}" in res.stderr


def test_refresh_and_list_print_markup_like_paths_literally(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["pricing", "refresh", "--offer-file", str(tmp_path / "[bold]x.json")])
    assert res.exit_code == 2 and f"no such file {tmp_path / '[bold]x.json'}" in " ".join(res.output.split())
    res = runner.invoke(app, ["pricing", "list", "--snapshot", str(tmp_path / "[/x]s.json")])
    assert res.exit_code == 2 and f"--snapshot: no such file {tmp_path / '[/x]s.json'}" in " ".join(res.output.split())
