"""Device choice and seeding (d2l's ``try_gpu`` idea, with a clear error when asked for too much)."""
from __future__ import annotations

import random

import numpy as np
import torch

from . import settings
from .settings import DEVICE_ENV
CHOICES = ("auto", "cuda", "mps", "cpu")
# How a model's loop trains (the manifest's ``trainer``): where ``auto`` puts it follows the table
# of ``make bench``. One sample at a time, a step is dozens of tiny operations whose cost is
# PyTorch's per-operation overhead, which a GPU does not remove, so the CPU is expected to be faster
# there (with the fast engine where the printed code is unchanged; no GPU row has been measured yet).
# Mini-batches are where a GPU helps.
PER_SAMPLE, BATCHES = "samples", "batches"


class DeviceError(RuntimeError):
    """The requested device does not exist on this machine."""


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def choose_device(name: str | None = None, trainer: str | None = None) -> torch.device:
    """The device of ``pick_device``."""
    return pick_device(name, trainer)[0]


def pick_device(name: str | None = None, trainer: str | None = None) -> tuple[torch.device, str]:
    """(device, why) for ``name``. ``auto``: the CPU for a model trained one sample at a time
    (``trainer`` PER_SAMPLE), else CUDA, then Apple MPS, then the CPU; an explicit choice must exist."""
    name = (name or settings.device()).strip().lower() or "auto"
    base = name.split(":")[0]
    if base not in CHOICES:
        raise DeviceError(f"unknown device {name!r} (--device or ${DEVICE_ENV}); choose one of {', '.join(CHOICES)}.")
    if base == "auto":
        accelerator = "cuda" if torch.cuda.is_available() else "mps" if _mps_available() else None
        if accelerator is None:
            return torch.device("cpu"), ""  # the only choice: nothing to explain
        if trainer == PER_SAMPLE:
            return torch.device("cpu"), (f"自动选择：逐个样本训练，每一步都是许多很小的运算，放在 CPU 上"
                                         f"（可用快速引擎）；make bench 比较本机各设备的速度，"
                                         f"--device {accelerator} 强制使用 GPU")
        return torch.device(accelerator), "自动选择：小批量训练在 GPU 上更快"
    return _explicit(name, base), "由 --device 指定"


def _explicit(name: str, base: str) -> torch.device:
    """The device the reader named, when it exists."""
    if base == "cuda" and not torch.cuda.is_available():
        raise DeviceError(
            f"--device {name} was requested, but PyTorch sees no CUDA GPU on this machine "
            f"(torch {torch.__version__}, torch.cuda.is_available() is False). "
            "Use --device auto or --device cpu."
        )
    if base == "mps" and not _mps_available():
        raise DeviceError("--device mps was requested, but Apple's MPS backend is not available here. Use --device auto or --device cpu.")
    return torch.device(name)


def use_device(name: str | None = None, trainer: str | None = None) -> torch.device:
    """Choose a device (``pick_device``) and make it PyTorch's default, so the listings need no
    ``.to(device)``.

    On the CPU nothing is changed: the default device mode costs a few
    microseconds per tensor operation, which adds up over a million small steps.
    """
    return set_default_device(choose_device(name, trainer))


def set_default_device(device: torch.device) -> torch.device:
    """Make ``device`` PyTorch's default (nothing on the CPU: see ``use_device``)."""
    torch.set_default_device(None if device.type == "cpu" else device)
    return device


def set_seed(seed: int) -> int:
    """Seed Python, NumPy and PyTorch (all devices) with one number, and return it."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed
