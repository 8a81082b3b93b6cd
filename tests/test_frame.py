"""The frame of the built book in Chromium, on a phone (375 px) and a desktop (1280 px).

The sidebar toggles open and close the contents; no listing, table or formula of the pages of
the print edition (the chapter and whatever ``_toc_pdf.yml`` adds) overflows its box on the
desktop, and 80 columns of code fit a listing; on a phone every wide element scrolls inside
its own box and the page does not; the interface around the text is Chinese; the download
menu offers no raw Markdown and its ".pdf" is the print edition; a search for the chapter's
subject lists the chapter first, with the sentence that matched; no fontawesome.js; captions
in one weight. Shares the session's book build, server and Chromium (tests/conftest.py).
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from script_module import load_script

from test_book import CHAPTER, PageVisit

ROOT = Path(__file__).resolve().parents[1]
PHONE, DESKTOP = 375, 1280
WIDTHS = [375, 700, 1000, 1280]  # phone, tablet, small laptop, desktop
WIDE_SCREEN = 992  # from here on the theme shows the contents beside the text (Bootstrap's lg)
CODE_COLUMNS = 80  # a listing line's display width (a CJK character counts two)
# Latin words the interface may show: a key of the search shortcut, the print edition's file format
ALLOWED_WORDS = {"Ctrl", "PDF"}


def _load(name):
    return load_script(ROOT / "_ext" / f"{name}.py", name)


book_frame = _load("book_frame")
PAGES = sorted(f"{doc}.html" for doc in book_frame.print_edition_docs(ROOT))  # the chapter, the appendix ...


def open_page(browser, site, path, width):
    visit = PageVisit(browser, site, path)
    visit.page.set_viewport_size({"width": width, "height": 900})
    # a page with formulas loads MathJax: wait until it has typeset them
    visit.page.wait_for_function("!document.querySelector('.math') || (window.MathJax && MathJax.startup "
                                 "&& MathJax.startup.promise)", timeout=15000)
    visit.page.evaluate("window.MathJax && MathJax.startup.promise")
    visit.page.wait_for_timeout(300)  # layout after the resize
    return visit


def test_the_print_edition_pages_are_in_the_site(book_html):
    assert CHAPTER in PAGES, PAGES
    for page in PAGES:
        assert (book_html / page).is_file(), page


# ------------------------------------------------------------------ sidebars
VISIBLE_LINKS = """sel => Array.from(document.querySelectorAll(sel)).filter(a => {
    const r = a.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(a).visibility === 'visible'
        && r.right > 0 && r.left < window.innerWidth;
}).length"""


@pytest.mark.parametrize("width", WIDTHS)
def test_sidebar_toggles_open_and_close_the_contents(browser, site, width):
    visit = PageVisit(browser, site, CHAPTER)
    try:
        page = visit.page
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        toc = "nav.bd-docs-nav a.reference"
        entries = page.eval_on_selector_all(toc, "els => els.length")
        assert entries >= 2, "the contents list no page"
        toggle = page.locator("button.primary-toggle:visible")
        assert toggle.count() == 1, f"{width}px: {toggle.count()} visible ☰ buttons"
        if width < WIDE_SCREEN:  # the contents open in a dialog over the page
            assert page.evaluate(VISIBLE_LINKS, toc) == 0, f"{width}px: contents shown before ☰"
            toggle.click()
            page.wait_for_timeout(400)
            assert page.evaluate("document.querySelector('#pst-primary-sidebar-modal').open"), \
                f"{width}px: ☰ did not open the contents"
            assert page.evaluate(VISIBLE_LINKS, f"#pst-primary-sidebar-modal {toc}") == entries, \
                f"{width}px: the opened contents do not show every entry"
            page.keyboard.press("Escape")
            page.wait_for_timeout(400)
            assert not page.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")
            assert page.evaluate(VISIBLE_LINKS, toc) == 0, f"{width}px: contents still shown after closing"
        else:  # the contents beside the text: ☰ hides and shows them
            assert page.evaluate(VISIBLE_LINKS, toc) == entries, f"{width}px: contents not shown"
            toggle.click()
            page.wait_for_timeout(600)
            assert page.evaluate(VISIBLE_LINKS, toc) == 0, f"{width}px: ☰ did not hide the contents"
            toggle.click()
            page.wait_for_timeout(600)
            assert page.evaluate(VISIBLE_LINKS, toc) == entries, f"{width}px: ☰ did not show the contents again"
        on_page = page.locator("button.secondary-toggle:visible")
        page_toc = "#pst-page-toc-nav a"
        if on_page.count():  # the page's own contents (headings), in a dialog where there is no room
            on_page.click()
            page.wait_for_timeout(400)
            assert page.evaluate("document.querySelector('#pst-secondary-sidebar-modal').open"), \
                f"{width}px: the page-contents button did not open them"
            assert page.evaluate(VISIBLE_LINKS, page_toc) > 3
            page.keyboard.press("Escape")
            page.wait_for_timeout(400)
            assert not page.evaluate("document.querySelector('#pst-secondary-sidebar-modal').open")
        else:
            assert page.evaluate(VISIBLE_LINKS, page_toc) > 3, f"{width}px: no way to the page's contents"
        assert not visit.errors, visit.errors
    finally:
        visit.close()


# ------------------------------------------------------------------ widths
WIDE_ELEMENTS = """() => {
    const main = document.querySelector('article.bd-article');
    const boxes = [
        ...main.querySelectorAll('div.highlight pre'),
        ...main.querySelectorAll('.pst-scrollable-table-container, table'),
        ...main.querySelectorAll('div.math, div.math mjx-container'),
    ];
    return boxes.map(el => ({
        what: el.tagName.toLowerCase(), classes: typeof el.className === 'string' ? el.className : '',
        text: (el.textContent || '').trim().slice(0, 40),
        scroll: el.scrollWidth, client: el.clientWidth,
        overflow: getComputedStyle(el).overflowX,
    }));
}"""

CODE_PROBE = """columns => Array.from(document.querySelectorAll('article.bd-article div.highlight')).map(box => {
    const pre = box.querySelector('pre');
    const probe = pre.cloneNode(false);
    const numbers = pre.querySelectorAll('span.linenos');
    if (numbers.length) probe.appendChild(numbers[numbers.length - 1].cloneNode(true));
    probe.appendChild(document.createTextNode('0'.repeat(columns)));
    box.appendChild(probe);
    const fits = [probe.scrollWidth, probe.clientWidth, getComputedStyle(probe).fontSize];
    probe.remove();
    return fits;
})"""


@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_on_the_desktop(browser, site, path):
    visit = open_page(browser, site, path, DESKTOP)
    try:
        boxes = visit.page.evaluate(WIDE_ELEMENTS)
        assert boxes, f"{path}: no listing, table or formula found: the check checks nothing"
        cut = [b for b in boxes if b["scroll"] > b["client"]]
        assert not cut, f"{path} at {DESKTOP}px: boxes wider than their column: {cut}"
        probes = visit.page.evaluate(CODE_PROBE, CODE_COLUMNS)
        short = [p for p in probes if p[0] > p[1]]
        assert not short, f"{path}: {CODE_COLUMNS} columns and the line numbers do not fit a listing: {short}"
    finally:
        visit.close()


@pytest.mark.parametrize("path", PAGES)
def test_on_a_phone_wide_elements_scroll_in_their_own_box(browser, site, path):
    visit = open_page(browser, site, path, PHONE)
    try:
        page = visit.page
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path}: the page itself scrolls sideways at {PHONE}px: {width}"
        boxes = page.evaluate(WIDE_ELEMENTS)
        wide = [b for b in boxes if b["scroll"] > b["client"]]
        assert wide, "nothing is wider than a phone: the check checks nothing"
        clipped = [b for b in wide if b["overflow"] not in ("auto", "scroll")]
        assert not clipped, f"{path}: wide elements cut off instead of scrolling: {clipped}"
        # every table's box scrolls: a table never sits in a box that clips it
        tables = page.eval_on_selector_all(
            "article.bd-article table",
            "els => els.map(t => [t.scrollWidth, t.parentElement.clientWidth, getComputedStyle(t.parentElement).overflowX])")
        assert all(w <= c or o in ("auto", "scroll") for w, c, o in tables), tables
        # a number is never broken over lines ("1.0 ± 0.0" is one line, or mean over "± sd")
        broken = page.evaluate("""() => Array.from(document.querySelectorAll(
                'article.bd-article td.book-nowrap, article.bd-article .book-pm-mean, article.bd-article .book-pm-sd'))
            .filter(el => {
                if (el.querySelector('.book-pm-sd')) return false;  // mean over "± sd": each checked itself
                const tops = new Set(), walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const r = document.createRange(); r.selectNodeContents(node);
                    for (const box of r.getClientRects()) if (box.width > 0) tops.add(Math.round(box.top));
                }
                return tops.size > 1;
            }).map(el => el.textContent)""")
        assert not broken, f"{path}: cells broken over lines: {broken[:5]}"
        # a display formula has the width of its block (its equation number does not narrow it)
        formulas = page.eval_on_selector_all(
            "article.bd-article div.math", """els => els.map(d => {
                const c = d.querySelector('mjx-container');
                return [c ? c.getBoundingClientRect().width : 0, d.getBoundingClientRect().width, d.textContent.trim()];
            })""")
        narrow = [f for f in formulas if f[0] < 0.95 * f[1]]
        assert not narrow, f"{path}: formulas narrower than their block on a phone: {narrow}"
        assert not page.query_selector("#pst-back-to-top"), "a floating button covers the text"
    finally:
        visit.close()


# ------------------------------------------------------------------ Chinese interface
CHROME_STRINGS = """() => {
    const found = [];
    const ATTRS = ['title', 'aria-label', 'placeholder', 'data-bs-title', 'alt'];
    const article = document.querySelector('article.bd-article');
    for (const el of document.body.querySelectorAll('*')) {
        if (article.contains(el) || el.closest('script, style, mjx-container')) continue;
        for (const a of ATTRS) { const v = el.getAttribute(a); if (v) found.push(v); }
        for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) found.push(n.textContent.trim());
    }
    return [found, document.title, article.textContent];
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_interface_is_chinese(browser, site, width):
    visit = PageVisit(browser, site, CHAPTER)
    try:
        visit.page.set_viewport_size({"width": width, "height": 900})
        strings, title, text = visit.page.evaluate(CHROME_STRINGS)
        # words of the book itself (its title, the names of its pages and headings) are not the interface's
        content = set(re.findall(r"[A-Za-z]+", title + " " + text))
        english = sorted({s for s in strings for w in re.findall(r"[A-Za-z]{3,}", s)
                          if w not in content and w not in ALLOWED_WORDS})
        assert not english, f"English interface strings at {width}px: {english}"
    finally:
        visit.close()


