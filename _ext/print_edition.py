"""Sphinx extension: the print edition of the chapter (`make pdf`, Sphinx's LaTeX builder).

The HTML book is not changed: the settings below are LaTeX settings, and the two event
handlers act for the LaTeX builder only. For the print edition it

- sets up the page (16开, 185 mm x 260 mm), the fonts (Noto Serif/Sans CJK SC, every font
  embedded as a real font), the captions (the book's own "图2-56 ..." and "代码清单 ..." alone,
  without LaTeX's "图 1:" / "列表 1:") and the title page; the LaTeX side is ``_latex/ganbook.sty``;
- says on the title page where the code and the notebooks are: with an address (the one setting
  ``ganbook_url`` in ``_config.yml``, overridden by ``$GANBOOK_URL``), that address and its QR
  code (segno); without one (the default, until the project is published), in words: the
  project's folders and its ``make`` commands, and no address or QR code at all;
- names the companion notebooks by file (``book/notebook_1_discriminator.ipynb``), since the
  print edition leaves them out: a ``{doc}`` reference to one of them is not a broken link;
- typesets the score tables (``WIDE_COLUMNS`` columns or more, or with "mean ± sd" cells) in a
  print form: smaller type, "mean ± sd" stacked in two lines (so "±" never ends a line),
  numbers right-aligned and unbroken, text ragged-right (never spaced out), and turned sideways
  when they have ``SIDEWAYS_COLUMNS`` columns or more; other tables keep Sphinx's form with
  ragged-right cells (``_latex/ganbook.sty``);
- sets inline code (file names, paths) unbroken, but after a "/".
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

# ------------------------------------------------------------------ page (one home: the test reads these)
PAPER_MM = (185, 260)  # 16开 (185 mm x 260 mm), a common size of Chinese technical books
MARGIN_MM = {"left": 20, "right": 20, "top": 22, "bottom": 22}  # around the text block
HEADER_FOOTER_MM = 14  # how far into the top/bottom margin the running head and page number reach
WIDE_COLUMNS = 10  # a table this wide gets the print form (smaller type, stacked "mean ± sd")
SIDEWAYS_COLUMNS = 12  # ... and is turned sideways (landscape) from this many columns on
URL_ENV = "GANBOOK_URL"
QR_FILE = "ganbook-qr.tex"  # written next to the doctrees, copied into the LaTeX folder
QR_SIZE_MM = 28  # printed size of the QR code, quiet zone included
QR_QUIET = 2  # white modules around the code (the box around it adds more)
LATEX_DIR = Path(__file__).resolve().parents[1] / "_latex"

TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex_escape(text: str) -> str:
    """Plain text as LaTeX source."""
    return "".join(TEX_SPECIALS.get(c, c) for c in text)


URL_OK = re.compile(r"https?://[^\s{}\\%#~^$&]+")  # what LaTeX's \url takes as a macro argument


def book_url(config) -> str:
    """The address of the code and notebooks: $GANBOOK_URL, else the setting ganbook_url; "" when none."""
    url = (os.environ.get(URL_ENV) or config.ganbook_url or "").strip()
    if url and not URL_OK.fullmatch(url):
        from sphinx.errors import ConfigError

        raise ConfigError(f"{URL_ENV} (or ganbook_url in _config.yml) is {url!r}: give an http(s) address "
                          f"without spaces, braces, %, #, ~, ^, $ or &, e.g. {URL_ENV}=https://github.com/you/repo")
    return url


CHINESE_NUMERALS = "零一二三四五六七八九十"


def book_facts(confdir: str | Path, root_doc: str) -> dict:
    """What the title page says about the book: its section number and how many notebooks it has."""
    match = re.search(r"chapter_(\d+)_(\d+)_(\d+)$", root_doc)
    notebooks = len(list((Path(confdir) / "book").glob("notebook_*.ipynb")))
    return {"section": ".".join(match.groups()) if match else "",
            "notebooks": CHINESE_NUMERALS[notebooks] if notebooks <= 10 else str(notebooks)}


def latex_elements(url: str, facts: dict | None = None) -> dict:
    """The parts of Sphinx's LaTeX template this edition sets."""
    facts = facts or {"section": "", "notebooks": ""}
    shown_url = tex_escape(url).replace("/", r"/\allowbreak{}")
    # with an address: \ganbookurl and \ganbookqr; without: \ganbookqr is empty, \ifganbookurl false
    where = (rf"\ganbookurltrue\newcommand\ganbookurl{{\href{{{url}}}{{{shown_url}}}}}" "\n"
             rf"\newcommand\ganbookqr{{\input{{{QR_FILE}}}}}" "\n") if url else ""
    w, h = PAPER_MM
    m = MARGIN_MM
    return {
        "papersize": "",  # the geometry below sets the paper
        "pointsize": "10pt",
        "geometry": (rf"\usepackage[paperwidth={w}mm,paperheight={h}mm,left={m['left']}mm,"
                     rf"right={m['right']}mm,top={m['top']}mm,bottom={m['bottom']}mm,"
                     rf"headheight=14pt,headsep=5mm,footskip=10mm]{{geometry}}"),
        # xeCJK with the Noto CJK fonts (Sphinx's default for zh: xeCJK with FreeSerif, not installed)
        "fontenc": r"\usepackage{xeCJK}",
        "fontpkg": "",
        # code: the CJK-aware monospace font; \xeCJKVerbAddon keeps CJK characters 2 columns wide
        "fvset": r"\fvset{fontsize=\small,baselinestretch=1.05,numbersep=5pt,formatcom=\xeCJKVerbAddon}",
        "fncychap": "",
        "contentsname": r"\addto\captionsenglish{\renewcommand{\contentsname}{目录}}",
        "cmappkg": "",  # cmap is for pdflatex; XeTeX writes the ToUnicode maps itself
        "extrapackages": r"\usepackage{ganbook}",
        # (after hyperref) links stay clickable but print black; title and authors in the PDF's metadata
        # the address as text (copy and paste give it back, unlike \url's), a line may break after "/"
        "preamble": (where +
                     rf"\newcommand\ganbooksection{{{facts['section']}}}" "\n"
                     rf"\newcommand\ganbooknotebooks{{{facts['notebooks']}}}" "\n"
                     r"\hypersetup{hidelinks}\makeatletter"
                     r"\AtBeginDocument{\hypersetup{pdftitle={\@title}, pdfauthor={\@author}}}\makeatother"),
        "maketitle": r"\ganbookmaketitle",
        "tableofcontents": r"\ganbooktableofcontents",
        "printindex": "",
        "makeindex": "",
        "figure_align": "htbp",
        # line numbers inside the frame (its left padding), not in the page margin
        "sphinxsetup": ("VerbatimColor={rgb}{0.97,0.97,0.97}, pre_padding-left=18pt, "
                        "pre_border-radius=0pt"),
    }


