"""Saving figures: every PNG under _static/ is written by code, never by hand.

Figures are made for the printed page: importing gankit sets matplotlib's style
(``use_book_style``): the project's Chinese font, ``GanBook Sans SC`` (a subset of
Noto Sans CJK SC that ships in ``gankit/fonts/``, so every machine draws the same
figure), and text sizes that are at least ``MIN_TEXT_PT`` where the figure is printed.
A figure is drawn at the size it is printed: at most ``TEXT_WIDTH_MM`` wide (the print
edition's text block) and ``MAX_HEIGHT_MM`` high, so the PDF places it at 100%.
``print_problems`` lists what keeps a figure from that (size, small or non-Chinese text,
another font); ``save_figure`` prints them and records the figure's text in the PNG.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
from pathlib import Path

import matplotlib
import matplotlib.layout_engine
import matplotlib.pyplot as plt
import torch
from matplotlib import font_manager

from . import catalog, paths
from .storage import atomic_write_bytes

# ------------------------------------------------------------------ the page and the font
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "GanBookSansSC-Regular.ttf"  # tools/make_font.py
FONT_FAMILY = "GanBook Sans SC"
CODE = {"gid": "code"}  # marks a text as code (a name from a listing): the project's font, words not Chinese
TEXT_WIDTH_MM = 145  # the print edition's text block: 185 mm paper minus 2 x 20 mm margins
MAX_HEIGHT_MM = 129.6  # a figure at most 0.6 x the 216 mm text height (_latex/ganbook.sty) prints at 100%
MIN_TEXT_PT = 7.5  # the smallest text of a printed figure
MM = 1 / 25.4  # inches per millimetre
PAD_INCHES = 0.03  # white space around the drawing when saved (bbox_inches="tight")
WIDTH = (TEXT_WIDTH_MM - 2) * MM - 2 * PAD_INCHES  # figsize width of a full-width figure (2 mm to spare)
PNG_DPI = 150  # the HTML book's PNGs: 145 mm = 856 px, sharp in a column about 750 px wide
STYLE = {
    "font.family": [FONT_FAMILY],
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 9,
    "figure.figsize": (WIDTH * 0.6, WIDTH * 0.45),  # a plot of a reader's own: about 85 x 64 mm
    "axes.unicode_minus": True,  # "−" (U+2212) is in the font
    "axes.formatter.useoffset": False,  # plain tick labels: 60000, not "+6e4" beside the axis
    "pdf.fonttype": 42,  # TrueType, embedded (no Type 3)
    "savefig.pad_inches": PAD_INCHES,
}


def use_book_style() -> None:
    """Register the project's font with matplotlib and use the book's style (done when gankit is imported)."""
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    matplotlib.rcParams.update(STYLE)


use_book_style()


def _in_notebook() -> bool:
    return "inline" in matplotlib.get_backend().lower()


# ------------------------------------------------------------------ checks for print
# Latin words a figure may show: names of things in the code and abbreviations the text uses too
LATIN_WORDS = {"GAN", "MNIST", "KL", "IS", "FID", "CPU", "EMA", "BCE", "MSE", "ln", "detach", "Sigmoid"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _texts(fig) -> list:
    """The figure's visible, non-empty Text artists (tick labels included: the figure is drawn first)."""
    fig.canvas.draw()
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip() and t.figure is fig
            and (t.axes is None or t.axes.get_visible())]


def drawn_size_mm(fig) -> tuple[float, float]:
    """(width, height) in mm of the figure as ``save_figure`` writes it (tight box plus padding)."""
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return (box.width + 2 * PAD_INCHES) / MM, (box.height + 2 * PAD_INCHES) / MM


def text_record(fig) -> list[dict]:
    """What each text of ``fig`` says, in which font file and at what size (points, as printed)."""
    records = []
    for t in _texts(fig):
        font = Path(font_manager.findfont(t.get_fontproperties(), fallback_to_default=False))
        code = t.get_gid() == CODE["gid"]  # code, shown as code
        records.append({"text": t.get_text(), "font": font.name, "pt": round(float(t.get_fontsize()), 2),
                        "code": code})
    return records


