"""Colours, sizes and the time axis (with its window check) shared by the plots, so every picture speaks the
same visual language."""

from __future__ import annotations

import math
from dataclasses import dataclass

from raft.errors import RaftSimError

#: One colour per role, used in every plot (the legend says which is which).
ROLE_COLORS = {"follower": "#a9c6de", "candidate": "#f4a259", "leader": "#2a9d8f"}
DOWN_COLOR = "#9e9e9e"
CRASH_COLOR = "#c0392b"
RESTART_COLOR = "#34495e"
#: A leader stepping down on its own (CheckQuorum).
STEP_DOWN_COLOR = "#6a1b9a"
PARTITION_COLOR = "#7f7f7f"
DROP_COLOR = "#c0392b"

#: Colours of log entries by term (the paper's figures colour entries by term too); cycles after ten terms.
TERM_COLORS = (
    "#8dd3c7",
    "#ffffb3",
    "#bebada",
    "#fb8072",
    "#80b1d3",
    "#fdb462",
    "#b3de69",
    "#fccde5",
    "#d9d9d9",
    "#bc80bd",
)

#: Colours of message kinds in sequence diagrams.
MESSAGE_COLORS = {
    "RequestVote": "#e07a1f",
    "RequestVoteResponse": "#e07a1f",
    "AppendEntries": "#2e6fbf",
    "AppendEntriesResponse": "#2e6fbf",
    "PreVote": "#c2255c",
    "PreVoteResponse": "#c2255c",
    "TimeoutNow": "#1a1a1a",
    "InstallSnapshot": "#0b8a6e",
    "InstallSnapshotResponse": "#0b8a6e",
}
#: The snapshot boundary in the log view (thesis §5.1): the colour of InstallSnapshot.
SNAPSHOT_COLOR = MESSAGE_COLORS["InstallSnapshot"]
#: The leadership transfer marks on the timeline (start on the target's lane; outcome).
TRANSFER_COLOR = MESSAGE_COLORS["TimeoutNow"]
#: A refusal at the request's own term (log mismatch, log not up-to-date, already voted): purple, dash-dotted.
REJECT_COLOR = "#8e44ad"
#: A refusal because the request's term was stale (the reply carries a higher term): brown, dotted.
STALE_COLOR = "#8d5524"


def term_color(term: int) -> str:
    return TERM_COLORS[(term - 1) % len(TERM_COLORS)] if term > 0 else "#ffffff"


def check_window(start_ms: float, stop_ms: float) -> tuple[float, float]:
    """``(start_ms, stop_ms)`` as floats; :class:`RaftSimError` for an empty, inverted or unbounded window."""
    start, stop = float(start_ms), float(stop_ms)
    if not (math.isfinite(start) and math.isfinite(stop)) or stop <= start:
        raise RaftSimError(f"empty time window: from {start} ms to {stop} ms")
    return start, stop


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """Milliseconds for windows up to 5 s, seconds beyond: ``value(t_ms)`` converts, ``label`` names the unit."""

    scale: float
    label: str

    @classmethod
    def for_window(cls, start_ms: float, end_ms: float) -> TimeAxis:
        if end_ms - start_ms > 5000.0:
            return cls(1000.0, "time (s)")
        return cls(1.0, "time (ms)")

    def value(self, t_ms: float) -> float:
        return t_ms / self.scale


#: A safety violation: its marker on every plot (see :mod:`raft.plots.violation`).
VIOLATION_COLOR = "#d0021b"
#: One-way cuts: a hatched band on the timeline, distinct from a partition's plain grey band.
ONE_WAY_COLOR = "#b5651d"
