"""The print edition: `make pdf` (tools/make_pdf.py) builds the chapter as a PDF, checked with poppler.

Without TeX: every figure the book numbers has a vector twin beside its PNG (but those of
``PNG_ONLY``, whose PNG no run here redraws bit for bit), written deterministically by
``save_figure`` with embedded TrueType fonts; the QR code encodes the address; bad settings
and missing TeX give one clear message.
With TeX, the PDF is built once per module, as `make pdf` does (warnings are errors), with a
stale, broken ``.tex`` planted in the LaTeX folder first and no ``$GANBOOK_URL`` (as a reader
builds it; ``GANBOOK_PDF_PREBUILT=1`` checks the PDF already in ``_build/pdf`` instead). The
checks: the paper size, every font embedded and none Type 3 (``pdffonts``), every listing and
figure number of the chapter in the text without LaTeX's own labels, code copied from the PDF
unchanged, every value of the wide tables (``pdftotext``), no address and no QR code on the
title page but the project's folders and commands, the digit images at 300 dpi or more
(``pdfimages``), no ink outside the text block and its header/footer, no blank page and no page
less than a quarter full but the title page and the last (every page rendered with
``pdftoppm``), no letter-spaced line (no underfull line of badness 10000 in the LaTeX log) and
no "±" at the end of a line of a table cell. They skip, saying why, when XeLaTeX or poppler is
not installed (the Debian packages are in .ci/run).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from script_module import load_script
from PIL import Image

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "chapter_2_3_2.md"
PAGES = [CHAPTER, ROOT / "book" / "appendix_experiments.md"]  # the print edition: the chapter and its appendix
FIGURE_DIR = ROOT / "_static" / "2" / "2.3"
TEST_URL = "https://example.org/gan-book-print-test"
RENDER_DPI = 50  # enough to see a character that runs into the margin (1 px = 0.5 mm)
INK = 200  # grey level (0 black .. 255 white) below which a rendered pixel counts as ink
TOLERANCE_MM = 0.6  # anti-aliasing at the edge of the text block



make_pdf = load_script(ROOT / "tools" / "make_pdf.py", "make_pdf")
print_edition = load_script(ROOT / "_ext" / "print_edition.py", "print_edition")

NEEDS_TEX = pytest.mark.skipif(
    shutil.which("xelatex") is None or shutil.which("latexmk") is None,
    reason="xelatex/latexmk not installed: the PDF tests need Debian's texlive-xetex, texlive-lang-chinese, "
           "texlive-latex-extra, texlive-fonts-recommended, latexmk, xindy, fonts-noto-cjk (see .ci/run)")
NEEDS_POPPLER = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext, pdftoppm) not installed")


def chapter_listings() -> list[str]:
    """The listings the chapter shows (literalinclude), e.g. 'chapter_2_3_2_01.py'."""
    return re.findall(r"^:::\{literalinclude\} \.\./codes/(chapter_2_3_2_\d+\.py)$",
                      CHAPTER.read_text(encoding="utf-8"), re.MULTILINE)


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


# --------------------------------------------------------------------------- without TeX
def test_the_chapter_names_figures_without_extension():
    shown = [name for page in PAGES
             for name in re.findall(r"\]\(\.\./_static/2/2\.3/([\w.*-]+)\)", page.read_text(encoding="utf-8"))]
    assert sorted(shown) == sorted(f"{f.name}.*" for f in catalog.numbered()), \
        "the chapter and its appendix must show every numbered figure as <name>.* (HTML takes the PNG, LaTeX the PDF)"


# Figures whose committed PNG no run on the test machines redraws bit for bit, so no vector twin
# sits beside it (a twin from another run would show other samples than the PNG): name -> why.
# `make figures` writes the twin with the PNG when the reference run is made again.
PNG_ONLY: dict[str, str] = {}


def png_only() -> list[str]:
    return sorted(PNG_ONLY)


def test_every_figure_has_a_vector_twin():
    for name in PNG_ONLY:
        assert not (FIGURE_DIR / f"{name}.pdf").exists(), f"{name}.pdf exists now: take {name} out of PNG_ONLY"
    for name in (f.name for f in catalog.numbered() if f.name not in PNG_ONLY):
        pdf = FIGURE_DIR / f"{name}.pdf"
        assert pdf.is_file(), f"{pdf.name} missing: the code that saves {name}.png writes it (make figures)"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), pdf
        assert b"/Type3" not in data and b"/Subtype /Type3" not in data, f"{pdf.name} has a Type 3 font"
        assert b"/CreationDate" not in data, f"{pdf.name} carries a time stamp"
        png = hashlib.sha256((FIGURE_DIR / f"{name}.png").read_bytes()).hexdigest()
        assert f"png-sha256:{png}".encode() in data, \
            f"{pdf.name} was not saved with the committed {name}.png (make figures writes both)"


def test_save_figure_writes_a_deterministic_pdf(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gankit.figures import save_figure

    def draw():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1, 2], [1, 0, 1], label="loss")
        ax.imshow(np.eye(28), extent=(0, 1, 0, 1), interpolation="none")
        ax.legend()
        return fig

    name = catalog.numbered()[0].name  # a figure the book prints, saved into a folder of the test
    for folder in ("a", "b"):
        save_figure(name, tmp_path / folder, fig=draw())
    a, b = (tmp_path / "a" / f"{name}.pdf").read_bytes(), (tmp_path / "b" / f"{name}.pdf").read_bytes()
    assert a == b, "two saves of the same figure give different PDF bytes"
    assert b"/CreationDate" not in a, "the PDF carries a time stamp"
    assert b"/FontFile2" in a, "text is not embedded as a TrueType font"
    assert b"/Type3" not in a
    assert (tmp_path / "a" / f"{name}.png").read_bytes() == (tmp_path / "b" / f"{name}.png").read_bytes()


def test_qr_code_encodes_the_address():
    import segno

    url = "https://example.org/some/where"
    tex = print_edition.qr_latex(url)
    matrix = [[bool(v & 1) for v in row] for row in segno.make(url, error="m").matrix]
    n, quiet = len(matrix), print_edition.QR_QUIET
    drawn = [[False] * n for _ in range(n)]
    for x, y, width in re.findall(r"\\put\((\d+),(\d+)\)\{\\rule\{(\d+)\\unitlength\}", tex):
        row = n - 1 - (int(y) - quiet)
        for col in range(int(x) - quiet, int(x) - quiet + int(width)):
            drawn[row][col] = True
    assert drawn == matrix


def test_print_form_of_a_wide_table():
    from docutils import nodes

    columns = print_edition.SIDEWAYS_COLUMNS
    header = [f"列{i}" for i in range(columns)]
    body = [["第一个 GAN", "本章"] + [f"{i}.{j}00 ± 0.0{j}1" for j in range(columns - 2)] for i in range(3)]

    def row(cells, right=False):
        return nodes.row("", *(nodes.entry("", nodes.paragraph(c, c), classes=["text-right"] if right and k else [])
                               for k, c in enumerate(cells)))

    table = nodes.table("", nodes.tgroup("", nodes.thead("", row(header, right=True)),
                                         nodes.tbody("", *(row(r) for r in body)), cols=columns))
    tex = print_edition.print_table(table, note="注：均值 ± 标准差，50% 的样本")
    assert tex.startswith("\\begin{ganbooksideways}") and "\\end{ganbooksideways}" in tex
    assert tex.count("\\ganbookpm{") == 3 * (columns - 2), "every mean ± sd stacked"
    assert "\\ganbookpm{2.300}{0.031}" in tex and "50\\%" in tex and "第一个 GAN" in tex
    narrow = print_edition.print_table(nodes.table("", nodes.tgroup("", nodes.tbody("", row(header[:10])))))
    assert narrow.startswith("\\begin{ganbookwide}")


def test_title_page_has_the_address_only_when_one_is_set():
    facts = {"section": "2.3.2", "notebooks": "五"}
    without = print_edition.latex_elements("", facts)["preamble"]
    assert "\\ganbookurltrue" not in without and "\\ganbookqr" not in without and "http" not in without
    with_url = print_edition.latex_elements(TEST_URL, facts)["preamble"]
    assert "\\ganbookurltrue" in with_url and f"\\href{{{TEST_URL}}}" in with_url and "\\ganbookqr" in with_url
    config = type("Config", (), {"ganbook_url": ""})()
    assert print_edition.book_url(config) == "" or os.environ.get(print_edition.URL_ENV)
    assert "your-account" not in (ROOT / "_config.yml").read_text(encoding="utf-8"), "a placeholder address"


def test_last_page_fill_read_from_the_log():
    log = "...\nganbook: last page 150.0pt of 600.0pt\n..."
    assert make_pdf.last_page_fill(log) == 0.25
    assert make_pdf.last_page_fill("ganbook: last page 0.0pt of 16383.99998pt") == 1.0  # nothing left over
    assert make_pdf.last_page_fill("no such line") == 1.0
    assert make_pdf.LINE_SPREADS[0] == "1.3" and len(set(make_pdf.LINE_SPREADS)) == len(make_pdf.LINE_SPREADS)


def test_missing_tex_is_one_clear_message(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no xelatex, latexmk, fc-list on this PATH
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pdf.py")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "texlive-xetex" in result.stderr and "apt-get install" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_bad_address_is_one_clear_message():
    env = dict(os.environ, GANBOOK_URL="www.example.org/my book")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pdf.py")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "GANBOOK_URL" in result.stderr and "https://" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- the PDF
@pytest.fixture(scope="module")
def pdf() -> Path:
    if os.environ.get("GANBOOK_PDF_PREBUILT", "0") not in ("", "0"):
        assert make_pdf.PDF.is_file(), f"{make_pdf.PDF} missing: make pdf first"
        return make_pdf.PDF
    make_pdf.LATEX_DIR.mkdir(parents=True, exist_ok=True)
    (make_pdf.LATEX_DIR / "stale.tex").write_text(  # an old file the build must not compile
        "\\documentclass{article}\\begin{document}\\thisisnotdefined\\end{document}\n")
    env = {k: v for k, v in os.environ.items() if k != print_edition.URL_ENV}  # no address: the default
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pdf.py")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "pages" in result.stdout
    return make_pdf.PDF


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(pdf), "-").replace("\f", "\n")  # form feed: a new page


@NEEDS_TEX
@NEEDS_POPPLER
def test_paper_is_16kai(pdf):
    info = run("pdfinfo", str(pdf))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    expected = [mm / 25.4 * 72 for mm in print_edition.PAPER_MM]
    assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1, (width, height)


@NEEDS_TEX
@NEEDS_POPPLER
def test_fonts_embedded_none_type3(pdf):
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "pdffonts lists no font"
    for row in rows:
        assert "Type 3" not in row, f"Type 3 font: {row}"
        emb = row.split()[-5]  # the columns end with: emb sub uni object-number generation
        assert emb == "yes", f"font not embedded: {row}"
    names = " ".join(row.split()[0] for row in rows)
    assert "NotoSerifCJK" in names, f"the body text is not set in Noto Serif CJK: {names}"


@NEEDS_TEX
@NEEDS_POPPLER
def test_every_listing_and_figure_number_in_the_text(text):
    listings = chapter_listings()
    assert listings == catalog.listings(), listings
    for number in (f"图{f.number}" for f in catalog.numbered()):
        assert re.search(rf"^{number} ", text, re.MULTILINE), f"caption of {number} not in the PDF"
    for name in listings:  # 代码清单 08（chapter_2_3_2_08.py）：训练 GAN
        assert re.search(rf"代码清单 \d\d（{re.escape(name)}）\s*：", text), f"caption of listing {name} not in the PDF"
    # LaTeX's own numbering in front of the book's captions ("图 1: 图2-56 ...", "列表 1: 代码清单 ...")
    labels = re.findall(r"(?:图|Figure|Fig\.|列表|Listing|Table|表)\s*\d+\s*[:：.]\s*(?:图2|代码清单)", text)
    assert not labels, f"LaTeX labels before the captions: {labels[:3]}"
    chapters = re.findall(r"^(?:CHAPTER|Chapter)\s*\d*\s*$|^第\s*\d+\s*章\s*$", text, re.MULTILINE)
    assert not chapters, f"sections became LaTeX chapters: {chapters[:3]}"
    assert "notebook_1_discriminator.ipynb" in text
    assert re.search(r"--engine\s+listing", text), "copying code from the PDF does not give back '-' (hyphen-minus)"


@NEEDS_TEX
@NEEDS_POPPLER
def test_wide_tables_keep_every_value(text):
    tables = [t for page in PAGES
              for t in re.findall(r"\{include\} \.\./results/tables/([\w-]+)\.md", page.read_text(encoding="utf-8"))]
    assert len(tables) >= 3, tables
    read = 0
    for table in tables:
        rows = [line for line in (ROOT / "results" / "tables" / f"{table}.md").read_text(encoding="utf-8")
                .splitlines() if line.startswith("| ") and not line.startswith("| :")]
        # every decimal number of every cell ("0.071", "7.66 ± 0.05", "最少 0.071", "< 75.6")
        numbers = {n for row in rows for n in re.findall(r"\d+\.\d+", row)}
        read += len(numbers)
        missing = sorted(n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", text))
        assert not missing, f"values of results/tables/{table}.md missing in the PDF: {missing[:10]}"
    assert read > 5 * len(tables), f"hardly any numbers read from {tables}"


@NEEDS_TEX
@NEEDS_POPPLER
def test_digit_images_at_print_resolution(pdf):
    rows = [line.split() for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:]]
    images = [r for r in rows if r[2] == "image"]
    assert len(images) >= 8, "the samples of digits are not in the PDF as images"
    low = [f"page {r[0]}: {r[12]} x {r[13]} ppi" for r in images if min(int(r[12]), int(r[13])) < 300]
    # a PNG-only figure (see png_only) is one image at screen resolution
    assert len(low) <= len(png_only()), f"images under 300 ppi: {low} (PNG only: {png_only()})"


@NEEDS_TEX
@NEEDS_POPPLER
def test_no_ink_outside_the_text_block_and_no_blank_page(pdf, tmp_path):
    run("pdftoppm", "-r", str(RENDER_DPI), "-gray", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) >= 20
    px = RENDER_DPI / 25.4  # pixels per mm
    m, band, tol = print_edition.MARGIN_MM, print_edition.HEADER_FOOTER_MM, TOLERANCE_MM
    for page in pages:
        ink = np.asarray(Image.open(page)) < INK
        height, width = ink.shape
        assert ink.mean() > 0.002, f"{page.name} is (almost) blank"
        rows, cols = np.nonzero(ink)
        left, right = cols.min() / px, (width - 1 - cols.max()) / px
        top, bottom = rows.min() / px, (height - 1 - rows.max()) / px
        assert left >= m["left"] - tol and right >= m["right"] - tol, \
            f"{page.name}: ink {left:.1f} mm from the left edge, {right:.1f} mm from the right edge"
        assert top >= m["top"] - band - tol and bottom >= m["bottom"] - band - tol, \
            f"{page.name}: ink {top:.1f} mm from the top edge, {bottom:.1f} mm from the bottom edge"


@NEEDS_TEX
@NEEDS_POPPLER
def test_title_page_says_where_the_code_is_without_a_placeholder(pdf, text):
    title = run("pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-")
    assert "://" not in title and "your-account" not in text, "an address (a placeholder) on the title page"
    for words in ("codes/", "book/", "make figures", "python3 -m pytest"):
        assert words in title, f"the title page does not say where the code is: {words!r} missing"
    tex = (make_pdf.LATEX_DIR / f"{make_pdf.NAME}.tex").read_text(encoding="utf-8")
    assert print_edition.QR_FILE not in tex and not (make_pdf.LATEX_DIR / print_edition.QR_FILE).exists(), \
        "a QR code without an address"


FULL_ENOUGH = 0.25  # a page's text reaches at least this far down its text block (but the first and last)


@NEEDS_TEX
@NEEDS_POPPLER
def test_no_page_under_a_quarter_full(pdf, tmp_path):
    run("pdftoppm", "-r", str(RENDER_DPI), "-gray", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.pgm"))
    px = RENDER_DPI / 25.4
    m = print_edition.MARGIN_MM
    short = []
    for page in pages[1:-1]:  # the title page and the last page may be short
        ink = np.asarray(Image.open(page)) < INK
        top, bottom = round(m["top"] * px), ink.shape[0] - round(m["bottom"] * px)
        rows = np.nonzero(ink[top:bottom].any(axis=1))[0]
        fill = (rows.max() + 1) / (bottom - top) if rows.size else 0.0
        if fill < FULL_ENOUGH:
            short.append(f"{page.name}: {fill:.0%}")
    assert not short, f"pages less than a quarter full: {short}"


@NEEDS_TEX
@NEEDS_POPPLER
def test_no_letter_spaced_line(pdf):
    log = (make_pdf.LATEX_DIR / f"{make_pdf.NAME}.log").read_text(encoding="utf-8", errors="replace")
    spaced = re.findall(r"^Underfull \\hbox \(badness 10000\).*\n(.*)", log, re.MULTILINE)
    assert not spaced, f"{len(spaced)} lines stretched as far as they go (letter-spaced): {spaced[:3]}"


@NEEDS_TEX
@NEEDS_POPPLER
def test_plus_minus_never_ends_a_line(pdf):
    # laid out as on the page: a cell's "±" at the end of its line is followed by the next column's gap
    layout = run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-")
    ends = [line.strip() for line in layout.splitlines() if re.search(r"±(?=\s{2,}|\s*$)", line)]
    assert not ends, f"'±' at the end of a line: {ends[:3]}"
