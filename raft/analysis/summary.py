"""The figures of a run's summary, computed from its event stream (live, or from a saved trace).

``SummaryBuilder`` is an event consumer; :meth:`SummaryBuilder.finish` turns what it saw into the JSON summary's
``leaders``, ``elections``, ``commit_index``, ``writes`` and ``snapshots`` parts, plus the periods without a
leader.

Its memory does not grow with the number of client operations, except by their latencies (8 bytes each, kept
for the exact percentiles, which :func:`nearest_rank_of` finds without a Python object per value): an operation is remembered from its ``submit`` until its first ``apply`` (only that
one counts it as committed) and its ``ack`` (which gives its latency), then forgotten. Every write is applied
before it is acknowledged, and a read answered without the log (``read_mode`` ``read_index`` or ``lease``) is
never applied, so nothing is applied for the first time after its acknowledgement.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from typing import Any, Literal, cast, get_args

from raft.analysis.membership import config_changes
from raft.analysis.records import (
    Election,
    Fault,
    FaultEventType,
    LeaderSpan,
    Operations,
    SnapshotCounts,
    SummaryParts,
)
from raft.core.statemachine import OpKind, parse_op
from raft.core.types import Role
from raft.sim.events import (
    AckEvent,
    ApplyEvent,
    CommitEvent,
    CrashEvent,
    Event,
    EventBus,
    EventType,
    MetaEvent,
    ReadEvent,
    RestartEvent,
    RoleEvent,
    SnapshotEvent,
    StepDownEvent,
    SubmitEvent,
)

#: The event types of faults (and of fault actions skipped), listed in the summary's ``faults``.
FAULT_EVENT_TYPES: frozenset[EventType] = frozenset(get_args(FaultEventType))
#: The event types the summary reads.
SUMMARY_TYPES: tuple[EventType, ...] = (
    EventType.META,
    EventType.ROLE,
    EventType.CRASH,
    EventType.RESTART,
    EventType.COMMIT,
    EventType.APPLY,
    EventType.SUBMIT,
    EventType.ACK,
    EventType.PARTITION,
    EventType.ISOLATE,
    EventType.CUT,
    EventType.HEAL,
    EventType.SKIP,
    EventType.STEP_DOWN,
    EventType.CONFIG,
    EventType.TRANSFER,
    EventType.TRANSFER_DONE,
    EventType.TRANSFER_ABORT,
    EventType.SNAPSHOT,
    EventType.READ,
)


def nearest_rank(sorted_values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile of already sorted values; ``None`` without data."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100.0 * len(sorted_values)))
    return float(sorted_values[rank - 1])  # a float whether compiled or not, whatever the values


#: How many low bits of a value's IEEE 754 pattern :func:`nearest_rank_of` leaves out of its buckets.
_BUCKET_SHIFT = 40


def nearest_rank_of(values: array[float], percent: float) -> float | None:
    """:func:`nearest_rank` of unsorted values, without a Python object per value (a long run's latencies):
    non-negative doubles order as their bit patterns do as unsigned integers, so the values are counted by the
    top bits of their patterns and only the bucket holding the rank is sorted."""
    if not values:
        return None
    bits = memoryview(values).cast("B").cast("Q")
    if max(bits) >> 63:  # a negative value (or -0.0): no bucket order
        return nearest_rank(sorted(values), percent)
    rank = max(1, math.ceil(percent / 100.0 * len(values)))
    counts = Counter(map(operator.rshift, bits, repeat(_BUCKET_SHIFT)))
    below = 0
    for key in sorted(counts):
        if below + counts[key] >= rank:
            bucket = compress(values, map(key.__eq__, map(operator.rshift, bits, repeat(_BUCKET_SHIFT))))
            return sorted(bucket)[rank - below - 1]
        below += counts[key]
    raise AssertionError("the ranks add up to the number of values")


def _is_read(command: str) -> bool:
    return parse_op(command).kind is OpKind.READ


class SummaryBuilder:
    """Collects leaders, elections, commits and client operations from events."""

    def __init__(self, commit_windows: Sequence[tuple[float, float]] | None = None) -> None:
        """``commit_windows``: the [from, to] windows (ms) in which :attr:`commit_times` is wanted (a scenario's
        ``no_commit_between_ms``); ``None``: all of the run."""
        self.commit_windows = None if commit_windows is None else tuple(commit_windows)
        self.nodes: list[str] = []
        self.leaders: list[LeaderSpan] = []
        self._open: dict[str, LeaderSpan] = {}
        self.elections: dict[int, Election] = {}
        self.commit_index: dict[str, int] = {}
        #: (t_ms, index) each time the highest commitIndex of any server advanced (within ``commit_windows``).
        self.commit_times: list[tuple[float, int]] = []
        self._global_commit = 0
        #: Per part (``writes``, ``reads``): how many operations were submitted, applied (by some server) and
        #: acknowledged, and the latency of each acknowledged one.
        self.submitted: dict[str, int] = {"writes": 0, "reads": 0}
        self.committed: dict[str, int] = {"writes": 0, "reads": 0}
        self.acked: dict[str, int] = {"writes": 0, "reads": 0}
        self.latencies: dict[str, array[float]] = {"writes": array("d"), "reads": array("d")}
        #: The operations not applied yet, and those not acknowledged yet (with their submit time), by
        #: (client, seq).
        self._unapplied: dict[tuple[str, int], str] = {}
        self._unacked: dict[tuple[str, int], tuple[float, str]] = {}
        self.faults: list[Fault] = []
        #: The configuration events of runs with membership changes (rare: a few per change and server).
        self.config_events: list[Event] = []
        #: Per server with a snapshot: its counts (in the order servers first took or installed one).
        self.snapshots: dict[str, SnapshotCounts] = {}
        #: Every snapshot installed from a leader: (node, t_ms, index); and each server's last restart:
        #: (t_ms, index its log ended at).
        self.installs: list[tuple[str, float, int]] = []
        self.restarts: dict[str, tuple[float, int]] = {}
        #: Reads answered without the log, by mode (``read`` events).
        self.answered: dict[str, int] = {}
        self._handlers: dict[str, Callable[[Any], None]] = {
            **dict.fromkeys(FAULT_EVENT_TYPES, self._on_fault),
            EventType.COMMIT: self._on_commit,
            EventType.APPLY: self._on_apply,
            EventType.SUBMIT: self._on_submit,
            EventType.ACK: self._on_ack,
            EventType.ROLE: self._on_role,
            EventType.META: self._on_meta,
            EventType.CRASH: self._on_crash,
            EventType.RESTART: self._on_restart,
            EventType.STEP_DOWN: self._on_step_down,
            EventType.CONFIG: self.config_events.append,
            EventType.SNAPSHOT: self._on_snapshot,
            EventType.READ: self._on_read,
        }

    def __call__(self, event: Event) -> None:
        handler = self._handlers.get(event["type"])
        if handler is not None:
            handler(event)

    def subscribe(self, bus: EventBus) -> None:
        """Subscribe the builder to :data:`SUMMARY_TYPES` on ``bus``, each type straight to its handler (what
        calling the builder with an event does, one call less per event)."""
        for kind in SUMMARY_TYPES:
            bus.subscribe(self._handlers[kind], (kind,))

    def _on_crash(self, event: CrashEvent) -> None:
        self._on_fault(event)
        self._close(event["node"], event["t_ms"])

    def _on_restart(self, event: RestartEvent) -> None:
        self._on_fault(event)
        start = event["snapshot"][0] if "snapshot" in event else 0
        self.commit_index[event["node"]] = start
        self.restarts[event["node"]] = (event["t_ms"], start + len(event["log"]))

    def _on_read(self, event: ReadEvent) -> None:
        self.answered[event["mode"]] = self.answered.get(event["mode"], 0) + 1

    def _on_meta(self, event: MetaEvent) -> None:
        self.nodes = list(event["nodes"])
        self.commit_index = dict.fromkeys(self.nodes, 0)

    def _on_role(self, event: RoleEvent) -> None:
        self._role_changed(event["t_ms"], event["node"], event["role"], event["term"])

    def _on_step_down(self, event: StepDownEvent) -> None:
        """A leader stepped down on its own (CheckQuorum): its span says why (``stepped_down``)."""
        span = self._open.get(event["node"])
        if span is not None:
            span["stepped_down"] = event["reason"]

    def _on_commit(self, event: CommitEvent) -> None:
        node, index = event["node"], event["index"]
        self.commit_index[node] = index
        if index > self._global_commit:
            self._global_commit = index
            t = event["t_ms"]
            windows = self.commit_windows
            if windows is None or any(a <= t <= b for a, b in windows):
                self.commit_times.append((t, index))

    def _on_apply(self, event: ApplyEvent) -> None:
        if "client" in event:
            part = self._unapplied.pop((event["client"], event["seq"]), None)
            if part is not None:
                self.committed[part] += 1

    def _on_submit(self, event: SubmitEvent) -> None:
        part = "reads" if _is_read(event["command"]) else "writes"
        key = (event["client"], event["seq"])  # names one operation: a client numbers its commands
        self.submitted[part] += 1
        self._unapplied[key] = part
        self._unacked[key] = (event["t_ms"], part)

    def _on_ack(self, event: AckEvent) -> None:
        key = (event["client"], event["seq"])
        submitted = self._unacked.pop(key, None)
        if submitted is not None:
            self._unapplied.pop(key, None)  # a read answered without the log: never applied
            part = submitted[1]
            self.acked[part] += 1
            self.latencies[part].append(event["t_ms"] - submitted[0])

    def _on_fault(self, event: Event) -> None:
        self.faults.append(
            cast(Fault, {k: v for k, v in event.items() if k not in ("log", "voted_for", "snapshot")})
        )

    def _on_snapshot(self, event: SnapshotEvent) -> None:
        node = event["node"]
        counts = self.snapshots.setdefault(node, {"node": node, "taken": 0, "installed": 0, "last_index": 0})
        if "from" in event:
            counts["installed"] += 1
            self.installs.append((node, event["t_ms"], event["index"]))
        else:
            counts["taken"] += 1
        counts["last_index"] = event["index"]

    def _close(self, node: str, t: float) -> None:
        span = self._open.pop(node, None)
        if span is not None:
            span["to_ms"] = t

    def _role_changed(self, t: float, node: str, role: str, term: int) -> None:
        span = self._open.get(node)
        if span is not None and (role != Role.LEADER.value or term != span["term"]):
            self._close(node, t)
        if role == Role.CANDIDATE.value:
            self.elections.setdefault(
                term, {"term": term, "leader": None, "started_ms": t, "elected_ms": None}
            )
        elif role == Role.LEADER.value and node not in self._open:
            span = {"term": term, "node": node, "from_ms": t, "to_ms": None}
            self.leaders.append(span)
            self._open[node] = span
            election = self.elections.setdefault(
                term, {"term": term, "leader": None, "started_ms": t, "elected_ms": None}
            )
            if election["leader"] is None:
                election["leader"], election["elected_ms"] = node, t

    # -------------------------------------------------------------- results

    def operations(self, part: Literal["writes", "reads"]) -> Operations:
        latencies = self.latencies[part]
        operations: Operations = {
            "submitted": self.submitted[part],
            "committed": self.committed[part],
            "acknowledged": self.acked[part],
            # submitted and not acknowledged by the end (the client was still retrying them), committed or not
            "outstanding": self.submitted[part] - self.acked[part],
            "latency_ms": {"p50": nearest_rank_of(latencies, 50), "p99": nearest_rank_of(latencies, 99)},
        }
        if part == "reads" and self.answered:
            operations["answered"] = dict(sorted(self.answered.items()))
        return operations

    def finish(self) -> SummaryParts:
        """The summary's event-derived parts."""
        return {
            "leaders": [LeaderSpan(**span) for span in self.leaders],
            "elections": [self.elections[term] for term in sorted(self.elections)],
            "commit_index": dict(self.commit_index),
            "writes": self.operations("writes"),
            "reads": self.operations("reads"),
            "faults": list(self.faults),
            "configurations": [change.record() for change in config_changes(self.config_events)],
            "snapshots": list(self.snapshots.values()),
        }


def leaderless_periods(leaders: Iterable[LeaderSpan], end_ms: float) -> list[tuple[float, float]]:
    """The periods in [0, end_ms] during which no server was leader (the last one may run to the end)."""
    spans = sorted((s["from_ms"], end_ms if s["to_ms"] is None else s["to_ms"]) for s in leaders)
    gaps: list[tuple[float, float]] = []
    covered = 0.0
    for start, stop in spans:
        if start > covered:
            gaps.append((covered, start))
        covered = max(covered, stop)
    if covered < end_ms:
        gaps.append((covered, end_ms))
    return gaps
