"""A reader's run beside the book: which figures are byte-identical, which numbers differ, which claims hold.

``make figures`` ends with this comparison for every run but the reference one
(``make figures REFERENCE=1``); it can also be run alone::

    python3 tools/compare_run.py                   # the run of $GANBOOK_DATA, $GANBOOK_SEED
    python3 tools/compare_run.py idx60000-seed0    # a folder of _build/runs

It reads only: the book's figures (``_static/2/2.3``), numbers (``results/chapter_metrics.json``)
and widget weights (``_static/widgets/weights/manifest.json``) against the run's own under
``_build/runs/<name>/``, and checks every claim of the text (``_ext/claims.py``) on the run's
numbers. The report is printed and written to ``_build/runs/<name>/comparison.md``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

from gankit import catalog, paths  # noqa: E402
from gankit.console import safe_output  # noqa: E402
from gankit.storage import atomic_write_text  # noqa: E402

METRICS = Path("results") / "chapter_metrics.json"
MANIFEST = Path("_static") / "widgets" / "weights" / "manifest.json"
REPORT = "comparison.md"
SHOWN = 12  # differing numbers listed by name (the largest relative differences first)


@dataclass
class Comparison:
    """What a run shares with the book and where it differs."""

    run: str
    same_figures: list = field(default_factory=list)
    other_figures: list = field(default_factory=list)
    missing_figures: list = field(default_factory=list)  # in the book, not (yet) made by the run
    drawn_without: dict = field(default_factory=dict)  # a differing figure -> results it would draw, not in the run
    same_numbers: list = field(default_factory=list)
    other_numbers: list = field(default_factory=list)  # (key, book, run, absolute and relative difference)
    missing_numbers: list = field(default_factory=list)
    claims: dict = field(default_factory=dict)  # name -> (holds in the book, holds in the run): True/False/None
    same_weights: list = field(default_factory=list)
    other_weights: list = field(default_factory=list)

    def text(self) -> str:
        lines = [f"comparison of run {self.run} with the book:"]
        figures = len(self.same_figures) + len(self.other_figures)
        lines.append(f"figures: {len(self.same_figures)} of {figures} byte-identical"
                     + (f"; differ: {', '.join(self.other_figures)}" if self.other_figures else "")
                     + "".join(f"; {figure} drawn without this run's results of make {' and make '.join(made)}, "
                               f"which the book's figure shows" for figure, made in self.drawn_without.items())
                     + (f"; not made by this run: {', '.join(self.missing_figures)}" if self.missing_figures else ""))
        numbers = len(self.same_numbers) + len(self.other_numbers)
        lines.append(f"numbers (chapter_metrics.json): {len(self.same_numbers)} of {numbers} equal, "
                     f"{len(self.other_numbers)} differ"
                     + (f", {len(self.missing_numbers)} not measured by this run" if self.missing_numbers else ""))
        ranked = sorted(self.other_numbers, key=lambda d: -(d[4] if math.isfinite(d[4]) else 1e300))
        for key, book, run, diff, rel in ranked[:SHOWN]:
            change = f"{rel:+.1%}" if math.isfinite(rel) else "new"
            lines.append(f"  {key}: book {book:g}, this run {run:g} (difference {diff:+.4g}, {change})")
        if len(ranked) > SHOWN:
            lines.append(f"  ... and {len(ranked) - SHOWN} more (all in {REPORT})")
        broken = [n for n, (_, run) in self.claims.items() if run is False]
        unknown = [n for n, (_, run) in self.claims.items() if run is None]
        held = len(self.claims) - len(broken) - len(unknown)
        lines.append(f"claims of the text: {held} of {len(self.claims)} hold on this run's numbers"
                     + (f"; do not hold: {', '.join(broken)}" if broken else "")
                     + (f"; not measured: {', '.join(unknown)}" if unknown else ""))
        if self.same_weights or self.other_weights:
            lines.append(f"widget weights: {len(self.same_weights)} of {len(self.same_weights) + len(self.other_weights)}"
                         " files byte-identical"
                         + (f"; differ: {', '.join(self.other_weights)}" if self.other_weights else ""))
        return "\n".join(lines)

    def full_text(self) -> str:
        """The report with every differing number, for comparison.md."""
        rows = "\n".join(f"| {k} | {b:g} | {r:g} | {d:+.4g} |" for k, b, r, d, _ in self.other_numbers)
        table = f"\n\n| number | book | this run | difference |\n| --- | --- | --- | --- |\n{rows}" if rows else ""
        return self.text() + table + "\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def compare_figures(book: Path, run: Path, result: Comparison, results: Path) -> None:
    """Each figure of the book beside the run's (``results``: the run's results folder)."""
    for figure in sorted(p for p in book.iterdir() if p.suffix in (".png", ".pdf")) if book.is_dir() else []:
        own = run / figure.name
        if not own.is_file():
            result.missing_figures.append(figure.name)
        elif digest(own) == digest(figure):
            result.same_figures.append(figure.name)
        else:
            result.other_figures.append(figure.name)
            entry = catalog.FIGURES.get(figure.stem)
            absent = [made for made in (entry.reads if entry else ()) if not (results / f"{made}.json").is_file()]
            if absent:
                result.drawn_without[figure.stem] = absent


def compare_numbers(book: dict, run: dict, result: Comparison) -> None:
    for key in sorted(k for k, v in book.items() if is_number(v)):
        if not is_number(run.get(key)):
            result.missing_numbers.append(key)
        elif run[key] == book[key]:
            result.same_numbers.append(key)
        else:
            diff = run[key] - book[key]
            rel = diff / abs(book[key]) if book[key] else math.inf
            result.other_numbers.append((key, book[key], run[key], diff, rel))


def compare_claims(book: dict, run: dict, result: Comparison) -> None:
    """Each claim of the text on the book's numbers and on the run's (None: a number is missing)."""
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from chapter_claims import load_claims
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    for name, claim in load_claims().items():
        result.claims[name] = (claim.check(book), claim.check(run))


def compare_weights(book: dict, run: dict, result: Comparison) -> None:
    def files(manifest):
        entries = [e for m in manifest.get("models", {}).values() for e in m.get("epochs", {}).values()]
        entries += [manifest["classifier"]] if "classifier" in manifest else []
        return {e["file"]: e.get("sha256") for e in entries if "file" in e}

    ours = files(run)
    for name, sha in sorted(files(book).items()):
        if name in ours:
            (result.same_weights if ours[name] == sha else result.other_weights).append(name)


def compare(run: str, write: bool = True) -> Comparison:
    """The run ``run`` (a folder name of _build/runs) beside the book's reference."""
    folder = paths.RUNS_DIR / run
    result = Comparison(run)
    compare_figures(paths.PROJECT_ROOT / paths.FIGURES, folder / paths.FIGURES, result, folder / "results")
    book_numbers, run_numbers = read_json(paths.PROJECT_ROOT / METRICS), read_json(folder / METRICS)
    compare_numbers(book_numbers, run_numbers, result)
    compare_claims(book_numbers, run_numbers, result)
    compare_weights(read_json(paths.PROJECT_ROOT / MANIFEST), read_json(folder / MANIFEST), result)
    if write and folder.is_dir():
        atomic_write_text(folder / REPORT, result.full_text())
    return result


