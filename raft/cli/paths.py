"""Paths the command line reads, checked before any work starts: scenario files, including the shipped ones by
their bare name (``leader-crash``, ``bugs/vote-twice``), and trace files.

Paths it writes are checked by :mod:`raft.files` (the one check every writer shares, library or CLI).
"""

from __future__ import annotations

from pathlib import Path

from raft.errors import RaftSimError

__all__ = ["SCENARIO_DIR", "check_input_file", "find_scenario"]

#: The scenarios shipped with raft-sim (``raft-sim list``).
SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


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
