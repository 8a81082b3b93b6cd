"""Where the project keeps its outputs. Every folder can be moved by a setting."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Figures of section 2.3.2, referenced by the book as _static/2/2.3/2-56.png ...
FIGURE_DIR = Path(os.environ.get("GANBOOK_FIGURES", PROJECT_ROOT / "_static" / "2" / "2.3"))
# Trained models; a later run loads them instead of retraining.
CHECKPOINT_DIR = Path(os.environ.get("GANBOOK_CHECKPOINTS", PROJECT_ROOT / "checkpoints"))
# Measured numbers (JSON) that the book and notebooks read instead of typing them.
RESULTS_DIR = Path(os.environ.get("GANBOOK_RESULTS", PROJECT_ROOT / "results"))
