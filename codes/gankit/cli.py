"""The command-line flags every listing shares, and the line each run prints."""
from __future__ import annotations

import argparse
import os
import sys

import torch

from . import paths, settings
from .checkpoints import CheckpointError
from .data import DataError
from .device import DeviceError, set_seed, use_device
from .settings import SettingError
from .storage import StorageError, check_writable
from .training import ENGINE_HELP, DivergedError, EngineError, TrainingOptions

# Errors that end a script with one line naming the file or flag and the fix, no traceback.
CLEAR_ERRORS = (DataError, DeviceError, CheckpointError, EngineError, SettingError, StorageError, DivergedError)
FIGURES_FLAG = f"--out (or ${settings.FIGURES_ENV})"
CHECKPOINTS_FLAG = f"--checkpoints (or ${settings.CHECKPOINTS_ENV})"


def quick_mode() -> bool:
    """The quick configuration (``GANBOOK_QUICK=1``): built-in data, for CI and a first look."""
    return paths.QUICK


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; use 1 or more") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: use 1 or more")
    return value


def seed_value(text: str) -> int:
    """An argparse type: a 随机数种子 in 0 .. 2**32 - 1."""
    try:
        return settings.parse_seed(text)
    except SettingError as err:
        raise argparse.ArgumentTypeError(str(err).removeprefix(f"--seed {text!r} ")) from None


def parse_args(description: str, epochs: int | None = None, argv=None, engine: bool = False, **extra):
    """Parse the shared flags; ``epochs`` adds the training flags, ``engine`` the --engine flag.

    ``extra`` adds ``name=(default, help)`` flags. For a training listing,
    ``args.training`` holds the ``TrainingOptions`` of the run.
    """
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    try:
        settings.check()
        default_seed, default_data = settings.seed(), settings.data_source()
    except SettingError as err:
        parser.exit(2, f"error: {err}\n")
    parser.add_argument("--data", default=default_data, help=settings.DATA_HELP)
    parser.add_argument("--device", default=settings.device(),
                        help=settings.DEVICE_HELP)
    parser.add_argument("--seed", type=seed_value, default=default_seed, help=settings.SEED_HELP)
    if epochs is not None:
        parser.add_argument("--epochs", type=positive_int, default=epochs, help="passes over the training images")
        parser.add_argument("--retrain", action="store_true",
                            help="train from scratch even if a checkpoint exists")
        parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                            help=f"folder for trained models (${settings.CHECKPOINTS_ENV})")
    if engine:
        parser.add_argument("--engine", default="auto", help=ENGINE_HELP)
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="use only the first N training images (quick checks)")
    parser.add_argument("--out", default=None,
                        help="folder for the figures (default: _static/2/2.3 for the reference run: full "
                             "MNIST, seed 0; _build/runs/<data>-seed<seed>/_static/2/2.3 for any other; "
                             f"${settings.FIGURES_ENV})")
    for name, (default, help_text) in extra.items():
        kind = type(default) if default is not None else str
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=default, help=help_text)
    # In a notebook, %run passes its own argv; IPython's kernel flags are never ours.
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        args.device = use_device(args.device)
    except DeviceError as err:
        parser.exit(2, f"error: {err}\n")
    if args.device.type == "cpu":
        # one sample at a time: each operation is too small to share between threads, and a
        # second thread only waits (measured: 54 ms instead of 3 ms per step on a busy 2-core CPU)
        torch.set_num_threads(1)
    set_seed(args.seed)
    paths.note_run(args.seed, args.limit, args.data)
    _check_folders(parser, args, training=epochs is not None)
    if epochs is not None:
        args.training = TrainingOptions(epochs=args.epochs, seed=args.seed, device=args.device,
                                        engine=getattr(args, "engine", "auto"), retrain=args.retrain,
                                        checkpoints=args.checkpoints)
    sys.excepthook = _one_line_errors  # scripts only: IPython keeps its own traceback display
    return args


def _check_folders(parser, args, training: bool) -> None:
    """The folders this run saves into, checked before any work, so that nothing trained is lost.

    The default figure folder depends on the data (the reference run's or a run of its own):
    a training listing loads its data here, once (``load_mnist`` keeps it for the listing).
    """
    try:
        if args.out or os.environ.get(settings.FIGURES_ENV) or training:
            check_writable(args.out or paths.figure_dir(), FIGURES_FLAG)
        if training:
            check_writable(args.checkpoints, CHECKPOINTS_FLAG)
    except StorageError as err:
        parser.exit(2, f"error: {err}\n")
    except CLEAR_ERRORS as err:  # the data, when loading it for the figure folder
        parser.exit(1, f"error: {err}\n")


def report(args, dataset=None, **more) -> None:
    """Print what this run uses: data source and size, device, seed and the rest.

    ``args`` is the parsed flags or a ``TrainingOptions``; ``dataset`` a
    listing's ``MnistDataset`` (or a ``MnistData``).
    """
    if dataset is not None:
        data = getattr(dataset, "data", dataset)
        print(data.describe(len(dataset)))
    items = {"device": args.device, "seed": args.seed}
    if getattr(args, "epochs", None) is not None:
        items["epochs"] = args.epochs
    items.update(more)
    print(" | ".join(f"{k}: {v}" for k, v in items.items()))


def _one_line_errors(kind, err, tb, _default=sys.excepthook):
    """In a script, a data, device or checkpoint problem ends with one clear line, no traceback."""
    if isinstance(err, CLEAR_ERRORS):
        print(f"error: {err}", file=sys.stderr)
    elif isinstance(err, KeyboardInterrupt):
        print("stopped.", file=sys.stderr)
    else:
        _default(kind, err, tb)
