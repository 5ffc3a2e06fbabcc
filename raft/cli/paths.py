"""Paths the command line reads and writes, checked before any work starts.

This module owns the one way every command checks a file it will write (``run --trace/--plot``, ``plot -o``,
``sweep --out``, ``experiment --csv/--plot``) or a directory it will fill (``fuzz --out``): a bad path is one
:class:`~raft.errors.RaftSimError` line naming the path as the user gave it, raised before a long run, so nothing
is simulated for nothing and no temporary file is left behind. It also finds scenario files, including the
shipped ones by their bare name (``leader-crash``, ``bugs/vote-twice``).
"""

from __future__ import annotations

import os
from pathlib import Path

from raft.errors import RaftSimError

#: The scenarios shipped with raft-sim (``raft-sim list``).
SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


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


def check_input_file(text: str) -> Path:
    """A file to be read, echoed as given in the error when it is missing or a directory (the words of
    :func:`find_scenario` and of the readers: ``no such file``, ``is a directory``)."""
    given = Path(text)
    if given.is_dir():
        raise RaftSimError(f"{text}: is a directory")
    if not given.exists():
        raise RaftSimError(f"{text}: no such file")
    return given


def find_scenario(text: str) -> Path:
    """The scenario file ``text`` names: the path as given when it exists, else a shipped scenario of that name
    (``leader-crash``, ``leader-crash.yaml``, ``bugs/vote-twice``). :class:`RaftSimError` when neither exists,
    or when the path is a directory; errors echo the path as given."""
    given = Path(text)
    if given.is_dir():
        raise RaftSimError(f"{text}: is a directory, not a scenario file")
    if given.exists():
        return given
    if text and not given.is_absolute():
        names = [text] if given.suffix in (".yaml", ".yml") else [text, f"{text}.yaml"]
        for name in names:
            shipped = SCENARIO_DIR / name
            if shipped.is_file():
                return shipped
    raise RaftSimError(f"{text}: no such file (see 'raft-sim list')")
