"""Test set-up: codes/ on sys.path, the quick configuration, a private checkpoint folder, nbval.

Notebooks under test run in the quick configuration (built-in data, outputs in a run
folder under ``_build/runs``) unless the caller says otherwise. Trained models and numba's
compiled kernels go to a folder of this test session, so the tests write nothing
into the working tree and take the same time whatever an earlier run left behind;
the kernels nbval starts inherit this environment. pytest-xdist's workers share the
folder: a model two workers want is trained by one while the other waits (the
checkpoint locks), then loaded.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "codes"))
os.environ.setdefault("GANBOOK_QUICK", "1")
# On a pytest-xdist worker: the CPU cores shared out among the workers, so that two workers' torch
# threads (and those of the notebooks' kernels and scripts they start) do not fight over one core.
if "PYTEST_XDIST_WORKER_COUNT" in os.environ and "OMP_NUM_THREADS" not in os.environ:
    _cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    os.environ["OMP_NUM_THREADS"] = str(max(1, _cores // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))
# One folder for the whole session: pytest-xdist's workers inherit it from the main process.
_SESSION_ENV = "GANBOOK_TEST_SESSION_DIR"
_OWNER = _SESSION_ENV not in os.environ  # this process made the folder and removes it at the end
if _OWNER:
    os.environ[_SESSION_ENV] = tempfile.mkdtemp(prefix="ganbook-tests-")
_SESSION_DIR = os.environ[_SESSION_ENV]
# Always this session's folder, also where a reader has set these for their own runs.
os.environ["GANBOOK_CHECKPOINTS"] = os.path.join(_SESSION_DIR, "checkpoints")
os.environ["NUMBA_CACHE_DIR"] = os.path.join(_SESSION_DIR, "numba")


def pytest_collectstart(collector):
    # tqdm's progress bars go to stderr: never compared with the stored outputs
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests run in groups on pytest-xdist's workers: a file's tests together, the browser's all in one.

    A group runs on one worker, in order: a notebook's cells share one kernel, and the book is built
    once, into one ``_build/html``, for every test that opens it.
    """
    for item in items:
        uses_browser = {"book_html", "browser"} & set(getattr(item, "fixturenames", ()))
        group = "browser" if uses_browser else item.nodeid.split("::")[0]  # the file, from the root
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """One notebook kernel starts at a time: two kernels starting at once can pick the same port."""
    if not str(item.path).endswith(".ipynb"):
        return (yield)
    from gankit.storage import exclusive

    with exclusive(Path(_SESSION_DIR) / ".kernel-start.lock"):
        return (yield)


def pytest_sessionfinish(session, exitstatus):
    if _OWNER:
        shutil.rmtree(_SESSION_DIR, ignore_errors=True)
