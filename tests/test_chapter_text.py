"""What the reader reads: the chapter, the notebooks' text, the tables and the README use the
book's terms, name no path of the machine that ran them, and list what exists."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "chapter_2_3_2.md"


def _reader_texts() -> dict[str, str]:
    """Every text a reader sees that is written by hand or by code (not the stored outputs)."""
    texts = {"chapter": CHAPTER.read_text(encoding="utf-8"), "README": (ROOT / "README.md").read_text(encoding="utf-8")}
    for table in sorted((ROOT / "results" / "tables").glob("*.md")):
        texts[table.name] = table.read_text(encoding="utf-8")
    for name in catalog.notebooks():
        cells = json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))["cells"]
        texts[name] = "\n".join("".join(c["source"]) for c in cells)
    for name in catalog.listings():
        texts[name] = (ROOT / "codes" / name).read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("name", list(_reader_texts()))
def test_terms_and_no_machine_paths(name):
    text = _reader_texts()[name]
    # 随机数种子 is torch.manual_seed's seed; the generator's input is 噪声 / 随机输入
    assert "随机种子" not in text, f"{name}: write 随机数种子 (the seed) or 噪声/随机输入 (G's input)"
    for path in ("shared/data", "/work/", "IDX files in"):
        assert path not in text, f"{name} names a path of the machine that ran it: {path}"


def test_the_intro_lists_every_notebook_and_no_stale_ranges():
    intro = CHAPTER.read_text(encoding="utf-8").split("\n## ", 1)[0]
    for name in catalog.notebooks():
        assert f"{{doc}}`{name.removesuffix('.ipynb')}`" in intro, f"the intro does not link {name}"
    assert not re.search(r"图2-\d\d\s*…\s*图2-\d\d|三个 Notebook|\.py`\s*…\s*`", intro), "a hand-typed range"


MACHINE_PATHS = ("shared/data", "/work/", "/root/", "/tmp/", "IDX files in")  # where this machine keeps things


def test_stored_outputs_results_and_code_name_no_path_of_the_machine():
    """Notebook outputs, results files, widget manifests and code: no folder of the machine that made them."""
    files = [ROOT / "Makefile", ROOT / "README.md"]
    files += sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "results").rglob("*.json"))
    files += sorted((ROOT / "_static").rglob("*.json")) + sorted((ROOT / "codes").rglob("*.py"))
    found = {f"{f.relative_to(ROOT)}: {p}" for f in files for p in MACHINE_PATHS
             if p in f.read_text(encoding="utf-8") and not (f.suffix == ".py" and p == "IDX files in")}
    assert not found, f"paths of the machine that ran them: {sorted(found)}"
