"""The command-line flags every listing shares, and the line each run prints."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from . import paths, settings
from .checkpoints import CheckpointError
from .data import DataError
from .device import PER_SAMPLE, DeviceError, pick_device, set_default_device, set_seed
from .root import book_models
from .settings import SettingError
from .storage import StorageError, check_writable
from .training import ENGINE_HELP, DivergedError, EngineError, LoopError, Run

# Errors that end a script with one line naming the file or flag and the fix, no traceback.
CLEAR_ERRORS = (DataError, DeviceError, CheckpointError, EngineError, SettingError, StorageError, DivergedError,
                LoopError)
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


class ChineseHelp(argparse.ArgumentDefaultsHelpFormatter):
    """argparse's help in Chinese: 用法 and 默认值."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：")

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            text += "（默认：%(default)s）"
        return text


def _parser(description: str, epochs: int | None, engine: bool, extra: dict) -> argparse.ArgumentParser:
    """The flags a listing shares, with Chinese help; ``epochs`` adds the training flags."""
    parser = argparse.ArgumentParser(description=description, formatter_class=ChineseHelp, add_help=False)
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示这段帮助并退出")
    try:
        settings.check()
        default_seed, default_data = settings.seed(), settings.data_source()
    except SettingError as err:
        parser.exit(2, f"error: {err}\n")
    parser.add_argument("--data", default=default_data, help=settings.DATA_HELP)
    parser.add_argument("--device", default=settings.device(), help=settings.DEVICE_HELP)
    parser.add_argument("--seed", type=seed_value, default=default_seed, help=settings.SEED_HELP)
    if epochs is not None:
        parser.add_argument("--epochs", type=positive_int, default=epochs, help="训练的轮次（遍历训练图像的次数）")
        parser.add_argument("--retrain", action="store_true", help="即使已有检查点，也从头训练")
        parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                            help=f"保存训练好的模型的文件夹（${settings.CHECKPOINTS_ENV}）")
    if engine:
        parser.add_argument("--engine", default="auto", help=ENGINE_HELP)
    parser.add_argument("--limit", type=positive_int, default=None, help="只用前 N 张训练图像（快速检查）")
    parser.add_argument("--out", default=None,
                        help="保存图的文件夹（参考运行，即完整 MNIST、随机数种子 0：_static/2/2.3；"
                             f"其他运行：_build/runs/<数据>-seed<种子>/_static/2/2.3；${settings.FIGURES_ENV}）")
    for name, (default, help_text) in extra.items():
        kind = type(default) if default is not None else str
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=default, help=help_text)
    return parser


def start(description: str, epochs: int | None = None, engine: bool = False, argv=None) -> Run:
    """Resolve a listing's run once, from its command line: the ``Run`` its ``__main__`` passes on.

    Parses the shared flags (``epochs`` adds the training flags, ``engine`` the --engine flag),
    chooses the device, checks the folders the run writes before any work, and in a script ends
    a data, device or checkpoint problem with one clear line. The listing seeds and prints its
    随机数种子 itself.
    """
    listing = sys._getframe(1).f_code.co_filename  # the listing whose __main__ calls this
    return parse_args(description, epochs, argv, engine, seed_all=False, listing=listing).run


def trainer_of(listing: str | None) -> str | None:
    """How the model that ``listing`` trains is trained (the manifest's ``trainer``): ``batches``
    or one sample at a time; None for a file the manifest does not name."""
    name = Path(listing).name if listing else None
    for model in book_models():
        if model.get("listing") == name:
            return model.get("trainer", PER_SAMPLE)
    return None


def parse_args(description: str, epochs: int | None = None, argv=None, engine: bool = False,
               seed_all: bool = True, listing: str | None = None, **extra):
    """The parsed flags of ``start`` (``args.run`` is the ``Run``); ``extra`` adds ``name=(default, help)``
    flags. ``seed_all`` seeds Python, NumPy and PyTorch with ``--seed``, for scripts that do not
    seed themselves. ``listing``: the file that runs, whose model decides where ``auto`` trains."""
    parser = _parser(description, epochs, engine, extra)
    # In a notebook, %run passes its own argv; IPython's kernel flags are never ours.
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        args.device, device_why = pick_device(args.device, trainer_of(listing))
        set_default_device(args.device)
    except DeviceError as err:
        parser.exit(2, f"error: {err}\n")
    if args.device.type == "cpu":
        # one sample at a time: each operation is too small to share between threads, and a
        # second thread only waits (measured: 54 ms instead of 3 ms per step on a busy 2-core CPU)
        torch.set_num_threads(1)
    if seed_all:
        set_seed(args.seed)
    args.run = Run(data=args.data, seed=args.seed, device=args.device, limit=args.limit,
                   epochs_total=getattr(args, "epochs", None), retrain=getattr(args, "retrain", False),
                   engine=getattr(args, "engine", "auto"), device_why=device_why,
                   checkpoints=Path(getattr(args, "checkpoints", paths.CHECKPOINT_DIR)),
                   figures=Path(args.out) if args.out else None)
    _check_folders(parser, args, training=epochs is not None)
    if epochs is not None:
        args.training = args.run.training
    sys.excepthook = _one_line_errors  # scripts only: IPython keeps its own traceback display
    return args


def _check_folders(parser, args, training: bool) -> None:
    """The folders this run saves into, checked before any work, so that nothing trained is lost.

    The default figure folder depends on the data (the reference run's or a run of its own):
    a training listing loads its data here, once (``load_mnist`` keeps it for the listing).
    """
    try:
        if args.out or settings.folder(settings.FIGURES_ENV) or training:
            check_writable(args.run.figure_dir(), FIGURES_FLAG)
        if training:
            check_writable(args.checkpoints, CHECKPOINTS_FLAG)
    except StorageError as err:
        parser.exit(2, f"error: {err}\n")
    except CLEAR_ERRORS as err:  # the data, when loading it for the figure folder
        parser.exit(1, f"error: {err}\n")


def report(run, dataset=None, **more) -> None:
    """Print what this run uses: data source and size, device, and the rest (``more``).

    ``run`` is a ``Run`` (or parsed flags); ``dataset`` a listing's ``MnistDataset`` (or a ``MnistData``).
    """
    if dataset is not None:
        data = getattr(dataset, "data", dataset)
        print(data.describe(len(dataset)))
    items = {"设备": run.device, **more}
    print(" | ".join(f"{k}：{v}" for k, v in items.items()))


def _one_line_errors(kind, err, tb, _default=sys.excepthook):
    """In a script, a data, device or checkpoint problem ends with one clear line, no traceback."""
    if isinstance(err, CLEAR_ERRORS):
        print(f"error: {err}", file=sys.stderr)
    elif isinstance(err, KeyboardInterrupt):
        print("stopped.", file=sys.stderr)
    else:
        _default(kind, err, tb)
