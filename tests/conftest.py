"""Shared test fixtures (the top-level conftest.py puts codes/ on sys.path)."""
import os
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


# One Chromium for the whole session: playwright's sync API cannot start a second one while the
# first runs (tests/test_book.py and tests/test_faults.py share it).
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


