"""Where the project keeps its outputs. Every folder can be moved by a setting.

In the quick configuration (``GANBOOK_QUICK=1``: CI, ``make test``) figures and
results go under ``_build/quick/`` so that a test run never overwrites the
figures and numbers of the full run that the book shows.
"""
import os
from pathlib import Path

from . import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUICK = settings.quick()
QUICK_ROOT = PROJECT_ROOT / "_build" / "quick"
_OUTPUT = QUICK_ROOT if QUICK else PROJECT_ROOT

# Figures of section 2.3.2, referenced by the book as _static/2/2.3/2-56.png ...
FIGURE_DIR = Path(os.environ.get(settings.FIGURES_ENV) or _OUTPUT / "_static" / "2" / "2.3")
# Trained models; a later run loads them instead of retraining. Run names include the data source.
CHECKPOINT_DIR = Path(os.environ.get(settings.CHECKPOINTS_ENV) or PROJECT_ROOT / "checkpoints")
# Measured numbers (JSON) that the book and notebooks read instead of typing them.
RESULTS_DIR = Path(os.environ.get(settings.RESULTS_ENV) or _OUTPUT / "results")
# Markdown tables generated from the results files, included by the chapter.
TABLE_DIR = RESULTS_DIR / "tables"
# Logs of make figures' background trainings.
LOG_DIR = PROJECT_ROOT / "_build" / "logs"


def relative(path) -> str:
    """A path as printed in logs and notebooks: relative to the project when inside it."""
    path = Path(path).resolve()
    shown = os.path.relpath(path, PROJECT_ROOT)
    return str(path) if shown.startswith(os.path.join("..", "..")) else shown
