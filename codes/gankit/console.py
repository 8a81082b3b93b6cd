"""Console output that survives any console's encoding.

The project prints Chinese terms (随机数种子, 判别器 ...). A console whose encoding cannot
show them (a Western Windows console, cp1252; ``PYTHONIOENCODING=ascii``) would end the
run in ``UnicodeEncodeError``, sometimes after all its work. ``safe_output()``, called once
at the start of every entry point (``settings.check()`` calls it), keeps the console's
encoding and writes what it cannot show as ``\\u968f``-style escapes instead.
"""
from __future__ import annotations

import io
import sys
import unicodedata

ERRORS = "backslashreplace"  # a character the console cannot show is written as its escape


def safe_output() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` write unencodable characters as escapes (idempotent).

    Streams that cannot be reconfigured (a notebook kernel's, a test's capture) are left as they are:
    they take any text.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) == ERRORS:
            continue
        try:
            reconfigure(errors=ERRORS)
        except (ValueError, io.UnsupportedOperation, AttributeError):  # closed or detached
            pass


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: wide and full-width (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    return text + " " * max(width - display_width(text), 0)
