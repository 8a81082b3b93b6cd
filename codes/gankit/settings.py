"""The project's settings: environment variables, their flags, defaults and how they are read.

Every setting has one home here; ``cli.parse_args`` turns them into the flags
every listing shares, the experiments (``codes/experiments``) use the same ones.
A malformed value ends in one clear line naming the variable and the fix.
"""
from __future__ import annotations

import os

DATA_ENV = "GANBOOK_DATA"
DEVICE_ENV = "GANBOOK_DEVICE"
SEED_ENV = "GANBOOK_SEED"
QUICK_ENV = "GANBOOK_QUICK"
CHECKPOINTS_ENV = "GANBOOK_CHECKPOINTS"
FIGURES_ENV = "GANBOOK_FIGURES"
RESULTS_ENV = "GANBOOK_RESULTS"
WIDGETS_ENV = "GANBOOK_WIDGETS"
REFERENCE_ENV = "GANBOOK_REFERENCE"  # 1: a maintainer rewrites the book's reference (make figures REFERENCE=1)

DATA_CHOICES = "a .csv file, a folder with MNIST IDX files, 'download', 'builtin' or 'auto'"
DATA_HELP = (f"MNIST 数据来源：.csv 文件、存放 MNIST IDX 文件的文件夹、download（下载）、"
             f"builtin（内置的 5000 张子集）或 auto（${DATA_ENV}）")
DEVICE_HELP = (f"auto（逐个样本训练的模型用 CPU，小批量的依次尝试 CUDA、Apple MPS、CPU）、cuda、mps 或 cpu"
               f"（${DEVICE_ENV}）")
SEED_HELP = f"随机数种子，决定初始权重与噪声，0 到 2**32 - 1（${SEED_ENV}）"
MAX_SEED = 2**32 - 1  # torch.manual_seed accepts more, numpy's seed no more than this

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


class SettingError(ValueError):
    """A setting (environment variable or flag) has a value the project cannot use."""


def flag(name: str, default: bool = False) -> bool:
    """A yes/no environment variable: 1/true/yes/on or 0/false/no/off (any case)."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"${name}={value!r} is not a yes/no value; use 1 or 0 (true/false, yes/no, on/off).")


def quick() -> bool:
    """The quick configuration (``GANBOOK_QUICK=1``): built-in data, outputs in a run folder under _build/runs."""
    return flag(QUICK_ENV)


def reference() -> bool:
    """``GANBOOK_REFERENCE=1``: this run of the reference configuration rewrites the book's own files.

    Only a maintainer asks for it (``make figures REFERENCE=1``); without it every run, the full
    MNIST with 随机数种子 0 included, writes under _build/runs/.
    """
    return flag(REFERENCE_ENV)


def data_source(value: str | None = None) -> str:
    """The MNIST source: ``value``, else ``$GANBOOK_DATA``, else ``builtin`` (quick) or ``auto``."""
    return value or os.environ.get(DATA_ENV) or ("builtin" if quick() else "auto")


def parse_seed(text, where: str = "--seed") -> int:
    """A 随机数种子 as an int in 0 .. 2**32 - 1 (``where`` names the flag or variable)."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise SettingError(f"{where} {text!r} is not a whole number; use an integer 0 to {MAX_SEED}.") from None
    if not 0 <= seed <= MAX_SEED:
        raise SettingError(f"{where} {seed} is out of range; use an integer 0 to {MAX_SEED}.")
    return seed


def seed() -> int:
    """``$GANBOOK_SEED``, 0 when unset."""
    value = os.environ.get(SEED_ENV)
    return 0 if value in (None, "") else parse_seed(value, f"${SEED_ENV}")


def check() -> None:
    """Read every setting once, so that a malformed one stops an entry point before any work.

    Each script of the project (listings, experiments, tools) calls this first;
    the SettingError names the variable and the fix. It first makes the console's output safe
    for any encoding (``gankit.console``), so that no message ends in UnicodeEncodeError.
    """
    from .console import safe_output

    safe_output()
    quick()
    reference()
    seed()


def device() -> str:
    """``$GANBOOK_DEVICE`` without surrounding spaces (as ``$GANBOOK_SEED``), ``auto`` when unset."""
    return (os.environ.get(DEVICE_ENV) or "").strip() or "auto"


def data_variable() -> str:
    """``$GANBOOK_DATA`` as set, ``auto`` when unset (no quick default: ``data_source`` adds it)."""
    return os.environ.get(DATA_ENV) or "auto"


def folder(name: str) -> str | None:
    """A folder the reader moved with its variable (``CHECKPOINTS_ENV``, ``FIGURES_ENV``,
    ``RESULTS_ENV``, ``WIDGETS_ENV``), or None where it is unset."""
    return os.environ.get(name) or None
