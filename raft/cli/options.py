"""What the subcommands share: exit statuses, argparse types, and checks of options that several take.

Exit status: :data:`EXIT_OK` when every run showed what its scenario expects (every expectation met; no violation
but the one a ``safety_violation`` expectation names); :data:`EXIT_FAILED` when an expectation failed or a violation
nobody expected happened; :data:`EXIT_BAD_INPUT` on bad input (one line on stderr); :data:`EXIT_INTERRUPTED` when
Ctrl-C stopped the work (what finished is reported).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable

from raft.analysis.transcript import TranscriptOptions, parse_options
from raft.core.bugs import Bug
from raft.errors import RaftSimError
from raft.scenario.schema import duration_problem

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it.
EXIT_INTERRUPTED = 130


def non_negative_int(text: str) -> int:
    """An argparse type for seeds: a whole number >= 0 (a negative seed is refused, as in scenario files)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def check_duration(duration_ms: float | None) -> float | None:
    """``--duration-ms``: ``None`` (the scenario's own) or a positive, finite number of milliseconds."""
    if duration_ms is not None and not (duration_ms > 0 and math.isfinite(duration_ms)):
        raise RaftSimError(f"--duration-ms: must be a positive number, got {duration_ms}")
    why = None if duration_ms is None else duration_problem(duration_ms)
    if why is not None:
        raise RaftSimError(f"--duration-ms: {why}")
    return duration_ms


def check_bugs(names: Iterable[str]) -> tuple[str, ...]:
    """``--bug`` (repeatable): known bug names, each once, in the order given."""
    known = {bug.value for bug in Bug}
    for name in names:
        if name not in known:
            raise RaftSimError(f"--bug: unknown bug {name!r} (see 'raft-sim fuzz --list-bugs')")
    return tuple(dict.fromkeys(names))


def check_events(events: bool, show: str | None, json: bool) -> TranscriptOptions | None:
    """``--events`` / ``--show WHAT``: what the readable event log shows (``None``: no log). The log is text
    on stdout, so it is refused with ``--json``, whose stdout is one JSON object."""
    if not events and show is None:
        return None
    if json:
        raise RaftSimError(
            "--events/--show: the readable event log cannot be combined with --json "
            "(--trace FILE writes the events as JSON Lines)"
        )
    try:
        return parse_options(show or "")
    except RaftSimError as error:
        raise RaftSimError(f"--show: {error}") from None
