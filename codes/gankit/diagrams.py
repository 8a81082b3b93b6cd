"""Diagrams of section 2.3.2, drawn by code (figures 2-58, 2-59 and 2-61).

- ``draw_inverted_discriminator``  figure 2-58: the generator as the discriminator turned around
                                   (784 -> 200 -> 1 beside 1 -> 200 -> 784)
- ``draw_gan_architecture``        figure 2-59: noise -> G -> image -> D <- real images, D -> real/fake, losses
- ``draw_detach``                  figure 2-61: detach() cuts the gradient path into G while D trains (step 2);
                                   in step 3 the gradients flow back through D into G

Text inside the plots is Chinese, in the book's terms, drawn with the project's font
(``gankit.figures``); no code inside them (2-61 shows what ``detach()`` does, in words). Each
diagram is drawn at the width of the printed page. Nothing here is random, so the PNGs are
the same bytes on every run. Run ``python -m gankit.diagrams [--out DIR]``
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
from .figures import WIDTH, save_figure
from .storage import check_writable

# One palette for the three diagrams: the same thing has the same colour everywhere.
REAL = "#2e7d32"  # real images, target 1.0
GEN = "#1565c0"  # generator and what it makes
DISC = "#ef6c00"  # discriminator
LOSS = "#6a1b9a"  # losses
GRAD = "#c62828"  # backward pass (gradients)
GREY = "#9e9e9e"
INK = "#212121"

# Text sizes in points, as printed (the diagrams are drawn at the printed size, WIDTH inches wide)
TITLE = 10
FONT = 8.5
SMALL = 7.5  # the smallest text of a printed figure (gankit.figures.MIN_TEXT_PT)


# --------------------------------------------------------------------------- helpers
def _canvas(width: float, height: float, xlim, ylim):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, w, h, text, color, fill_alpha=0.14, fontsize=FONT, weight="normal",
         text_color=INK, linestyle="-", lw=1.2):
    """A rounded box centred on (x, y) with centred text; returns its edges for arrows."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=matplotlib.colors.to_rgba(color, fill_alpha), edgecolor=color,
                                linewidth=lw, linestyle=linestyle, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight, color=text_color,
            zorder=3, linespacing=1.3)
    return {"left": (x - w / 2, y), "right": (x + w / 2, y), "top": (x, y + h / 2), "bottom": (x, y - h / 2)}


def _arrow(ax, start, end, color=INK, lw=1.2, style="-|>", linestyle="-", rad=0.0, mutation=10, zorder=4,
           shrink=2):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=mutation, color=color,
                                 linewidth=lw, linestyle=linestyle, connectionstyle=f"arc3,rad={rad}",
                                 shrinkA=shrink, shrinkB=shrink, zorder=zorder))


def _image_icon(ax, x, y, size, color, label=None):
    """A small 28x28 pixel grid standing for an image (no data behind it, it is only a symbol)."""
    ax.add_patch(Rectangle((x - size / 2, y - size / 2), size, size, facecolor="white", edgecolor=color,
                           linewidth=1.0, zorder=2))
    step = size / 7
    for k in range(1, 7):
        ax.plot([x - size / 2 + k * step] * 2, [y - size / 2, y + size / 2], color=color, lw=0.4, alpha=0.5,
                zorder=2)
        ax.plot([x - size / 2, x + size / 2], [y - size / 2 + k * step] * 2, color=color, lw=0.4, alpha=0.5,
                zorder=2)
    if label:
        ax.text(x, y - size / 2 - 0.15, label, ha="center", va="top", fontsize=SMALL, color=INK)


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
            ax.add_patch(Circle((px, py), 0.17, facecolor="white", edgecolor=color, linewidth=1.0, zorder=3))
        if gaps:
            yc = (gaps[0][1] + gaps[1][1]) / 2
            for dy in (-0.16, 0, 0.16):
                ax.add_patch(Circle((x, yc + dy), 0.035, color=color, zorder=3))
        ax.text(x, 0.35, f"{nodes:,}", ha="center", va="center", fontsize=FONT + 0.5, color=color)
        ax.text(x, -0.15, label, ha="center", va="top", fontsize=SMALL, color=INK, linespacing=1.25)
    # activation labels between the layers
    for (xa, _, _), (xb, _, _) in zip(columns, columns[1:]):
        ax.text((xa + xb) / 2, 5.3, "全连接层\nSigmoid", ha="center", va="center", fontsize=SMALL,
                color="#616161", linespacing=1.2)
    centre = x0 + gap_x
    ax.text(centre, 6.75, title, ha="center", va="center", fontsize=TITLE, color=INK)
    ax.text(centre, 6.2, subtitle, ha="center", va="center", fontsize=SMALL, color="#424242")
    return columns


