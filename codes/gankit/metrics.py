"""The score card's measures, defined once: key, headers, digits shown, which way is better.

Every table, summary and console line of the project reads ``METRICS``; the
functions below compute the classifier-based measures from its answers, and
``summarise`` gives mean ± sd over seeds (pandas).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch


@dataclass(frozen=True)
class Metric:
    """One measure of the score card."""

    key: str  # the key in a score card (a dict)
    zh: str  # header in the chapter's tables
    en: str  # header in console tables
    digits: int  # decimals shown
    better: str | None  # "higher", "lower", or None (not a quality)


METRICS = {m.key: m for m in [
    Metric("min_share", "最少数字占比", "min share", 3, "higher"),
    Metric("digits_at_least_1pct", "数字数 ≥1%", "digits>=1%", 0, "higher"),
    Metric("kl_uniform", "KL", "KL", 3, "lower"),
    Metric("inception_score", "IS", "IS", 2, "higher"),
    Metric("mean_top_confidence", "置信度", "conf", 3, "higher"),
    Metric("fid", "FID", "FID", 1, "lower"),
    Metric("precision", "精确率", "prec", 3, "higher"),
    Metric("recall", "召回率", "recall", 3, "higher"),
    Metric("density", "密度", "density", 3, "higher"),
    Metric("coverage", "覆盖率", "cover", 3, "higher"),
    Metric("memorised_share", "记忆", "memo", 3, "lower"),
    Metric("n", "样本数", "n", 0, None),
    Metric("seconds", "秒", "s", 1, None),
]}
# What a summary over seeds averages (every quality measure of the card).
SUMMARY_METRICS = [k for k, m in METRICS.items() if m.better is not None]

# A generator has collapsed when fewer than 3 digits hold at least 1% of its samples,
# or when its digit distribution is far from uniform: KL(shares || uniform) > 1.5 nats
# (all samples spread evenly over 2 digits gives ln 5 = 1.61; over 3 digits, ln 10/3 = 1.20).
COLLAPSE_MIN_DIGITS = 3
COLLAPSE_KL = 1.5
COLLAPSE_RULE = (f"collapsed: fewer than {COLLAPSE_MIN_DIGITS} digits at >= 1% of samples, "
                 f"or KL(shares || uniform) > {COLLAPSE_KL}")
COLLAPSE_RULE_ZH = (f"样本中占比至少 1% 的数字少于 {COLLAPSE_MIN_DIGITS} 个，"
                    f"或数字分布与均匀分布的 KL 散度大于 {COLLAPSE_KL}")


def digit_shares(predictions: torch.Tensor) -> torch.Tensor:
    """The share of each digit 0-9 among the predicted labels (sums to 1)."""
    return torch.bincount(predictions.cpu(), minlength=10).double() / len(predictions)


def kl_to_uniform(shares) -> float:
    """KL(shares || uniform over 10 digits) in nats: 0 perfect, ln 10 total collapse."""
    p = torch.as_tensor(shares, dtype=torch.float64)
    p = p / p.sum()
    nz = p[p > 0]
    return float((nz * torch.log(nz * len(p))).sum())


def inception_score(probs: torch.Tensor) -> float:
    """exp(E_x KL(p(y|x) || p(y))) from class probabilities (N, 10)."""
    probs = probs.double().clamp_min(1e-12)
    marginal = probs.mean(0, keepdim=True)
    return float(torch.exp((probs * (probs.log() - marginal.log())).sum(1).mean()))


def with_min_share(card: dict) -> dict:
    """The card with ``min_share``, the share of its rarest digit."""
    return dict(card, min_share=min(card["shares"]))


def is_collapsed(card: dict) -> bool:
    """The collapse rule (``COLLAPSE_RULE``) applied to one score card."""
    return card["digits_at_least_1pct"] < COLLAPSE_MIN_DIGITS or card["kl_uniform"] > COLLAPSE_KL


def summarise(cards: list[dict]) -> dict:
    """mean, sd (n - 1; 0 for one seed), min, max of each measure over seeds, and how many collapsed."""
    frame = pd.DataFrame([with_min_share(c) for c in cards])
    out = {"n": len(cards), "collapsed": sum(is_collapsed(c) for c in cards)}
    for key in SUMMARY_METRICS:
        if key not in frame or frame[key].isna().all():
            continue
        values = frame[key].dropna().astype(float)
        out[key] = {"mean": values.mean(), "sd": values.std() if len(values) > 1 else 0.0,
                    "min": values.min(), "max": values.max()}
    return out


def console_table(cards: dict, keys=("digits_at_least_1pct", "kl_uniform", "inception_score",
                                     "mean_top_confidence", "fid", "precision", "recall", "density",
                                     "coverage", "memorised_share", "n", "seconds")) -> str:
    """A plain-text table of score cards for the console, one row each."""
    width = max([len(name) for name in cards] + [10])
    lines = [" ".join([f"{'':{width}}"] + [f"{METRICS[k].en:>10}" for k in keys])]
    for name, card in cards.items():
        cells = [format_value(card.get(k), METRICS[k].digits) for k in keys]
        lines.append(" ".join([f"{name:{width}}"] + [f"{c:>10}" for c in cells]))
    return "\n".join(lines)


def format_value(value, digits: int) -> str:
    """A number with ``digits`` decimals, or – when missing."""
    return "–" if value is None else f"{value:.{digits}f}"
