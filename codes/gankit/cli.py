"""The command-line flags every listing shares, and the line each run prints."""
from __future__ import annotations

import argparse
import os
import sys

import torch

from . import paths
from .data import DATA_ENV
from .device import DEVICE_ENV, DeviceError, use_device, set_seed
from .data import DataError
from .training import CheckpointError


class EngineError(RuntimeError):
    """The requested training engine cannot train these models here."""

SEED_ENV = "GANBOOK_SEED"


def quick_mode() -> bool:
    """The quick configuration (``GANBOOK_QUICK=1``): built-in data, for CI and a first look."""
    return paths.QUICK


def parse_args(description: str, epochs: int | None = None, argv=None, **extra):
    """Parse the shared flags. ``extra`` adds ``name=(default, help)`` flags."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data", default=os.environ.get(DATA_ENV) or ("builtin" if quick_mode() else "auto"),
                        help=f"MNIST source: a .csv file, a folder with MNIST IDX files, 'download', "
                             f"'builtin' (5,000-image subset) or 'auto' (${DATA_ENV})")
    parser.add_argument("--device", default=os.environ.get(DEVICE_ENV, "auto"),
                        help=f"auto (CUDA, then Apple MPS, then CPU), cuda, mps or cpu (${DEVICE_ENV})")
    parser.add_argument("--seed", type=int, default=int(os.environ.get(SEED_ENV, 0)),
                        help=f"random seed for weights and noise (${SEED_ENV})")
    if epochs is not None:
        parser.add_argument("--epochs", type=int, default=epochs, help="passes over the training images")
        parser.add_argument("--retrain", action="store_true",
                            help="train from scratch even if a checkpoint exists")
        parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                            help="folder for trained models ($GANBOOK_CHECKPOINTS)")
    parser.add_argument("--limit", type=int, default=None,
                        help="use only the first N training images (quick checks)")
    parser.add_argument("--out", default=str(paths.FIGURE_DIR),
                        help="folder for the figures ($GANBOOK_FIGURES)")
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
    sys.excepthook = _one_line_errors  # scripts only: IPython keeps its own traceback display
    return args


def report(args, dataset=None, **more) -> None:
    """Print what this run uses: data source and size, device, seed and the rest.

    ``dataset`` is a listing's ``MnistDataset`` (or a ``MnistData``).
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
    if isinstance(err, (DataError, DeviceError, CheckpointError, EngineError)):
        print(f"error: {err}", file=sys.stderr)
    elif isinstance(err, KeyboardInterrupt):
        print("stopped.", file=sys.stderr)
    else:
        _default(kind, err, tb)


def run_name(prefix: str, args, dataset, engine: str | None = None) -> str:
    """The checkpoint folder of one training run: what was trained, on which data, how.

    ``gan-idx60000-seed0-cpu-fast`` for the first GAN on the full MNIST, seed 0,
    on the CPU with the fast engine. Different settings never share a checkpoint.
    """
    parts = [prefix, f"{dataset.data.kind}{len(dataset)}", f"seed{args.seed}", args.device.type]
    if engine:
        parts.append(engine)
    return "-".join(parts)
