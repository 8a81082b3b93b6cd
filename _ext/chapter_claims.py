"""Sphinx extension: every claim the chapter makes about a run is checked against that run.

A sentence such as "不过还不是全部 10 个" depends on what the run measured. In the
chapter it is followed by the role ``{claim}`improved_not_all_digits```; the claim is
declared once in ``claims.py`` beside this file: its name, what the text says, a
condition over the keys of ``chapter_metrics.json`` (a Python expression, e.g.
``improved10_digits < 10``) and the Chinese text of what was measured.

When the book is built, each claim is evaluated on the metrics of the run the book
shows (``chapter_metrics.metrics_path``: ``$GANBOOK_RESULTS`` or ``results/``):

- **reference build** (``$GANBOOK_RUN`` unset: the committed results): a claim that
  does not hold, or that cannot be checked because a number is missing, is a Sphinx
  warning naming the claim, its condition and the measured values, so
  ``make book`` (``-W``) fails;
- **reader's build** (``$GANBOOK_RUN`` names the reader's run): the page shows, at the
  claim, a note in Chinese that it does not hold in this run and what was measured
  (or that the run has not measured it yet); the build goes on.

A claim that holds adds nothing visible. A corrupt metrics file fails the build in
``chapter_metrics`` (naming the file) before any page is read.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

import chapter_metrics

logger = logging.getLogger(__name__)

DECLARATIONS = Path(__file__).with_name("claims.py")
RUN_ENV = "GANBOOK_RUN"
# the names a condition may use besides the metric keys
SAFE_FUNCTIONS = {"abs": abs, "min": min, "max": max, "round": round}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(%?\d*))?\}")


@dataclass(frozen=True)
class Claim:
    """One claim of the chapter about a run."""

    name: str  # the role's argument: {claim}`name`
    says: str  # what the chapter says, in Chinese
    condition: str  # a Python expression over metric keys that is true when the claim holds
    measured: str  # Chinese text of what was measured: {key}, {key:digits}, {key:%digits} become values

    def keys(self) -> list[str]:
        """The metric keys the condition uses."""
        tree = ast.parse(self.condition, mode="eval")
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        return sorted(names - set(SAFE_FUNCTIONS))

    def check(self, metrics: dict) -> bool | None:
        """True or False on ``metrics``; None when a key is missing (not measured)."""
        values = {k: metrics.get(k) for k in self.keys()}
        if any(v is None or isinstance(v, (dict, list)) for v in values.values()):
            return None
        return bool(eval(compile(self.condition, f"<claim {self.name}>", "eval"),
                         {"__builtins__": {}, **SAFE_FUNCTIONS}, values))

    def measured_text(self, metrics: dict) -> str:
        """``measured`` with the run's values, formatted as the {metric} role shows them."""
        def value(m):
            return chapter_metrics.format_metric(metrics, m[1], *chapter_metrics.parse_format(m[2] or ""))

        return _PLACEHOLDER.sub(value, self.measured)

    def values_text(self, metrics: dict) -> str:
        """The condition's keys and their values, for a warning."""
        return ", ".join(f"{k} = {metrics.get(k, 'missing')!r}" for k in self.keys())


def load_claims(path: str | os.PathLike = DECLARATIONS) -> dict[str, Claim]:
    """The declared claims by name (the module's ``CLAIMS`` list of keyword dicts)."""
    spec = importlib.util.spec_from_file_location("chapter_claims_declared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claims = {}
    for entry in module.CLAIMS:
        claim = Claim(**entry)
        if claim.name in claims:
            raise ValueError(f"{path}: claim {claim.name!r} is declared twice")
        claim.keys()  # a condition that is not an expression fails here, naming the claim
        claims[claim.name] = claim
    return claims


class claim_note(nodes.inline):
    """The note at a claim that does not hold (or was not measured) in a reader's run."""


def _visit_note_html(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="chapter-claim-note", role="note",
                                   style="background:#fff3cd;border:1px solid #e0b84d;"
                                         "border-radius:3px;padding:0 .3em;color:#5c4400"))


def _depart_note_html(self, node):
    self.body.append("</span>")


def reader_run() -> str | None:
    """The reader's run the book shows, or None for the reference build."""
    return os.environ.get(RUN_ENV) or None


def _claims(app) -> dict[str, Claim]:
    cached = getattr(app, "_chapter_claims", None)
    if cached is None:
        cached = app._chapter_claims = load_claims(app.config.chapter_claims_file or DECLARATIONS)
    return cached


def note_text(claim: Claim, metrics: dict, holds: bool | None, run: str) -> str:
    """The reader's note: the claim does not hold in run ``run``, or was not measured there."""
    if holds is None:
        return f"〔核对：本次运行（{run}）尚未测得检验这句话所需的数值。〕"
    return f"〔核对：这句话在本次运行（{run}）中不成立。实测：{claim.measured_text(metrics)}。〕"


def claim_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    app = env.app
    key = text.strip()
    claims = _claims(app)
    if key not in claims:
        msg = inliner.reporter.error(f"claim {key!r} is not declared in {DECLARATIONS.name}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if not hasattr(env, "chapter_claims_docs"):
        env.chapter_claims_docs = set()
    env.chapter_claims_docs.add(env.docname)
    claim = claims[key]
    path = chapter_metrics.metrics_path(app.confdir, app.config.chapter_metrics_file)
    metrics = chapter_metrics._cached_metrics(app, path)
    holds = claim.check(metrics)
    marker = nodes.inline("", "", classes=["chapter-claim"], ids=[f"claim-{key.replace('_', '-')}"])
    if holds:
        return [marker], []
    run = reader_run()
    if run is None:
        state = "cannot be checked (a number is missing)" if holds is None else "does not hold"
        logger.warning(f"claim {key!r} {state} in the reference run ({path}): {claim.says}; "
                       f"condition {claim.condition}; measured {claim.values_text(metrics)}",
                       location=(env.docname, lineno), type="chapter_claims", subtype="false")
    note = claim_note("", note_text(claim, metrics, holds, run or "参考运行"), classes=["chapter-claim-note"])
    return [marker, note], []


def _fingerprint(app) -> str:
    decl = Path(app.config.chapter_claims_file or DECLARATIONS)
    text = decl.read_bytes() if decl.is_file() else b""
    shown = repr(reader_run()) + chapter_metrics._fingerprint(app)
    return hashlib.sha256(text + shown.encode()).hexdigest()


def _outdated(app, env, added, changed, removed):
    """Pages with claims are read again when the declarations, the metrics or the run shown change."""
    current = _fingerprint(app)
    previous = getattr(env, "chapter_claims_fingerprint", None)
    env.chapter_claims_fingerprint = current
    if previous == current:
        return []
    docs = getattr(env, "chapter_claims_docs", None)
    if docs is None:
        docs = env.found_docs
    return sorted(d for d in docs if d in env.found_docs)


def _purge(app, env, docname):
    getattr(env, "chapter_claims_docs", set()).discard(docname)


def _merge(app, env, docnames, other):
    if not hasattr(env, "chapter_claims_docs"):
        env.chapter_claims_docs = set()
    env.chapter_claims_docs |= getattr(other, "chapter_claims_docs", set()) & set(docnames)


def setup(app):
    app.setup_extension("chapter_metrics")
    app.add_config_value("chapter_claims_file", None, "env")
    app.add_node(claim_note, html=(_visit_note_html, _depart_note_html))
    app.add_role("claim", claim_role)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