def qr_latex(url: str) -> str:
    """The QR code of ``url`` (segno) drawn in LaTeX: one black rule per run of dark modules.

    Vector, no image file (xdvipdfmx rejects segno's own PDF files), the same bytes for the
    same address.
    """
    import segno

    rows = [[bool(v & 1) for v in row] for row in segno.make(url, error="m").matrix]
    n = len(rows)
    lines = [f"% QR code of {url} (segno, error correction M), written by _ext/print_edition.py",
             rf"\setlength\unitlength{{{QR_SIZE_MM / (n + 2 * QR_QUIET):.4f}mm}}%",
             rf"\begin{{picture}}({n + 2 * QR_QUIET},{n + 2 * QR_QUIET})%"]
    for y, row in enumerate(rows):
        x = 0
        while x < n:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < n and row[x]:
                x += 1
            left, bottom = start + QR_QUIET, n - 1 - y + QR_QUIET
            lines.append(rf"\put({left},{bottom}){{\rule{{{x - start}\unitlength}}{{\unitlength}}}}%")
    lines.append(r"\end{picture}%")
    return "\n".join(lines) + "\n"


def write_qr(url: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(qr_latex(url), encoding="utf-8")
    return target


def qr_path(app) -> Path:
    return Path(app.doctreedir).parent / "print-edition" / QR_FILE


def on_config_inited(app, config) -> None:
    """The LaTeX settings (the HTML builder ignores them; the builder does not exist yet)."""
    url = book_url(config)
    elements = latex_elements(url, book_facts(app.confdir, config.root_doc))
    elements.update(config.latex_elements or {})  # _config.yml may still override any of them
    config.latex_elements = elements
    config.latex_additional_files = [*config.latex_additional_files, str(LATEX_DIR / "ganbook.sty"),
                                     *([str(qr_path(app))] if url else [])]
    config.latex_table_style = ["booktabs"]


def on_builder_inited(app) -> None:
    url = book_url(app.config)
    if app.builder.name == "latex" and url:
        write_qr(url, qr_path(app))


# ------------------------------------------------------------------ notebooks, named by file
def html_only(node: nodes.Node) -> bool:
    """Whether a node sits inside an ``{only} html`` block, which the LaTeX builder leaves out."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only) and parent.get("expr", "").strip() == "html":
            return True
        parent = parent.parent
    return False


def on_missing_reference(app, env, node, contnode):
    """In the print edition, a {doc} reference to a notebook names the notebook's file."""
    if app.builder.name != "latex" or node.get("reftype") != "doc":
        return None
    if html_only(node):
        return contnode  # inside {only} html (a widget's paragraph): the print edition drops it
    target = node["reftarget"]
    folder = Path(env.doc2path(node["refdoc"])).parent
    notebook = (folder / target).with_suffix(".ipynb")
    if not notebook.is_file():
        return None  # a real broken link: let Sphinx warn
    shown = os.path.relpath(notebook, app.srcdir)
    text = node.get("refexplicit") and contnode.astext()
    return nodes.literal(shown, shown) if not text else nodes.inline(text, text)


# ------------------------------------------------------------------ wide tables, print form
PLUS_MINUS = re.compile(r"^\s*(-?[\d.]+)\s*±\s*([\d.]+)\s*$")  # numbers only, not "均值 ± 标准差"


def cell_latex(entry: nodes.Element) -> str:
    """The content of one table cell as LaTeX: text, bold, code; "a ± b" stacked in two lines."""
    text = entry.astext().strip()
    match = PLUS_MINUS.match(text)
    if match:
        return rf"\ganbookpm{{{tex_escape(match[1])}}}{{{tex_escape(match[2])}}}"
    parts = []
    for child in entry.findall(nodes.Text):
        parent = child.parent
        if isinstance(parent, nodes.raw):  # already LaTeX (inline code, see code_latex)
            parts.append(str(child))
            continue
        piece = tex_escape(str(child))
        if isinstance(parent, nodes.strong):
            piece = rf"\textbf{{{piece}}}"
        elif isinstance(parent, nodes.literal):
            piece = rf"\texttt{{{piece}}}"
        parts.append(piece)
    return "".join(parts).strip()


NUMBER = re.compile(r"^\s*(?:[<>≤≥≈~]\s*)?-?[\d.,]+\s*%?\s*$")  # "0.071", "< 75.6", "60,000", "5%"


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text) or PLUS_MINUS.match(text))