def current_run() -> str | None:
    """The run of this process's settings (data, 随机数种子), as make figures names it; None: the reference."""
    from gankit import load_mnist, settings

    settings.check()
    return paths.run_name(load_mnist(settings.data_source(), quiet=True), settings.seed())


def main(argv=None) -> int:
    from gankit.cli import CLEAR_ERRORS

    safe_output()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", nargs="?", default=None,
                        help="a folder of _build/runs (default: the run of $GANBOOK_DATA and $GANBOOK_SEED)")
    args = parser.parse_args(argv)
    try:
        run = args.run or current_run()
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if run is None:
        print("this is the book's reference run (REFERENCE=1): its files are the book's, nothing to compare")
        return 0
    if Path(run).name != run or run in (".", "..") or not (paths.RUNS_DIR / run).is_dir():
        known = sorted(p.name for p in paths.RUNS_DIR.iterdir() if p.is_dir()) if paths.RUNS_DIR.is_dir() else []
        print(f"error: no run {run!r} under {paths.relative(paths.RUNS_DIR)}; runs there: "
              f"{', '.join(known) or 'none yet (make figures makes one)'}", file=sys.stderr)
        return 2
    print(compare(run).text())
    print(f"(the whole comparison: {paths.relative(paths.RUNS_DIR / run / REPORT)}; "
          f"the book of this run: make book RUN={run})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