def test_download_menu_has_no_markdown_and_the_print_edition(book_html):
    html = (book_html / CHAPTER).read_text(encoding="utf-8")
    assert not re.search(r'href="[^"]*_sources/[^"]*\.md"', html), "the download menu offers the raw MyST source"
    assert "window.print()" not in html, "the .pdf entry opens the print dialog"
    pdfs = re.findall(r'href="([^"]+\.pdf)"[^>]*class="[^"]*btn-download-print-edition-button', html)
    # make pdf may run beside the book's build: what counts is whether the build found the PDF (and
    # copied it into the site)
    in_site = book_html / book_frame._make_pdf().PDF.name
    if in_site.is_file():
        assert pdfs, "the print edition is in the site but the download menu does not offer it"
        assert (book_html / CHAPTER).parent.joinpath(pdfs[0]).resolve() == in_site.resolve()
        assert in_site.read_bytes()[:5] == b"%PDF-"
    else:
        assert not pdfs, f"the download menu links a PDF the site lacks: {pdfs}"


# ------------------------------------------------------------------ search
def test_search_lists_the_chapter_first_with_the_sentence(browser, site):
    query = "模式崩溃"
    visit = PageVisit(browser, site, "search.html?q=" + urllib.parse.quote(query))
    try:
        page = visit.page
        page.wait_for_selector("ul.search li a", timeout=15000)
        page.wait_for_function("document.querySelectorAll('ul.search li').length >= 2 && "  # every summary loaded
                               "document.querySelectorAll('ul.search li p.context').length === "
                               "document.querySelectorAll('ul.search li').length", timeout=15000)
        hits = page.eval_on_selector_all("ul.search li", """els => els.map(li => [
            li.querySelector('a').href, (li.querySelector('p.context') || {textContent: ''}).textContent])""")
        assert CHAPTER in hits[0][0], f"the chapter is not the first result: {[h for h, _ in hits]}"
        snippets = [s for _, s in hits if s]
        assert snippets and all(query in s for s in snippets), f"snippets without the match: {snippets}"
        # the sentence, not a contents list (one heading per line)
        assert all(s.count("\n") <= 1 for s in snippets), snippets
    finally:
        visit.close()


# ------------------------------------------------------------------ weight, icons, captions
def test_icons_without_fontawesome_and_captions_in_one_weight(browser, site):
    visit = open_page(browser, site, CHAPTER, DESKTOP)
    try:
        page = visit.page
        requested = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert not [u for u in requested if "fontawesome" in u], "the page loads fontawesome.js"
        icon = page.evaluate("""() => {
            const i = document.querySelector('button.primary-toggle .fa-bars');
            const s = getComputedStyle(i, '::before');
            return [i.getBoundingClientRect().width, s.maskImage || s.webkitMaskImage];
        }""")
        assert icon[0] > 8 and icon[1].startswith("url("), f"the ☰ icon is not drawn: {icon}"
        weights = page.eval_on_selector_all(
            "figure figcaption p, div.code-block-caption",
            "els => els.map(e => parseInt(getComputedStyle(e).fontWeight))")
        assert weights and min(weights) >= 400, f"captions in a light weight: {sorted(set(weights))}"
    finally:
        visit.close()
