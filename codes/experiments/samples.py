"""Samples of any trained generator of the book, as an n x 784 float32 array in a .npy file.

Command line (``make samples``)::

    PYTHONPATH=codes python -m experiments.samples                  # the model names, one a line
    PYTHONPATH=codes python -m experiments.samples --model conv-gan -n 1000 --out samples.npy [--seed 0]

The names are the models' checkpoint prefixes (``experiments.registry.all_models``,
the first part of a run name), in the order the book meets them. The model is
the run the rest of the project trains and loads (``grid.train``): the data of
``--data`` (``$GANBOOK_DATA``, else the built-in default), 随机数种子 ``--seed``
and the epochs of the book's own run of it (``reference_epochs``); a missing
checkpoint is trained first, a half-trained run resumed. ``--seed`` also seeds
the noise, so the same command writes the same bytes. Each image is the
generator's 784 pixels in [0, 1], drawn the way the score card draws them
(``gankit.scorecard.sample_generator``); the convolutional GAN draws with the
moving average of its weights (``Arm.draws``), as the book does.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import torch

import gankit
from gankit import paths, settings
from gankit.cli import CHECKPOINTS_FLAG, CLEAR_ERRORS, positive_int, seed_value
from gankit.scorecard import SAMPLE_BATCH, sample_generator
from gankit.storage import StorageError, atomic_write_bytes, check_writable

from . import grid
from .evaluate import load_generator
from .models import Arm
from .registry import all_models

SUFFIX = ".npy"  # numpy.save's format
MAKE = "make samples MODEL=<name> N=<n> OUT=<file.npy>"


def reference_epochs() -> dict[str, int]:
    """{model name: epochs} of the book's own run of each model: the epochs the book shows for the
    chapter's models (the manifest), else the first group of the book's budget that trains it, in
    the experiments that define the models (ablation, remedies, conv_gan)."""
    import manifest

    from . import ablation, conv_gan, remedies

    epochs = {m.run: m.book_epochs for m in manifest.GANS.values()}
    for experiment in (ablation.EXPERIMENT, remedies.EXPERIMENT, conv_gan.EXPERIMENT):
        for group in experiment.groups(dict(experiment.full)).values():
            for name in group["arms"]:
                arm = experiment.arms[name]
                epochs.setdefault(arm.prefix, grid.arm_epochs(arm, group["epochs"]))
    return epochs


def model_name(text: str) -> str:
    """An argparse type: the name of a model of the book."""
    if text not in all_models():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a model of the book; use one of {', '.join(all_models())} "
            "(make samples without MODEL lists them)")
    return text


def npy_file(text: str) -> Path:
    """An argparse type: a file name ending in .npy."""
    if not text.endswith(SUFFIX):
        raise argparse.ArgumentTypeError(f"{text!r} does not end in {SUFFIX}; name the file like samples{SUFFIX}")
    return Path(text)


def generator(arm: Arm, seed: int, cfg: grid.Config, epochs: int, log=print):
    """(what draws the samples, run name): ``arm``'s generator after ``epochs`` epochs of the
    project's run, trained first (or resumed) when its checkpoint is missing."""
    from chapter_2_3_2_02 import MnistDataset

    dataset = MnistDataset(cfg.data, cfg.limit)
    run = grid.run_of(arm, seed, cfg, epochs, dataset)
    if epochs not in gankit.Checkpoints(run, cfg.checkpoints).epochs_saved():
        log(f"samples: no checkpoint of {arm.prefix} after {epochs} epoch{'s' if epochs > 1 else ''} in "
            f"{paths.relative(cfg.checkpoints)}: training it first, as make figures and the experiments do "
            f"({dataset.data.describe(len(dataset))}, 随机数种子 {seed}; run {run}; "
            "stopped, it resumes from its last saved epoch)")
        grid.train(arm, seed, cfg, epochs, log=log)
    gankit.use_device("cpu")  # drawn on the CPU: the same noise and samples on any machine
    G, _ = load_generator(run, epochs, cfg.checkpoints)
    return (getattr(G, arm.draws) if arm.draws else G), run


def draw(arm: Arm, G, n: int, seed: int) -> np.ndarray:
    """``n`` samples of ``G`` as an (n, 784) float32 array, the noise from 随机数种子 ``seed``."""
    # whole batches, then the first n: a batch of one breaks batch norm (a generator that has it), and
    # sample i is the same whatever n is asked for
    whole = -(-n // SAMPLE_BATCH) * SAMPLE_BATCH
    images = sample_generator(G, arm.noise, arm.noise_size, n=whole, seed=seed)
    return images[:n].numpy().astype(np.float32)


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` in numpy.save's format."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m experiments.samples",
        description="Write n samples of a trained generator of the book (n x 784 float32 in [0, 1], numpy.save) "
                    "to a .npy file, training the model first if its checkpoint is missing. "
                    "Without --model, list the model names.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", type=model_name, help="the model (make: MODEL=); without it, list the names")
    p.add_argument("-n", "--samples", type=positive_int, help="how many samples (make: N=)")
    p.add_argument("--out", type=npy_file, help=f"the {SUFFIX} file to write (make: OUT=)")
    p.add_argument("--seed", type=seed_value, default=settings.seed(),
                   help=f"{settings.SEED_HELP} (make: SEED=)")
    p.add_argument("--data", default=settings.data_source(), help=settings.DATA_HELP)
    p.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                   help=f"checkpoint folder (${settings.CHECKPOINTS_ENV})")
    p.add_argument("--epochs", type=positive_int, help="epochs of the model (default: the book's run of it)")
    p.add_argument("--limit", type=positive_int, default=None, help="train on the first N images only")
    p.add_argument("--device", default=settings.device(), help=settings.DEVICE_HELP)
    return p


def main(argv=None) -> int:
    """List the names, or write the samples. Exit status 2: a flag is unusable (found before any
    work); 1: the data or a checkpoint is."""
    try:
        settings.check()
    except settings.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    p = parser()
    args = p.parse_args(argv)
    if args.model is None:
        print("\n".join(all_models()))
        return 0
    for flag, value, fix in (("-n", args.samples, "N=1000"), ("--out", args.out, f"OUT=samples{SUFFIX}")):
        if value is None:
            p.error(f"{flag} is required with --model ({MAKE}; e.g. {fix})")
    try:  # before any work: the file's folder and the checkpoint folder must be writable
        if args.out.is_dir():
            raise StorageError(f"--out {args.out} is a folder; name a file in it, like {args.out / 'samples.npy'}")
        check_writable(args.out.parent, "--out")
        check_writable(args.checkpoints, CHECKPOINTS_FLAG)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    arm = all_models()[args.model]
    epochs = args.epochs or reference_epochs()[arm.prefix]
    cfg = grid.Config(data=args.data, limit=args.limit, checkpoints=args.checkpoints, device=args.device)
    torch.set_num_threads(1)  # as the listings train on a CPU: one thread
    try:
        with contextlib.redirect_stdout(sys.stderr):  # what training says goes to stderr
            G, run = generator(arm, args.seed, cfg, epochs, log=lambda m: print(m, file=sys.stderr, flush=True))
            images = draw(arm, G, args.samples, args.seed)
        atomic_write_bytes(args.out, npy_bytes(images))
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {args.samples} samples of {arm.prefix} ({images.shape[0]} x {images.shape[1]} "
          f"float32 in [0, 1]; run {run}, epoch {epochs}; 随机数种子 {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
