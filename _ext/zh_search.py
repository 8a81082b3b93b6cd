"""Sphinx extension: Chinese search that finds the chapter's own terms.

Sphinx's zh indexer cuts the text into words with jieba (``pip install jieba``; without it
no Chinese word is indexed at all). jieba's general dictionary cuts 判别器 into 判别 + 器,
and the search page looks a query word up as a whole, so a reader typing 判别器 would find
nothing. ``jieba_userdict.txt`` beside this file lists the chapter's terms; this extension
hands it to the indexer (``html_search_options['dict']``) unless the book sets its own.
"""
from __future__ import annotations

from pathlib import Path

USER_DICT = Path(__file__).with_name("jieba_userdict.txt")


def _use_user_dict(app, config):
    options = dict(config.html_search_options or {})
    options.setdefault("dict", str(USER_DICT))
    config.html_search_options = options


def setup(app):
    app.connect("config-inited", _use_user_dict)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
