"""Sphinx extension: the interactive widgets' script and style only on the pages that hold a widget.

Jupyter Book adds every ``*.js`` and ``*.css`` under ``_static/`` to every page. The widgets'
files (``_static/widgets/``) are taken out of that list and added back, per page, where the
page has a ``<div class="gan-widget">`` (written with a ``{raw} html`` block); the weights
(``_static/widgets/weights/``) are fetched by the script itself, only when a widget is near
the reader's screen. Other pages weigh what they weighed before the widgets.
"""
from __future__ import annotations

WIDGETS = "widgets/"
SCRIPT = "widgets/gan_widgets.js"
STYLE = "widgets/gan_widgets.css"
MARKER = 'class="gan-widget"'


def _name(entry) -> str:
    return str(entry[0] if isinstance(entry, (tuple, list)) else entry)


def _not_on_every_page(app, config):
    config.html_js_files = [f for f in config.html_js_files if not _name(f).startswith(WIDGETS)]
    config.html_css_files = [f for f in config.html_css_files if not _name(f).startswith(WIDGETS)]


def _on_widget_pages(app, pagename, templatename, context, doctree):
    if MARKER in context.get("body", ""):
        app.add_js_file(SCRIPT)  # inside html-page-context: for this page only
        app.add_css_file(STYLE)


def setup(app):
    app.connect("config-inited", _not_on_every_page)
    app.connect("html-page-context", _on_widget_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
