"""Saving figures: every PNG under _static/ is written by code, never by hand."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import torch

from . import paths


def _in_notebook() -> bool:
    return "inline" in matplotlib.get_backend().lower()


def save_figure(name: str, out: str | Path | None = None, fig=None) -> None:
    """Save ``fig`` (default: the current figure) as ``<out>/<name>.png``.

    The PNG carries no time stamp or version string, so the same run gives the
    same bytes. In a script the figure is then closed.
    """
    fig = fig or plt.gcf()
    folder = Path(out or paths.FIGURE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    fig.savefig(target, dpi=100, bbox_inches="tight", metadata={"Software": None})
    if _in_notebook():
        from IPython.display import display

        display(fig)
        # IPython's %run redraws "the current figure" after a script that plotted; with ours
        # closed that would create and show an empty one. Nothing is left to redraw.
        if hasattr(plt.draw_if_interactive, "called"):
            plt.draw_if_interactive.called = False
    plt.close(fig)
    print(f"figure: saved {paths.relative(target)}")


def plot_loss(progress, reference: float | None = None, reference_label: str = "", title: str = "",
              ax=None, ylim=(0, 1.0)):
    """Loss values recorded every 10 training steps, as faint dots, with a reference line."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    ax.plot(range(len(progress)), list(progress), ".", alpha=0.1, markersize=3, color="tab:blue")
    if reference is not None:
        ax.axhline(reference, color="tab:red", linestyle="--", linewidth=1.2,
                   label=reference_label or f"reference {reference:.3f}")
        ax.legend(loc="upper right")
    ax.set_ylim(*ylim)
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
