"""The built book, checked in a real browser.

Builds the book once per session (``jupyter-book build . -W -n --keep-going``, as
``make book`` does; set ``GANBOOK_BOOK_PREBUILT=1`` to test an existing ``_build/html``),
serves ``_build/html`` from a local HTTP server on 127.0.0.1 and opens the chapter in
Debian's headless chromium (``/usr/bin/chromium``, driven by playwright; never a browser
that playwright downloads). Every request that would leave the machine is recorded and
blocked. A full-page screenshot is saved to ``_build/screenshot.png``. The fixtures
``book_html``, ``site`` and ``browser`` are in ``conftest.py``, shared with the other
browser tests (one build, one server, one Chromium per session).

The browser tests skip (with the reason) only when ``/usr/bin/chromium`` is absent:
``apt-get install chromium``.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

from script_module import load_script

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
CHAPTER = "book/chapter_2_3_2.html"
SCREENSHOT = BUILD / "screenshot.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # no outside host can be reached even by a service the flags above miss
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

LISTINGS = catalog.listings()
NOTEBOOKS = [name.removesuffix(".ipynb") for name in catalog.notebooks()]
# the figures the book numbers (图2-56 ...) that the chapter page shows (the others are on its appendix)
NUMBERED = [f for f in catalog.numbered()
            if f":::{{figure-md}} {f.label}\n" in (ROOT / "book" / "chapter_2_3_2.md").read_text(encoding="utf-8")]
MISSING = "（尚未运行）"
METRIC_KEYS = ["d_test_real_mean", "d_test_noise_mean", "gan1_d_loss_last", "gan1_g_loss_last",
               "gan10_d_loss_last", "gan10_g_loss_last", "improved10_d_loss_last",
               "improved10_g_loss_last", "gan10_variety", "improved10_variety", "seed", "data_source"]


# --------------------------------------------------------------------------- build
def build_book() -> subprocess.CompletedProcess:
    """The same build as `make book`: warnings are errors, notebooks are not executed."""
    command = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
               "build", str(ROOT), "-W", "-n", "--keep-going"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_book_builds(book_html):
    """The chapter and every notebook are pages of the built site."""
    assert len(NOTEBOOKS) >= 4
    for page in [CHAPTER] + [f"book/{name}.html" for name in NOTEBOOKS]:
        assert (book_html / page).is_file(), page


def test_search_index_holds_chinese_words(book_html):
    """Sphinx's zh indexer (with jieba) put Chinese words into the search index."""
    index = (book_html / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    terms = set(data["terms"]) | set(data["titleterms"])  # words in headings go to titleterms
    for word in ("判别器", "生成器", "模式崩溃", "二元交叉熵", "随机数种子"):
        assert word in terms, f"{word!r} is not in the search index: is jieba installed?"


def test_mathjax_is_served_locally(book_html):
    page = (book_html / CHAPTER).read_text(encoding="utf-8")
    sources = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', page, flags=re.I)
    assert sources, "no MathJax script on the chapter page"
    for src in sources:
        assert not urlparse(src).netloc, f"MathJax comes from another host: {src}"
        assert (book_html / CHAPTER).parent.joinpath(src.split("?")[0]).resolve().is_file(), src


# ----------------------------------------------------------- metrics extension
def _load_extension():
    return load_script(ROOT / "_ext" / "chapter_metrics.py", "chapter_metrics")


def test_metric_formatting(tmp_path):
    ext = _load_extension()
    assert ext.load_metrics(tmp_path / "absent.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ext.MetricsFileError, match="bad.json"):  # never shown as "not run yet"
        ext.load_metrics(bad)
    good = tmp_path / "chapter_metrics.json"
    good.write_text(json.dumps({"gan1_d_loss_last": 0.24712, "data_size": 60000, "seed": 0,
                                "data_source": "MNIST IDX", "nan": float("nan")}), encoding="utf-8")
    metrics = ext.load_metrics(good)
    assert ext.format_metric(metrics, "gan1_d_loss_last") == "0.247"
    assert ext.format_metric(metrics, "gan1_d_loss_last", 4) == "0.2471"
    assert ext.format_metric(metrics, "data_size") == "60,000"
    assert ext.format_metric(metrics, "seed") == "0"
    assert ext.format_metric(metrics, "data_source") == "MNIST IDX"
    assert ext.format_metric(metrics, "nan") == ext.MISSING == MISSING
    assert ext.format_metric(metrics, "gan10_g_loss_last") == MISSING


# ------------------------------------------------------------------ the server
class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# ----------------------------------------------------------------- the browser
class PageVisit:
    """One page opened in chromium, with every request, failure and console error recorded."""

    def __init__(self, browser, site: str, path: str):
        self.site = site
        self.external, self.failed, self.errors = [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)
        # console errors and uncaught exceptions (test_widgets.py checks every page)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(site + path, wait_until="load")

    def _route(self, route):
        url = route.request.url
        if urlparse(url).hostname != "127.0.0.1":
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def chapter(browser, site):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    visit = PageVisit(browser, site, CHAPTER)
    page = visit.page
    # MathJax 3 typesets after load; its startup promise resolves when it is done. When MathJax
    # cannot load (say, from a blocked CDN) the other checks still run; test_formulas_rendered fails.
    try:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
        page.evaluate("MathJax.startup.promise")
        visit.mathjax_ready = True
    except PlaywrightTimeout:
        visit.mathjax_ready = False
    # bring every image into view (lazy loading) and wait until each has loaded or failed
    page.evaluate("""async () => {
        for (const img of document.images) {
            img.scrollIntoView();
            if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
        }
        window.scrollTo(0, 0);
    }""")
    page.evaluate("document.fonts.ready")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    yield visit
    visit.close()


def test_every_image_loaded(chapter):
    images = chapter.page.evaluate(
        "Array.from(document.images).map(i => [i.currentSrc || i.src, i.complete, i.naturalWidth])")
    shown = sorted(src.rsplit("/", 1)[-1] for src, _, _ in images if "/_images/" in src)
    expected = sorted(f"{f.name}.png" for f in NUMBERED)
    assert shown == expected, f"expected the chapter's numbered figures of gankit.catalog; found {shown}"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"


def test_formulas_rendered(chapter):
    page = chapter.page
    assert chapter.mathjax_ready, f"MathJax did not start (blocked requests: {chapter.external})"
    containers = page.eval_on_selector_all("mjx-container", "els => els.length")
    displays = page.eval_on_selector_all('mjx-container[display="true"]', "els => els.length")
    assert displays >= 2, f"the MSE and BCE formulas are not rendered ({displays} display formulas)"
    assert containers >= 6, f"only {containers} formulas rendered"
    assert page.eval_on_selector_all("mjx-container mjx-math", "els => els.length") >= containers
    text = page.inner_text("main")
    assert "$$" not in text and "\\frac" not in text and "\\begin{cases}" not in text, "raw LaTeX left on the page"
    assert not page.query_selector("mjx-merror"), "MathJax reported an error in a formula"


def test_every_listing_with_caption_and_line_numbers(chapter):
    blocks = chapter.page.evaluate("""Array.from(document.querySelectorAll('div.literal-block-wrapper')).map(b => {
        const c = b.querySelector('.code-block-caption .caption-text');
        return [c ? c.textContent : '', b.querySelectorAll('span.linenos').length,
                b.querySelector('pre') ? b.querySelector('pre').textContent : ''];
    })""")
    captions = [caption for caption, _, _ in blocks]
    for name in LISTINGS:
        found = [b for b in blocks if name in b[0]]
        assert found, f"listing {name} missing or without caption; captions: {captions}"
        caption, line_numbers, code = found[0]
        assert line_numbers > 5, f"{name}: no line numbers"
        source = (ROOT / "codes" / name).read_text(encoding="utf-8")
        assert source.splitlines()[0] in code, f"{name}: the page does not show the file's code"


def test_figure_captions_and_references(chapter):
    page = chapter.page
    captions = page.eval_on_selector_all("figure figcaption", "els => els.map(e => e.textContent.trim())")
    for figure in NUMBERED:
        matching = [c for c in captions if c.startswith(f"图{figure.number} ")]
        assert matching, f"no caption starts with 图{figure.number}: {captions}"
    # no automatic numbering in front of the book's own numbers ("图 1 图2-56 ...")
    assert not page.query_selector("figcaption .caption-number"), "Sphinx added its own figure numbers"
    assert all(re.match(r"^图2-\d\d ", c) for c in captions), captions
    # every figure is referred to in the text by a working link
    for figure in NUMBERED:
        links = page.eval_on_selector_all(f'a[href$="#{figure.label}"]', "els => els.map(e => e.textContent)")
        assert f"图{figure.number}" in "".join(links), f"no link to 图{figure.number} in the text"


def test_measured_values_shown(chapter):
    """Each measured value the chapter quotes comes from the metrics file, or reads （尚未运行）."""
    values = chapter.page.eval_on_selector_all(".chapter-metric, .chapter-metric-missing",
                                               "els => els.map(e => e.textContent)")
    assert len(values) >= len(METRIC_KEYS), values
    ext = _load_extension()
    metrics = ext.load_metrics(ext.metrics_path(ROOT))
    for key in METRIC_KEYS:
        assert ext.format_metric(metrics, key) in values, f"{key} is not shown"
    if not metrics:
        assert set(values) == {MISSING}, values


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in (("id", "name") if tag != "meta" else ()):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("img", "script") and attrs.get("src"):
            self.links.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.links.append(attrs["href"])


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
            kind = response.headers.get_content_type()
            return response.status, body.decode("utf-8", "replace") if kind == "text/html" else ""
    except urllib.error.HTTPError as err:
        return err.code, ""


def test_no_broken_internal_link(site, book_html):
    """Crawl every same-site page from the chapter: each link answers 200, each #anchor exists."""
    start = urljoin(site, CHAPTER)
    pages, queue, broken = {}, [start], []
    targets = {}  # url without fragment -> fragments asked for
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        status, html = _fetch(url)
        parser = _Links()
        parser.feed(html)
        pages[url] = (status, parser.ids)
        if not html:
            continue
        for href in parser.links:
            absolute = urljoin(url, href)
            if not absolute.startswith(site):
                continue  # other hosts are checked by the browser test (nothing may be loaded from them)
            base, fragment = urldefrag(absolute)
            targets.setdefault(base, set())
            if fragment:
                targets[base].add((url, unquote(fragment)))
            if base not in pages and base not in queue:
                if base.endswith(".html") or base.endswith("/"):
                    queue.append(base)
                else:
                    pages[base] = (_fetch(base)[0], set())
    for base, wanted in targets.items():
        status, ids = pages[base]
        if status != 200:
            broken.append(f"{base}: HTTP {status}")
            continue
        broken += [f"{source} -> {base}#{frag}: no such anchor" for source, frag in wanted if frag not in ids]
    assert len(pages) > 5
    assert not broken, "\n".join(sorted(broken))


def test_no_request_left_the_machine(chapter):
    assert not chapter.external, f"requests to other hosts: {chapter.external}"
    assert not chapter.failed, f"failed requests: {chapter.failed}"


def test_chinese_search_finds_the_chapter(browser, site):
    visit = PageVisit(browser, site, "search.html?q=" + urllib.request.quote("模式崩溃"))
    try:
        visit.page.wait_for_selector("ul.search li a", timeout=15000)
        hits = visit.page.eval_on_selector_all("ul.search li a", "els => els.map(e => e.href)")
        assert any(CHAPTER in h for h in hits), hits
        assert not visit.external, visit.external
    finally:
        visit.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_pages_render_offline(browser, site, notebook):
    """Each notebook page shows its stored outputs: its images load and nothing comes from another host."""
    visit = PageVisit(browser, site, f"book/{notebook}.html")
    try:
        page = visit.page
        assert page.query_selector("div.cell_output"), f"{notebook}: no stored outputs on the page"
        page.evaluate("""async () => {
            for (const img of document.images) {
                img.scrollIntoView();
                if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
            }
        }""")
        broken = page.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
        assert not broken, f"{notebook}: images that did not load: {broken}"
        assert not visit.external, f"{notebook}: requests to other hosts: {visit.external}"
        assert not visit.failed, f"{notebook}: failed requests: {visit.failed}"
    finally:
        visit.close()


def test_notebook_tables_render_as_tables(book_html):
    """A score table a notebook cell displays as Markdown is an HTML table, not a paragraph of pipes."""
    page = (book_html / "book" / "notebook_4_going_further.html").read_text(encoding="utf-8")
    outputs = page.split('class="cell_output', 1)[-1]
    assert "<table" in outputs, "notebook 4's score table is not rendered as a table"
    assert not re.search(r"<p>\|[^<]*\| ---", outputs), "notebook 4 shows a Markdown table as raw pipes"
