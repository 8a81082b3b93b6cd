"""The networks of listings 03-09: shapes, what a training step changes, and what it learns."""
import pytest
import torch
import torch.nn as nn

from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_05 import train_on_real_and_noise
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_09 import (ImprovedDiscriminator, ImprovedGenerator, generate_random_image,
                              generate_normal_noise)


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


def test_shapes_and_sizes():
    D, G = Discriminator(), Generator()
    assert G.forward(generate_random(1)).shape == (784,)
    assert D.forward(generate_random(784)).shape == (1,)
    assert sum(p.numel() for p in D.parameters()) == 784 * 200 + 200 + 200 + 1
    assert sum(p.numel() for p in G.parameters()) == 200 + 200 + 200 * 784 + 784
    out = G.forward(generate_random(1)).detach()
    assert 0 < float(out.min()) and float(out.max()) < 1  # sigmoid pixels
    D2, G2 = ImprovedDiscriminator(), ImprovedGenerator()
    assert G2.forward(generate_normal_noise(100)).shape == (784,)
    assert D2.forward(G2.forward(generate_normal_noise((8, 100)))).shape == (8, 1)


def test_progress_is_recorded_every_ten_steps():
    D = Discriminator()
    for _ in range(25):
        D.train(generate_random(784), torch.tensor([0.0]))
    assert D.counter == 25 and len(D.progress) == 2
    assert all(0 <= loss <= 1 for loss in D.progress)


def test_discriminator_separates_real_images_from_noise(builtin_train):
    from chapter_2_3_2_02 import MnistDataset

    train = MnistDataset("builtin", limit=1500)
    D = Discriminator()
    train_on_real_and_noise(D, train)
    held_out = builtin_train.images[3000:3200]  # not among the 1,500 training images
    with torch.no_grad():
        real = D.forward(held_out).mean().item()
        noise = D.forward(generate_random((200, 784))).mean().item()
    assert real > 0.9 and noise < 0.1, (real, noise)


def test_detach_keeps_the_generator_out_of_the_discriminator_step():
    D, G = Discriminator(), Generator()
    before = weights(G)
    D_before = weights(D)
    D.train(G.forward(generate_random(1)).detach(), torch.tensor([0.0]))
    assert same(before, weights(G))
    assert all(p.grad is None for p in G.parameters())  # no gradient even reached G
    assert not same(D_before, weights(D))


def test_without_detach_gradients_would_reach_the_generator():
    D, G = Discriminator(), Generator()
    loss = D.loss_function(D.forward(G.forward(generate_random(1))), torch.tensor([0.0]))
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters())


def test_generator_step_changes_only_the_generator():
    D, G = Discriminator(), Generator()
    D_before, G_before = weights(D), weights(G)
    G.train(D, generate_random(1), torch.tensor([1.0]))
    assert same(D_before, weights(D))
    assert not same(G_before, weights(G))


def test_generator_step_moves_towards_fooling_the_discriminator():
    D, G = Discriminator(), Generator()
    seed = generate_random(1)
    before = D.forward(G.forward(seed)).item()
    for _ in range(20):
        G.train(D, seed, torch.tensor([1.0]))
    assert D.forward(G.forward(seed)).item() > before


def test_improved_gan_uses_the_five_fixes():
    D, G = ImprovedDiscriminator(), ImprovedGenerator()
    assert isinstance(D.loss_function, nn.BCELoss)
    assert isinstance(D.optimiser, torch.optim.Adam) and isinstance(G.optimiser, torch.optim.Adam)
    for model, first_in in ((D, 784), (G, 100)):
        layers = list(model.model)
        assert layers[0].in_features == first_in
        kinds = [type(layer) for layer in layers]
        assert kinds == [nn.Linear, nn.LayerNorm, nn.LeakyReLU, nn.Linear, nn.Sigmoid]  # LayerNorm before LeakyReLU
        # the optimiser updates exactly this network's parameters
        params = {id(p) for group in model.optimiser.param_groups for p in group["params"]}
        assert params == {id(p) for p in model.parameters()}
    seeds = generate_normal_noise((2000, 100))
    assert seeds.shape == (2000, 100)
    assert abs(seeds.mean().item()) < 0.02 and abs(seeds.std().item() - 1) < 0.02  # N(0, 1)
    assert seeds.min() < -3 and seeds.max() > 3  # not squeezed into [0, 1)
    images = generate_random_image((2000, 784))
    assert images.min() >= 0 and images.max() < 1 and abs(images.mean().item() - 0.5) < 0.01


def test_gan_step_order_of_listing_08():
    """One iteration: D trains twice (real, then generated), G once, with D's loss function."""
    from chapter_2_3_2_02 import MnistDataset
    from chapter_2_3_2_08 import train_gan

    D, G = Discriminator(), Generator()
    train_gan(D, G, MnistDataset("builtin", limit=10))
    assert (D.counter, G.counter) == (20, 10)
    assert len(D.progress) == 2 and len(G.progress) == 1
