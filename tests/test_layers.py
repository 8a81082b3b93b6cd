"""The one-way architecture: gankit (below) never imports the listings or the experiments;
the listings never import the experiments; nothing edits sys.path to reach upwards."""
import ast
from pathlib import Path

import pytest

CODES = Path(__file__).resolve().parents[1] / "codes"
LIBRARY = sorted((CODES / "gankit").glob("*.py"))
LISTINGS = sorted(CODES.glob("chapter_2_3_2_*.py"))
EXPERIMENTS = sorted((CODES / "experiments").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, anywhere in the file (also inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            names.add("<importlib>")
    return names


def touches_sys_path(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys":
            return True
    return False


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_library_imports_nothing_above_it(path):
    above = {m for m in imported_modules(path) if m.startswith("chapter_2_3_2_")}
    above |= imported_modules(path) & {"experiments", "<importlib>"}
    assert not above, f"gankit/{path.name} imports {sorted(above)}: the library must not reach upwards"
    assert not touches_sys_path(path), f"gankit/{path.name} edits sys.path"


@pytest.mark.parametrize("path", LISTINGS, ids=lambda p: p.name)
def test_listings_do_not_import_the_experiments(path):
    assert "experiments" not in imported_modules(path)


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.name)
def test_experiments_do_not_edit_sys_path(path):
    assert not touches_sys_path(path), f"experiments/{path.name} edits sys.path"


def test_the_layers_exist():
    assert len(LIBRARY) >= 10 and len(LISTINGS) >= 10 and len(EXPERIMENTS) >= 5
