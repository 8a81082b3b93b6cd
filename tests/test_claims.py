"""The chapter's claims about its runs are checked against the run's numbers when the book is built.

A tiny Sphinx project in a temporary folder uses the two extensions of ``_ext/``
(``chapter_metrics`` for the numbers, ``chapter_claims`` for the claims) with a
metrics file written here, so the checks run in seconds without a Jupyter Book build.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from script_module import load_script

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "_ext"

PAGE = """Test page
=========

The improved GAN draws most digits, but not all ten. :claim:`improved_not_all_digits`

It drew :metric:`improved10_digits` digits.
"""


def _declarations():
    return load_script(EXT / "claims.py", "claims_declared")


def _module(name):
    if str(EXT) not in sys.path:  # chapter_claims imports chapter_metrics, as Sphinx loads them
        sys.path.insert(0, str(EXT))
    return load_script(EXT / f"{name}.py", name, register=True)


def build(tmp_path, metrics, monkeypatch, run=None, page=PAGE, second=None):
    """Build a Sphinx project with the extensions: one page, or ``page`` with a toctree to a
    ``second`` page; (exit status, warnings, html of the first page)."""
    from sphinx.cmd.build import build_main

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
                                 "extensions = ['chapter_metrics', 'chapter_claims']\n", encoding="utf-8")
    if second is not None:
        page += "\n.. toctree::\n\n   second\n"
        (src / "second.rst").write_text(second, encoding="utf-8")
    (src / "index.rst").write_text(page, encoding="utf-8")
    results = tmp_path / "results"
    results.mkdir(exist_ok=True)
    if metrics is not None:
        target = results / "chapter_metrics.json"
        target.write_text(metrics if isinstance(metrics, str) else json.dumps(metrics), encoding="utf-8")
    monkeypatch.setenv("GANBOOK_RESULTS", str(results))
    if run:
        monkeypatch.setenv("GANBOOK_RUN", run)
    else:
        monkeypatch.delenv("GANBOOK_RUN", raising=False)
    monkeypatch.syspath_prepend(str(EXT))
    for name in ("chapter_metrics", "chapter_claims"):  # a fresh import for each build
        sys.modules.pop(name, None)
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-b", "html", "-q", "-E", "-W", "--keep-going", "-w", str(warnings),
                         str(src), str(out)])
    html = (out / "index.html").read_text(encoding="utf-8") if (out / "index.html").exists() else ""
    return status, warnings.read_text(encoding="utf-8") if warnings.exists() else "", html


def _note(html):
    found = re.findall(r'<span class="chapter-claim-note"[^>]*>(.*?)</span>', html)
    return found[0] if found else None


def test_a_claim_that_holds_builds_and_shows_no_note(tmp_path, monkeypatch):
    status, warnings, html = build(tmp_path, {"improved10_digits": 8}, monkeypatch)
    assert status == 0, warnings
    assert 'class="chapter-claim"' in html and _note(html) is None


def test_a_false_claim_fails_the_reference_build(tmp_path, monkeypatch):
    status, warnings, _ = build(tmp_path, {"improved10_digits": 10}, monkeypatch)
    assert status != 0
    assert "improved_not_all_digits" in warnings and "does not hold" in warnings
    assert "improved10_digits = 10" in warnings  # the measured value, named


def test_a_false_claim_shows_a_note_in_a_readers_build(tmp_path, monkeypatch):
    status, warnings, html = build(tmp_path, {"improved10_digits": 10}, monkeypatch, run="builtin-seed3")
    assert status == 0, warnings
    note = _note(html)
    assert note and "不成立" in note and "builtin-seed3" in note
    assert "占比至少 1% 的数字有 10 个" in note  # what was measured, in the reader's words


def test_an_unmeasured_claim_fails_the_reference_build_and_is_marked_for_a_reader(tmp_path, monkeypatch):
    status, warnings, _ = build(tmp_path, {"seed": 0}, monkeypatch)
    assert status != 0 and "cannot be checked" in warnings
    status, warnings, html = build(tmp_path, None, monkeypatch, run="builtin-seed0")
    assert status == 0, warnings
    assert "（尚未运行）" in html and "尚未测得" in _note(html)


def test_an_undeclared_claim_fails(tmp_path, monkeypatch):
    page = PAGE.replace("improved_not_all_digits", "no_such_claim")
    status, warnings, _ = build(tmp_path, {"improved10_digits": 8}, monkeypatch, run="r", page=page)
    assert status != 0 and "no_such_claim" in warnings


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", b"\xff\xfe".decode("latin-1")])
def test_a_corrupt_metrics_file_fails_naming_it(tmp_path, monkeypatch, capsys, content):
    for run in (None, "builtin-seed0"):  # the reference build and a reader's build alike
        status, warnings, html = build(tmp_path, content, monkeypatch, run=run)
        message = warnings + capsys.readouterr().err
        assert status != 0
        assert str(tmp_path / "results" / "chapter_metrics.json") in message, message
        assert "（尚未运行）" not in html


def test_load_metrics():
    ext = _module("chapter_metrics")
    assert ext.parse_format("") == (3, False) and ext.parse_format("%1") == (1, True)
    assert ext.format_metric({"x": 0.0102}, "x", 1, True) == "1.0%"


def test_a_false_claim_on_a_second_page_fails_the_build(tmp_path, monkeypatch):
    """The appendix's claims are checked like the chapter's: on any page of the book."""
    first = "Chapter\n=======\n\nNo claim here.\n"
    second = "Appendix\n========\n\nNot all ten. :claim:`improved_not_all_digits`\n"
    status, warnings, _ = build(tmp_path, {"improved10_digits": 10}, monkeypatch, page=first, second=second)
    assert status != 0 and "improved_not_all_digits" in warnings and "second" in warnings
    status, warnings, _ = build(tmp_path, {"improved10_digits": 8}, monkeypatch, page=first, second=second)
    assert status == 0, warnings


# ------------------------------------------------------------------ the pages and the declarations
def _used(page: Path) -> list[str]:
    return re.findall(r"\{claim\}`([^`]+)`", page.read_text(encoding="utf-8"))


def test_the_claims_pages_are_the_books_pages():
    pages = _declarations().PAGES
    assert pages[0] == "book/chapter_2_3_2.md" and "book/appendix_experiments.md" in pages
    for page in pages:
        assert (ROOT / page).is_file(), page
        assert _used(ROOT / page), f"{page} makes no claim"


def test_every_claim_of_the_pages_is_declared_and_used():
    """A claim is used on the chapter, the appendix or both; none is declared and used nowhere."""
    claims = _module("chapter_claims").load_claims()
    used = {name for page in _declarations().PAGES for name in _used(ROOT / page)}
    assert not used - set(claims), f"used but not declared in _ext/claims.py: {sorted(used - set(claims))}"
    assert not set(claims) - used, f"declared but used on no page: {sorted(set(claims) - used)}"


def test_every_claim_holds_on_the_committed_results():
    """The reference run (results/chapter_metrics.json) satisfies every claim the chapter makes."""
    metrics = _module("chapter_metrics").load_metrics(ROOT / "results" / "chapter_metrics.json")
    claims = _module("chapter_claims").load_claims()
    failing = {name: c.values_text(metrics) for name, c in claims.items() if not c.check(metrics)}
    assert not failing, failing


def test_the_declarations_name_only_keys_a_writer_records():
    """Every key a condition uses is in the committed metrics (so a typo cannot pass as 'not run')."""
    metrics = json.loads((ROOT / "results" / "chapter_metrics.json").read_text(encoding="utf-8"))
    claims = _module("chapter_claims").load_claims()
    unknown = {k for c in claims.values() for k in c.keys()} - set(metrics)
    assert not unknown, unknown
