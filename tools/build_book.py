"""`make book`: build the HTML book; with ``RUN=<name>``, from a reader's run under _build/runs/.

Without a run, Jupyter Book builds the project itself (``jupyter-book build . -W -n
--keep-going``): the reference run's figures, notebooks and results. With a run,
the book's sources are copied to ``_build/runs/<name>/site/``, the run's own
figures, executed notebooks, results and widget weights are laid over them, and
the book is built there into ``_build/runs/<name>/site/_build/html``; the claims
the text makes are checked against the run's numbers and marked where they do not hold.
Nothing of the reference is touched.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

from gankit import paths  # noqa: E402
from gankit.console import safe_output  # noqa: E402

SOURCES = ["_config.yml", "_toc.yml", "_ext", "_static", "_templates", "_vendor", "book", "codes", "results"]
IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "_build")


def build(folder: Path, env: dict) -> int:
    command = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
               "build", str(folder), "-W", "-n", "--keep-going"]
    return subprocess.call(command, cwd=folder, env=env)


def run_folder(name: str) -> Path | None:
    """The folder of run ``name``: one folder directly under _build/runs/, never a path elsewhere.

    ``..``, an absolute path, a path with a separator or a link leading out of _build/runs/ is
    refused with one line (None), so that nothing outside the run's own folder is removed.
    """
    runs = paths.RUNS_DIR
    known = sorted(p.name for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []
    listing = f"runs there: {', '.join(known) or 'none yet (make figures makes one)'}"
    parts = Path(name).parts
    if len(parts) != 1 or name in (".", "..") or Path(name).is_absolute() or "/" in name or os.sep in name:
        print(f"error: RUN={name!r} is not the name of a run: give the name of a folder of "
              f"{paths.relative(runs)} (make figures names it), not a path; {listing}", file=sys.stderr)
        return None
    run = runs / name
    if not run.is_dir():
        print(f"error: no run {name!r} under {paths.relative(runs)}; {listing}", file=sys.stderr)
        return None
    if run.resolve().parent != runs.resolve():
        print(f"error: {paths.relative(run)} leads out of {paths.relative(runs)} (a link): "
              f"build the book of a run made by make figures; {listing}", file=sys.stderr)
        return None
    return run


def main() -> int:
    safe_output()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default=os.environ.get("RUN") or None,
                        help="a folder of _build/runs (make figures names it when it starts)")
    args = parser.parse_args()
    if not args.run:
        return build(ROOT, dict(os.environ))
    run = run_folder(args.run)
    if run is None:
        return 2
    site = run / "site"
    if site.is_symlink():  # a link is removed, never what it points to
        site.unlink()
    shutil.rmtree(site, ignore_errors=True)  # inside _build/runs/<name>/ only: run_folder checked it
    site.mkdir()
    for name in SOURCES:
        source = ROOT / name
        (shutil.copytree(source, site / name, ignore=IGNORE) if source.is_dir() else shutil.copy2(source, site / name))
    widgets = Path("_static") / "widgets" / "weights"  # the run's generators (make widgets)
    for own, target in ((run / paths.FIGURES, site / paths.FIGURES), (run / "book", site / "book"),
                        (run / "results", site / "results"), (run / widgets, site / widgets)):
        if own.is_dir():
            shutil.copytree(own, target, dirs_exist_ok=True)
    env = dict(os.environ, GANBOOK_RUN=args.run, GANBOOK_RESULTS=str(site / "results"))
    status = build(site, env)
    if status == 0:
        print(f"the book of run {args.run}: {paths.relative(site / '_build' / 'html' / 'index.html')}")
    return status


if __name__ == "__main__":
    sys.exit(main())
