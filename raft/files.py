"""Files raft-sim writes: the one check of an output path, and the one way of writing a file atomically.

Every writer (traces, figures, experiment tables, sweep results) goes through here: an output path is checked
before any work starts (:func:`check_output_file`, :func:`check_output_dir`: one :class:`~raft.errors.RaftSimError`
line naming the path as given), and a file is written under a temporary name beside its target and renamed into
place at the end (:class:`AtomicFile`, :func:`atomic_write`), so a reader never sees half a file and a failure
leaves no temporary file behind. The file gets a normal file's mode (``0o666`` less the umask).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from raft.errors import RaftSimError


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (``.`` for a relative path none of whose parts exist)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """The path of a file to be written; :class:`RaftSimError` (one line) if it cannot be.

    Refused: an empty name, an existing directory, a directory part that does not exist or is not a directory,
    and a directory we may not write in. Example: ``nodir/t.jsonl: directory 'nodir' does not exist``.
    """
    shown = os.fspath(path)
    if not shown:
        raise RaftSimError("an output file name is empty")
    target = Path(shown)
    if target.is_dir():
        raise RaftSimError(f"{shown}: is a directory")
    parent = target.parent
    if not parent.exists():
        blocker = _nearest_existing(parent)
        if not blocker.is_dir():
            raise RaftSimError(f"{shown}: {str(blocker)!r} is not a directory")
        raise RaftSimError(f"{shown}: directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise RaftSimError(f"{shown}: {str(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise RaftSimError(f"{shown}: permission denied")
    return target


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """The path of a directory to be filled (created, with its parents, when needed); :class:`RaftSimError`
    if it exists as something else or cannot be created."""
    shown = os.fspath(path)
    if not shown:
        raise RaftSimError("an output directory name is empty")
    target = Path(shown)
    existing = _nearest_existing(target)
    if existing == target and not target.is_dir():
        raise RaftSimError(f"{shown}: exists and is not a directory")
    if not existing.is_dir():
        raise RaftSimError(f"{shown}: {str(existing)!r} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise RaftSimError(f"{shown}: permission denied")
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A file being written under a temporary name beside ``path``.

    Life: created (the temporary file is open as :attr:`file`, text in UTF-8 with no newline translation, or
    binary for ``mode="wb"``), written, then either :meth:`commit` (closed, given a normal file's mode, renamed
    onto ``path``) or :meth:`abort` (closed and removed). A failed commit removes the temporary file too.
    :class:`OSError` from creating or renaming reaches the caller, which words it for the user.
    """

    def __init__(self, path: str | os.PathLike[str], mode: str = "w") -> None:
        if mode not in ("w", "wb"):
            raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
        self.path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.tmp = Path(tmp)
        try:
            text: dict[str, Any] = {} if mode == "wb" else {"encoding": "utf-8", "newline": ""}
            self.file: IO[Any] = os.fdopen(fd, mode, **text)
        except BaseException:
            os.close(fd)
            self.tmp.unlink(missing_ok=True)
            raise

    def commit(self) -> Path:
        """Publish the file at :attr:`path`; returns it."""
        try:
            self.file.close()
            os.chmod(self.tmp, 0o666 & ~_umask())  # mkstemp makes the file private
            os.replace(self.tmp, self.path)
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise
        return self.path

    def abort(self) -> None:
        """Discard what was written; :attr:`path` is left as it was."""
        self.file.close()
        self.tmp.unlink(missing_ok=True)


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """``with atomic_write(path) as file: ...``: ``path`` appears, complete, when the block ends without an
    error; an error leaves ``path`` as it was and no temporary file behind."""
    out = AtomicFile(path, mode)
    try:
        yield out.file
    except BaseException:
        out.abort()
        raise
    out.commit()
