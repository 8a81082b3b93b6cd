"""Shared test fixtures (the top-level conftest.py puts codes/ on sys.path)."""
import functools
import os
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The full MNIST, when the machine has it (CI: ../shared/data beside the clone).
FULL_DATA = os.environ.get("GANBOOK_FULL_DATA") or str(ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def full_data():
    import gankit.data

    if gankit.data.find_idx_folder(FULL_DATA) is None:
        pytest.skip(f"full MNIST not found at {FULL_DATA} (set GANBOOK_FULL_DATA)")
    return FULL_DATA


@pytest.fixture(scope="session")
def builtin_train():
    import gankit

    return gankit.load_mnist("builtin", quiet=True)


# The built book, served on 127.0.0.1, and one Chromium, for the whole session: test_book.py,
# test_widgets.py and test_faults.py share one build, one server and one browser (playwright's
# sync API cannot start a second Chromium while the first runs).
@pytest.fixture(scope="session")
def book_html() -> Path:
    from test_book import CHAPTER, HTML, build_book

    if os.environ.get("GANBOOK_BOOK_PREBUILT", "0") in ("", "0"):
        result = build_book()
        log = (result.stdout + result.stderr)[-6000:]
        assert result.returncode == 0, f"the book build failed (warnings are errors):\n{log}"
    assert (HTML / CHAPTER).is_file(), f"{HTML / CHAPTER} missing: build the book first (make book)"
    return HTML


@pytest.fixture(scope="session")
def site(book_html):
    from test_book import _QuietHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(book_html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from test_book import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian: apt-get install chromium); the browser checks need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


