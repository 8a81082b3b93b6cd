"""Seeing and measuring mode collapse (figure 2-65 and the comparison figure 2-67).

Without any classifier, collapse shows as a lack of variety: when a generator
draws the same image for every noise input, its samples lie close together. We measure
the mean pixel distance between pairs of samples and compare it with the same
number for real MNIST digits.
"""
from __future__ import annotations

import torch

from .figures import image_grid, plot_digit_shares


@torch.no_grad()
def sample(G, generate_noise, noise_size: int, count: int) -> torch.Tensor:
    """``count`` generator outputs for fresh noise, one input at a time as in the chapter, on the CPU."""
    return torch.stack([G.forward(generate_noise(noise_size)) for _ in range(count)]).cpu()


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """The mean Euclidean distance between two different images of the set (pixels in [0, 1])."""
    images = images.reshape(len(images), -1).double()
    d = torch.cdist(images, images)
    n = len(images)
    return float(d.sum() / (n * (n - 1)))


def variety(generated: torch.Tensor, real: torch.Tensor) -> dict:
    """Variety of generated images relative to real ones: about 1 for a healthy generator, near 0 when collapsed."""
    gen, ref = mean_pairwise_distance(generated), mean_pairwise_distance(real)
    return {"generated_distance": gen, "real_distance": ref, "variety_ratio": gen / ref}


def plot_collapse(images, measured: dict, cols: int = 8):
    """Figure 2-65: samples of a collapsed generator, with the measured variety in the title."""
    import matplotlib.pyplot as plt

    from .figures import WIDTH

    rows = -(-len(images) // cols)
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH * rows / cols + 0.45))
    image_grid(ax, images, cols)
    ax.set_title(f"{len(images)} 个不同的噪声输入得到的 {len(images)} 个样本：两两之间的平均距离 "
                 f"{measured['generated_distance']:.2f}（真实数字为 {measured['real_distance']:.2f}）")
    fig.tight_layout(pad=0.3)
    return fig


def plot_comparison(panels):
    """The mode-collapse comparison: one column per generator, its samples above its digit shares.

    ``panels`` is a list of ``(title, images, variety, shares)``: a few flat images, the
    ``variety()`` result and the 10 digit shares of its score card (gankit.scorecard).
    """
    import matplotlib.pyplot as plt

    from .figures import WIDTH

    fig, axes = plt.subplots(2, len(panels), figsize=(WIDTH, 0.72 * WIDTH), squeeze=False,
                             gridspec_kw={"height_ratios": [1.0, 1]})
    for col, (title, images, measured, _) in enumerate(panels):
        image_grid(axes[0][col], images, cols=4)
        axes[0][col].set_title(f"{title}\n多样性比值 {measured['variety_ratio']:.3f}")
    plot_digit_shares({title: shares for title, _, _, shares in panels}, axes=axes[1])
    for ax in axes[1]:
        ax.set_title("")
    for ax in axes[1][1:]:
        ax.sharey(axes[1][0])
        ax.tick_params(labelleft=False)
    fig.tight_layout(pad=0.3)
    return fig
