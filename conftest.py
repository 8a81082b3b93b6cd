"""nbval set-up for the notebooks under book/ (see GUIDE.md: keep tqdm's stderr out of the comparison)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "codes"))


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")
