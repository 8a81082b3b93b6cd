"""The book's models, declared once in ``manifest.toml`` (``BOOK_MANIFEST``), with their classes and functions.

The layer above the listings: ``make figures``, ``make widgets``, ``make samples``, the
experiments and the tests read the models from here; nothing else spells a model's name or
the epochs the book shows. The epochs come from the listing's ``EPOCHS`` (its default) and the
manifest's ``more_epochs``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from gankit.root import book_models


def _load(spec: str | None):
    """The object ``module:name`` names (None for None)."""
    if spec is None:
        return None
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class BookModel:
    """One model of the book, as ``manifest.toml`` declares it."""

    name: str  # checkpoints' run prefix (unless run says otherwise), make samples MODEL=, the widgets
    label: str  # what the book calls it
    listing: str  # the listing whose epoch loop trains it
    D: type
    G: type | None
    noise: Callable | None
    noise_size: int | None
    epochs: tuple  # the epochs the book shows: the listing's EPOCHS, then more_epochs
    figures: tuple  # the figures its listing saves
    widget: str | bool  # False, "book-epochs" or "every-epoch"
    run: str  # the run prefix of its checkpoints
    draws: str = ""  # the attribute of the trained G that draws the samples ("": G itself)
    trainer: str = "samples"  # "batches": a loop over mini-batches (listing 10's), else one sample at a time
    modules: tuple = field(default=())  # the listings that define it and its training, in order

    @property
    def book_epochs(self) -> int:
        """The longest training the book shows: what make figures trains."""
        return max(self.epochs)

    @property
    def widget_epochs(self) -> tuple:
        """The epochs its widget runs (all of them are exported when saved)."""
        return tuple(range(1, self.book_epochs + 1)) if self.widget == "every-epoch" else self.epochs

    def build(self):
        """(D, G), untrained (G is None for a model with one network)."""
        return self.D(), self.G() if self.G else None


def _model(entry: dict) -> BookModel:
    listing = importlib.import_module(entry["listing"][:-3])
    D, G, noise = _load(entry["D"]), _load(entry.get("G")), _load(entry.get("noise"))
    classes = [base for cls in (D, G) if cls for base in cls.__mro__]
    modules = sorted({f"{x.__module__}.py" for x in (*classes, noise, listing.train_gan if hasattr(listing, "train_gan")
                                                     else None) if x is not None and x.__module__.startswith("chapter_")}
                     | {entry["listing"]})
    return BookModel(
        name=entry["name"], label=entry["label"], listing=entry["listing"], D=D, G=G, noise=noise,
        noise_size=entry.get("noise_size"), epochs=(listing.EPOCHS, *entry.get("more_epochs", [])),
        figures=tuple(entry["figures"]), widget=entry["widget"], run=entry.get("run", entry["name"]),
        draws=entry.get("draws", ""), trainer=entry.get("trainer", "samples"), modules=tuple(modules))


def read() -> dict[str, BookModel]:
    """Every model of the book, by name, in the order the book meets them."""
    return {entry["name"]: _model(entry) for entry in book_models()}


def trained_by(listing: str) -> BookModel:
    """The model of the book that ``listing`` (a file name) trains."""
    return next(m for m in MODELS.values() if m.listing == listing)


MODELS = read()
GANS = {name: m for name, m in MODELS.items() if m.G is not None}  # the models with a generator
