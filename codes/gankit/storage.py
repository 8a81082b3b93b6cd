"""Writing and reading the project's files safely: one atomic writer for every file.

A file is written to a unique temporary file in the same folder, flushed to
disk, then renamed over the target, so a reader never sees half a file and two
writers never share a temporary name. A file that is read, changed and written
back is changed by one process at a time (``exclusive``). A corrupt or
unreadable JSON file gives one ``StorageError`` that names the file and the fix.
"""
from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import tempfile
import threading
from pathlib import Path

try:
    import fcntl  # Linux and macOS; elsewhere nothing is locked
except ImportError:  # pragma: no cover
    fcntl = None

from . import paths


_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where Linux tells it (/proc), else set back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere: os.umask sets and returns the old value, so set it back
        old = os.umask(0o022)
        os.umask(old)
    return old


def file_mode() -> int:
    """The mode a file created with open() gets: 0666 less the umask (tempfile's files get 0600)."""
    return 0o666 & ~umask()


def folder_mode() -> int:
    """The mode a folder created with mkdir() gets: 0777 less the umask (tempfile.mkdtemp's get 0700)."""
    return 0o777 & ~umask()


class StorageError(RuntimeError):
    """A results file cannot be read or written; the message names it and the fix."""


@contextlib.contextmanager
def exclusive(lock_file: Path, on_wait=None):
    """Hold ``lock_file`` for the block; another process waits (``on_wait()`` runs when it must)."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_file, "a")
    except OSError as err:
        raise StorageError(f"could not write {lock_file}, the lock of the file beside it "
                           f"({type(err).__name__}: {err.strerror or err}). "
                           "Fix: make its folder writable and run again.") from None
    with handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock, also when the process dies


def atomic_write_bytes(path, data: bytes, before_replace=None) -> Path:
    """Write ``data`` to ``path`` atomically (unique temporary file, fsync, rename), with the mode
    a plain ``open()`` would give it (the process's umask).

    ``before_replace()``, when given, runs after the new bytes are safely on disk
    and just before they take the place of ``path``. A file that cannot be
    written gives a StorageError naming it.
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode())  # mkstemp made it 0600: readable by others as the umask allows
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except OSError as err:
        raise StorageError(f"could not write {path} ({type(err).__name__}: {err.strerror or err}). "
                           "Fix: make its folder writable (or free disk space) and run again.") from None
    finally:
        if tmp is not None and Path(tmp).exists():
            Path(tmp).unlink(missing_ok=True)
    return path


def check_writable(folder, setting: str) -> Path:
    """Make sure files can be written in ``folder`` before any work that would save there.

    Nothing is left behind: a test file is written and removed in the folder, or,
    when it does not exist yet, in the nearest existing folder above it (where it
    will be created). ``setting`` names the flag or variable that chose the
    folder; a folder that cannot be written gives one StorageError naming both and the fix.
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        if not probe.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(probe))
        fd, tmp = tempfile.mkstemp(dir=probe, prefix=".write-test.", suffix=".tmp")
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        raise StorageError(f"{setting}: cannot write in the folder {folder} "
                           f"({type(err).__name__}: {err.strerror or err}). "
                           f"Fix: make it writable or choose another folder with {setting}.") from None
    return folder


def atomic_write_text(path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def rounded(value, digits: int = 4):
    """Floats to ``digits`` decimals, NaN/inf to None, recursively: one rule for every results file."""
    if isinstance(value, float):
        return round(value, digits) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v, digits) for v in value]
    return value


def write_json(path, data, digits: int | None = 4) -> Path:
    """``data`` as indented UTF-8 JSON, floats rounded to ``digits`` decimals, written atomically."""
    if digits is not None:
        data = rounded(data, digits)
    return atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def read_json(path, default=None, producer: str = "the command that wrote it"):
    """The JSON object in ``path``; ``default`` ({}) when it does not exist; StorageError when it is corrupt."""
    path = Path(path)
    if not path.is_file():
        return {} if default is None else default
    fix = (f"Restore it (git checkout -- {paths.relative(path)} for a committed file) "
           f"or delete it and run {producer} again.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise StorageError(f"{path} is unreadable or corrupt ({type(err).__name__}: {err}). {fix}") from None
    if not isinstance(data, type(default) if default is not None else dict):
        raise StorageError(f"{path} holds a JSON {type(data).__name__}, not the object it should. {fix}")
    return data


def read_memory(path) -> dict:
    """A cache file's JSON object (what a tool remembers of its last run), or {} when it is missing or
    unreadable: a cache is rebuilt, never an error."""
    try:
        return read_json(path)
    except StorageError:
        return {}
