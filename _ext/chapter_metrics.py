"""Sphinx extension: put the numbers our own runs measured into the chapter's text.

The figure runs (``make figures``) write ``results/chapter_metrics.json``, a flat JSON
object such as ``{"gan1_d_loss_last": 0.2471, "seed": 0, "data_source": "...", ...}``.
In the chapter, the role ``{metric}`gan1_d_loss_last``` shows one of these values:

- a float with three decimals (``:metric:`key` `` or ``{metric}`key:4``` for four),
- an int with thousands separators, a string as it is,
- ``（尚未运行）`` ("not run yet") when the file or the key is missing, so that the book
  always builds, before the first run too.

The file is read once per build. Each page that uses the role records the file as a
dependency, so Sphinx re-reads that page when the file changes (or while it is absent).
The file is ``$GANBOOK_RESULTS/chapter_metrics.json`` when that variable is set (as in
``gankit.paths``), else ``results/chapter_metrics.json`` next to ``_config.yml``; the Sphinx
setting ``chapter_metrics_file`` overrides both.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from docutils import nodes

MISSING = "（尚未运行）"
METRICS_NAME = "chapter_metrics.json"


def metrics_path(confdir: str | os.PathLike, setting: str | None = None) -> Path:
    if setting:
        path = Path(setting)
        return path if path.is_absolute() else Path(confdir) / path
    results = os.environ.get("GANBOOK_RESULTS")
    return (Path(results) if results else Path(confdir) / "results") / METRICS_NAME


def load_metrics(path: str | os.PathLike) -> dict:
    """The JSON object in ``path``; {} when the file is absent, unreadable or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def format_metric(metrics: dict, key: str, digits: int = 3) -> str:
    """One value as the reader sees it, or MISSING."""
    value = metrics.get(key)
    if value is None or isinstance(value, (dict, list)):
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if math.isfinite(value) else MISSING
    return str(value)


def metric_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    app = env.app
    key, _, digits = text.strip().partition(":")
    try:
        digits = int(digits) if digits else 3
    except ValueError:
        msg = inliner.reporter.error(f"metric role: bad number of digits in {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    path = metrics_path(app.confdir, app.config.chapter_metrics_file)
    env.note_dependency(str(path))
    value = format_metric(_cached_metrics(app, path), key, digits)
    node = nodes.inline(rawtext, value, classes=["chapter-metric" if value != MISSING else "chapter-metric-missing"])
    return [node], []


def _cached_metrics(app, path: Path) -> dict:
    cache = getattr(app, "_chapter_metrics", None)
    if cache is None or cache[0] != path:
        cache = (path, load_metrics(path))
        app._chapter_metrics = cache
    return cache[1]


def setup(app):
    app.add_config_value("chapter_metrics_file", None, "env")
    app.add_role("metric", metric_role)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
