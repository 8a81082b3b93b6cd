"""What the chapter is made of: its listings, its notebooks and every figure, in one place.

The listings' save calls (``save_figure`` refuses an unknown name), ``make
figures`` and the tests all read ``FIGURES``; listings and notebooks are found
in their folders, so adding one needs no list to be updated by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

from .paths import PROJECT_ROOT
from .root import book_models

CODES_DIR = PROJECT_ROOT / "codes"
BOOK_DIR = PROJECT_ROOT / "book"
CHAPTER = BOOK_DIR / "chapter_2_3_2.md"
LISTING_PATTERN = "chapter_2_3_2_[0-9][0-9].py"
NOTEBOOK_PATTERN = "notebook_*.ipynb"


@dataclass(frozen=True)
class Figure:
    """One figure: its file name (without .png), its number in the book, the code that saves it."""

    name: str  # the file name; figures keep it when their number changes (mode-hopping is 图2-71)
    number: str | None  # "2-56" is shown as 图2-56; None: saved for the notebooks, not numbered
    made_by: str  # a listing, a notebook or a make target
    reads: tuple = ()  # the experiments' results it draws when a run has them (their make targets)

    @property
    def label(self) -> str:
        """The figure's label in the chapter (``fig-2-56``), the target of its {ref} links."""
        return f"fig-{self.name}"


FIGURES = {f.name: f for f in [
    Figure("2-56", "2-56", "chapter_2_3_2_02.py"),
    Figure("2-57", "2-57", "chapter_2_3_2_05.py"),
    Figure("2-58", "2-58", "notebook_2_gan.ipynb"),
    Figure("2-59", "2-59", "notebook_2_gan.ipynb"),
    Figure("2-60", "2-60", "chapter_2_3_2_07.py"),
    Figure("2-61", "2-61", "notebook_2_gan.ipynb"),
    Figure("2-62", "2-62", "chapter_2_3_2_08.py"),
    Figure("2-63", "2-63", "chapter_2_3_2_08.py"),
    Figure("2-64", "2-64", "chapter_2_3_2_08.py"),
    Figure("gan-losses-10-epochs", None, "chapter_2_3_2_08.py"),
    Figure("2-65", "2-65", "notebook_2_gan.ipynb"),
    Figure("2-66", "2-66", "chapter_2_3_2_09.py"),
    Figure("improved-gan-losses-10-epochs", None, "chapter_2_3_2_09.py"),
    Figure("mode-collapse-comparison", "2-67", "notebook_3_improved_gan.ipynb"),
    Figure("2-68", "2-68", "chapter_2_3_2_10.py"),
    Figure("remedy-feature-matching-d-loss", None, "chapter_2_3_2_10.py"),
    # listing 10's checkpoint, as 2-68, beside the improved GAN's digit shares (ablation.json)
    Figure("2-69", "2-69", "notebook_4_going_further.ipynb", reads=("remedies", "ablation")),
    Figure("conv-gan-samples", "2-70", "chapter_2_3_2_11.py"),
    # the appendix page (附录：实验记录), after the chapter
    Figure("mode-hopping", "2-71", "make hopping"),
    Figure("2-72", "2-72", "make conv-gan"),
    Figure("2-73", "2-73", "make conv-gan"),
    Figure("2-74", "2-74", "make conv-gan"),
]}


def is_known(name: str) -> bool:
    """A registered figure, a figure the book's manifest declares for a model (``codes/manifest.toml``),
    or a descriptive name of a run outside the chapter's settings."""
    declared = {f for model in book_models() for f in model.get("figures", [])}
    return name in FIGURES or name in declared or name.endswith("-epochs")


def numbered() -> list[Figure]:
    """The figures the book numbers, in order."""
    return sorted((f for f in FIGURES.values() if f.number), key=lambda f: int(f.number.split("-")[1]))


def made_by(source: str) -> list[str]:
    """Names of the figures that ``source`` (a listing, notebook or make target) saves."""
    return [f.name for f in FIGURES.values() if f.made_by == source]


def listings() -> list[str]:
    """File names of the listings, in order (found in codes/)."""
    return sorted(p.name for p in CODES_DIR.glob(LISTING_PATTERN))


def notebooks() -> list[str]:
    """File names of the notebooks, in order (found in book/)."""
    return sorted(p.name for p in BOOK_DIR.glob(NOTEBOOK_PATTERN))
