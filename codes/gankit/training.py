"""Progress bars and checkpoints for the chapter's training loops (UvA notebooks' idea:
if a trained model exists, load it and skip training)."""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Callable

import torch
from tqdm import tqdm

from . import paths


class CheckpointError(RuntimeError):
    """A checkpoint file cannot be read; the message names it and the fix."""


def progress(iterable, desc: str, total: int | None = None):
    """A tqdm bar on stderr (kept out of nbval's comparison), updated at most once a second."""
    return tqdm(iterable, desc=desc, total=total, file=sys.stderr, mininterval=1.0,
                ncols=88, unit="img", leave=True)


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

    def __init__(self, run_name: str, directory: str | os.PathLike | None = None):
        self.run_name = run_name
        self.folder = Path(directory or paths.CHECKPOINT_DIR) / run_name

    def path(self, epoch: int) -> Path:
        return self.folder / f"epoch{epoch:02d}.pt"

    def epochs_saved(self) -> list[int]:
        if not self.folder.is_dir():
            return []
        found = (re.fullmatch(r"epoch(\d+)\.pt", p.name) for p in self.folder.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

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
        target = self.path(epoch)
        tmp = target.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, target)  # atomic: an interrupted save never leaves half a file
        return target

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


def train_epochs(run_name: str, models: dict, one_epoch: Callable[[int], None], epochs: int,
                 retrain: bool = False, directory=None, log=print) -> Checkpoints:
    """Bring ``models`` to ``epochs`` finished epochs, loading or resuming where possible.

    ``one_epoch(epoch)`` trains one pass over the data. After each epoch all
    state is saved, so an interrupted run loses at most the epoch in progress.
    """
    ckpt = Checkpoints(run_name, directory)
    if retrain:
        ckpt.clear()
    done = max((e for e in ckpt.epochs_saved() if e <= epochs), default=0)
    if done:
        ckpt.load(done, models)
        verb = "loaded" if done == epochs else "resuming from"
        log(f"checkpoint: {verb} {paths.relative(ckpt.path(done))} ({done} epoch{'s' if done > 1 else ''} done)")
    for epoch in range(done + 1, epochs + 1):
        try:
            one_epoch(epoch)
        except KeyboardInterrupt:
            kept = f"epochs 1-{epoch - 1} are saved in {paths.relative(ckpt.folder)}" if epoch > 1 else "no epoch was finished"
            log(f"interrupted during epoch {epoch}: {kept}. Run the same command again to resume.")
            raise
        saved = ckpt.save(epoch, models)
        log(f"checkpoint: saved {paths.relative(saved)}")
    return ckpt
