"""Diagrams of section 2.3.2, drawn by code (figures 2-58, 2-59 and 2-61).

- ``draw_inverted_discriminator``  figure 2-58: the generator as the discriminator turned around
                                   (784 -> 200 -> 1 beside 1 -> 200 -> 784)
- ``draw_gan_architecture``        figure 2-59: noise -> G -> image -> D <- real images, D -> real/fake, losses
- ``draw_detach``                  figure 2-61: detach() cuts the gradient path into G while D trains (step 2);
                                   in step 3 the gradients flow back through D into G

Text inside the plots is English (DejaVu Sans, shipped with matplotlib: no CJK font, no
"Glyph missing" warning); the Chinese captions live in the book. Nothing here is random,
so the PNGs are the same bytes on every run. Run ``python -m gankit.diagrams [--out DIR]``
(with ``codes/`` on ``PYTHONPATH``) to write ``2-58.png``, ``2-59.png`` and ``2-61.png``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

if __name__ == "__main__":
    matplotlib.use("Agg")  # a script writes files; it never opens a window

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from . import paths, settings
from .figures import save_figure
from .storage import check_writable

# One palette for the three diagrams: the same thing has the same colour everywhere.
REAL = "#2e7d32"  # real images, target 1.0
GEN = "#1565c0"  # generator and what it makes
DISC = "#ef6c00"  # discriminator
LOSS = "#6a1b9a"  # losses
GRAD = "#c62828"  # backward pass (gradients)
GREY = "#9e9e9e"
INK = "#212121"

FONT = 13  # the book shows the PNGs about 700 px wide: text must stay readable there


# --------------------------------------------------------------------------- helpers
def _canvas(width: float, height: float, xlim, ylim):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, w, h, text, color, fill_alpha=0.14, fontsize=FONT, weight="normal",
         text_color=INK, linestyle="-", lw=1.8):
    """A rounded box centred on (x, y) with centred text; returns its edges for arrows."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=matplotlib.colors.to_rgba(color, fill_alpha), edgecolor=color,
                                linewidth=lw, linestyle=linestyle, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight, color=text_color,
            zorder=3, linespacing=1.35)
    return {"left": (x - w / 2, y), "right": (x + w / 2, y), "top": (x, y + h / 2), "bottom": (x, y - h / 2)}


def _arrow(ax, start, end, color=INK, lw=1.8, style="-|>", linestyle="-", rad=0.0, mutation=16, zorder=4,
           shrink=2):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=mutation, color=color,
                                 linewidth=lw, linestyle=linestyle, connectionstyle=f"arc3,rad={rad}",
                                 shrinkA=shrink, shrinkB=shrink, zorder=zorder))


def _image_icon(ax, x, y, size, color, label=None):
    """A small 28x28 pixel grid standing for an image (no data behind it, it is only a symbol)."""
    ax.add_patch(Rectangle((x - size / 2, y - size / 2), size, size, facecolor="white", edgecolor=color,
                           linewidth=1.5, zorder=2))
    step = size / 7
    for k in range(1, 7):
        ax.plot([x - size / 2 + k * step] * 2, [y - size / 2, y + size / 2], color=color, lw=0.4, alpha=0.5,
                zorder=2)
        ax.plot([x - size / 2, x + size / 2], [y - size / 2 + k * step] * 2, color=color, lw=0.4, alpha=0.5,
                zorder=2)
    if label:
        ax.text(x, y - size / 2 - 0.18, label, ha="center", va="top", fontsize=FONT - 1, color=INK)


# ------------------------------------------------------------------- figure 2-58
def _layer_positions(count_drawn: int, x: float, y_centre: float, spacing: float):
    top = y_centre + spacing * (count_drawn - 1) / 2
    return [(x, top - i * spacing) for i in range(count_drawn)]


