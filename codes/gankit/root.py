"""Where the project is, how a path is shown (relative to it when inside it), and the book's manifest."""
import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def relative(path) -> str:
    """A path as printed in logs and notebooks: relative to the project when inside it."""
    path = Path(path).resolve()
    shown = os.path.relpath(path, PROJECT_ROOT)
    return str(path) if shown.startswith(os.path.join("..", "..")) else shown


BOOK_MANIFEST = PROJECT_ROOT / "codes" / "manifest.toml"  # the book's models, declared once


def book_models() -> list[dict]:
    """The models the book's manifest declares, as its entries (``codes/manifest.py`` adds the classes)."""
    try:
        with open(BOOK_MANIFEST, "rb") as handle:
            return tomllib.load(handle).get("model", [])
    except (OSError, tomllib.TOMLDecodeError):
        return []
