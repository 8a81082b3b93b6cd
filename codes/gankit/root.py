"""Where the project is, and how a path is shown: relative to it when inside it."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def relative(path) -> str:
    """A path as printed in logs and notebooks: relative to the project when inside it."""
    path = Path(path).resolve()
    shown = os.path.relpath(path, PROJECT_ROOT)
    return str(path) if shown.startswith(os.path.join("..", "..")) else shown