def _network(ax, x0, layers, color_in, color_out, title, subtitle):
    """Draw a 3-layer fully connected network, flowing left to right, starting at x0.

    ``layers`` is [(nodes, label), ...]; large layers are drawn as a few nodes with a gap.
    """
    gap_x = 2.3
    y_centre = 3.0
    columns = []
    for i, (nodes, _label) in enumerate(layers):
        x = x0 + i * gap_x
        if nodes == 1:
            points = [(x, y_centre)]
            gaps = []
        else:
            drawn = 8 if nodes > 500 else 6
            spacing = 0.52 if nodes > 500 else 0.62
            points = _layer_positions(drawn, x, y_centre, spacing)
            # leave a gap in the middle for the vertical dots
            middle = drawn // 2
            gaps = [points[middle - 1], points[middle]]
            points = points[:middle - 1] + points[middle + 1:]
        columns.append((x, points, gaps))
    # connections first, faint, behind the nodes
    for (xa, pa, _), (xb, pb, _) in zip(columns, columns[1:]):
        for a in pa:
            for b in pb:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=GREY, lw=0.5, alpha=0.55, zorder=1)
    colors = [color_in, INK, color_out]
    for (x, points, gaps), (nodes, label), color in zip(columns, layers, colors):
        for px, py in points:
            ax.add_patch(Circle((px, py), 0.17, facecolor="white", edgecolor=color, linewidth=1.6, zorder=3))
        if gaps:
            yc = (gaps[0][1] + gaps[1][1]) / 2
            for dy in (-0.16, 0, 0.16):
                ax.add_patch(Circle((x, yc + dy), 0.035, color=color, zorder=3))
        ax.text(x, 0.35, f"{nodes:,}", ha="center", va="center", fontsize=FONT + 2, weight="bold", color=color)
        ax.text(x, -0.15, label, ha="center", va="top", fontsize=FONT - 1, color=INK, linespacing=1.3)
    # activation labels between the layers
    for (xa, _, _), (xb, _, _) in zip(columns, columns[1:]):
        ax.text((xa + xb) / 2, 5.55, "Linear\nSigmoid", ha="center", va="center", fontsize=FONT - 3,
                color="#616161", linespacing=1.2)
    centre = x0 + gap_x
    ax.text(centre, 6.65, title, ha="center", va="center", fontsize=FONT + 3, weight="bold", color=INK)
    ax.text(centre, 6.2, subtitle, ha="center", va="center", fontsize=FONT - 1, color="#424242")
    return columns


def draw_inverted_discriminator():
    """Figure 2-58: the discriminator (784 -> 200 -> 1) and the generator obtained by inverting it."""
    fig, ax = _canvas(11.0, 5.0, (-1.9, 16.2), (-1.6, 7.1))
    _network(ax, 1.2, [(784, "input\n(pixels)"), (200, "hidden"), (1, "output\n1.0 = real\n0.0 = fake")],
             REAL, DISC, "Discriminator", "784 \u2192 200 \u2192 1")
    _network(ax, 9.2, [(1, "input\n(random\nnoise)"), (200, "hidden"), (784, "output\n(pixels)")],
             GEN, GEN, "Generator", "the inverted discriminator: 1 \u2192 200 \u2192 784")
    _image_icon(ax, -0.9, 3.0, 1.0, REAL, "28 \u00d7 28\nimage")
    _image_icon(ax, 15.3, 3.0, 1.0, GEN, "28 \u00d7 28\nimage")
    _arrow(ax, (-0.35, 3.0), (0.9, 3.0), color=REAL)
    _arrow(ax, (14.05, 3.0), (14.75, 3.0), color=GEN)
    # the "invert" arrow between the two networks
    _arrow(ax, (6.35, 3.9), (8.35, 3.9), color=INK, lw=2.2, rad=-0.35, mutation=20)
    ax.text(7.35, 4.75, "invert", ha="center", va="center", fontsize=FONT + 1, style="italic", color=INK)
    ax.text(7.35, 1.6, "G's 784 outputs\n= the 784 inputs\nD expects",
            ha="center", va="center", fontsize=FONT - 1, color="#424242", linespacing=1.3,
            bbox=dict(boxstyle="round,pad=0.4", facecolor="#f5f5f5", edgecolor="#bdbdbd"))
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------- figure 2-59
def draw_gan_architecture():
    """Figure 2-59: the GAN with its random input (noise), both networks, the real data and the losses."""
    fig, ax = _canvas(11.0, 5.6, (0, 15.2), (-0.2, 7.5))
    row = 3.8
    noise = _box(ax, 1.2, row, 2.0, 1.1, "random input\n(noise)", GEN, fill_alpha=0.06)
    gen = _box(ax, 3.95, row, 2.0, 1.3, "Generator\nG", GEN, weight="bold", fontsize=FONT + 1)
    _image_icon(ax, 6.6, row, 0.95, GEN)
    ax.text(6.6, row - 0.68, "generated image G(noise)\ntarget 0.0 when D trains,\n1.0 when G trains",
            ha="center", va="top", fontsize=FONT - 1, color=GEN, linespacing=1.25)
    disc = _box(ax, 10.0, row, 2.6, 1.3, "Discriminator\nD", DISC, weight="bold", fontsize=FONT + 1)
    out = _box(ax, 13.6, row, 2.3, 1.3, "output D(x)\n1.0 = real\n0.0 = fake", DISC, fill_alpha=0.06)
    # real images from above
    _image_icon(ax, 10.0, 6.65, 0.95, REAL)
    ax.text(9.35, 6.65, "real images\n(MNIST)", ha="right", va="center", fontsize=FONT, color=REAL,
            weight="bold", linespacing=1.25)
    _arrow(ax, (10.0, 6.65 - 0.5), disc["top"], color=REAL, lw=2.2)
    ax.text(10.15, 5.3, "target 1.0", ha="left", va="center", fontsize=FONT - 1, color=REAL)
    # forward path
    _arrow(ax, noise["right"], gen["left"], color=GEN, lw=2.2)
    _arrow(ax, gen["right"], (6.6 - 0.5, row), color=GEN, lw=2.2)
    _arrow(ax, (6.6 + 0.5, row), disc["left"], color=GEN, lw=2.2)
    _arrow(ax, disc["right"], out["left"], color=DISC, lw=2.2)
    # the loss compares D's output with the target
    loss = _box(ax, 13.6, 1.25, 2.9, 1.1, "loss\nD(x) vs target", LOSS, fill_alpha=0.08)
    _arrow(ax, out["bottom"], loss["top"], color=LOSS, lw=1.8)
    # feedback (dashed): the loss trains D (steps 1, 2) and, through D, G (step 3)
    _arrow(ax, (loss["left"][0] + 0.35, 1.8), (disc["bottom"][0] + 0.35, row - 0.68), color=GRAD, lw=1.8,
           linestyle="--", rad=-0.2)
    ax.text(11.6, 2.5, "train D\n(steps 1, 2)", ha="left", va="center", fontsize=FONT - 1, color=GRAD,
            style="italic", linespacing=1.2)
    ax.plot([loss["left"][0], gen["bottom"][0]], [1.0, 1.0], color=GRAD, lw=1.8, linestyle="--", zorder=4)
    _arrow(ax, (gen["bottom"][0], 1.0), (gen["bottom"][0], row - 0.68), color=GRAD, lw=1.8, linestyle="--",
           shrink=0)
    ax.text(7.9, 0.55, "train G (step 3): gradients flow back through D, only G's weights change",
            ha="center", va="center", fontsize=FONT - 1, color=GRAD, style="italic")
    # legend
    ax.plot([0.3, 1.0], [7.0, 7.0], color=INK, lw=2)
    ax.text(1.15, 7.0, "data flow (forward pass)", va="center", fontsize=FONT - 1)
    ax.plot([0.3, 1.0], [6.5, 6.5], color=GRAD, lw=2, linestyle="--")
    ax.text(1.15, 6.5, "training signal from the loss", va="center", fontsize=FONT - 1)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------- figure 2-61
