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
