"""Progress bars count what the loop goes over: images, or mini-batches."""
import torch

import gankit


def test_a_bar_over_mini_batches_counts_batches():
    batches = torch.randperm(100).split(32)  # as listing 10 splits the shuffled indices
    with gankit.progress(batches, "GAN 小批量") as bar:
        assert bar.unit == "batch" and bar.total == 4


def test_a_bar_over_a_dataset_counts_images():
    with gankit.progress([torch.zeros(784)] * 5, "GAN") as bar:
        assert bar.unit == "img" and bar.total == 5