def text_problems(records: list[dict], chars: set[int] | None = None) -> list[str]:
    """Why the texts of ``text_record`` are not ready for print (an empty list: they are)."""
    chars = chars if chars is not None else font_characters()
    problems = []
    for r in records:
        text = r["text"]
        if r["pt"] < MIN_TEXT_PT:
            problems.append(f"{text!r} is {r['pt']} pt (at least {MIN_TEXT_PT} pt)")
        if "$" in text:
            problems.append(f"{text!r} uses mathtext, which is not drawn with the project's font")
        if r["font"] != FONT_FILE.name:
            problems.append(f"{text!r} is drawn with {r['font']}, not the project's font {FONT_FILE.name}")
        missing = sorted({c for c in text if ord(c) not in chars and not c.isspace()})
        if missing:
            problems.append(f"{text!r}: the project's font has no {''.join(missing)!r}")
        english = [] if r["code"] else [w for w in LATIN_WORD.findall(text) if w not in LATIN_WORDS]
        if english:
            problems.append(f"{text!r} is not Chinese: {', '.join(english)}")
    return problems


def font_characters() -> set[int]:
    """The code points the project's font draws."""
    from fontTools.ttLib import TTFont

    return set(TTFont(FONT_FILE, lazy=True).getBestCmap())


def print_problems(fig) -> list[str]:
    """Why ``fig`` is not ready for the printed page: too large, text too small, not Chinese, another font."""
    width, height = drawn_size_mm(fig)
    problems = []
    if width > TEXT_WIDTH_MM + 0.05:
        problems.append(f"{width:.1f} mm wide (the text block is {TEXT_WIDTH_MM} mm)")
    if height > MAX_HEIGHT_MM + 0.05:
        problems.append(f"{height:.1f} mm high (at most {MAX_HEIGHT_MM} mm prints at 100%)")
    return problems + text_problems(text_record(fig))


def fit_to_print(fig, rounds: int = 3) -> None:
    """Shrink a figure drawn larger than the page to the page, keeping its text sizes (and re-laying it out)."""
    for _ in range(rounds):
        width, height = drawn_size_mm(fig)
        scale = min(TEXT_WIDTH_MM / width, MAX_HEIGHT_MM / height)
        if scale >= 1:
            return
        w, h = fig.get_size_inches()
        fig.set_size_inches(w * scale * 0.99, h * scale * 0.99)
        if not isinstance(fig.get_layout_engine(), matplotlib.layout_engine.ConstrainedLayoutEngine):
            fig.tight_layout(pad=0.3)


# ------------------------------------------------------------------ saving
# The print edition (`make pdf`) shows each figure as vector PDF: the chapter names it "2-56.*",
# HTML picks the PNG, LaTeX the PDF. Images (digits) are resampled nearest-neighbour at
# PRINT_DPI, so each MNIST pixel stays a sharp square whatever the PDF viewer or printer does.
PRINT_DPI = 300  # dots per inch of raster images in the PDF copy (print needs >= 300)
PDF_METADATA = {"CreationDate": None, "Creator": None, "Producer": None}  # same run, same bytes
TEXT_KEY = "ganbook-texts"  # the PNG's record of its texts (text_record), read by the tests


def save_print_copy(fig, target: Path, png: bytes = b"") -> None:
    """Write ``fig`` as vector PDF with the project's font embedded as TrueType (no Type 3), no time stamp.

    The SHA-256 of ``png``, the PNG saved from the same figure, goes into the PDF's keywords:
    a test can tell that the PDF is the twin of the committed PNG, not of an older drawing.
    """
    images = [im for ax in fig.axes for im in ax.get_images() if im.get_interpolation() == "none"]
    for im in images:  # "none" would embed 28x28 pixels that viewers may blur when enlarging
        im.set_interpolation("nearest")
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            pdf = io.BytesIO()
            fig.savefig(pdf, format="pdf", dpi=PRINT_DPI, bbox_inches="tight", pad_inches=PAD_INCHES,
                        metadata={**PDF_METADATA, "Keywords": f"png-sha256:{hashlib.sha256(png).hexdigest()}"})
        atomic_write_bytes(target, pdf.getvalue())
    finally:
        for im in images:
            im.set_interpolation("none")


