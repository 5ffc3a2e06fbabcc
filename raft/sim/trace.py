"""The JSON Lines trace: one event per line, ``t_ms`` never decreasing, a ``meta`` line first.

The writer writes the way every output file is written (:class:`raft.files.AtomicFile`): to a temporary file beside
the target, renamed into place when the run ends (also when the run failed a safety check), so a reader never sees
half a trace and bad input never leaves a file behind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from raft.errors import TraceError
from raft.files import AtomicFile
from raft.sim.events import TRACE_SCHEMA_VERSION, Event, EventType


def dumps(event: Event) -> str:
    """One event as one compact JSON line (without the newline)."""
    return json.dumps(event, separators=(",", ":"), allow_nan=False)


class TraceWriter:
    """An event consumer writing JSON Lines; :meth:`close` publishes the file, :meth:`abort` discards it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._out = AtomicFile(self.path)
        except OSError as error:
            raise TraceError(f"{self.path}: cannot write trace: {error.strerror or error}") from None
        self._file = self._out.file

    def __call__(self, event: Event) -> None:
        self._file.write(dumps(event))
        self._file.write("\n")

    def close(self) -> None:
        try:
            self._out.commit()
        except OSError as error:  # the target became a directory, say (the temporary file is gone already)
            raise TraceError(f"{self.path}: cannot write trace: {error.strerror or error}") from None

    def abort(self) -> None:
        self._out.abort()


def read_trace(path: str | os.PathLike[str]) -> list[Event]:
    """All events of a trace file; :class:`TraceError` (one line) if it is missing, corrupt or not a trace."""
    name = Path(path).name
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.readlines()
    except FileNotFoundError:  # the same words as for a missing scenario file
        raise TraceError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise TraceError(f"{name}: is a directory, not a trace file") from None
    except PermissionError:
        raise TraceError(f"{name}: permission denied") from None
    except OSError as error:
        raise TraceError(f"{name}: cannot read trace: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise TraceError(
            f"{name}: not a raft-sim trace (not UTF-8 text, byte 0x{error.object[error.start]:02x})"
        ) from None
    events: list[
        Any
    ] = []  # each checked for ``t_ms`` and ``type``; the shapes are the writer's (:data:`Event`)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            raise TraceError(f"{name}: line {number}: not JSON ({error.msg})") from None
        if not isinstance(event, dict) or "type" not in event or "t_ms" not in event:
            raise TraceError(f"{name}: line {number}: not a trace event (needs 't_ms' and 'type')")
        events.append(event)
    if not events or events[0]["type"] != EventType.META:
        raise TraceError(f"{name}: not a raft-sim trace (the first line must be the meta event)")
    version = events[0].get("schema")
    if version != TRACE_SCHEMA_VERSION:
        raise TraceError(
            f"{name}: trace schema {version!r} is not supported (expected {TRACE_SCHEMA_VERSION})"
        )
    return events
