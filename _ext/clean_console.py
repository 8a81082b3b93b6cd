"""Sphinx extension: pages that log no JavaScript error in the browser console.

- sphinx-thebe (loaded by Jupyter Book even with thebe off) registers its inline
  configuration script twice (``const THEBE_JS_URL = ...`` at every
  ``env-before-read-docs``), and the second copy fails with "Identifier
  'THEBE_JS_URL' has already been declared" on every page: each script is kept once.
- Without a favicon the browser asks for ``/favicon.ico`` and logs a 404: pages
  declare an empty icon (``data:,``) unless the book sets ``html_favicon``.
"""
from __future__ import annotations

EMPTY_ICON = '<link rel="icon" href="data:,">\n'


def _script_key(script):
    """What makes two script tags the same: the file (an inline script has None or '') and the attributes."""
    attributes = getattr(script, "attributes", {}) or {}
    filename = str(getattr(script, "filename", script) or "").removeprefix("_static/")
    return filename, tuple(sorted((k, str(v)) for k, v in attributes.items()))


def _clean_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for script in scripts:
            key = _script_key(script)
            if key not in seen:
                seen.add(key)
                kept.append(script)
        scripts[:] = kept
    if not app.config.html_favicon:
        context["metatags"] = context.get("metatags", "") + EMPTY_ICON


def setup(app):
    app.connect("html-page-context", _clean_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
