"""Sphinx extension: Chinese search that finds the chapter's own terms, ranks by them and shows the sentence.

Sphinx's zh indexer cuts the text into words with jieba (``pip install jieba``; without it
no Chinese word is indexed at all). jieba's general dictionary cuts 判别器 into 判别 + 器,
and the search page looks a query word up as a whole, so a reader typing 判别器 would find
nothing. ``jieba_userdict.txt`` beside this file lists the chapter's terms; this extension
hands it to the indexer (``html_search_options['dict']``) unless the book sets its own.

Sphinx ranks every page that has a query word in a heading alike (15), then by title, so a
notebook titled "...与模式崩溃" came before the chapter. At the end of the build the index
gets, for each term of the user dictionary, how often each page uses it (``termcounts``);
``search_scorer.js`` (``html_search_scorer``) adds a bonus that grows with that count, and
shows as a snippet the sentence with the match instead of the page's contents list.
"""
from __future__ import annotations

import json
from pathlib import Path

USER_DICT = Path(__file__).with_name("jieba_userdict.txt")
SCORER = Path(__file__).with_name("search_scorer.js")
INDEX_PREFIX, INDEX_SUFFIX = "Search.setIndex(", ")"


def user_terms() -> list[str]:
    """The words of the user dictionary (one "word frequency tag" per line)."""
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def _use_user_dict(app, config):
    options = dict(config.html_search_options or {})
    options.setdefault("dict", str(USER_DICT))
    config.html_search_options = options
    if not config.html_search_scorer:
        config.html_search_scorer = str(SCORER)


def term_counts(texts: dict[int, str], terms: list[str]) -> dict[str, list[list[int]]]:
    """{term: [[page index, how often the page's text has it], ...]} for the terms some page has."""
    counts = {}
    for term in terms:
        found = [[i, text.count(term)] for i, text in sorted(texts.items()) if term in text]
        if found:
            counts[term] = found
    return counts


def _add_term_counts(app, exception):
    if exception is not None or app.builder.format != "html" or not getattr(app.builder, "search", False):
        return
    index_file = Path(app.outdir) / app.builder.searchindex_filename
    if not index_file.is_file():
        return
    source = index_file.read_text(encoding="utf-8")
    if not (source.startswith(INDEX_PREFIX) and source.endswith(INDEX_SUFFIX)):
        return
    data = json.loads(source[len(INDEX_PREFIX):-len(INDEX_SUFFIX)])
    texts = {i: app.env.get_doctree(name).astext() for i, name in enumerate(data["docnames"])}
    data["termcounts"] = term_counts(texts, user_terms())
    index_file.write_text(INDEX_PREFIX + json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                                                    sort_keys=True) + INDEX_SUFFIX, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _use_user_dict)
    app.connect("build-finished", _add_term_counts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
