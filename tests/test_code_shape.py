"""Small modules and short functions: no module over 450 lines, no function over 60, outside tests and templates."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "bench", "generators", "pricing", "review", "sizing", "tools")
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(f for pkg in PACKAGES for f in (ROOT / pkg).rglob("*.py") if "__pycache__" not in f.parts)


def test_modules_are_small():
    too_long = [f"{f.relative_to(ROOT)}: {n} lines" for f in _sources()
                if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not too_long, too_long


def test_functions_are_short():
    too_long = []
    for f in _sources():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    too_long.append(f"{f.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines")
    assert not too_long, too_long
