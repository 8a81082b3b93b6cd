"""Every route the README and the programs' own messages tell a reader to take, run as a reader runs it.

In a copy of the project (what a fresh clone holds), on the built-in data, as a reader without
MNIST runs them (not the quick configuration: ``GANBOOK_QUICK=1 make figures`` fails, its
notebook 5 trains a smaller listing-11 run whose figure 2-71 lands in another run folder),
with the smallest settings the routes allow:
``make figures`` and the route it names at its end (``make book RUN=<name>``), ``make book``,
``make samples``, ``make widgets``, ``make pdf`` where XeLaTeX is installed, ``jupyter
nbconvert --execute`` of a notebook, and each listing's ``--help``. A route that broke
(``make book RUN=`` did, because nothing ran it) fails here.

Slow: it trains the book's four GANs on the built-in data (or loads them from the test
session's checkpoint folder, where the notebooks' tests may have trained them) and builds the
book twice. Its tests share one copy and run in order on one pytest-xdist worker: the file is
its own group (conftest.py), beside every other file's.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
LISTINGS = sorted((ROOT / "codes").glob("chapter_2_3_2_*.py"))
README_NOTEBOOK = "book/notebook_1_discriminator.ipynb"  # the README's nbconvert example
HOUR = 3600  # no route may take longer on CI's CPU
BOOK_FOLDERS = ("_static", "results", "book")  # the reference's files: a reader's run never changes them


def tracked_files() -> list[str]:
    """The files a fresh clone holds (with this working tree's edits): git's tracked and new files."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is needed to copy the project as a clone holds it")
    return [name for name in listed if name and (ROOT / name).is_file()]


def snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in BOOK_FOLDERS for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the project as a reader's fresh clone holds it (no _build/, no checkpoints/)."""
    copy = tmp_path_factory.mktemp("clone") / "gan-book"
    for name in tracked_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    return copy


def reader_env(**more) -> dict:
    """A reader's environment on a machine without MNIST: the built-in data (named, as ``auto`` offline
    would fall back to it after trying a download), not the quick configuration, whose notebooks train
    smaller runs (``--limit``) that write their figures to other run folders; the test session's
    checkpoint folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in (
        "GANBOOK_DATA", "GANBOOK_FIGURES", "GANBOOK_RESULTS", "GANBOOK_WIDGETS", "GANBOOK_REFERENCE",
        "GANBOOK_RUN", "PYTHONPATH", "RUN", "MODEL", "N", "OUT", "SEED")}
    return {**env, "GANBOOK_QUICK": "0", "GANBOOK_DATA": "builtin", "TQDM_DISABLE": "1", "PYTHON": sys.executable,
            **more}


def route(clone: Path, *command: str, timeout: int = HOUR, **env) -> subprocess.CompletedProcess:
    """One command in the copy, as a reader types it; its output is kept for the failure message."""
    if command[0] == "make":
        command = ("make", f"PYTHON={sys.executable}", *command[1:])
    result = subprocess.run(command, cwd=clone, capture_output=True, text=True, timeout=timeout,
                            env=reader_env(**env))
    shown = (result.stdout + result.stderr)[-5000:]
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{shown}"
    assert "Traceback" not in result.stderr, shown
    return result


@pytest.fixture(scope="module")
def figures(clone) -> tuple[str, subprocess.CompletedProcess]:
    """``make figures``, the README's first command: (the run it names, its output)."""
    before = snapshot(clone)
    result = route(clone, "make", "figures")
    assert snapshot(clone) == before, "a reader's run changed the book's own files"
    named = re.findall(r"make book RUN=(\S+)", result.stdout)
    assert named, f"make figures names no run to build:\n{result.stdout[-3000:]}"
    return named[0], result


def test_make_figures_writes_a_run_of_its_own_and_compares_it_with_the_book(clone, figures):
    run, result = figures
    folder = clone / "_build" / "runs" / run
    assert run == "builtin4000-seed0"
    assert len(list((folder / "_static" / "2" / "2.3").glob("*.png"))) >= 10
    assert (folder / "_static" / "widgets" / "weights" / "manifest.json").is_file()  # make widgets ran
    assert "comparison of run builtin4000-seed0 with the book:" in result.stdout
    assert "claims of the text:" in result.stdout and (folder / "comparison.md").is_file()


def test_make_book_of_the_run_make_figures_names(clone, figures):
    run, _ = figures
    result = route(clone, "make", "book", f"RUN={run}")
    site = clone / "_build" / "runs" / run / "site" / "_build" / "html"
    assert (site / "book" / "chapter_2_3_2.html").is_file(), result.stdout[-2000:]
    assert (site / "_static" / "2" / "2.3" / "2-62.png").read_bytes() == \
        (clone / "_build" / "runs" / run / "_static" / "2" / "2.3" / "2-62.png").read_bytes()  # the run's figure


def test_make_book(clone):
    route(clone, "make", "book")
    assert (clone / "_build" / "html" / "book" / "chapter_2_3_2.html").is_file()


def test_make_samples(clone, figures, tmp_path):
    out = tmp_path / "a reader's samples.npy"  # a space and an apostrophe, as in a real folder name
    listed = route(clone, "make", "samples")
    assert "gan" in listed.stdout.split()
    route(clone, "make", "samples", "MODEL=gan", "N=3", f"OUT={out}")
    samples = np.load(out)
    assert samples.shape == (3, 784) and samples.dtype == np.float32 and 0 <= samples.min() <= samples.max() <= 1


def test_make_widgets(clone, figures):
    run, _ = figures
    weights = clone / "_build" / "runs" / run / "_static" / "widgets" / "weights"
    result = route(clone, "make", "widgets")
    said = result.stdout + result.stderr  # after make figures: the same checkpoints, nothing to rewrite
    assert ("wrote" in said or "up to date" in said) and (weights / "manifest.json").is_file()
    assert not any(p.name.startswith(".weights") for p in weights.parent.iterdir())  # nothing half-written


def test_make_pdf(clone):
    if shutil.which("xelatex") is None or shutil.which("latexmk") is None:
        pytest.skip("XeLaTeX and latexmk are not installed (Debian: texlive-xetex, latexmk)")
    route(clone, "make", "pdf")
    assert (clone / "_build" / "pdf" / "gan-handwritten-digits.pdf").stat().st_size > 100_000


def test_a_notebook_with_nbconvert(clone, figures):
    notebook = clone / README_NOTEBOOK
    assert notebook.is_file(), f"the README names {README_NOTEBOOK}"
    route(clone, sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", README_NOTEBOOK)
    assert notebook.with_suffix(".nbconvert.ipynb").is_file()


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem[-2:])
def test_each_listing_explains_its_flags(clone, listing):
    result = route(clone, sys.executable, f"codes/{listing.name}", "--help", timeout=300,
                   PYTHONPATH=str(clone / "codes"))
    assert "--seed" in result.stdout and "--data" in result.stdout