def _pipeline(ax, y, step_title, code, target, detach: bool):
    """One training step drawn as a row: noise -> G -> G(noise) [-> detach] -> D -> loss, plus gradients."""
    g_color = GREY if detach else GEN
    ax.text(0.15, y + 1.5, step_title, ha="left", va="center", fontsize=FONT + 1, weight="bold", color=INK)
    ax.text(14.9, y + 1.5, code, ha="right", va="center", fontsize=FONT - 2, family="monospace", color="#424242")
    noise = _box(ax, 1.0, y, 1.6, 0.95, "random\nnoise", g_color, fill_alpha=0.05)
    gen = _box(ax, 3.3, y, 1.9, 1.1, "Generator\nG", g_color, weight="bold")
    img = _box(ax, 5.6, y, 1.7, 0.95, "G(noise)\n784 values", g_color, fill_alpha=0.05, fontsize=FONT - 1)
    disc = _box(ax, 10.3, y, 2.5, 1.1, "Discriminator\nD", DISC, weight="bold")
    loss = _box(ax, 13.45, y, 2.9, 1.1, f"loss\nD(G(noise)) vs {target}", LOSS, fill_alpha=0.08, fontsize=FONT - 1)
    _arrow(ax, noise["right"], gen["left"], color=INK)
    _arrow(ax, gen["right"], img["left"], color=INK)
    _arrow(ax, disc["right"], loss["left"], color=INK)
    gy = y - 0.95  # the backward path runs below the boxes
    # gradients from the loss back into D
    _arrow(ax, (loss["bottom"][0], y - 0.55), (disc["bottom"][0] + 0.2, y - 0.55), color=GRAD, lw=2,
           linestyle="--", rad=-0.35)
    if detach:
        cut_x = 7.85
        cut = _box(ax, cut_x, y, 1.7, 0.9, ".detach()", GRAD, fill_alpha=0.1, weight="bold", fontsize=FONT - 1)
        _arrow(ax, img["right"], cut["left"], color=INK)
        _arrow(ax, cut["right"], disc["left"], color=INK)
        # ... and on towards G, until the cut
        _arrow(ax, (disc["bottom"][0] - 0.2, y - 0.55), (cut_x + 0.4, gy), color=GRAD, lw=2, linestyle="--",
               rad=-0.2, style="-")
        for sign in (1, -1):
            ax.plot([cut_x - 0.22, cut_x + 0.22], [gy + sign * 0.22, gy - sign * 0.22], color=GRAD, lw=3.5,
                    solid_capstyle="round")
        ax.text(cut_x - 0.45, gy - 0.05, "gradient path cut:\nno gradients for G", ha="right", va="center",
                fontsize=FONT - 1, color=GRAD, linespacing=1.2)
        ax.text(3.3, y + 0.85, "not updated, no gradients", ha="center", va="center", fontsize=FONT - 1,
                color="#757575", style="italic")
        ax.text(10.3, y + 0.85, "D.optimiser.step(): D is updated", ha="center", va="center", fontsize=FONT - 1,
                color=DISC, style="italic")
    else:
        _arrow(ax, img["right"], disc["left"], color=INK)
        ax.text(7.85, y + 0.15, "no detach()", ha="center", va="bottom", fontsize=FONT - 1, color="#616161")
        # gradients flow all the way back to G
        _arrow(ax, (disc["bottom"][0] - 0.2, y - 0.55), (img["bottom"][0] + 0.2, y - 0.5), color=GRAD, lw=2,
               linestyle="--", rad=-0.25)
        _arrow(ax, (img["bottom"][0] - 0.2, y - 0.5), (gen["bottom"][0] + 0.1, y - 0.55), color=GRAD, lw=2,
               linestyle="--", rad=-0.35)
        ax.text(7.85, gy - 0.45, "gradients flow back through D into G", ha="center", va="center",
                fontsize=FONT - 1, color=GRAD)
        ax.text(3.3, y + 0.85, "G.optimiser.step(): G is updated", ha="center", va="center", fontsize=FONT - 1,
                color=GEN, style="italic")
        ax.text(10.3, y + 0.85, "gradients pass, weights unchanged", ha="center", va="center",
                fontsize=FONT - 1, color="#757575", style="italic")


