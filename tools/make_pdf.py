"""`make pdf`: the chapter as a print-ready PDF, through Jupyter Book's LaTeX builder.

1. Sphinx (``jupyter-book build --builder latex``) writes the LaTeX of the chapter alone
   (``_toc_pdf.yml``: the notebooks are left out) from the same sources as the HTML book,
   with warnings as errors, into a fresh folder: a stale ``.tex`` from an earlier build
   is never compiled. The print settings are in ``_ext/print_edition.py`` and ``_latex/ganbook.sty``.
2. latexmk runs XeLaTeX (xeCJK, Noto CJK fonts) on that one ``.tex`` file, offline.
   When the last page is less than a quarter full, XeLaTeX runs again with the lines set a little
   tighter or looser (``LINE_SPREADS``) and the first that fills it is kept (a page holding two
   lines of a reference list is gone).
3. The LaTeX log is read: a warning (undefined reference, font substituted, ...), a missing
   glyph or a line wider than the text block fails the build, as a Sphinx warning does.
4. The PDF goes to ``_build/pdf/gan-handwritten-digits.pdf``; pages, size and time are printed.

Needs Debian's texlive-xetex, texlive-lang-chinese, texlive-latex-extra,
texlive-fonts-recommended, latexmk, xindy and fonts-noto-cjk (``.ci/run`` installs them).
The title page says where the code and notebooks are: at ``$GANBOOK_URL`` (default: ``ganbook_url``
in ``_config.yml``), with its QR code, once the project has an address; until then, in words.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOC = ROOT / "_toc_pdf.yml"
WORK = ROOT / "_build" / "print"  # jupyter-book's output root for the print edition
LATEX_DIR = WORK / "_build" / "latex"
NAME = "gan-handwritten-digits"  # latex_documents targetname in _config.yml
PDF = ROOT / "_build" / "pdf" / f"{NAME}.pdf"
TOOLS = {"xelatex": "texlive-xetex", "latexmk": "latexmk", "kpsewhich": "texlive-base"}
PACKAGES = {"xeCJK.sty": "texlive-lang-chinese", "ctexhook.sty": "texlive-lang-chinese",
            "tabulary.sty": "texlive-latex-extra", "rotating.sty": "texlive-latex-recommended"}
FONT = ("Noto Serif CJK SC", "fonts-noto-cjk")
INSTALL = ("apt-get install texlive-xetex texlive-lang-chinese texlive-latex-extra "
           "texlive-fonts-recommended latexmk xindy fonts-noto-cjk")

# line spacing (\linespread, _latex/ganbook.sty) tried in turn until the last page is at least
# LAST_PAGE_FILL full; the first is the book's own
LINE_SPREADS = ("1.3", "1.28", "1.32", "1.26")
LAST_PAGE_FILL = 0.25
LAST_PAGE = re.compile(r"^ganbook: last page ([\d.]+)pt of ([\d.]+)pt", re.MULTILINE)

# LaTeX log lines that fail the build: warnings, glyphs the fonts lack, lines past the text block
LOG_PROBLEMS = re.compile(r"^(.*Warning.*|Missing character.*|Overfull \\hbox.*)$", re.MULTILINE)


def missing_tools() -> list[str]:
    """The Debian packages the PDF build needs and this machine lacks."""
    missing = {pkg for tool, pkg in TOOLS.items() if not shutil.which(tool)}
    if not missing:
        for sty, pkg in PACKAGES.items():
            if subprocess.run(["kpsewhich", sty], capture_output=True, text=True).stdout.strip() == "":
                missing.add(pkg)
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if FONT[0] not in fonts:
        missing.add(FONT[1])
    return sorted(missing)


def run(cmd: list[str], cwd: Path, log: Path) -> None:
    """Run ``cmd``; on failure show the end of its output and stop."""
    with open(log, "w", encoding="utf-8") as out:
        code = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode
    if code:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        sys.exit("\n".join(tail) + f"\nerror: {cmd[0]} failed (exit {code}); full output in "
                 f"{os.path.relpath(log, ROOT)}")


def log_problems(log_text: str) -> list[str]:
    """Warnings, missing glyphs and overfull lines in a LaTeX log."""
    return [m.group(1).strip() for m in LOG_PROBLEMS.finditer(log_text)]


def last_page_fill(log_text: str) -> float:
    """How full the last page of text is (0..1), from the line _latex/ganbook.sty writes to the log."""
    match = LAST_PAGE.search(log_text)
    if not match:
        return 1.0
    total, goal = float(match[1]), float(match[2])
    return 1.0 if goal <= 0 or goal > 16000 else total / goal  # \maxdimen: the last page was shipped full


def print_edition():
    """_ext/print_edition.py, the Sphinx extension with the print settings."""
    spec = importlib.util.spec_from_file_location("print_edition", ROOT / "_ext" / "print_edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(keep_going: bool = False) -> Path:
    """Build the PDF; returns its path."""
    edition = print_edition()
    url = os.environ.get(edition.URL_ENV)
    if url is not None and url.strip() and not edition.URL_OK.fullmatch(url.strip()):
        sys.exit(f"error: {edition.URL_ENV}={url!r} is not an address the title page can show: give an "
                 f"http(s) address without spaces, braces, %, #, ~, ^, $ or &, e.g. "
                 f"{edition.URL_ENV}=https://github.com/you/repo")
    missing = missing_tools()
    if missing:
        sys.exit(f"error: make pdf needs the Debian packages {', '.join(missing)}; install them with\n"
                 f"  {INSTALL}")
    shutil.rmtree(LATEX_DIR, ignore_errors=True)  # no stale .tex file from an earlier build
    logs = ROOT / "_build" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env_path = os.pathsep.join([str(ROOT / "codes"), os.environ.get("PYTHONPATH", "")])
    os.environ["PYTHONPATH"] = env_path
    sphinx = [shutil.which("jupyter-book") or "jupyter-book", "build", str(ROOT), "--builder", "latex",
              "--toc", str(TOC), "--path-output", str(WORK), "--all", "-W", "-n"]
    if keep_going:
        sphinx.append("--keep-going")
    run(sphinx, ROOT, logs / "pdf-sphinx.log")
    tex = LATEX_DIR / f"{NAME}.tex"
    if not tex.is_file():
        sys.exit(f"error: Sphinx wrote no {os.path.relpath(tex, ROOT)}; see _build/logs/pdf-sphinx.log")
    def latexmk(spread: str) -> float:
        spacing = [] if spread == LINE_SPREADS[0] else ["-g", f"-usepretex=\\def\\ganbooklinespread{{{spread}}}"]
        run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", *spacing,
             tex.name], LATEX_DIR, logs / "pdf-latexmk.log")
        return last_page_fill((LATEX_DIR / f"{NAME}.log").read_text(encoding="utf-8", errors="replace"))

    fills = {}
    for spread in LINE_SPREADS:
        fills[spread] = latexmk(spread)
        if fills[spread] >= LAST_PAGE_FILL:
            break
        print(f"pdf: the last page is {fills[spread]:.0%} full with line spacing {spread}; trying another")
    else:  # none fills it: the fullest
        best = max(fills, key=fills.get)
        if best != LINE_SPREADS[-1]:
            latexmk(best)
    problems = log_problems((LATEX_DIR / f"{NAME}.log").read_text(encoding="utf-8", errors="replace"))
    if problems:
        sys.exit("\n".join(problems) + f"\nerror: {len(problems)} LaTeX warning(s) in "
                 f"{os.path.relpath(LATEX_DIR / (NAME + '.log'), ROOT)} (warnings are errors)")
    PDF.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LATEX_DIR / f"{NAME}.pdf", PDF)
    return PDF


def page_count(pdf: Path) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match[1]) if match else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-going", action="store_true", help="report every Sphinx warning, not just the first")
    args = parser.parse_args(argv)
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf = build(args.keep_going)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    pages = page_count(pdf)
    print(f"pdf: wrote {os.path.relpath(pdf, ROOT)}: {pages if pages is not None else '?'} pages, "
          f"{pdf.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s wall, {cpu:.1f} s CPU")
    if not (os.environ.get("GANBOOK_URL") or "").strip():
        print("note: no address of the code is set (GANBOOK_URL, ganbook_url in _config.yml): the title page "
              "says in words where the code is; set GANBOOK_URL=https://... once the project has an address")
    return 0


if __name__ == "__main__":
    sys.exit(main())