def save_figure(name: str, out: str | Path | None = None, fig=None) -> Path:
    """Save ``fig`` (default: the current figure) as ``<out>/<name>.png``; return the path.

    A figure the book numbers also gets a vector copy for print, ``<name>.pdf`` (``save_print_copy``).
    ``name`` must be registered in ``gankit.catalog.FIGURES``. A figure larger than the print
    page is shrunk to it first (``fit_to_print``); what else keeps it from print is printed
    (``print_problems``), and its texts are recorded in the PNG (``TEXT_KEY``).
    The PNG carries no time stamp or version string, so the same run gives the
    same bytes; the PDF is its copy for print. In a script the figure is then closed.
    """
    if not catalog.is_known(name):
        raise ValueError(f"figure {name!r} is not in gankit.catalog.FIGURES; register it there first")
    fig = fig or plt.gcf()
    folder = Path(out) if out else paths.figure_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    fit_to_print(fig)
    for problem in print_problems(fig):
        print(f"figure {name}: not ready for print: {problem}")
    texts = json.dumps(text_record(fig), ensure_ascii=False, separators=(",", ":"))
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, bbox_inches="tight", pad_inches=PAD_INCHES,
                metadata={"Software": None, TEXT_KEY: texts})
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
        _, ax = plt.subplots(figsize=(WIDTH, 0.45 * WIDTH))
    ax.plot(range(len(progress)), list(progress), ".", alpha=0.1, markersize=2.5, color="tab:blue")
    if reference is not None:
        ax.axhline(reference, color="tab:red", linestyle="--", linewidth=1.2,
                   label=reference_label or f"平衡值 {reference:.3f}")
        ax.legend(loc="upper right")
    ax.set_ylim(*(ylim or loss_ylim(progress)))
    ax.set_xlabel("记录序号（每 10 个训练步数记录一次）")
    ax.set_ylabel("损失")
    ax.grid(True, alpha=0.4)
    if title:
        ax.set_title(title)
    return ax


def plot_images(images, titles=None, cols: int = 3, size: float = 1.4, cmap: str = "Blues"):
    """Show flat 784-value images in a grid (2 x 3 in the chapter), each ``size`` inches,
    smaller when ``cols`` of them would be wider than the print page."""
    images = [torch.as_tensor(img).detach().cpu().view(28, 28) for img in images]
    rows = math.ceil(len(images) / cols)
    size = min(size, WIDTH / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], interpolation="none", cmap=cmap, vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i])
    fig.tight_layout(pad=0.3)
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


UNIFORM_LABEL = "均匀分布 10%"  # the red dashed line of every digit-share chart


def share_bars(ax, values, ylim: float = 100.0, goal: float | None = None):
    """One digit-share chart: a bar per digit 0-9 (percent), the uniform 10% and, if given, a goal line."""
    ax.bar(range(10), [100 * s for s in values], color="tab:blue", width=0.7)
    ax.axhline(10, color="tab:red", linestyle="--", linewidth=1, label=UNIFORM_LABEL)
    if goal is not None:
        ax.axhline(100 * goal, color="tab:green", linestyle=":", linewidth=1.2, label=f"目标 {100 * goal:.0f}%")
    ax.set_xticks(range(10))
    ax.set_xlabel("数字（分类器判断）")
    ax.set_ylim(0, ylim)


def plot_digit_shares(shares: dict, axes=None, goal: float | None = None):
    """Bar charts of the digit shares (the classifier's answers), one panel per generator.

    ``shares`` maps a panel title to 10 shares. Returns the figure.
    """
    if axes is None:
        fig, axes = plt.subplots(1, len(shares), figsize=(min(WIDTH, 0.4 * WIDTH * len(shares)), 0.4 * WIDTH),
                                 sharey=True, squeeze=False)
        axes = axes[0]
    axes = list(axes) if hasattr(axes, "__len__") else [axes]
    for ax, (title, values) in zip(axes, shares.items()):
        share_bars(ax, values, goal=goal)
        ax.set_title(title)
    axes[0].set_ylabel("样本占比（%）")
    axes[0].legend(loc="upper right")
    fig = axes[0].figure
    fig.tight_layout(pad=0.3)
    return fig
