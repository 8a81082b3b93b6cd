"""Sphinx extension: put the numbers our own runs measured into the chapter's text.

The figure runs (``make figures``) write ``results/chapter_metrics.json``, a flat JSON
object such as ``{"gan1_d_loss_last": 0.2471, "seed": 0, "data_source": "...", ...}``.
In the chapter, the role ``{metric}`gan1_d_loss_last``` shows one of these values:

- a float with three decimals (``:metric:`key` `` or ``{metric}`key:4``` for four; a share
  as a percentage with ``{metric}`key:%1``` for one decimal),
- an int with thousands separators, a string as it is,
- ``（尚未运行）`` ("not run yet") when the file or the key is missing, so that the book
  builds before the first run too (``chapter_claims`` fails the reference build when a
  claim cannot be checked).

A file that exists but cannot be read, or is not a JSON object, stops the build with one
message naming the file and the fix: it is never shown as "not run yet".

The file is read once per build. The pages that use the role are read again whenever
the values differ from those of the previous build (file changed, removed, created, or
another file chosen through ``$GANBOOK_RESULTS``), so an incremental build never shows
stale numbers.
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
from sphinx.errors import ExtensionError

MISSING = "（尚未运行）"
METRICS_NAME = "chapter_metrics.json"


def metrics_path(confdir: str | os.PathLike, setting: str | None = None) -> Path:
    if setting:
        path = Path(setting)
        return path if path.is_absolute() else Path(confdir) / path
    results = os.environ.get("GANBOOK_RESULTS")
    return (Path(results) if results else Path(confdir) / "results") / METRICS_NAME


class MetricsFileError(ExtensionError):
    """The metrics file exists but is unreadable, corrupt or not a JSON object."""


def load_metrics(path: str | os.PathLike) -> dict:
    """The JSON object in ``path``; {} when the file does not exist; MetricsFileError naming the
    file when it cannot be read or does not hold a JSON object."""
    path = Path(path)
    if not path.exists():
        return {}
    fix = (f"Restore it (git checkout -- {path.name} for the committed one) or run the command "
           "that writes it again (make figures, make bench, or an experiment with --tables).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise MetricsFileError(f"{path} is unreadable or corrupt ({type(err).__name__}: {err}). {fix}") from None
    if not isinstance(data, dict):
        raise MetricsFileError(f"{path} holds a JSON {type(data).__name__}, not an object of "
                               f"measured numbers. {fix}")
    return data


def format_metric(metrics: dict, key: str, digits: int = 3, percent: bool = False) -> str:
    """One value as the reader sees it (a share as a percentage when ``percent``), or MISSING."""
    value = metrics.get(key)
    if value is None or isinstance(value, (dict, list)):
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if percent and isinstance(value, (int, float)):
        return f"{100 * value:.{digits}f}%" if math.isfinite(value) else MISSING
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if math.isfinite(value) else MISSING
    return str(value)


def parse_format(spec: str) -> tuple[int, bool]:
    """(digits, percent) of a format after the key: ``""`` (3), ``"4"``, ``"%1"`` (a percentage)."""
    percent = spec.startswith("%")
    digits = spec[1:] if percent else spec
    return (int(digits) if digits else (1 if percent else 3)), percent


def metric_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    app = env.app
    key, _, spec = text.strip().partition(":")
    try:
        digits, percent = parse_format(spec)
    except ValueError:
        msg = inliner.reporter.error(f"metric role: bad number of digits in {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    path = metrics_path(app.confdir, app.config.chapter_metrics_file)
    if not hasattr(env, "chapter_metrics_docs"):
        env.chapter_metrics_docs = set()
    env.chapter_metrics_docs.add(env.docname)
    value = format_metric(_cached_metrics(app, path), key, digits, percent)
    node = nodes.inline(rawtext, value, classes=["chapter-metric" if value != MISSING else "chapter-metric-missing"])
    return [node], []


def _cached_metrics(app, path: Path) -> dict:
    cache = getattr(app, "_chapter_metrics", None)
    if cache is None or cache[0] != path:
        cache = (path, load_metrics(path))
        app._chapter_metrics = cache
    return cache[1]


def _fingerprint(app) -> str:
    path = metrics_path(app.confdir, app.config.chapter_metrics_file)
    return json.dumps([str(path), _cached_metrics(app, path)], sort_keys=True, default=str)


def _check_file(app):
    """Read the metrics file before any page: a corrupt file stops the build here, naming it."""
    _cached_metrics(app, metrics_path(app.confdir, app.config.chapter_metrics_file))


def _outdated(app, env, added, changed, removed):
    """Pages showing metrics are stale when the metrics differ from the last build's."""
    current = _fingerprint(app)
    previous = getattr(env, "chapter_metrics_fingerprint", None)
    env.chapter_metrics_fingerprint = current
    if previous == current:
        return []
    # changed, or unknown (an environment pickled before this extension): read the pages again
    docs = getattr(env, "chapter_metrics_docs", None)
    if docs is None:  # not known yet: read every page once
        docs = env.found_docs
    return sorted(d for d in docs if d in env.found_docs)


def _purge(app, env, docname):
    getattr(env, "chapter_metrics_docs", set()).discard(docname)


def _merge(app, env, docnames, other):
    if not hasattr(env, "chapter_metrics_docs"):
        env.chapter_metrics_docs = set()
    env.chapter_metrics_docs |= getattr(other, "chapter_metrics_docs", set()) & set(docnames)


def setup(app):
    app.add_config_value("chapter_metrics_file", None, "env")
    app.add_role("metric", metric_role)
    app.connect("builder-inited", _check_file)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