def draw_inverted_discriminator():
    """Figure 2-58: the discriminator (784 -> 200 -> 1) and the generator obtained by inverting it."""
    fig, ax = _canvas(WIDTH, WIDTH * 8.9 / 18.1, (-1.9, 16.2), (-1.8, 7.1))
    _network(ax, 1.2, [(784, "输入\n（像素）"), (200, "隐藏层"), (1, "输出\n1.0 = 真实\n0.0 = 伪造")],
             REAL, DISC, "判别器", "784 \u2192 200 \u2192 1")
    _network(ax, 9.2, [(1, "输入\n（噪声）"), (200, "隐藏层"), (784, "输出\n（像素）")],
             GEN, GEN, "生成器", "把判别器反过来：1 \u2192 200 \u2192 784")
    _image_icon(ax, -0.9, 3.0, 1.0, REAL, "28 \u00d7 28\n图像")
    _image_icon(ax, 15.3, 3.0, 1.0, GEN, "28 \u00d7 28\n图像")
    _arrow(ax, (-0.35, 3.0), (0.9, 3.0), color=REAL)
    _arrow(ax, (14.05, 3.0), (14.75, 3.0), color=GEN)
    # the "invert" arrow between the two networks
    _arrow(ax, (6.35, 3.9), (8.35, 3.9), color=INK, lw=1.5, rad=-0.35, mutation=12)
    ax.text(7.35, 4.75, "反转", ha="center", va="center", fontsize=FONT + 0.5, color=INK)
    ax.text(7.35, 1.6, "生成器的 784 个输出\n正是判别器\n需要的 784 个输入",
            ha="center", va="center", fontsize=SMALL, color="#424242", linespacing=1.3,
            bbox=dict(boxstyle="round,pad=0.4", facecolor="#f5f5f5", edgecolor="#bdbdbd"))
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------- figure 2-59
def draw_gan_architecture():
    """Figure 2-59: the GAN with its random input (noise), both networks, the real data and the losses."""
    fig, ax = _canvas(WIDTH, WIDTH * 7.7 / 15.2, (0, 15.2), (-0.2, 7.5))
    row = 3.8
    noise = _box(ax, 1.2, row, 2.0, 1.1, "随机输入\n（噪声）", GEN, fill_alpha=0.06)
    gen = _box(ax, 3.95, row, 2.0, 1.3, "生成器\nG", GEN, fontsize=TITLE)
    _image_icon(ax, 6.6, row, 0.95, GEN)
    ax.text(6.6, row - 0.68, "生成图像 G(噪声)\n训练判别器时目标 0.0\n训练生成器时目标 1.0",
            ha="center", va="top", fontsize=SMALL, color=GEN, linespacing=1.25)
    disc = _box(ax, 10.0, row, 2.6, 1.3, "判别器\nD", DISC, fontsize=TITLE)
    out = _box(ax, 13.6, row, 2.3, 1.3, "输出 D(x)\n1.0 = 真实\n0.0 = 伪造", DISC, fill_alpha=0.06, fontsize=SMALL)
    # real images from above
    _image_icon(ax, 10.0, 6.65, 0.95, REAL)
    ax.text(9.35, 6.65, "真实图像\n（MNIST）", ha="right", va="center", fontsize=FONT, color=REAL,
            linespacing=1.25)
    _arrow(ax, (10.0, 6.65 - 0.5), disc["top"], color=REAL, lw=1.5)
    ax.text(10.15, 5.3, "目标 1.0", ha="left", va="center", fontsize=SMALL, color=REAL)
    # forward path
    _arrow(ax, noise["right"], gen["left"], color=GEN, lw=1.5)
    _arrow(ax, gen["right"], (6.6 - 0.5, row), color=GEN, lw=1.5)
    _arrow(ax, (6.6 + 0.5, row), disc["left"], color=GEN, lw=1.5)
    _arrow(ax, disc["right"], out["left"], color=DISC, lw=1.5)
    # the loss compares D's output with the target
    loss = _box(ax, 13.6, 1.25, 2.9, 1.1, "损失\nD(x) 与目标之差", LOSS, fill_alpha=0.08, fontsize=SMALL)
    _arrow(ax, out["bottom"], loss["top"], color=LOSS)
    # feedback (dashed): the loss trains D (steps 1, 2) and, through D, G (step 3)
    _arrow(ax, (loss["left"][0] + 0.35, 1.8), (disc["bottom"][0] + 0.35, row - 0.68), color=GRAD,
           linestyle="--", rad=-0.2)
    ax.text(11.55, 2.45, "训练判别器\n（第1步、第2步）", ha="left", va="center", fontsize=SMALL, color=GRAD,
            linespacing=1.2)
    ax.plot([loss["left"][0], gen["bottom"][0]], [1.0, 1.0], color=GRAD, lw=1.2, linestyle="--", zorder=4)
    _arrow(ax, (gen["bottom"][0], 1.0), (gen["bottom"][0], row - 0.68), color=GRAD, linestyle="--",
           shrink=0)
    ax.text(7.9, 0.5, "训练生成器（第3步）：梯度经过判别器传回，只更新生成器的权重",
            ha="center", va="center", fontsize=SMALL, color=GRAD)
    # legend
    ax.plot([0.3, 1.0], [7.0, 7.0], color=INK, lw=1.5)
    ax.text(1.15, 7.0, "数据流（前向传播）", va="center", fontsize=SMALL)
    ax.plot([0.3, 1.0], [6.45, 6.45], color=GRAD, lw=1.5, linestyle="--")
    ax.text(1.15, 6.45, "来自损失的训练信号", va="center", fontsize=SMALL)
    fig.tight_layout(pad=0.2)
    return fig


