"""What the reader reads: the chapter, the notebooks' text, the tables and the README use the
book's terms, name no path of the machine that ran them, and list what exists."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from script_module import load_script

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "chapter_2_3_2.md"
APPENDIX = ROOT / "book" / "appendix_experiments.md"
PROSE_LIMIT = 7000  # Chinese characters of prose on the chapter page (the appendix holds the research)
SENTENCE_LIMIT = 90  # characters of a sentence with Chinese in it (a {metric} counts as 5)


def _ext(name):
    return load_script(ROOT / "_ext" / f"{name}.py", name)


reader_text, terms = _ext("reader_text"), _ext("terms")


def _reader_texts() -> dict[str, str]:
    """Every text a reader sees that is written by hand or by code (not the stored outputs)."""
    texts = {"chapter": CHAPTER.read_text(encoding="utf-8"), "appendix": APPENDIX.read_text(encoding="utf-8"),
             "README": (ROOT / "README.md").read_text(encoding="utf-8")}
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


def test_the_chapter_links_every_notebook_and_no_stale_ranges():
    """The intro links the first notebook; each later one is linked where its part of the chapter ends
    (five links in one paragraph print as five long file names)."""
    text = CHAPTER.read_text(encoding="utf-8")
    intro = text.split("\n## ", 1)[0]
    names = catalog.notebooks()
    assert f"{{doc}}`{names[0].removesuffix('.ipynb')}`" in intro, "the intro does not link the first notebook"
    for name in names:
        assert f"{{doc}}`{name.removesuffix('.ipynb')}`" in text, f"the chapter does not link {name}"
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


def test_stored_outputs_name_no_folder_outside_the_project():
    """Outputs print paths from the project's root (checkpoints/..., _static/...): a path that climbs
    out of it ("../elsewhere/checkpoints") is where the machine that ran them kept a folder."""
    import nbformat

    found = [f"{nb_path.name}: {line.strip()[:100]}" for nb_path in sorted((ROOT / "book").glob("*.ipynb"))
             for cell in nbformat.read(nb_path, as_version=4).cells if cell.cell_type == "code"
             for output in cell.outputs
             for line in (str(output.get("text", "")) + "\n" + str(output.get("data", {}).get("text/plain", ""))).splitlines()
             if "../" in line]
    assert not found, f"outputs naming a folder outside the project: {found}"


# ------------------------------------------------------------------ the pages' prose: length, terms, sentences
def _pages() -> dict[str, str]:
    """The prose of the chapter, the appendix and the notebooks' markdown cells."""
    pages = {p.name: reader_text.prose(p.read_text(encoding="utf-8")) for p in (CHAPTER, APPENDIX)}
    for name in catalog.notebooks():
        cells = json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))["cells"]
        pages[name] = reader_text.prose("\n\n".join("".join(c["source"]) for c in cells
                                                     if c["cell_type"] == "markdown"))
    return pages


def test_prose_counts_only_the_running_text():
    page = "\n".join([
        "# 标题", "", "正文一句。{metric}`seed` 和 `code` 与 $x$ 不算。{ref}`图2-56 <fig-2-56>`算图号。", "",
        ":::{literalinclude} ../codes/x.py", ":caption: 代码清单标题", ":::", "",
        ":::{figure-md} fig-x", "![图注](x.png)", "", "图注文字", ":::", "",
        "| 表格 | 文字 |", "| --- | --- |", "", "$$", "\\text{公式}", "$$ (eq-x)", "",
        "```{include} ../results/tables/x.md", "```", "",
        "::::{only} html", "网页上的一句。", ":::{raw} html", "<div>网页代码</div>", ":::", "::::", "",
        "1. 练习一。", "", "   :::{admonition} 提示", "   :class: dropdown", "   折叠的提示。", "   :::",
    ])
    text = reader_text.prose(page)
    assert reader_text.chinese_characters(text) == len("标题正文一句和与不算图算图号网页上的一句练习一折叠的提示"), text
    assert "0.000" in text and "图2-56" in text and "fig-2-56" not in text
    strict = reader_text.page_text(page)  # captions, hints and math count; code, tables and HTML do not
    assert reader_text.chinese_characters(strict) == len("标题正文一句和与不算图算图号图注图注文字公式网页上的一句练习一提示折叠的提示"), strict
    assert reader_text.sentences("第一句。第二句！\n标题") == ["第一句。", "第二句！", "标题"]