def draw_detach():
    """Figure 2-61: D's training on generated data uses detach(); G's training lets gradients reach G."""
    fig, ax = _canvas(11.0, 6.9, (0, 15.0), (0.4, 9.8))
    _pipeline(ax, 6.9, "Step 2: train D on generated data", "D.train(G.forward(noise).detach(), 0.0)", "0.0",
              detach=True)
    ax.plot([0.15, 14.85], [4.6, 4.6], color="#e0e0e0", lw=1.2)
    _pipeline(ax, 2.3, "Step 3: train G", "G.train(D, noise, 1.0)", "1.0", detach=False)
    # legend
    ax.plot([8.7, 9.4], [9.45, 9.45], color=INK, lw=2)
    ax.text(9.55, 9.45, "forward pass", va="center", fontsize=FONT - 1)
    ax.plot([11.9, 12.6], [9.45, 9.45], color=GRAD, lw=2, linestyle="--")
    ax.text(12.75, 9.45, "gradients", va="center", fontsize=FONT - 1)
    fig.tight_layout()
    return fig


DIAGRAMS = {
    "2-58": draw_inverted_discriminator,
    "2-59": draw_gan_architecture,
    "2-61": draw_detach,
}


def save_diagrams(out: str | Path | None = None) -> list[Path]:
    """Draw and save the three diagrams; returns the written paths."""
    return [save_figure(name, out, fig=draw()) for name, draw in DIAGRAMS.items()]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Draw figures 2-58, 2-59 and 2-61 (diagrams) as PNG files.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--out", default=None, help="folder for the figures (default: this run's, $GANBOOK_FIGURES)")
    args = parser.parse_args(argv)
    from .cli import CLEAR_ERRORS

    try:  # a malformed setting or an unwritable folder: one line, exit status 2
        settings.check()
        check_writable(args.out or paths.figure_dir(), f"--out (or ${settings.FIGURES_ENV})")
    except CLEAR_ERRORS as err:
        parser.exit(2, f"error: {err}\n")
    save_diagrams(args.out)


if __name__ == "__main__":
    main()
