"""The listings and the notebooks' code read well on the page: every line fits 80 display columns
(a CJK character counts two)."""
import json
import re
from pathlib import Path

import pytest

from gankit import catalog
from gankit.console import display_width

ROOT = Path(__file__).resolve().parents[1]
CODES = ROOT / "codes"
PAGE_COLUMNS = 80  # the book's code column


@pytest.mark.parametrize("listing", catalog.listings())
def test_every_line_fits_the_page(listing):
    lines = (CODES / listing).read_text(encoding="utf-8").splitlines()
    wide = [(n, display_width(line)) for n, line in enumerate(lines, 1) if display_width(line) > PAGE_COLUMNS]
    assert not wide, f"{listing}: lines wider than {PAGE_COLUMNS} columns (line, width): {wide}"
    number = listing[-5:-3]
    assert lines[0].startswith(f"# 代码清单 {number}（{listing}）："), "the first line names the listing"


@pytest.mark.parametrize("listing", catalog.listings())
def test_the_first_line_is_the_caption_the_chapter_prints(listing):
    chapter = catalog.CHAPTER.read_text(encoding="utf-8")
    captions = dict(re.findall(r"literalinclude\} \.\./codes/(\S+)\n:caption: (.+)", chapter))
    first = (CODES / listing).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# {captions[listing]}", (first, captions[listing])


@pytest.mark.parametrize("notebook", catalog.notebooks())
def test_every_code_line_of_a_notebook_fits_the_page(notebook):
    cells = json.loads((ROOT / "book" / notebook).read_text(encoding="utf-8"))["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    wide = [(n, line) for n, source in enumerate(code) for line in source.splitlines()
            if display_width(line) > PAGE_COLUMNS]
    assert not wide, f"{notebook}: lines wider than {PAGE_COLUMNS} columns (code cell, line): {wide}"
