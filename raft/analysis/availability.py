"""Availability as clients feel it, computed from the event stream (live, or from a saved trace).

"Without a leader" is not "unavailable": a leader cut off from its majority keeps its title and commits nothing.
This module owns two measures that see it:

**Write unavailability.** The cluster's commit index is the highest commitIndex of any live node. A crash can
lower it (the node that held the highest one is gone) and a restarted node starts again from 0; getting back to a
value the cluster already had commits nothing new, so the commit index *advances* exactly when some node commits
an index no node had committed before. A period of write unavailability is a maximal period in which at least one
client write is outstanding (submitted, not yet acknowledged) and the commit index does not advance, kept when it
is longer than the threshold ``stall_ms`` (default: the high end of the election timeout range; the scenario's
``analysis.stall_ms`` overrides it). It starts at the later of the last advance (0 if none yet) and the moment
since which writes have been outstanding without a break (the submit of the oldest write still waiting), and ends
at the first advance, when no write is outstanding any more, or at the end of the run. Reads do not count as
waiting writes (their commits do count as advances: they go through the log), and a new leader's no-op entry is an
advance too: from then on the cluster can commit, and a write that still waits is waiting for its client to find
the new leader.

**Leaders without a majority.** A leader is in touch with a majority when, counting itself, a majority of the
servers answered its AppendEntries successfully (``deliver`` events of successful ``AppendEntriesResponse`` to
it, of its term). Its *last majority contact* is the latest time ``s`` such that a majority (itself included)
each answered at or after ``s``, or the moment it took office if that is later. A period without a majority
runs from the last majority contact to the response that restores a majority, or to the end of its leadership
(role change, crash, end of the run); it is kept when it is longer than an election timeout: the high end of
the election timeout range, the time after which every follower that has not heard from it has started an
election (the threshold etcd's CheckQuorum uses is one election timeout too).

With membership changes (thesis chapter 4) "a majority" is one of the configuration the leader uses (its
latest ``config`` event of phase ``in_force``): a majority of its voters, counting the leader only if it is one of
them, and during joint consensus a majority of each half.

Both need only ``meta`` (nodes, settings), ``role``, ``crash``, ``commit``, ``submit``, ``ack``, ``deliver`` and
``config`` events; :class:`AvailabilityBuilder` is an event consumer and :func:`availability` replays a list of events.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from raft.analysis.records import LeaderWithoutMajorityPeriod
from raft.analysis.records import Period as PeriodRecord
from raft.core.messages import MessageKind
from raft.core.statemachine import OpKind, parse_op
from raft.core.types import Role
from raft.sim.events import AckEvent, DeliverEvent, Event, EventType, MetaEvent, SubmitEvent

#: The event types the availability measures read.
AVAILABILITY_TYPES: tuple[EventType, ...] = (
    EventType.META,
    EventType.ROLE,
    EventType.CRASH,
    EventType.COMMIT,
    EventType.SUBMIT,
    EventType.ACK,
    EventType.DELIVER,
    EventType.CONFIG,
)
#: The messages whose ``deliver`` events it reads: a leader hears that a follower holds its log.
AVAILABILITY_MESSAGES: frozenset[str] = frozenset({MessageKind.APPEND_ENTRIES_RESPONSE.value})
#: Looked up once: a traced run delivers every message through :meth:`AvailabilityBuilder.__call__`.
_DELIVER: Final = EventType.DELIVER
_LEADER = Role.LEADER.value
_APPEND_ENTRIES_RESPONSE = MessageKind.APPEND_ENTRIES_RESPONSE.value
#: The election timeout range when the meta event does not give one (the scenario default).
DEFAULT_ELECTION_TIMEOUT_MS = (150.0, 300.0)


@dataclass(frozen=True, slots=True)
class Period:
    """From ``from_ms`` to ``to_ms`` (ms) writes waited while the commit index did not advance."""

    from_ms: float
    to_ms: float

    @property
    def duration_ms(self) -> float:
        return self.to_ms - self.from_ms

    def to_dict(self) -> PeriodRecord:
        return {"from_ms": self.from_ms, "to_ms": self.to_ms}


@dataclass(frozen=True, slots=True)
class LeaderWithoutMajority:
    """``node``, leader of ``term``, had no successful AppendEntries response from a majority from ``from_ms``
    to ``to_ms``."""

    node: str
    term: int
    from_ms: float
    to_ms: float

    @property
    def duration_ms(self) -> float:
        return self.to_ms - self.from_ms

    def to_dict(self) -> LeaderWithoutMajorityPeriod:
        return {"node": self.node, "term": self.term, "from_ms": self.from_ms, "to_ms": self.to_ms}


@dataclass(frozen=True, slots=True)
class Availability:
    """The measures of one run and the thresholds they were computed with."""

    unavailable: tuple[Period, ...]
    leader_without_majority: tuple[LeaderWithoutMajority, ...]
    stall_ms: float
    majority_timeout_ms: float

    @property
    def unavailable_ms(self) -> float:
        return sum(p.duration_ms for p in self.unavailable)


def stall_threshold_ms(config: dict[str, Any]) -> float:
    """The unavailability threshold of a scenario configuration (the meta event's ``config``, or a scenario's
    ``model_dump``): ``analysis.stall_ms`` if given, else the high end of the election timeout range."""
    stall = (config.get("analysis") or {}).get("stall_ms")
    return float(stall) if stall is not None else election_timeout_high_ms(config)


def election_timeout_high_ms(config: dict[str, Any]) -> float:
    """The high end of a configuration's election timeout range."""
    timeouts = (config.get("cluster") or {}).get("election_timeout_ms") or DEFAULT_ELECTION_TIMEOUT_MS
    return float(timeouts[1])


