"""Training runs: progress bars, epochs that load or resume from checkpoints, and the engine.

``train_epochs`` brings models to a number of finished epochs, saving a
checkpoint after each (``gankit.checkpoints``); ``train_run`` names the run
from its options and data first; ``train_gan_epochs`` does the same for the
chapter's GANs and picks the code that trains them:

- ``--engine listing`` runs ``train_gan`` of listing 08 exactly as printed;
- ``--engine fast`` (``gankit.fast``) performs the same three steps per sample
  with the same random numbers, with hand-written gradients fused into a few
  compiled loops; a test checks that both give the same losses and weights;
- ``--engine auto`` takes the fast engine where it supports the models and device.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from tqdm import tqdm

from . import paths
from .checkpoints import Checkpoints, non_finite
from .fingerprint import run_fingerprint
from .runs import RunName

ENGINES = ("auto", "listing", "fast")
ENGINE_HELP = "auto, listing (the code printed in the book) or fast (same math, fused; gankit/fast.py)"


class EngineError(RuntimeError):
    """The requested training engine cannot train these models here."""


class DivergedError(RuntimeError):
    """An epoch ended with NaN or infinite weights; it was not saved."""


@dataclass(frozen=True)
class TrainingOptions:
    """How long and where to train, and with which 随机数种子: the flags of a training listing."""

    epochs: int
    seed: int = 0
    device: torch.device = torch.device("cpu")
    engine: str = "auto"
    retrain: bool = False
    checkpoints: Path = paths.CHECKPOINT_DIR


def progress(iterable, desc: str, total: int | None = None):
    """A tqdm bar on stderr (kept out of nbval's comparison), updated at most once a second."""
    return tqdm(iterable, desc=desc, total=total, file=sys.stderr, mininterval=1.0,
                ncols=88, unit="img", leave=True)


def train_epochs(run_name, models: dict, one_epoch: Callable[[int], None], epochs: int,
                 retrain: bool = False, directory=None, log=print) -> Checkpoints:
    """Bring ``models`` to ``epochs`` finished epochs, loading or resuming where possible.

    ``one_epoch(epoch)`` trains one pass over the data. After each epoch all
    state is saved, so an interrupted run loses at most the epoch in progress.
    One process at a time trains a run (a second one waits); ``retrain`` trains
    from scratch and replaces the earlier run once its first epoch is saved; an
    epoch that ends with NaN or infinite weights stops the run unsaved.
    """
    ckpt = Checkpoints(run_name, directory)
    with ckpt.lock(log):
        earlier = ckpt.epochs_saved() if retrain else []
        done = 0 if retrain else ckpt.resume(models, epochs, log)
        if done:
            verb = "loaded" if done == epochs else "resuming from"
            log(f"checkpoint: {verb} {paths.relative(ckpt.path(done))} ({done} epoch{'s' if done > 1 else ''} done)")
        for epoch in range(done + 1, epochs + 1):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                one_epoch(epoch)
            except KeyboardInterrupt:
                log(f"interrupted during epoch {epoch}: {_kept(ckpt, epoch, retrain, earlier)}")
                raise
            bad = non_finite(t for m in models.values() for t in m.state_dict().values())
            if bad:
                raise DivergedError(f"training diverged at epoch {epoch} (NaN or infinite weights: {bad}), "
                                    f"so epoch {epoch} was not saved; {_kept(ckpt, epoch, retrain, earlier, False)} "
                                    "Fix: lower the learning rate, or train with another --seed.")
            saved = ckpt.save(epoch, models, replaces_run=retrain and epoch == 1)
            ckpt.record_time(epoch, time.process_time() - cpu, time.perf_counter() - wall)
            log(f"checkpoint: saved {paths.relative(saved)}")
    return ckpt


def _kept(ckpt: Checkpoints, epoch: int, retrain: bool, earlier: list, advice: bool = True) -> str:
    """What an interrupted (or diverged) run leaves in its folder, and how to go on: the truth in each case."""
    folder = paths.relative(ckpt.folder)
    if retrain and epoch == 1 and earlier:
        kept = (f"the earlier run is kept as it was ({len(earlier)} epoch{'s' if len(earlier) > 1 else ''} "
                f"in {folder}).")
        return kept + (" Run the same command to start afresh again, or leave out --retrain to use "
                       "the earlier run." if advice else "")
    if epoch == 1:
        return "no epoch was finished." + (" Run the same command again." if advice else "")
    kept = f"epochs 1-{epoch - 1} are saved in {folder}." if epoch > 2 else f"epoch 1 is saved in {folder}."
    again = "Run the same command without --retrain to resume." if retrain else "Run the same command again to resume."
    return kept + (f" {again}" if advice else "")


def run_name(prefix: str, dataset, options: TrainingOptions, engine: str | None, models: dict,
             code) -> RunName:
    """The run of ``prefix`` on ``dataset`` (a listing's MnistDataset or an MnistData) with ``options``:
    its name ends with the fingerprint of the models' code and hyperparameters, ``code`` (the
    training loop and the functions it calls) and the data (``gankit.fingerprint``)."""
    data = getattr(dataset, "data", dataset)
    return RunName(prefix, data.key(len(dataset)), options.seed, torch.device(options.device).type, engine,
                   run_fingerprint(models, code, dataset))


def train_run(prefix: str, options: TrainingOptions, dataset, models: dict,
              one_epoch: Callable[[int], None], engine: str | None = None, log=print, code=None) -> Checkpoints:
    """Train (or load, or resume) ``models`` for ``options.epochs`` epochs in the run named by what
    determines it; ``code`` (default: ``one_epoch`` and what it calls) is the training code."""
    name = run_name(prefix, dataset, options, engine, models, code or (one_epoch,))
    return train_epochs(name, models, one_epoch, options.epochs, options.retrain, options.checkpoints, log=log)


def resolve_engine(requested: str, D, G, train_gan, generate_seed, device) -> tuple[str, str]:
    """(engine, why): ``listing`` or ``fast``, the engine that trains D and G for the ``requested``
    one, and a sentence when ``auto`` could not take the fast engine."""
    requested = (requested or "auto").lower()
    if requested not in ENGINES:
        raise EngineError(f"unknown --engine {requested!r}; choose one of {', '.join(ENGINES)}")
    if requested == "listing":
        return "listing", ""
    try:
        from . import fast
    except ImportError as err:
        if requested == "fast":
            raise EngineError(f"--engine fast needs numba ({err}); pip install -r requirements.txt") from None
        return "listing", f"the fast engine needs numba ({err})"
    changed = fast.unproven(D, G, train_gan, generate_seed)
    why_not = (f"the printed code was changed ({', '.join(n.split(':')[1] for n in changed)}); the fast "
               "engine stands in only for the code it was checked against" if changed
               else fast.unsupported_reason(D, G, generate_seed, device))
    if why_not is None:
        return "fast", ""
    if requested == "fast":
        raise EngineError(f"--engine fast cannot train these models: {why_not}. Use --engine listing.")
    return "listing", why_not


def train_gan_epochs(prefix: str, options: TrainingOptions, dataset, D, G, train_gan, generate_seed,
                     seed_size: int, log=print) -> Checkpoints:
    """Train (or load, or resume) D and G for ``options.epochs`` epochs; return the run's checkpoints
    (``RunName.parse(ckpt.run_name).engine`` tells the engine used)."""
    from .cli import report

    engine, why = resolve_engine(options.engine, D, G, train_gan, generate_seed, options.device)
    if engine == "fast":
        from .fast import FastGAN

        trainer = FastGAN(D, G, generate_seed, seed_size)

        def one_epoch(epoch):
            trainer.train_epoch(dataset.images, desc=f"{prefix} epoch {epoch}")
    else:
        def one_epoch(epoch):
            train_gan(D, G, dataset, generate_seed, seed_size)

    report(options, dataset, engine=engine)
    if why:
        log(f"engine: listing, the code as printed ({why})")
    return train_run(prefix, options, dataset, {"D": D, "G": G}, one_epoch, engine, log=log,
                     code=(train_gan, generate_seed))
