"""Where the project keeps its outputs: the reference run's in the repository, every other run's
in a folder of its own under ``_build/runs/``.

The committed figures, executed notebooks and ``results/`` come from the
reference configuration: the full MNIST training set, 随机数种子 0, every
image, not the quick configuration, and are rewritten only when a maintainer
asks for it (``GANBOOK_REFERENCE=1``: ``make figures REFERENCE=1``). Every other
run (the full MNIST with seed 0 too, the built-in subset, another seed,
``--limit``, ``GANBOOK_QUICK=1``) writes to ``_build/runs/<data>-seed<seed>/``
(e.g. ``idx60000-seed0``, ``builtin4000-seed0``), so a reader's run never
rewrites what the book shows; ``make book RUN=<name>``
builds the book from such a folder. ``GANBOOK_FIGURES``, ``GANBOOK_RESULTS``
and ``GANBOOK_CHECKPOINTS`` move a folder explicitly.
"""
from pathlib import Path

from . import settings
from .root import PROJECT_ROOT, relative  # noqa: F401 (paths.relative, paths.PROJECT_ROOT)

try:
    QUICK = settings.quick()
except settings.SettingError:  # importing never fails: each script's settings.check() names the variable
    QUICK = False
RUNS_DIR = PROJECT_ROOT / "_build" / "runs"
REFERENCE_SEED = 0
FIGURES = Path("_static") / "2" / "2.3"  # figures of section 2.3.2, as the book refers to them
# Trained models; a later run loads them instead of retraining (run names say what determined them).
CHECKPOINT_DIR = Path(settings.folder(settings.CHECKPOINTS_ENV) or PROJECT_ROOT / "checkpoints")
# Logs of make figures' background trainings.
LOG_DIR = PROJECT_ROOT / "_build" / "logs"

def run_name(data=None, seed: int | None = None, limit: int | None = None, source: str | None = None,
             own: bool = False) -> str | None:
    """None for the reference configuration when a maintainer asks to rewrite the book's reference
    (``$GANBOOK_REFERENCE``), else the name of this run's folder under _build/runs.

    The one function that names a run's folder. ``data`` is an MnistData, or None for the
    data ``source`` (None: the settings' source; loaded once per process); ``seed`` None
    is the settings' 随机数种子; ``limit`` the images used (None: all); ``own``: a folder of its
    own also for the reference configuration (an experiment with a budget other than the book's).
    """
    from .data import load_mnist

    seed = settings.seed() if seed is None else seed
    if data is None:
        data = load_mnist(settings.data_source(source), quiet=True)
    used = len(data) if limit is None else min(limit, len(data))
    if not (QUICK or own) and is_reference(data, seed, used) and settings.reference():  # make figures REFERENCE=1
        return None
    return f"{data.key(used)}-seed{seed}"


def is_reference(data, seed: int, used: int | None = None) -> bool:
    """The reference configuration: the full MNIST, every image, 随机数种子 0, not quick."""
    used = len(data) if used is None else used
    return not QUICK and seed == REFERENCE_SEED and used == len(data) and data.is_full_mnist


def run_root(name: str | None) -> Path:
    """The folder a run's figures, results and notebooks go under: the project for the reference."""
    return PROJECT_ROOT if name is None else RUNS_DIR / name


def figure_dir(name: str | None = ...) -> Path:
    """Where this run's figures go (``$GANBOOK_FIGURES`` overrides)."""
    if settings.folder(settings.FIGURES_ENV):
        return Path(settings.folder(settings.FIGURES_ENV))
    return run_root(run_name() if name is ... else name) / FIGURES


def results_dir(name: str | None = ...) -> Path:
    """Where this run's measured numbers and tables go (``$GANBOOK_RESULTS`` overrides)."""
    if settings.folder(settings.RESULTS_ENV):
        return Path(settings.folder(settings.RESULTS_ENV))
    return run_root(run_name() if name is ... else name) / "results"


def notebook_dir(name: str | None = ...) -> Path:
    """Where make figures writes this run's executed notebooks: book/ for the reference."""
    return run_root(run_name() if name is ... else name) / "book"
