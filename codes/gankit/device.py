"""Device choice and seeding (d2l's ``try_gpu`` idea, with a clear error when asked for too much)."""
from __future__ import annotations

import random

import numpy as np
import torch

from . import settings
from .settings import DEVICE_ENV
CHOICES = ("auto", "cuda", "mps", "cpu")


class DeviceError(RuntimeError):
    """The requested device does not exist on this machine."""


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def choose_device(name: str | None = None) -> torch.device:
    """CUDA, then Apple MPS, then CPU for ``auto``; an explicit choice must exist."""
    name = (name or settings.device()).strip().lower() or "auto"
    base = name.split(":")[0]
    if base not in CHOICES:
        raise DeviceError(f"unknown device {name!r} (--device or ${DEVICE_ENV}); choose one of {', '.join(CHOICES)}.")
    if base == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if base == "cuda" and not torch.cuda.is_available():
        raise DeviceError(
            f"--device {name} was requested, but PyTorch sees no CUDA GPU on this machine "
            f"(torch {torch.__version__}, torch.cuda.is_available() is False). "
            "Use --device auto or --device cpu."
        )
    if base == "mps" and not _mps_available():
        raise DeviceError("--device mps was requested, but Apple's MPS backend is not available here. Use --device auto or --device cpu.")
    return torch.device(name)


def use_device(name: str | None = None) -> torch.device:
    """Choose a device and make it PyTorch's default, so the listings need no ``.to(device)``.

    On the CPU nothing is changed: the default device mode costs a few
    microseconds per tensor operation, which adds up over a million small steps.
    """
    device = choose_device(name)
    torch.set_default_device(None if device.type == "cpu" else device)
    return device


def set_seed(seed: int) -> int:
    """Seed Python, NumPy and PyTorch (all devices) with one number, and return it."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed
