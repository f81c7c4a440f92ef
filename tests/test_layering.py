"""Dependencies point one way: app -> generators -> review -> pricing -> sizing; sizing has no I/O."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_SIZING = {"streamlit", "boto3", "botocore", "pathlib", "io", "os", "shutil", "tempfile", "sqlalchemy",
                       "pricing", "review", "generators", "app", "requests", "urllib", "socket", "yaml", "json"}
LAYER = {"sizing": 0, "pricing": 1, "review": 2, "generators": 3, "app": 4, "tools": 5}   # tools: offline, never imported


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def calls_open(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "open" for n in ast.walk(tree))


def test_sizing_has_no_io_or_upward_imports():
    for f in (ROOT / "sizing").glob("*.py"):
        bad = imports(f) & FORBIDDEN_IN_SIZING
        assert not bad, f"{f.name} imports {bad}"
        assert not calls_open(f), f"{f.name} calls open()"


def test_imports_point_down_the_layers():
    for pkg, level in LAYER.items():
        for f in (ROOT / pkg).rglob("*.py"):
            for name in imports(f):
                if name in LAYER:
                    assert LAYER[name] <= level, f"{f.relative_to(ROOT)} imports {name} (upward)"
