"""Test set-up: codes/ on sys.path, the quick configuration, a private checkpoint folder, nbval.

Notebooks under test run in the quick configuration (built-in data, outputs in a run
folder under ``_build/runs``) unless the caller says otherwise. Trained models and numba's
compiled kernels go to a folder of this test session, so the tests write nothing
into the working tree and take the same time whatever an earlier run left behind;
the kernels nbval starts inherit this environment.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "codes"))
os.environ.setdefault("GANBOOK_QUICK", "1")
_SESSION_DIR = tempfile.mkdtemp(prefix="ganbook-tests-")
os.environ.setdefault("GANBOOK_CHECKPOINTS", os.path.join(_SESSION_DIR, "checkpoints"))
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(_SESSION_DIR, "numba"))


def pytest_collectstart(collector):
    # tqdm's progress bars go to stderr: never compared with the stored outputs
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)
