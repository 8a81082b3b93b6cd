"""Checkpoints: one file per finished epoch of a training run, enough to resume it exactly.

The UvA notebooks' idea: if a trained model exists, load it and skip training.
Nothing finished is lost: a file is written whole or not at all, a run folder
is trained by one process at a time (``lock``), a fresh run (``--retrain``)
replaces the earlier one only when its first epoch is saved, and a checkpoint
that is unreadable, incomplete or holds NaN/inf weights is refused.
"""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import time
from pathlib import Path

import torch

from . import paths
from .storage import atomic_write_bytes, exclusive, read_json, write_json

TIMES_FILE = "times.json"  # CPU and wall seconds of each trained epoch, beside the checkpoints
LOCK_FILE = ".lock"  # held (flock) by the process that trains the run


def training_lock(lock_file: Path, what: str, log=print):
    """Hold ``lock_file`` while training ``what``: a second process that wants it waits here."""
    return exclusive(lock_file, on_wait=lambda: log(f"checkpoint: another process is training {what} "
                                                    f"(lock {paths.relative(lock_file)}); waiting for it to finish"))


class CheckpointError(RuntimeError):
    """A checkpoint file cannot be read; the message names it and the fix (``problem``: without the fix)."""

    def __init__(self, message: str, problem: str | None = None):
        super().__init__(message)
        self.problem = problem or message


RESUME_FIX = "Delete it and run the training again: it resumes from the newest readable epoch."


def _refused(problem: str, fix: str = RESUME_FIX) -> CheckpointError:
    return CheckpointError(f"{problem}. {fix}", problem)


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [""])[0]


def non_finite(tensors) -> int:
    """How many values of the floating-point ``tensors`` are NaN or infinite."""
    return sum(int((~torch.isfinite(t)).sum()) for t in tensors if torch.is_tensor(t) and t.is_floating_point())


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
        times[str(epoch)] = {"cpu": round(cpu, 2), "wall": round(wall, 2), "at": time.time()}  # unrounded: grid.train compares it with its start
        write_json(self.folder / TIMES_FILE, dict(sorted(times.items(), key=lambda kv: int(kv[0]))), digits=None)

    def cpu_seconds(self, epochs: int) -> float | None:
        """CPU seconds of epochs 1..``epochs``, None when one of them was not timed."""
        times = self.times()
        known = [times.get(e, {}).get("cpu") for e in range(1, epochs + 1)]
        return round(sum(known), 1) if all(k is not None for k in known) else None

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self, log=print):
        """Hold this run's lock while training it: a second process on the same run waits here."""
        with training_lock(self.folder / LOCK_FILE, self.run_name, log):
            yield self

    def save(self, epoch: int, models: dict, extra: dict | None = None, replaces_run: bool = False) -> Path:
        """Save ``epoch``; ``replaces_run``: the first epoch of a fresh run, which replaces the earlier run.

        The earlier run's files are deleted only once the new epoch is safely on
        disk, newest first, so that an interruption at any point leaves either
        the earlier run (or its first epochs) or the new one, never a mixture.
        """
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

        def drop_earlier_run():
            for old in sorted(self.epochs_saved(), reverse=True):
                if old != epoch:
                    self.path(old).unlink(missing_ok=True)
            (self.folder / TIMES_FILE).unlink(missing_ok=True)

        # atomic: an interrupted save never leaves half a file
        return atomic_write_bytes(self.path(epoch), buffer.getvalue(),
                                  before_replace=drop_earlier_run if replaces_run else None)

    def read(self, epoch: int, restore_rng: bool = True) -> dict:
        """The saved state of ``epoch``, checked: readable, complete and with finite weights."""
        target = self.path(epoch)
        try:
            state = torch.load(target, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise CheckpointError(f"checkpoint {target} does not exist; train first (run without --retrain).") from None
        except Exception as err:
            raise _refused(f"checkpoint {target} is unreadable ({type(err).__name__}: {_first_line(err)})") from None
        if not isinstance(state, dict) or not isinstance(state.get("models"), dict):
            raise _refused(f"checkpoint {target} holds no models' state")
        if restore_rng and "rng_cpu" not in state:
            raise _refused(f"checkpoint {target} has no random-number state (rng_cpu), "
                           "so it cannot resume a run exactly")
        bad = non_finite(t for m in state["models"].values() if isinstance(m, dict)
                         for t in (m.get("weights") or {}).values())
        if bad:
            raise _refused(f"checkpoint {target} holds NaN or infinite weights ({bad}): its training had diverged")
        return state

    def load(self, epoch: int, models: dict, restore_rng: bool = True) -> dict:
        """Restore ``models`` (and the random-number generators) from ``epoch``; return its ``extra``."""
        return self._restore(epoch, self.read(epoch, restore_rng), models, restore_rng)

    def _restore(self, epoch: int, state: dict, models: dict, restore_rng: bool) -> dict:
        target = self.path(epoch)
        try:
            for name, model in models.items():
                _restore_model(model, state["models"][name])
        except (KeyError, RuntimeError, ValueError, TypeError) as err:
            raise CheckpointError(
                f"checkpoint {target} does not fit this model ({type(err).__name__}: {_first_line(err)}). "
                "Delete it or run again with --retrain."
            ) from None
        if restore_rng:
            try:
                torch.set_rng_state(state["rng_cpu"])
            except (RuntimeError, TypeError) as err:
                raise _refused(f"checkpoint {target} has a broken random-number state "
                               f"({type(err).__name__}: {_first_line(err)})") from None
            if state.get("rng_cuda") is not None and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(state["rng_cuda"])
        return state.get("extra", {})

    def resume(self, models: dict, upto: int, log=print) -> int:
        """Load the newest readable epoch up to ``upto`` into ``models``; return it (0: none).

        An unreadable, incomplete or non-finite epoch file is skipped with one
        line saying so: its epoch is trained and saved again. A checkpoint of
        another model is an error (nothing finished is overwritten).
        """
        skipped = []
        for epoch in sorted((e for e in self.epochs_saved() if e <= upto), reverse=True):
            try:
                state = self.read(epoch)
            except CheckpointError as err:
                skipped.append(err)
                continue
            self._restore(epoch, state, models, restore_rng=True)
            break
        else:
            epoch = 0
        if skipped:
            more = f" (and {len(skipped) - 1} more file(s) after it)" if len(skipped) > 1 else ""
            start = f"resuming from {self.path(epoch).name}, the newest readable epoch" if epoch \
                else "no readable epoch is left, so the run starts from scratch"
            log(f"{skipped[-1].problem}{more}; {start} (the skipped epochs are trained and saved again)")
        return epoch