# ------------------------------------------------------------------- figure 2-61
def _pipeline(ax, y, step_title, target, detach: bool):
    """One training step drawn as a row: noise -> G -> G(noise) [-> detach] -> D -> loss, plus gradients."""
    g_color = GREY if detach else GEN
    ax.text(0.15, y + 1.5, step_title, ha="left", va="center", fontsize=TITLE, color=INK)
    noise = _box(ax, 1.0, y, 1.6, 0.95, "随机\n噪声", g_color, fill_alpha=0.05)
    gen = _box(ax, 3.3, y, 1.9, 1.1, "生成器\nG", g_color)
    img = _box(ax, 5.6, y, 1.7, 0.95, "G(噪声)\n784 个值", g_color, fill_alpha=0.05, fontsize=SMALL)
    disc = _box(ax, 10.3, y, 2.5, 1.1, "判别器\nD", DISC)
    loss = _box(ax, 13.45, y, 2.9, 1.1, f"损失\nD(G(噪声)) 与 {target}", LOSS, fill_alpha=0.08, fontsize=SMALL)
    _arrow(ax, noise["right"], gen["left"], color=INK)
    _arrow(ax, gen["right"], img["left"], color=INK)
    _arrow(ax, disc["right"], loss["left"], color=INK)
    gy = y - 0.95  # the backward path runs below the boxes
    # gradients from the loss back into D
    _arrow(ax, (loss["bottom"][0], y - 0.55), (disc["bottom"][0] + 0.2, y - 0.55), color=GRAD, lw=1.4,
           linestyle="--", rad=-0.35)
    if detach:
        cut_x = 7.85
        cut = _box(ax, cut_x, y, 1.7, 0.9, "切断\n计算图", GRAD, fill_alpha=0.1, fontsize=SMALL)
        _arrow(ax, img["right"], cut["left"], color=INK)
        _arrow(ax, cut["right"], disc["left"], color=INK)
        # ... and on towards G, until the cut
        _arrow(ax, (disc["bottom"][0] - 0.2, y - 0.55), (cut_x + 0.4, gy), color=GRAD, lw=1.4, linestyle="--",
               rad=-0.2, style="-")
        for sign in (1, -1):
            ax.plot([cut_x - 0.22, cut_x + 0.22], [gy + sign * 0.22, gy - sign * 0.22], color=GRAD, lw=2.5,
                    solid_capstyle="round")
        ax.text(cut_x - 0.45, gy - 0.05, "梯度路径被切断：\n生成器得不到梯度", ha="right", va="center",
                fontsize=SMALL, color=GRAD, linespacing=1.2)
        ax.text(3.3, y + 0.85, "不更新，也不计算梯度", ha="center", va="center", fontsize=SMALL, color="#757575")
        ax.text(10.3, y + 0.85, "判别器的优化器更新判别器", ha="center", va="center", fontsize=SMALL, color=DISC)
    else:
        _arrow(ax, img["right"], disc["left"], color=INK)
        ax.text(7.85, y + 0.15, "不切断计算图", ha="center", va="bottom", fontsize=SMALL, color="#616161")
        # gradients flow all the way back to G
        _arrow(ax, (disc["bottom"][0] - 0.2, y - 0.55), (img["bottom"][0] + 0.2, y - 0.5), color=GRAD, lw=1.4,
               linestyle="--", rad=-0.25)
        _arrow(ax, (img["bottom"][0] - 0.2, y - 0.5), (gen["bottom"][0] + 0.1, y - 0.55), color=GRAD, lw=1.4,
               linestyle="--", rad=-0.35)
        ax.text(7.85, gy - 0.45, "梯度经过判别器传回生成器", ha="center", va="center", fontsize=SMALL, color=GRAD)
        ax.text(3.3, y + 0.85, "生成器的优化器更新生成器", ha="center", va="center", fontsize=SMALL, color=GEN)
        ax.text(10.3, y + 0.85, "梯度经过，权重不变", ha="center", va="center", fontsize=SMALL, color="#757575")


def draw_detach():
    """Figure 2-61: D's training on generated data uses detach(); G's training lets gradients reach G."""
    fig, ax = _canvas(WIDTH, WIDTH * 9.4 / 15.0, (0, 15.0), (0.4, 9.8))
    _pipeline(ax, 6.9, "第2步：用生成图像训练判别器", "0.0", detach=True)
    ax.plot([0.15, 14.85], [4.6, 4.6], color="#e0e0e0", lw=1.0)
    _pipeline(ax, 2.3, "第3步：训练生成器", "1.0", detach=False)
    # legend
    ax.plot([9.2, 9.9], [9.45, 9.45], color=INK, lw=1.5)
    ax.text(10.05, 9.45, "前向传播", va="center", fontsize=SMALL)
    ax.plot([11.9, 12.6], [9.45, 9.45], color=GRAD, lw=1.5, linestyle="--")
    ax.text(12.75, 9.45, "梯度（反向传播）", va="center", fontsize=SMALL)
    fig.tight_layout(pad=0.2)
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
