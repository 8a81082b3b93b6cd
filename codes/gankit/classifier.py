"""The digit classifier behind the score card (used by ``gankit.scorecard``).

A small convolutional network (LeNet-like: two 5x5 convolutions with max
pooling, a 128-unit hidden layer, 10 outputs), trained with mini-batches and
Adam on the chosen MNIST source, seeded, and cached as a checkpoint under
``gankit.CHECKPOINT_DIR/classifier/`` keyed by a fingerprint of the images and labels it
was trained on (``classifier-idx60000-d18cfd466e-seed0.pt``: data kind, count, the first
digits of their SHA-256), so a second run on the same data loads it instead of retraining,
and other data of the same size never does. Its test accuracy is measured on images it never
saw: the test split of the source (MNIST's t10k files, the built-in subset's last 1,000), or,
for a CSV, a ``mnist_test.csv`` beside ``mnist_train.csv``, else the last sixth of the CSV,
held out of the classifier's training (it says so). A plain MLP is not used on purpose: it
rates blurry averages of digits as confident digits.

- ``DigitClassifier``          the network; ``features(x)`` gives the 128 penultimate
  values (after ReLU) that FID, recall and coverage are computed on
- ``load_classifier(source)``  load the cached classifier for a data source, or train it
- ``train_classifier(...)``, ``accuracy(...)``

Command line (``make classifier``)::

    PYTHONPATH=codes python -m gankit.classifier [--data SOURCE] [--epochs 3] [--retrain]
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import paths
from . import settings
from .checkpoints import CheckpointError, non_finite, training_lock
from .data import DataError, MnistData, load_mnist
from .device import set_seed
from .storage import atomic_write_bytes, check_writable

DEFAULT_EPOCHS = 4  # full MNIST: about 99% test accuracy
BUILTIN_EPOCHS = 12  # the 4,000-image subset needs more passes over fewer images
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
LR_DECAY = 0.7  # learning rate x0.7 after each epoch
NUM_FEATURES = 128
THREADS = 1  # a sum split among threads is added in another order: one thread, the same bits everywhere


class DigitClassifier(nn.Module):
    """LeNet-like CNN: 28x28 image (or 784 values in [0, 1]) -> 10 logits.

    ``num_features`` tells torchmetrics' ``FrechetInceptionDistance`` the size
    of ``features(x)`` so it needs no dummy forward pass.
    """

    num_features = NUM_FEATURES

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 5),  # 28 -> 24
            nn.ReLU(),
            nn.MaxPool2d(2),  # 24 -> 12
            nn.Conv2d(32, 64, 5),  # 12 -> 8
            nn.ReLU(),
            nn.MaxPool2d(2),  # 8 -> 4
            nn.Flatten(),  # 64 * 4 * 4 = 1024
        )
        self.hidden = nn.Sequential(nn.Linear(1024, NUM_FEATURES), nn.ReLU())
        self.dropout = nn.Dropout(0.25)
        self.out = nn.Linear(NUM_FEATURES, 10)

    @staticmethod
    def _as_images(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 1, 28, 28).float()

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The 128 penultimate values per image (N, 128)."""
        return self.hidden(self.conv(self._as_images(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(self.features(x)))

    @torch.no_grad()
    def logits_and_features(self, images: torch.Tensor, batch_size: int = 2000):
        """(logits, features) for many images, in evaluation mode, batch by batch."""
        was_training = self.training
        self.eval()
        logits, feats = [], []
        for start in range(0, len(images), batch_size):
            f = self.features(images[start:start + batch_size])
            feats.append(f)
            logits.append(self.out(f))
        self.train(was_training)
        return torch.cat(logits), torch.cat(feats)


class FeatureExtractor(nn.Module):
    """The classifier's penultimate layer as torchmetrics' custom FID ``feature`` module.

    torchmetrics 1.9 calls ``feature(imgs)`` with the images passed to
    ``update`` (float32 in [0, 1] with ``normalize=True``) and expects an
    ``(N, num_features)`` matrix. It stays in evaluation mode (no dropout).
    """

    def __init__(self, classifier: DigitClassifier):
        super().__init__()
        self.classifier = classifier
        self.num_features = classifier.num_features

    def train(self, mode: bool = True):  # never leaves evaluation mode
        return super().train(False)

    @torch.no_grad()
    def forward(self, imgs: torch.Tensor) -> torch.Tensor:
        return self.classifier.features(imgs.float())


HELD_OUT_SHARE = 6  # a CSV without a test file: its last 1/6 is held out (MNIST: 10,000 of 60,000)
DIGEST_DIGITS = 10  # hex digits of the training data's SHA-256 in the checkpoint's name


@dataclass
class Splits:
    """The images the classifier trains on and the ones it is tested on, never the same file."""

    train: MnistData
    test: MnistData
    note: str = ""  # how the test images were chosen, when the source has no test split of its own


def splits(source=None) -> Splits:
    """The training and test images of the classifier for MNIST ``source``.

    IDX files and the built-in subset have a test split of their own. A CSV has not: a
    ``*test*.csv`` beside a ``*train*.csv`` is used when there is one, else the CSV's last
    1/HELD_OUT_SHARE is held out and the classifier trains on the rest.
    """
    data = load_mnist(source, "train", quiet=True)
    if data.kind != "csv":
        test = load_mnist(source, "test", quiet=True)
        if test.digest == data.digest:
            raise DataError(f"the test split of {data.source} holds the same images as its training split, "
                            "so a test accuracy would be a training accuracy. Fix: use MNIST's own t10k files.")
        return Splits(data, test)
    path = Path(str(source))
    name = path.name
    beside = path.with_name(name.replace("train", "test")) if "train" in name else None
    if beside is not None and beside.is_file():
        test = load_mnist(str(beside), quiet=True)
        if test.digest != data.digest:
            return Splits(data, test, f"tested on {beside.name}, the test file beside {name}")
    held = max(1, len(data) // HELD_OUT_SHARE)
    if len(data) - held < 1:
        raise DataError(f"{path} holds {len(data)} image(s): too few to hold some out for testing the "
                        "classifier. Fix: use a CSV of more images, or MNIST's IDX files.")
    first = len(data) - held
    note = (f"{name} has no test split: the classifier trains on its first {first} images and is tested "
            f"on the last {held}, held out")
    return Splits(data.part(0, first), data.part(first, source=f"{data.source} (held-out rows)"), note)


def checkpoint_path(data: MnistData, seed: int = 0, directory=None) -> Path:
    """The classifier trained on ``data`` (the images it trains on: ``splits(source).train``)."""
    name = f"classifier-{data.key()}-{data.digest[:DIGEST_DIGITS]}-seed{seed}.pt"
    return Path(directory or paths.CHECKPOINT_DIR) / "classifier" / name


@torch.no_grad()
def accuracy(model: DigitClassifier, data: MnistData) -> float:
    logits, _ = model.logits_and_features(data.images.cpu())
    return (logits.argmax(1) == data.labels.cpu()).float().mean().item()


def train_classifier(train: MnistData, epochs: int, seed: int = 0, log=print) -> DigitClassifier:
    """Train a fresh classifier: Adam, mini-batches of 64, learning rate x0.7 after each epoch."""
    set_seed(seed)
    threads = torch.get_num_threads()
    if threads_chosen is None:
        torch.set_num_threads(THREADS)  # see gankit/cpu.py: with its pins, the same weights on any x86-64 CPU
    try:
        return _train(train, epochs, seed, log)
    finally:
        torch.set_num_threads(threads)


threads_chosen = None  # the --threads of `python -m gankit.classifier`, when a reader chose it


def _train(train: MnistData, epochs: int, seed: int, log=print) -> DigitClassifier:
    model = DigitClassifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    scheduler = torch.optim.lr_scheduler.StepLR(optimiser, step_size=1, gamma=LR_DECAY)
    images, labels = train.images.cpu(), train.labels.cpu()
    order_rng = torch.Generator().manual_seed(seed)
    model.train()
    for epoch in range(1, epochs + 1):
        start, total = time.perf_counter(), 0.0
        order = torch.randperm(len(images), generator=order_rng)
        for i in range(0, len(order), BATCH_SIZE):
            batch = order[i:i + BATCH_SIZE]
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        scheduler.step()
        log(f"classifier epoch {epoch}/{epochs}: loss {total / len(images):.4f} "
            f"({time.perf_counter() - start:.1f} s)")
    model.eval()
    return model


def load_classifier(source=None, epochs: int | None = None, retrain: bool = False, seed: int = 0,
                    directory=None, log=print) -> DigitClassifier:
    """The classifier for MNIST ``source``: loaded from its checkpoint, or trained and saved.

    ``epochs=None`` accepts any cached classifier for this source (and trains
    with the default number of epochs otherwise); an explicit ``epochs`` that
    differs from the cached one retrains. The returned model is in eval mode
    and carries ``info`` (data, epochs, test accuracy, training time). One
    process trains a classifier at a time; another waits, then loads it.
    """
    data = splits(source)
    target = checkpoint_path(data.train, seed, directory)
    model = None if retrain else _cached(target, epochs, log, data.train.digest)
    if model is not None:
        return model
    with training_lock(target.with_name(target.name + ".lock"), f"the classifier {target.stem}", log):
        model = None if retrain else _cached(target, epochs, lambda message: None, data.train.digest)
        if model is not None:  # trained by the process this one waited for
            log(f"classifier: loaded {_display(target)}, trained meanwhile by another process")
            return model
        return _train_and_save(data, target, epochs, seed, log)


def _cached(target: Path, epochs: int | None, log=print, digest: str = "") -> DigitClassifier | None:
    """The classifier saved at ``target``, or None when there is none, it has other epochs, or it
    records training data other than ``digest`` (a file copied under another name)."""
    if not target.is_file():
        return None
    state = read_checkpoint(target)
    trained_on = state["info"].get("data_sha256")
    if digest and trained_on and trained_on != digest:
        log(f"classifier: {_display(target)} was trained on other data (SHA-256 {trained_on[:DIGEST_DIGITS]}, "
            f"not {digest[:DIGEST_DIGITS]}): retraining")
        return None
    if epochs is not None and state["info"]["epochs"] != epochs:
        log(f"classifier: {_display(target)} was trained for {state['info']['epochs']} epochs, "
            f"{epochs} requested: retraining")
        return None
    model = DigitClassifier()
    try:
        model.load_state_dict(state["weights"])
    except (RuntimeError, TypeError) as err:
        raise _unusable(target, f"does not fit the classifier ({type(err).__name__})") from None
    model.eval()
    model.info = dict(state["info"], checkpoint=str(target), loaded=True)
    log(f"classifier: loaded {_display(target)} (test accuracy {model.info['test_accuracy']:.4f})")
    return model


def _train_and_save(data: Splits, target: Path, epochs: int | None, seed: int, log=print) -> DigitClassifier:
    """Train a classifier on ``data.train``, measure it on ``data.test`` and save it at ``target``."""
    train, test = data.train, data.test
    if epochs is None:
        epochs = BUILTIN_EPOCHS if train.kind == "builtin" else DEFAULT_EPOCHS
    if data.note:
        log(f"classifier: {data.note}")
    log(f"classifier: training on {train.describe()}, {epochs} epochs, seed {seed}, "
        f"{torch.get_num_threads()} CPU thread(s)")
    start = time.perf_counter()
    model = train_classifier(train, epochs, seed, log)
    seconds = time.perf_counter() - start
    acc = accuracy(model, test)
    info = {"data": train.source, "data_key": train.key(), "data_sha256": train.digest,
            "train_images": len(train), "test_images": len(test), "test_data": test.source,
            "epochs": epochs, "seed": seed, "test_accuracy": acc, "train_seconds": round(seconds, 1),
            "threads": torch.get_num_threads()}
    buffer = io.BytesIO()
    torch.save({"weights": model.state_dict(), "info": info}, buffer)
    atomic_write_bytes(target, buffer.getvalue())
    model.info = dict(info, checkpoint=str(target), loaded=False)
    log(f"classifier: test accuracy {acc:.4f} on {len(test)} test images "
        f"(trained in {seconds:.0f} s), saved {_display(target)}")
    return model


def _display(path: Path) -> str:
    return paths.relative(path)


def _unusable(target: Path, problem: str) -> CheckpointError:
    return CheckpointError(f"classifier checkpoint {target} {problem}. Fix: delete it (the next run trains "
                           "the classifier again) or run python -m gankit.classifier --retrain.")


def read_checkpoint(target: Path) -> dict:
    """The saved classifier ``{"weights", "info"}``, checked; a CheckpointError naming the file otherwise."""
    try:
        state = torch.load(target, map_location="cpu", weights_only=True)
    except Exception as err:
        raise _unusable(target, f"is unreadable ({type(err).__name__})") from None
    if not isinstance(state, dict) or not isinstance(state.get("weights"), dict) \
            or not isinstance(state.get("info"), dict) or "epochs" not in state["info"]:
        raise _unusable(target, "is incomplete (it needs the weights and info of a trained classifier)")
    if non_finite(state["weights"].values()):
        raise _unusable(target, "holds NaN or infinite weights")
    return state


def main(argv=None) -> int:
    from .cli import CLEAR_ERRORS, positive_int, seed_value

    try:
        settings.check()
    except settings.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description="Train (or load) the digit classifier of the score card "
                                                 "and print its test accuracy.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data", default=settings.data_source(), help=settings.DATA_HELP)
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help=f"passes over the training images (default {DEFAULT_EPOCHS}, builtin {BUILTIN_EPOCHS})")
    parser.add_argument("--seed", type=seed_value, default=0, help="随机数种子 of the classifier's training")
    parser.add_argument("--retrain", action="store_true", help="train even if a checkpoint exists")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help=f"torch CPU threads of the training (default {THREADS}: the same weights on every CPU)")
    args = parser.parse_args(argv)
    try:
        check_writable(paths.CHECKPOINT_DIR / "classifier", f"${settings.CHECKPOINTS_ENV}")
    except CLEAR_ERRORS as err:  # a setting's folder: exit status 2, as for a bad flag
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        return _main(args)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _main(args) -> int:
    global threads_chosen
    if args.threads:
        torch.set_num_threads(args.threads)
        threads_chosen = args.threads
    model = load_classifier(args.data, args.epochs, args.retrain, args.seed)
    info = model.info
    data = splits(args.data)
    if data.note:
        print(f"classifier: {data.note}")
    if info["loaded"]:  # measure again, so the printed number is never stale
        info["test_accuracy"] = accuracy(model, data.test)
    print(f"test accuracy: {info['test_accuracy']:.4f} ({info['test_images']} test images; "
          f"trained on {info['train_images']} images, {info['epochs']} epochs, seed {info['seed']}, "
          f"{info['train_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
