"""Sphinx extension: the frame around the HTML book (theme options, download menu, icons).

- Theme options in Chinese and without the floating "back to top" button, which covered the text
  (tables above all) on a phone; the theme's own templates are overridden in ``_templates/``
  (Chinese labels, sidebar toggles that work).
- The download menu (sphinx-book-theme): no source file for a MyST page (it is the raw Markdown,
  with roles such as ``{metric}`` unresolved); a notebook keeps its ``.ipynb``. Its ".pdf" entry
  opened the browser's print dialog: on the pages of the print edition (``_toc_pdf.yml``) it
  now links to the PDF of ``make pdf`` when that has been built (copied into the site), and is
  left out otherwise, as it is on the other pages.
- Icons without fontawesome.js (1.5 MB, loaded by every page to draw about a dozen icons):
  ``_templates/static/webpack-macros.html`` leaves the script out, and at the end of the build
  ``_static/book-icons.css`` is written with the icons the written pages name, each a CSS mask
  of the path data read from the theme's own copy of Font Awesome Free (icons: CC BY 4.0).
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS_CSS = "book-icons.css"  # written into the site's _static/ at the end of the build
THEME_OPTIONS = {
    "search_bar_text": "搜索本书……",
    "back_to_top_button": False,
}
PDF_TOOLTIP = "下载印刷版（PDF）"
PDF_TEXT = "印刷版 PDF"
SHORT_CELL = 8  # a table cell of at most this many characters ("✓ 达到", "5/5") is never broken
PDF_LABEL = "download-print-edition-button"


# ------------------------------------------------------------------ theme options
def _theme_options(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options.update(THEME_OPTIONS)
    config.html_theme_options = options


# ------------------------------------------------------------------ the print edition in the download menu
def _make_pdf():
    """tools/make_pdf.py (the one home of the PDF's path), or None where the site has no tools/ folder."""
    path = ROOT / "tools" / "make_pdf.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("make_pdf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_edition_docs(confdir: str | Path) -> set[str]:
    """The pages the print edition holds: the root and every ``file:`` of ``_toc_pdf.yml``."""
    toc = Path(confdir) / "_toc_pdf.yml"
    if not toc.is_file():
        return set()
    text = toc.read_text(encoding="utf-8")
    return set(re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)\s*$", text, re.MULTILINE))


def _find_pdf(app) -> None:
    make_pdf = _make_pdf()
    pdf = make_pdf.PDF if make_pdf else None
    app.builder.ganbook_print_pdf = pdf if pdf is not None and pdf.is_file() else None
    app.builder.ganbook_print_docs = print_edition_docs(app.confdir)


def _download_menu(app, pagename, templatename, context, doctree) -> None:
    buttons = context.get("header_buttons") or []
    pdf = getattr(app.builder, "ganbook_print_pdf", None)
    in_print = pagename in getattr(app.builder, "ganbook_print_docs", set())
    for group in [b for b in buttons if b.get("label") == "download-buttons"]:
        kept = []
        for button in group["buttons"]:
            label = button.get("label")
            if label == "download-source-button" and context.get("page_source_suffix") != ".ipynb":
                continue  # raw MyST source: roles unresolved
            if label == "download-pdf-button":
                if pdf is None or not in_print:
                    continue  # window.print(): not the print edition
                button = {"type": "link", "url": context["pathto"](pdf.name, 1), "text": PDF_TEXT,
                          "tooltip": PDF_TOOLTIP, "icon": "fas fa-file-pdf", "label": PDF_LABEL}
            kept.append(button)
        group["buttons"] = kept
        if not kept:
            buttons.remove(group)


def _copy_pdf(app, exception) -> None:
    pdf = getattr(app.builder, "ganbook_print_pdf", None)
    if exception is None and app.builder.format == "html" and pdf is not None:
        shutil.copyfile(pdf, Path(app.outdir) / pdf.name)


# ------------------------------------------------------------------ tables: numbers that never break
def _mark_tables(app, doctree, docname) -> None:
    """HTML only: wide tables get the class book-wide-table, tables of "mean ± sd" cells book-pm-table and
    each such cell two spans (CSS stacks them, as the print edition does; _static/book_frame.css)."""
    if app.builder.format != "html":
        return
    from docutils import nodes

    from print_edition import PLUS_MINUS, SIDEWAYS_COLUMNS, WIDE_COLUMNS, is_number

    for table in doctree.findall(nodes.table):
        columns = max((len(list(row.findall(nodes.entry))) for row in table.findall(nodes.row)), default=0)
        if columns >= WIDE_COLUMNS:
            table["classes"].append("book-wide-table")
        if columns >= SIDEWAYS_COLUMNS:  # printed sideways; on the screen, smaller still
            table["classes"].append("book-widest-table")
        for entry in table.findall(nodes.entry):
            text = entry.astext().strip()
            if is_number(text) or len(text) <= SHORT_CELL:
                entry["classes"].append("book-nowrap")
        for paragraph in (e.next_node(nodes.paragraph) for e in table.findall(nodes.entry)):
            match = PLUS_MINUS.match(paragraph.astext()) if paragraph is not None else None
            if match and "book-pm-table" not in table["classes"]:
                table["classes"].append("book-pm-table")
            if match and len(paragraph.children) == 1 and isinstance(paragraph[0], nodes.Text):
                del paragraph[0]
                paragraph += [nodes.inline(match[1], match[1], classes=["book-pm-mean"]), nodes.Text(" "),
                              nodes.inline("", f"± {match[2]}", classes=["book-pm-sd"])]


# ------------------------------------------------------------------ icons without fontawesome.js
FA_JS = Path("scripts") / "fontawesome.js"
THEME_CSS = Path("styles") / "pydata-sphinx-theme.css"
PACK = re.compile(r'var p=\{(.*?)\};.*?d\("(fab|far|fas)",p\)', re.DOTALL)
ICON = re.compile(r'(?:"([\w-]+)"|([\w$]+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]*)","([^"]+)"\]')
STYLE_OF = {"fa-solid": "fas", "fas": "fas", "fa": "fas", "fa-regular": "far", "far": "far",
            "fa-brands": "fab", "fab": "fab"}
USED = re.compile(r'class="([^"]*\bfa[a-z-]*\b[^"]*)"')
SIZES = {"fa-xs": ".75em", "fa-sm": ".875em", "fa-lg": "1.25em", "fa-xl": "1.5em", "fa-2x": "2em"}


def font_awesome_icons(script: Path) -> dict[str, dict[str, tuple[int, int, str]]]:
    """{style: {name or alias: (width, height, svg path)}} from Font Awesome's fontawesome.js."""
    packs: dict[str, dict[str, tuple[int, int, str]]] = {}
    for body, style in PACK.findall(script.read_text(encoding="utf-8")):
        icons = packs.setdefault(style, {})
        for quoted, bare, width, height, aliases, code, path in ICON.findall(body):
            icon = (int(width), int(height), path)
            icons[quoted or bare] = icon
            icons.setdefault(f"U+{code}", icon)  # the character of the icon font (CSS content: "\\f05a")
            for alias in re.findall(r'"([a-z][\w-]*)"', aliases):
                icons.setdefault(alias, icon)
    return packs


def admonition_icons(theme_css: str) -> dict[str, str]:
    """{admonition type: "U+f05a"}: the icon the theme's CSS draws in its title with the icon font."""
    chars = dict(re.findall(r'--pst-icon-([a-z-]+):"(.)"', theme_css))
    kinds = re.findall(r"--pst-icon-admonition-([a-z-]+):var\(--pst-icon-([a-z-]+)\)", theme_css)
    return {kind: f"U+{ord(chars[icon]):x}" for kind, icon in kinds if icon in chars}


def used_icons(html_files) -> set[tuple[str, str]]:
    """(style, name) of every icon a page names, e.g. ('fas', 'bars') for class="fa-solid fa-bars"."""
    used = set()
    for file in html_files:
        for classes in USED.findall(Path(file).read_text(encoding="utf-8", errors="replace")):
            words = classes.split()
            styles = [STYLE_OF[w] for w in words if w in STYLE_OF]
            if not styles:
                continue
            for word in words:
                if word.startswith("fa-") and word not in STYLE_OF and word not in SIZES:
                    used.add((styles[0], word[3:]))
    return used


def _mask(icon: tuple[int, int, str]) -> str:
    from urllib.parse import quote

    width, height, path = icon
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><path d="{path}"/></svg>'
    return f'url("data:image/svg+xml,{quote(svg, safe=" /:=.,-")}")'


def icons_css(used: set[tuple[str, str]], packs, admonitions: dict[str, str] | None = None) -> str:
    """A CSS mask per icon, drawn in the text colour, 1em high like Font Awesome's own."""
    lines = ["/* Icons of Font Awesome Free 6 (https://fontawesome.com, icons: CC BY 4.0), only those the",
             "   pages use, written by _ext/book_frame.py from the theme's fontawesome.js. */",
             ".fa-solid,.fas,.fa-regular,.far,.fa-brands,.fab{display:inline-block;line-height:1;"
             "font-style:normal;vertical-align:-.125em;font-family:inherit}",  # no icon font to load
             ".fa-solid::before,.fas::before,.fa-regular::before,.far::before,.fa-brands::before,"
             ".fab::before{content:\"\";display:inline-block;width:var(--book-icon-width,1em);height:1em;"
             "background-color:currentColor;-webkit-mask:var(--book-icon) center/contain no-repeat;"
             "mask:var(--book-icon) center/contain no-repeat}"]
    lines += [f".{name}{{font-size:{size};line-height:.05em;vertical-align:-.2em}}" for name, size in SIZES.items()]
    for style, name in sorted(used):
        icon = packs.get(style, {}).get(name)
        if icon is None:
            continue
        selector = ",".join(f".{s}.fa-{name}" for s, short in STYLE_OF.items() if short == style)
        lines.append(f"{selector}{{--book-icon:{_mask(icon)};--book-icon-width:{icon[0] / icon[1]:.4g}em}}")
    # the icon in an admonition's title (the theme draws it with the icon font: 150 kB for one icon)
    admonitions = {k: packs.get("fas", {}).get(code) for k, code in (admonitions or {}).items()}
    if admonitions.get("default"):
        lines.append("div.admonition>.admonition-title::after,.admonition>.admonition-title::after{font:inherit;"
                     "content:\"\";background-color:currentColor;-webkit-mask:var(--book-admonition-icon) "
                     "center/contain no-repeat;mask:var(--book-admonition-icon) center/contain no-repeat}")
        for kind, icon in sorted(admonitions.items()):
            if icon:
                scope = ".admonition" if kind == "default" else f".admonition.{kind}"
                lines.append(f"{scope}>.admonition-title{{--book-admonition-icon:{_mask(icon)}}}")
    return "\n".join(lines) + "\n"


def _theme_file(app, name: Path) -> Path | None:
    for folder in app.builder.theme.get_theme_dirs() if hasattr(app.builder, "theme") else []:
        candidate = Path(folder) / "static" / name
        if candidate.is_file():
            return candidate
    return None


def _write_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    script = _theme_file(app, FA_JS)
    packs = font_awesome_icons(script) if script else {}
    used = used_icons(Path(app.outdir).rglob("*.html"))
    theme_css = _theme_file(app, THEME_CSS)
    admonitions = admonition_icons(theme_css.read_text(encoding="utf-8")) if theme_css else {}
    target = Path(app.outdir) / "_static" / ICONS_CSS
    target.write_text(icons_css(used, packs, admonitions), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _theme_options)
    app.connect("builder-inited", _find_pdf)
    app.connect("doctree-resolved", _mark_tables)
    app.connect("html-page-context", _download_menu, priority=900)  # after sphinx-book-theme's (501)
    app.connect("build-finished", _copy_pdf)
    app.connect("build-finished", _write_icons)
    app.add_css_file(ICONS_CSS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