def table_rows(table: nodes.table):
    """(header rows, body rows, alignments) of a docutils table, each row a list of LaTeX cells."""
    head, body, texts = [], [], []
    right = []
    for group in table.findall(nodes.thead):
        for row in group.findall(nodes.row):
            head.append([cell_latex(e) for e in row.findall(nodes.entry)])
            right = ["text-right" in e.get("classes", []) for e in row.findall(nodes.entry)]
    for group in table.findall(nodes.tbody):
        for row in group.findall(nodes.row):
            entries = list(row.findall(nodes.entry))
            body.append([cell_latex(e) for e in entries])
            texts.append([e.astext().strip() for e in entries])
    # a column of numbers keeps its width and never breaks ("r"); a right-aligned column of words
    # wraps, ragged-left ("R"); the other columns share what is left and wrap, ragged-right ("L")
    aligns = []
    for col, is_right in enumerate(right):
        cells = [row[col] for row in texts if col < len(row) and row[col]]
        aligns.append("L" if not is_right else "r" if all(is_number(c) for c in cells) else "R")
    return head, body, aligns


def print_table(table: nodes.table, note: str = "") -> str:
    """LaTeX of the print form of a score table (and of ``note``, plain text, below it)."""
    head, body, aligns = table_rows(table)
    columns = max(len(r) for r in head + body)
    aligns = (aligns + ["L"] * columns)[:columns]
    env = ("ganbooksideways" if columns >= SIDEWAYS_COLUMNS else "ganbookwide" if columns >= WIDE_COLUMNS
           else "ganbooktable")
    lines = [rf"\begin{{{env}}}", rf"\begin{{tabulary}}{{\linewidth}}{{@{{}}{''.join(aligns)}@{{}}}}", r"\toprule"]
    for row in head:
        lines.append(" & ".join(rf"\ganbookhead{{{c}}}" for c in row) + r" \\")
    lines.append(r"\midrule")
    for row in body:
        lines.append(" & ".join(row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabulary}"]
    if note:
        lines.append(rf"\ganbooktablenote{{{tex_escape(note)}}}")
    lines.append(rf"\end{{{env}}}")
    return "\n".join(lines) + "\n"


def needs_print_form(table: nodes.table) -> bool:
    """A wide table, or one with "mean ± sd" cells, that may float (not inside a note, list or table)."""
    parent = table.parent
    while parent is not None:
        if isinstance(parent, (nodes.Admonition, nodes.list_item, nodes.entry, nodes.footnote)):
            return False
        parent = parent.parent
    columns = max((len(list(row.findall(nodes.entry))) for row in table.findall(nodes.row)), default=0)
    return columns >= WIDE_COLUMNS or any(PLUS_MINUS.match(e.astext()) for e in table.findall(nodes.entry))


def code_latex(text: str) -> str:
    """Inline code as LaTeX that breaks only after a "/" (a file name is never split)."""
    from sphinx.util.texescape import escape

    parts = text.split("/")
    boxes = [rf"\mbox{{{escape(part, 'xelatex')}{'/' if i < len(parts) - 1 else ''}}}"
             for i, part in enumerate(parts) if part or i < len(parts) - 1]
    # some stretch beside the code (no new break): a line of long names is not letter-spaced
    return (r"\ganbookcodeglue\sphinxcode{\sphinxupquote{" + r"\allowbreak{}".join(boxes)
            + r"}}\ganbookcodeglue{}")


def on_doctree_resolved(app, doctree, docname) -> None:
    if app.builder.name != "latex":
        return
    for literal in list(doctree.findall(nodes.literal)):
        if not isinstance(literal.parent, (nodes.paragraph, nodes.inline, nodes.strong, nodes.emphasis)) \
                or literal.get("classes") or len(literal.children) != 1 or not isinstance(literal[0], nodes.Text):
            continue  # code roles with a language, references: as Sphinx writes them
        literal.replace_self(nodes.raw("", code_latex(literal.astext()), format="latex"))
    for table in list(doctree.findall(nodes.table)):
        if not needs_print_form(table):
            continue
        # the note written below the table in the same results file goes with it (onto its page)
        note_node = table.next_node(descend=False, siblings=True)
        note = ""
        if isinstance(note_node, nodes.paragraph) and note_node.source and note_node.source == table.source:
            note = note_node.astext()
            note_node.parent.remove(note_node)
        table.replace_self(nodes.raw("", print_table(table, note), format="latex"))


def setup(app):
    app.add_config_value("ganbook_url", "", "env", [str])
    app.connect("config-inited", on_config_inited, priority=900)  # after sphinx-external-toc set root_doc
    app.connect("builder-inited", on_builder_inited)
    app.connect("missing-reference", on_missing_reference)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
