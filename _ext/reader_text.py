"""The prose of a MyST page as a reader reads it: for counting its length, measuring its
sentences and checking its terms (``terms.py``). Used by ``tests/test_chapter_text.py``.

``prose(markdown)`` keeps the running text and drops what is not prose: code (fenced
blocks, ``literalinclude``, inline code), tables, figures with their captions, math
(``$...$``, ``$$...$$``), raw HTML, included files, labels and link addresses. A role
keeps what the reader sees of it where that is words (``{ref}`图2-56 <fig-2-56>``` keeps
``图2-56``); a measured number (``{metric}``) becomes the placeholder ``NUMBER``, and
``{claim}``, ``{doc}``, ``{eq}`` leave nothing.
"""
from __future__ import annotations

import re

# directives whose body is not prose: code, figures (image + caption), raw HTML, includes
SKIPPED_DIRECTIVES = ("literalinclude", "figure-md", "raw", "include", "code-block", "code")
NUMBER = "0.000"  # what a {metric} shows, for a sentence's length
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # Chinese characters (CJK ideographs)
SENTENCE_END = re.compile(r"(?<=[。！？；])")

_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{([\w-]+)\})?")
_ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
_INLINE_CODE = re.compile(r"`[^`]*`")
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_LINK = re.compile(r"<https?://[^>]*>|\]\([^)]*\)")


def _role(match: re.Match) -> str:
    name, text = match.group(1), match.group(2)
    if name == "metric":
        return NUMBER
    if name == "ref":
        shown = re.match(r"(.*?)\s*<[^>]*>$", text)
        return shown.group(1) if shown else ""
    return ""  # claim (adds nothing visible), doc (a page title), eq (a number)


def prose(markdown: str) -> str:
    """The page's running text, paragraph by paragraph (blank lines between)."""
    out, stack = [], []  # stack: (fence, skipped) of the open directives
    in_math = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if in_math:
            in_math = not stripped.startswith("$$")
            continue
        if stripped.startswith("$$"):
            in_math = not (len(stripped) > 2 and stripped.endswith("$$"))
            continue
        fence = _FENCE.match(stripped)
        if fence:
            marks = fence.group(1)
            if stack and stripped == marks and marks == stack[-1][0]:
                stack.pop()  # the directive closes
                continue
            if fence.group(2) is not None or marks[0] == "`":
                name = fence.group(3) or "code"
                stack.append((marks, name in SKIPPED_DIRECTIVES or marks[0] == "`" and not fence.group(2)))
                continue
        if any(skipped for _, skipped in stack):
            continue
        if stripped.startswith(":") and re.match(r"^:[\w-]+:", stripped):
            continue  # a directive's option (:class: dropdown)
        if stripped.startswith("|") or re.match(r"^\(.+\)=$", stripped):
            continue  # a table row, a label
        text = _ROLE.sub(_role, line)
        text = _INLINE_CODE.sub("", text)
        text = _INLINE_MATH.sub("", text)
        text = _LINK.sub("", text)
        text = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", text)  # heading and list marks
        out.append(text.replace("**", "").strip())
    return "\n".join(out)


def chinese_characters(text: str) -> int:
    """How many Chinese characters (CJK ideographs) ``text`` holds."""
    return len(HAN.findall(text))


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split at 。！？； and at line ends (headings, list items)."""
    found = []
    for paragraph in text.splitlines():
        found += [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]
    return found


_CODE_DIRECTIVES = ("literalinclude", "raw", "code-block", "code")


def page_text(markdown: str) -> str:
    """Every line of the page but code, listings (with their captions), tables, raw HTML and includes:
    a stricter count than ``prose``, since figure captions, hints and math stay in."""
    out, skipping, fence = [], False, ""
    for line in markdown.splitlines():
        stripped = line.strip()
        if skipping:
            skipping = stripped != fence
            continue
        opened = _FENCE.match(stripped)
        if opened and (opened.group(3) in _CODE_DIRECTIVES or opened.group(1)[0] == "`"):
            skipping, fence = True, opened.group(1)
            continue
        if not stripped.startswith("|"):
            out.append(line)
    return "\n".join(out)
