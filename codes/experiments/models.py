"""Every model of the book by name: what to build, how to train it, how to draw samples.

An ``Arm`` is one model configuration of an experiment. The chapter's own
models come from the book's manifest (``codes/manifest.toml``, read by ``manifest``); the
ablation variants and the remedies are defined in their experiments and join the registry
through ``experiments.registry.all_models()``, keyed by their checkpoint prefix (the first part
of a run name).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

import manifest

PER_SAMPLE, BATCHES = "samples", "batches"  # listing 08's train_gan, listing 10's train_gan_batches


@dataclass(frozen=True)
class Arm:
    """One model configuration: its classes, noise, checkpoint prefix and training loop."""

    name: str  # the name in an experiment's tables and results file
    label: str  # English, for logs and the results file
    label_zh: str  # for the chapter's tables
    D: type
    G: type
    noise: Callable  # the generator's input: generate_random or generate_normal_noise
    noise_size: int
    prefix: str  # checkpoint run prefix: the model's name in the registry
    trainer: str = PER_SAMPLE
    source: str = ""  # where the idea comes from
    cost: float = 1.0  # relative CPU per epoch, to schedule the longest runs first
    epochs_factor: float = 1.0  # epochs relative to the experiment's budget (equal CPU time)
    batch_size: int | None = None  # mini-batch size of listing 10's loop (None: listing 10's own)
    draws: str = ""  # the attribute of the trained G that draws the samples scored ("": G itself)
    loop: Callable | None = None  # one epoch of mini-batches, (D, G, dataset, batch_size): None is listing 10's

    def build(self):
        """(D, G), untrained."""
        return self.D(), self.G()

    def epoch_loop(self) -> Callable:
        """One epoch of mini-batches, (D, G, dataset, batch_size): the arm's own, or listing 10's."""
        from chapter_2_3_2_10 import train_gan_batches

        return self.loop or train_gan_batches

    def describe(self) -> dict:
        """What the model is made of, read from the built objects (not typed)."""
        with torch.random.fork_rng(devices=[]):
            D, G = self.build()
        return {
            "label": self.label, "label_zh": self.label_zh, "source": self.source, "run_prefix": self.prefix,
            "trainer": self.trainer,
            "D": f"{type(D).__name__}: {' > '.join(type(m).__name__ for m in D.model)}",
            "G": f"{type(G).__name__}: {' > '.join(type(m).__name__ for m in G.model)}",
            "D_hidden": _hidden(D), "G_hidden": _hidden(G),
            "loss": type(D.loss_function).__name__,
            "D_optimiser": _optimiser(D), "G_optimiser": _optimiser(G),
            "seed_function": self.noise.__name__, "seed_size": self.noise_size,
            "seed_distribution": _distribution(self.noise),
        }


def improved_hidden(inputs: int, width: int = 200) -> list[nn.Module]:
    """Listing 09's hidden block: Linear(inputs, width) → LayerNorm(width) → LeakyReLU(0.02)."""
    return [nn.Linear(inputs, width), nn.LayerNorm(width), nn.LeakyReLU(0.02)]


def _hidden(model) -> str:
    """The hidden block of a listing network, e.g. ``Sigmoid`` or ``LayerNorm + LeakyReLU(0.02)``."""
    parts = []
    for m in list(model.model)[1:-2]:
        if isinstance(m, nn.LeakyReLU):
            parts.append(f"LeakyReLU({m.negative_slope})")
        elif not isinstance(m, nn.Linear):
            parts.append(type(m).__name__)
    return " + ".join(parts)


def _optimiser(model) -> str:
    return f"{type(model.optimiser).__name__}(lr={model.optimiser.param_groups[0]['lr']})"


def _distribution(noise) -> str:
    """``uniform`` or ``normal``, told from 10,000 draws (PyTorch's random state is left as it was)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        x = noise(10000)
    return "uniform" if float(x.min()) >= 0 and float(x.max()) < 1 else "normal"


def book_arm(model: manifest.BookModel, name: str, label: str, label_zh: str, **more) -> Arm:
    """The experiments' Arm of a model of the book: its classes, noise, loop and run from the manifest."""
    trainer = BATCHES if model.trainer == "batches" else PER_SAMPLE
    return Arm(name, label, label_zh, model.D, model.G, model.noise, model.noise_size, model.run, trainer,
               draws=model.draws, **more)


_FIRST, _IMPROVED, _FEATURES = (manifest.trained_by(f"chapter_2_3_2_{n}.py") for n in ("08", "09", "10"))
FIRST_GAN = book_arm(_FIRST, _FIRST.name, "first GAN (MSE, SGD, Sigmoid, 1 uniform noise value)",
                     "第一个 GAN（代码清单 03、06）")
# the ablation's row of all five fixes together: the improved GAN of listing 09
IMPROVED_GAN = book_arm(_IMPROVED, "improved", "all five (listing 09)", "五项全改（代码清单 09）", cost=2.25)
FEATURE_MATCHING = book_arm(_FEATURES, _FEATURES.name, "+ feature matching (listing 10)", "+ 特征匹配（代码清单 10）",
                            source="Salimans et al. 2016")