def test_the_chapter_is_a_section_read_in_one_sitting():
    count = reader_text.chinese_characters(_pages()[CHAPTER.name])
    assert count <= PROSE_LIMIT, f"the chapter has {count} Chinese characters of prose (at most {PROSE_LIMIT}); " \
                                 "move evidence to the appendix"
    # counted the strict way too: figure captions, hints and math in, only code, tables and HTML out
    page = reader_text.chinese_characters(reader_text.page_text(CHAPTER.read_text(encoding="utf-8")))
    assert page <= PROSE_LIMIT, f"the chapter page has {page} Chinese characters outside code and tables " \
                                f"(at most {PROSE_LIMIT}); move evidence to the appendix"


def test_the_chapter_ends_with_summary_and_exercises_with_folded_hints():
    text = CHAPTER.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[-3:] == ["小结", "练习", "参考文献"], headings
    summary = text.split("\n## 小结\n", 1)[1].split("\n## ", 1)[0]
    assert 3 <= len(re.findall(r"^- ", summary, flags=re.M)) <= 8
    exercises = text.split("\n## 练习\n", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"^\d+\. ", exercises, flags=re.M)
    hints = re.findall(r"^\s+:class: dropdown$", exercises, flags=re.M)
    assert 6 <= len(items) <= 10 and len(hints) == len(items), (len(items), len(hints))


def test_the_appendix_follows_the_chapter_in_both_editions():
    for toc in ("_toc.yml", "_toc_pdf.yml"):
        text = (ROOT / toc).read_text(encoding="utf-8")
        assert "root: book/chapter_2_3_2" in text and "file: book/appendix_experiments" in text, toc
        assert text.index("book/chapter_2_3_2") < text.index("book/appendix_experiments"), toc
    assert "{doc}`appendix_experiments`" in CHAPTER.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(_pages()))
def test_one_term_per_idea(name):
    text = _pages()[name]
    found = [f"{preferred}: {m.group(0)!r} in …{text[max(0, m.start() - 15):m.end() + 15]}…"
             for preferred, variants in terms.TERMS.items() for v in variants
             for m in re.finditer(v, text)]
    assert not found, f"{name}: write the book's term instead of {found}"


@pytest.mark.parametrize("name", list(_pages()))
def test_nothing_of_the_machine_or_the_tools(name):
    text = _pages()[name]
    found = [m.group(0) for p in terms.FORBIDDEN_IN_READER_TEXT for m in re.finditer(p, text)]
    assert not found, f"{name} shows the reader {found}"


@pytest.mark.parametrize("page", [CHAPTER, APPENDIX], ids=lambda p: p.name)
def test_short_sentences(page):
    long = [s for s in reader_text.sentences(reader_text.prose(page.read_text(encoding="utf-8")))
            if reader_text.chinese_characters(s) and len(s) > SENTENCE_LIMIT]
    assert not long, f"{page.name}: sentences over {SENTENCE_LIMIT} characters: {long}"


def test_figures_numbered_in_reading_order():
    """Each numbered figure stands once, on the chapter or its appendix, numbers rising down the pages,
    its caption starting with its number, its label the one gankit.catalog gives it."""
    by_label = {f.label: f for f in catalog.numbered()}
    placed = []
    for page in (CHAPTER, APPENDIX):
        for label, caption in re.findall(r"^:::\{figure-md\} (\S+)\n!\[[^\]]*\]\([^)]*\)\n\n(.*)$",
                                         page.read_text(encoding="utf-8"), flags=re.M):
            assert label in by_label, f"{page.name}: {label} is not a numbered figure of gankit.catalog"
            assert caption.startswith(f"图{by_label[label].number} "), (label, caption)
            placed.append(label)
    numbers = [int(by_label[label].number.split("-")[1]) for label in placed]
    assert sorted(placed) == sorted(by_label), "a numbered figure is missing or placed twice"
    assert numbers == sorted(numbers), f"figure numbers do not rise in reading order: {numbers}"
