"""Which nodes did something in a window of a run: the nodes a picture of a large cluster draws on their own
(the others are summarised), and why.

A node *did something* in ``[from_ms, to_ms]`` when, within it, it

- ``led``: was leader;
- ``stood``: stood for election (was a candidate);
- ``crashed`` or ``restarted``;
- ``cut off``: was on the smaller side of a partition (any group but the largest; a tie keeps the group
  that comes first in node order as the majority side), or at either end of a link cut one way or both;
- ``lagged``: an index its leader committed at some time ``t`` had still not reached its commitIndex at
  ``t + lag_ms``, although the node was up and that leader still led throughout (after a leader's crash
  nobody lags: nobody can hear of its last commits). ``lag_ms`` is the high end of the election timeout
  range: a follower in touch with the leader hears the new commitIndex within a heartbeat, well before that;
- ``violation``: is named by a safety violation.

Pure Python over the trace's events, like :mod:`raft.analysis.replay`.
"""

from __future__ import annotations

from collections.abc import Sequence

from raft.analysis import replay
from raft.analysis.availability import election_timeout_high_ms
from raft.analysis.replay import Events
from raft.sim.events import EventType

LED, STOOD, CRASHED, RESTARTED, CUT_OFF, LAGGED, VIOLATION = (
    "led",
    "stood",
    "crashed",
    "restarted",
    "cut off",
    "lagged",
    "violation",
)


def lag_ms(events: Events) -> float:
    """How long a committed index may take to reach a live node before it counts as lagging."""
    return election_timeout_high_ms(replay.meta(events).get("config") or {})


def activity(events: Events, from_ms: float, to_ms: float) -> dict[str, tuple[str, ...]]:
    """Each node that did something in ``[from_ms, to_ms]`` (see the module docstring), in node order, with
    what it did; nodes that did nothing are left out."""
    names = replay.nodes(events)
    found: dict[str, list[str]] = {name: [] for name in names}

    def mark(node: str, what: str) -> None:
        if node in found and what not in found[node]:
            found[node].append(what)

    for span in replay.role_spans(events):
        if span.end_ms >= from_ms and span.start_ms <= to_ms and span.role != "follower":
            mark(span.node, LED if span.role == "leader" else STOOD)
    for kind, moments in ((CRASHED, replay.crashes(events)), (RESTARTED, replay.restarts(events))):
        for t, node in moments:
            if from_ms <= t <= to_ms:
                mark(node, kind)
    for network in replay.network_spans(events):
        if network.end_ms >= from_ms and network.start_ms <= to_ms:
            for node in cut_off(network, names):
                mark(node, CUT_OFF)
    for node in lagging(events, from_ms, to_ms):
        mark(node, LAGGED)
    for event in events:
        if event["type"] == EventType.VIOLATION and from_ms <= event["t_ms"] <= to_ms:
            for node in event.get("nodes") or ():
                mark(node, VIOLATION)
    return {name: tuple(what) for name, what in found.items() if what}


def cut_off(network: replay.NetworkSpan, names: Sequence[str]) -> set[str]:
    """The nodes a network state cuts off: every group of a partition but the largest, and both ends of every
    link cut inside a group (one way, or both ways without splitting anyone off)."""
    groups = sorted(network.groups, key=lambda g: (-len(g), names.index(g[0])))
    group_of = {node: i for i, group in enumerate(groups) for node in group}
    minority = {node for group in groups[1:] for node in group}
    return minority | {node for a, b in network.cut if group_of[a] == group_of[b] for node in (a, b)}


def lagging(events: Events, from_ms: float, to_ms: float) -> list[str]:
    """The nodes that lagged within ``[from_ms, to_ms]`` (see the module docstring), in node order."""
    limit = lag_ms(events)
    series = replay.commit_series(events)
    end = replay.end_ms(events)
    due: list[
        tuple[float, float, int]
    ] = []  # (committed at, due at, index) by a leader still leading when due
    for span in replay.role_spans(events):
        if span.role != "leader":
            continue
        for t, index in series[span.node]:
            if (
                span.start_ms <= t < span.end_ms
                and t + limit <= min(span.end_ms, end, to_ms)
                and t + limit >= from_ms
            ):
                due.append((t, t + limit, int(index)))
    found = []
    for node in replay.nodes(events):
        points = series[node]
        if any(_up_throughout(points, t, at) and _value_at(points, at) < index for t, at, index in due):
            found.append(node)
    return found


def _value_at(points: list[tuple[float, float]], t_ms: float) -> float:
    value = 0.0
    for t, v in points:
        if t > t_ms:
            break
        value = v
    return value


def _up_throughout(points: list[tuple[float, float]], start: float, stop: float) -> bool:
    """No crash (a NaN point) and no restart between ``start`` and ``stop``, and up at ``start``."""
    before = _value_at(points, start)
    if before != before:  # NaN: down
        return False
    return not any(start < t <= stop and (v != v or v == 0.0) for t, v in points[1:-1])
