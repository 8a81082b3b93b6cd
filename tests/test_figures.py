"""The committed figures: every one the book shows exists, is a real PNG, and is not blank."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
FIGURE_DIR = ROOT / "_static" / "2" / "2.3"
EXPECTED = list(catalog.FIGURES)


def test_every_committed_figure_is_registered():
    assert sorted(p.stem for p in FIGURE_DIR.glob("*.png")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_figure_is_a_valid_non_blank_png(name):
    path = FIGURE_DIR / f"{name}.png"
    assert path.is_file(), f"{path} is missing: run `make figures`"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        width, height = image.size
        pixels = np.asarray(image.convert("L"), dtype=np.float32)
    assert 200 <= width <= 3000 and 150 <= height <= 3000, (width, height)
    assert pixels.std() > 5, "the image is (almost) one flat colour"
    assert (pixels < 128).mean() > 0.005, "hardly anything is drawn"


def test_loss_plot_shows_every_record():
    """A BCE loss far above 1 is not cut off; an MSE loss keeps the axis 0 to 1."""
    import matplotlib

    matplotlib.use("Agg")
    from gankit.figures import plot_loss

    assert plot_loss([0.2, 0.9, 0.25]).get_ylim() == (0.0, 1.0)
    bottom, top = plot_loss([0.7, 2.9, 0.4], reference=0.693).get_ylim()
    assert bottom == 0.0 and top >= 2.9
