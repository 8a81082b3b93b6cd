"""Results as tables: cells of score cards and summaries, Markdown tables from DataFrames.

The chapter includes Markdown tables generated from the results files
(``results/tables/*.md``); every number in them is read, none typed.
"""
from __future__ import annotations

import pandas as pd

from .metrics import METRICS, format_value


def cell(card_or_summary: dict, key: str, digits: int | None = None) -> str:
    """A card's value, or ``mean ± sd`` of a summary over several seeds (``metrics.summarise``)."""
    digits = METRICS[key].digits if digits is None else digits
    value = card_or_summary.get(key)
    if isinstance(value, dict):
        if card_or_summary["n"] > 1:
            digits = max(digits, 1)  # a mean of counts is not a count
            return f"{format_value(value['mean'], digits)} ± {format_value(value['sd'], digits)}"
        value = value["mean"]
    return format_value(value, digits)


def metric_cells(card_or_summary: dict, keys) -> list[str]:
    """The cells of ``keys`` (score-card measures) for one row."""
    return [cell(card_or_summary, k) for k in keys]


def headers(keys) -> list[str]:
    """The Chinese headers of score-card measures."""
    return [METRICS[k].zh for k in keys]


def markdown(header: list[str], rows: list[list], text_columns: int = 1) -> str:
    """A pipe table: the first ``text_columns`` columns left-aligned, the numbers right-aligned."""
    frame = pd.DataFrame([[str(c) for c in r] for r in rows], columns=header)
    align = ["left"] * text_columns + ["right"] * (len(header) - text_columns)
    return frame.to_markdown(index=False, tablefmt="pipe", colalign=align, disable_numparse=True)