@dataclass(slots=True)
class _Leadership:
    term: int
    since: float
    #: The last majority contact (see the module docstring); starts at ``since``.
    contact: float
    #: Each follower's latest successful AppendEntries response in this term.
    answered: dict[str, float] = field(default_factory=dict)
    #: The values of ``answered``, in ascending order (each new answer is the latest: it goes at the end).
    times: list[float] = field(default_factory=list)
    #: Its periods without a majority so far, as (from_ms, to_ms).
    gaps: list[tuple[float, float]] = field(default_factory=list)


class AvailabilityBuilder:
    """Event consumer: collects the periods of write unavailability and of leaders without a majority.

    The thresholds come from the ``meta`` event (its ``config``), unless given here. :meth:`finish` closes what
    is still open at the end of the run.
    """

    def __init__(self, *, stall_ms: float | None = None, majority_timeout_ms: float | None = None) -> None:
        self.stall_ms = stall_ms
        self.majority_timeout_ms = majority_timeout_ms
        self.majority = 1
        # write unavailability
        self._outstanding: dict[tuple[str, int], float] = {}
        self._waiting_since: float | None = None
        self._high = 0
        self._last_advance = 0.0
        self._unavailable: list[Period] = []
        # leaders without a majority
        self._leading: dict[str, _Leadership] = {}
        #: With membership changes: the voting halves of the configuration each server uses (one set, or two in
        #: joint consensus); empty while every server uses the initial configuration.
        self._halves: dict[str, tuple[frozenset[str], ...]] = {}
        self._without: list[LeaderWithoutMajority] = []

    def __call__(self, event: Event) -> None:
        if event["type"] == _DELIVER:
            self._on_deliver(event)
            return
        match event["type"]:
            case EventType.COMMIT:
                self._on_commit(event["t_ms"], event["index"])
            case EventType.SUBMIT:
                self._on_submit(event)
            case EventType.ACK:
                self._on_ack(event)
            case EventType.ROLE:
                self._on_role(event["t_ms"], event["node"], event["role"], event["term"])
            case EventType.CRASH:
                self._step_down(event["node"], event["t_ms"])
            case EventType.META:
                self._on_meta(event)
            case EventType.CONFIG:
                if event["phase"] == "in_force":
                    halves = [frozenset(event["voters"])]
                    if event.get("outgoing"):
                        halves.append(frozenset(event.get("outgoing", ())))
                    self._halves[event["node"]] = tuple(halves)

    def _on_meta(self, event: MetaEvent) -> None:
        config = event.get("config", {})  # (a hand-made meta event may have none)
        self.majority = len(event["nodes"]) // 2 + 1
        if self.stall_ms is None:
            self.stall_ms = stall_threshold_ms(config)
        if self.majority_timeout_ms is None:
            self.majority_timeout_ms = election_timeout_high_ms(config)

    # ------------------------------------------------------------ write unavailability

    def _close_stall(self, t: float) -> None:
        if self._waiting_since is None:
            return
        start = max(self._waiting_since, self._last_advance)
        if t - start > self._stall_ms:
            self._unavailable.append(Period(start, t))

    @property
    def _stall_ms(self) -> float:
        return self.stall_ms if self.stall_ms is not None else DEFAULT_ELECTION_TIMEOUT_MS[1]

    @property
    def _majority_timeout_ms(self) -> float:
        return (
            self.majority_timeout_ms
            if self.majority_timeout_ms is not None
            else DEFAULT_ELECTION_TIMEOUT_MS[1]
        )

    def _on_commit(self, t: float, index: int) -> None:
        if index <= self._high:
            return  # the cluster had committed this far already: nothing new
        self._high = index
        self._close_stall(t)
        self._last_advance = t

    def _on_submit(self, event: SubmitEvent) -> None:
        if parse_op(event["command"]).kind is OpKind.READ:
            return
        if not self._outstanding:
            self._waiting_since = event["t_ms"]
        self._outstanding[(event["client"], event["seq"])] = event["t_ms"]

    def _on_ack(self, event: AckEvent) -> None:
        if self._outstanding.pop((event["client"], event["seq"]), None) is None:
            return  # a read, or an answer already counted
        if not self._outstanding:
            self._close_stall(event["t_ms"])
            self._waiting_since = None

    # ------------------------------------------------------------ leaders without a majority

    def _on_role(self, t: float, node: str, role: str, term: int) -> None:
        leading = self._leading.get(node)
        if leading is not None and (role != _LEADER or term != leading.term):
            self._step_down(node, t)
        if role == _LEADER and node not in self._leading:
            self._leading[node] = _Leadership(term, t, t)

    def _on_deliver(self, event: DeliverEvent) -> None:
        if event["msg"] != _APPEND_ENTRIES_RESPONSE or not event.get("success"):
            return
        leading = self._leading.get(event["to"])
        if leading is None or event["term"] != leading.term:
            return
        t = event["t_ms"]
        times = leading.times
        before = leading.answered.get(event["from"])
        if before is not None:
            del times[bisect_left(times, before)]
        times.append(t)
        leading.answered[event["from"]] = t
        halves = self._halves.get(event["to"]) if self._halves else None
        if halves is not None:
            latest = self._quorum_contact(event["to"], t, leading.answered, halves)
            if latest is None:
                return
            contact = max(leading.since, latest)
        else:
            others = self.majority - 1  # the leader counts itself
            if len(times) < others:
                return
            contact = max(leading.since, times[-others])  # the others-th latest answer
        if contact > leading.contact:
            self._close_gap(leading, t)
            leading.contact = contact

    @staticmethod
    def _quorum_contact(
        leader: str, now: float, answered: dict[str, float], halves: tuple[frozenset[str], ...]
    ) -> float | None:
        """The latest time since which a majority of each half of the leader's configuration answered (the
        leader counting for itself when it is a voter); ``None`` while some half has no such majority."""
        latest = None
        for voters in halves:
            times = sorted(
                (now if v == leader else answered[v] for v in voters if v == leader or v in answered),
                reverse=True,
            )
            needed = len(voters) // 2 + 1
            if len(times) < needed:
                return None
            contact = times[needed - 1]
            latest = contact if latest is None else min(latest, contact)
        return latest

    def _close_gap(self, leading: _Leadership, t: float) -> None:
        if (self.majority == 1 and not self._halves) or t - leading.contact <= self._majority_timeout_ms:
            return
        if leading.gaps and leading.contact < leading.gaps[-1][1]:  # overlapping gaps: one period
            leading.gaps[-1] = (leading.gaps[-1][0], t)
        else:
            leading.gaps.append((leading.contact, t))

    def _step_down(self, node: str, t: float) -> None:
        leading = self._leading.pop(node, None)
        if leading is not None:
            self._close_gap(leading, t)
            self._without += [LeaderWithoutMajority(node, leading.term, a, b) for a, b in leading.gaps]

    # ------------------------------------------------------------ results

    def finish(self, end_ms: float) -> Availability:
        """The periods of the run that ended at ``end_ms`` (open ones end there)."""
        self._close_stall(end_ms)
        self._waiting_since = None
        for node in list(self._leading):
            self._step_down(node, end_ms)
        without = sorted(self._without, key=lambda p: (p.from_ms, p.node))
        return Availability(
            unavailable=tuple(self._unavailable),
            leader_without_majority=tuple(without),
            stall_ms=self._stall_ms,
            majority_timeout_ms=self._majority_timeout_ms,
        )


def availability(
    events: Iterable[Event], end_ms: float | None = None, *, stall_ms: float | None = None
) -> Availability:
    """The availability measures of a list of events (a trace, or ``Result.events``); ``end_ms`` defaults to
    the time of the last event; ``stall_ms`` overrides the threshold the meta event gives."""
    builder = AvailabilityBuilder(stall_ms=stall_ms)
    wanted = frozenset(AVAILABILITY_TYPES)
    last = 0.0
    for event in events:
        last = event["t_ms"]
        if event["type"] in wanted:
            builder(event)
    return builder.finish(last if end_ms is None else end_ms)
