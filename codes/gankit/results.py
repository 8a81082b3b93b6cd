"""Measured numbers the book quotes: one flat JSON file, written by the notebooks, read by the build."""
from __future__ import annotations

import math
from pathlib import Path

from . import paths
from .storage import exclusive, read_json, write_json

METRICS_FILE = "chapter_metrics.json"


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.6g}")  # 6 significant digits
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def record_metrics(folder=None, **values) -> dict:
    """Merge ``values`` into this run's chapter_metrics.json (results/ for the reference run; or in
    ``folder``) and return the whole record."""
    target = Path(folder or paths.results_dir()) / METRICS_FILE
    with exclusive(target.with_name(f".{METRICS_FILE}.lock")):  # two notebooks at once lose nothing
        metrics = read_metrics(target.parent)
        metrics.update({key: _clean(value) for key, value in values.items()})
        write_json(target, dict(sorted(metrics.items())), digits=None)
    return metrics


def read_metrics(folder=None) -> dict:
    """The measured numbers so far ({} before the first run); a corrupt file is an error naming it."""
    return read_json(Path(folder or paths.results_dir()) / METRICS_FILE, producer="make figures")


def mean_of_last(progress, count: int = 1000) -> float:
    """The mean of the last ``count`` loss records (one record every 10 training steps)."""
    tail = list(progress)[-count:]
    return sum(tail) / len(tail) if tail else float("nan")


def moving_average(values, window: int) -> list[float]:
    """Means of ``window`` consecutive values (the whole list when it is shorter)."""
    values = [float(v) for v in values]
    window = max(1, min(window, len(values)))
    total = sum(values[:window])
    means = [total / window]
    for i in range(window, len(values)):
        total += values[i] - values[i - window]
        means.append(total / window)
    return means
