"""Checkpoints: one file per finished epoch of a training run, enough to resume it exactly.

The UvA notebooks' idea: if a trained model exists, load it and skip training.
"""
from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import torch

from . import paths
from .storage import atomic_write_bytes, read_json, write_json

TIMES_FILE = "times.json"  # CPU and wall seconds of each trained epoch, beside the checkpoints


class CheckpointError(RuntimeError):
    """A checkpoint file cannot be read; the message names it and the fix."""


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [""])[0]


def _model_state(model) -> dict:
    state = {"weights": model.state_dict()}
    if hasattr(model, "optimiser"):
        state["optimiser"] = model.optimiser.state_dict()
    for name in ("counter", "progress"):
        if hasattr(model, name):
            state[name] = list(getattr(model, name)) if name == "progress" else getattr(model, name)
    return state


def _restore_model(model, state: dict) -> None:
    model.load_state_dict(state["weights"])
    if "optimiser" in state:
        model.optimiser.load_state_dict(state["optimiser"])
    for name in ("counter", "progress"):
        if name in state:
            setattr(model, name, list(state[name]) if name == "progress" else state[name])


class Checkpoints:
    """One folder per training run, one file per finished epoch (``epoch03.pt``).

    Each file holds every model's weights, optimiser state, ``counter`` and
    ``progress``, and the random number generators, so a run resumed from
    epoch k continues exactly as an uninterrupted run would.
    """

    def __init__(self, run_name, directory=None):
        self.run_name = str(run_name)
        self.folder = Path(directory or paths.CHECKPOINT_DIR) / self.run_name

    def path(self, epoch: int) -> Path:
        return self.folder / f"epoch{epoch:02d}.pt"

    def epochs_saved(self) -> list[int]:
        if not self.folder.is_dir():
            return []
        found = (re.fullmatch(r"epoch(\d+)\.pt", p.name) for p in self.folder.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def times(self) -> dict:
        """{epoch: {"cpu": s, "wall": s, "at": unix time}} of the epochs trained so far."""
        found = read_json(self.folder / TIMES_FILE, producer="the training (delete the file to forget the times)")
        return {int(epoch): t for epoch, t in found.items()}

    def record_time(self, epoch: int, cpu: float, wall: float) -> None:
        """Note how long ``epoch`` took: CPU seconds of this process and wall seconds."""
        times = {str(e): t for e, t in self.times().items()}
        times[str(epoch)] = {"cpu": round(cpu, 2), "wall": round(wall, 2), "at": round(time.time(), 1)}
        write_json(self.folder / TIMES_FILE, dict(sorted(times.items(), key=lambda kv: int(kv[0]))), digits=None)

    def cpu_seconds(self, epochs: int) -> float | None:
        """CPU seconds of epochs 1..``epochs``, None when one of them was not timed."""
        times = self.times()
        known = [times.get(e, {}).get("cpu") for e in range(1, epochs + 1)]
        return round(sum(known), 1) if all(k is not None for k in known) else None

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def save(self, epoch: int, models: dict, extra: dict | None = None) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        state = {
            "epoch": epoch,
            "models": {name: _model_state(m) for name, m in models.items()},
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None,
            "extra": extra or {},
        }
        buffer = io.BytesIO()
        torch.save(state, buffer)
        # atomic: an interrupted save never leaves half a file
        return atomic_write_bytes(self.path(epoch), buffer.getvalue())

    def load(self, epoch: int, models: dict, restore_rng: bool = True) -> dict:
        target = self.path(epoch)
        try:
            state = torch.load(target, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise CheckpointError(f"checkpoint {target} does not exist; train first (run without --retrain).") from None
        except Exception as err:
            raise CheckpointError(
                f"checkpoint {target} is unreadable ({type(err).__name__}: {_first_line(err)}). "
                "Delete it or run again with --retrain."
            ) from None
        try:
            for name, model in models.items():
                _restore_model(model, state["models"][name])
        except (KeyError, RuntimeError, ValueError) as err:
            raise CheckpointError(
                f"checkpoint {target} does not fit this model ({type(err).__name__}: {_first_line(err)}). "
                "Delete it or run again with --retrain."
            ) from None
        if restore_rng:
            torch.set_rng_state(state["rng_cpu"])
            if state.get("rng_cuda") is not None and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(state["rng_cuda"])
        return state.get("extra", {})
