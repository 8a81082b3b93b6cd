"""Saving figures: every PNG under _static/ is written by code, never by hand."""
from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import torch

from . import catalog, paths
from .storage import atomic_write_bytes


def _in_notebook() -> bool:
    return "inline" in matplotlib.get_backend().lower()


# The print edition (`make pdf`) shows each figure as vector PDF: the chapter names it "2-56.*",
# HTML picks the PNG, LaTeX the PDF. Images (digits) are resampled nearest-neighbour at
# PRINT_DPI, so each MNIST pixel stays a sharp square whatever the PDF viewer or printer does.
PRINT_DPI = 300  # dots per inch of raster images in the PDF copy (print needs >= 300)
PDF_METADATA = {"CreationDate": None, "Creator": None, "Producer": None}  # same run, same bytes


def save_print_copy(fig, target: Path, png: bytes = b"") -> None:
    """Write ``fig`` as vector PDF with embedded TrueType fonts (no Type 3) and no time stamp.

    The SHA-256 of ``png``, the PNG saved from the same figure, goes into the PDF's keywords:
    a test can tell that the PDF is the twin of the committed PNG, not of an older drawing.
    """
    images = [im for ax in fig.axes for im in ax.get_images() if im.get_interpolation() == "none"]
    for im in images:  # "none" would embed 28x28 pixels that viewers may blur when enlarging
        im.set_interpolation("nearest")
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            pdf = io.BytesIO()
            fig.savefig(pdf, format="pdf", dpi=PRINT_DPI, bbox_inches="tight",
                        metadata={**PDF_METADATA, "Keywords": f"png-sha256:{hashlib.sha256(png).hexdigest()}"})
        atomic_write_bytes(target, pdf.getvalue())
    finally:
        for im in images:
            im.set_interpolation("none")


def save_figure(name: str, out: str | Path | None = None, fig=None) -> Path:
    """Save ``fig`` (default: the current figure) as ``<out>/<name>.png``; return the path.

    A figure the book numbers also gets a vector copy for print, ``<name>.pdf`` (``save_print_copy``).
    ``name`` must be registered in ``gankit.catalog.FIGURES``.
    The PNG carries no time stamp or version string, so the same run gives the
    same bytes; the PDF is its copy for print. In a script the figure is then closed.
    """
    if not catalog.is_known(name):
        raise ValueError(f"figure {name!r} is not in gankit.catalog.FIGURES; register it there first")
    fig = fig or plt.gcf()
    folder = Path(out) if out else paths.figure_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    atomic_write_bytes(target, png.getvalue())
    if name in catalog.FIGURES and catalog.FIGURES[name].number:  # the print edition shows it
        save_print_copy(fig, folder / f"{name}.pdf", png.getvalue())
    if _in_notebook():
        from IPython.display import display

        display(fig)
        # IPython's %run redraws "the current figure" after a script that plotted; with ours
        # closed that would create and show an empty one. Nothing is left to redraw.
        if hasattr(plt.draw_if_interactive, "called"):
            plt.draw_if_interactive.called = False
    plt.close(fig)
    print(f"figure: saved {paths.relative(target)}")
    return target


LOSS_YMAX = 1.0  # the y-axis of a loss plot reaches at least 1.0 (all of an MSE loss) ...
LOSS_MARGIN = 1.05  # ... and 5% above the largest loss, so that no record is cut off


def loss_ylim(progress) -> tuple[float, float]:
    """(0, top): the whole curve shows, whatever the loss (BCE losses can be far above 1)."""
    values = [float(v) for v in progress]
    largest = max(values, default=0.0)
    return 0.0, LOSS_YMAX if largest <= LOSS_YMAX else LOSS_MARGIN * largest


def plot_loss(progress, reference: float | None = None, reference_label: str = "", title: str = "",
              ax=None, ylim=None):
    """Loss values recorded every 10 training steps, as faint dots, with a reference line;
    the y-axis shows every record (``loss_ylim``) unless ``ylim`` is given."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    ax.plot(range(len(progress)), list(progress), ".", alpha=0.1, markersize=3, color="tab:blue")
    if reference is not None:
        ax.axhline(reference, color="tab:red", linestyle="--", linewidth=1.2,
                   label=reference_label or f"reference {reference:.3f}")
        ax.legend(loc="upper right")
    ax.set_ylim(*(ylim or loss_ylim(progress)))
    ax.set_xlabel("record (one every 10 training steps)")
    ax.set_ylabel("loss")
    ax.grid(True, alpha=0.4)
    if title:
        ax.set_title(title)
    return ax


def plot_images(images, titles=None, cols: int = 3, size: float = 2.2, cmap: str = "Blues"):
    """Show flat 784-value images in a grid (2 x 3 in the chapter)."""
    images = [torch.as_tensor(img).detach().cpu().view(28, 28) for img in images]
    rows = math.ceil(len(images) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], interpolation="none", cmap=cmap, vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig


def image_grid(ax, images, cols: int, cmap: str = "Blues"):
    """Tile flat 784-value images into one picture on ``ax``, one pixel of space between them."""
    images = torch.as_tensor(images).detach().cpu().reshape(-1, 28, 28)
    rows = -(-len(images) // cols)
    canvas = torch.ones(rows * 29 + 1, cols * 29 + 1) * float("nan")
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        canvas[1 + r * 29: 1 + r * 29 + 28, 1 + c * 29: 1 + c * 29 + 28] = img
    ax.imshow(canvas.numpy(), cmap=cmap, vmin=0, vmax=1, interpolation="none")
    ax.axis("off")


def plot_digit_shares(shares: dict, axes=None):
    """Bar charts of the digit shares (the classifier's answers), one panel per generator.

    ``shares`` maps a panel title to 10 shares. Returns the figure.
    """
    if axes is None:
        fig, axes = plt.subplots(1, len(shares), figsize=(3.6 * len(shares), 3.0), sharey=True)
    axes = list(axes) if hasattr(axes, "__len__") else [axes]
    for ax, (title, values) in zip(axes, shares.items()):
        ax.bar(range(10), [100 * s for s in values], color="tab:blue")
        ax.axhline(10, color="tab:red", linestyle="--", linewidth=1, label="uniform 10%")
        ax.set_xticks(range(10))
        ax.set_xlabel("digit (classifier)")
        ax.set_ylim(0, 100)
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("share of samples (%)")
    axes[0].legend(loc="upper right", fontsize=8)
    fig = axes[0].figure
    fig.tight_layout()
    return fig
