"""nbval set-up for the notebooks under book/ (see GUIDE.md: keep tqdm's stderr out of the comparison)."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "codes"))
# Notebooks under test run in the quick configuration (built-in data, outputs under _build/quick)
# unless the caller says otherwise; the kernel nbval starts inherits this environment.
os.environ.setdefault("GANBOOK_QUICK", "1")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")
