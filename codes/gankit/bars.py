"""Progress bars of a training run."""
from __future__ import annotations

import sys

from tqdm import tqdm


def progress(iterable, desc: str, total: int | None = None):
    """A tqdm bar on stderr (kept out of nbval's comparison), updated at most once a second."""
    # torch.split hands the mini-batches over as a tuple; a dataset yields one image at a time
    unit = "batch" if isinstance(iterable, tuple) else "img"
    return tqdm(iterable, desc=desc, total=total, file=sys.stderr, mininterval=1.0,
                ncols=88, unit=unit, leave=True)
