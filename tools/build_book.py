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

SOURCES = ["_config.yml", "_toc.yml", "_ext", "_static", "_templates", "_vendor", "book", "codes", "results"]
IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "_build")


def build(folder: Path, env: dict) -> int:
    command = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
               "build", str(folder), "-W", "-n", "--keep-going"]
    return subprocess.call(command, cwd=folder, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default=os.environ.get("RUN") or None,
                        help="a folder of _build/runs (make figures names it when it starts)")
    args = parser.parse_args()
    if not args.run:
        return build(ROOT, dict(os.environ))
    run = paths.RUNS_DIR / args.run
    if not run.is_dir():
        known = sorted(p.name for p in paths.RUNS_DIR.iterdir() if p.is_dir()) if paths.RUNS_DIR.is_dir() else []
        print(f"error: no run {args.run!r} under {paths.relative(paths.RUNS_DIR)}; runs there: "
              f"{', '.join(known) or 'none yet (make figures makes one)'}", file=sys.stderr)
        return 2
    site = run / "site"
    shutil.rmtree(site, ignore_errors=True)
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
