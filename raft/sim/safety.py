"""Raft's seven safety properties (the paper's Figure 3, plus term and commit monotonicity), checked
incrementally on every event.

The checker keeps a shadow of each server's log (the terms of its entries) built from ``append`` and ``truncate``
events, and a registry of the entry first appended at each index (its term, the term before it and its command),
plus any other entry appended at that index in another term. Each event is checked in constant time, except a
new leader's log, which is compared with the committed prefix once per election.

Properties and where they are kept:

- Election Safety: at most one leader per term (``role`` events).
- Leader Append-Only: a leader never truncates its log (``truncate`` events).
- Log Matching: an (index, term) pair always names the same command after the same (index - 1, term) pair
  (``append`` events); by induction, logs that share an entry share the whole prefix. So an entry is named by
  its index and term, and the shadow logs and the committed prefix keep only terms.
- Leader Completeness: every committed entry is in the log of every leader of a later term (``role`` and
  ``commit`` events).
- State Machine Safety: no two servers commit or apply different entries at one index (``commit``, ``apply``).
- Term Monotonicity: a server's term never decreases, across restarts too; Commit Monotonicity: commitIndex
  never decreases within one life of a server.

Across snapshots (thesis §5.1, ``snapshot`` events): a shadow log stays the whole logical log, since a snapshot
replaces a prefix by the state it produced. A snapshot covers only committed entries (State Machine Safety), so a
follower that installs one, or a server that restarts from one, holds the committed prefix up to its last included
index; installing a snapshot never discards a committed entry nor rolls back a server's commitIndex (State
Machine Safety), and the entries a follower keeps after it followed the snapshot's last included entry (Log
Matching).

What is forgotten, and why no check can miss it. A long run would otherwise keep every index ever appended. The
checker forgets everything at or below its *floor*: the lowest, over every server (members, spares, servers
down), of the last index of the snapshot its storage holds, and, for a server that is up, of its commitIndex.
It needs to know what each storage holds (``stored_snapshot``, given by :func:`raft.api.simulate`): a snapshot
the server took may still be being written, and a crash loses it; without it the floor stays 0. Below the floor:

- no server can append: a live server's log holds at least its commitIndex entries and cannot lose one without a
  violation (a truncation at or below commitIndex, an installed snapshot below it), and a restart brings back
  at least the stored snapshot, at or above the floor, with commitIndex from there; so the registry is not needed;
- every live server's log is the committed prefix (it was compared entry by entry when committed), and that stays
  so: commits are compared above commitIndex only, a new leader is compared at the last index committed in an
  earlier term (below the floor it holds it), an installed snapshot that discards an entry there discards a
  committed one. The terms of the forgotten prefix are kept as runs (one per term: a few bytes per election),
  for a snapshot or restart that names an index there;
- no server applies: a server applies the entries of its log, each index once per life after its snapshot, and
  each has a snapshot at or above the floor (its storage's or a later one); what it would apply there is the
  committed entry anyway.

Nothing per index is forgotten in a run without snapshots: a restart then replays the stored log from index 1 and
commits it again, so an entry committed on every live server can still be compared (the Raft log itself keeps
every entry then too). The leader of each term and the terms begun are kept (a few bytes per term).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from raft.core.types import Role
from raft.properties import Property
from raft.sim.events import (
    AppendEvent,
    ApplyEvent,
    CommitEvent,
    CrashEvent,
    DeliverEvent,
    Event,
    EventBus,
    EventType,
    MetaEvent,
    RestartEvent,
    RoleEvent,
    SnapshotEvent,
    TickAdvanceEvent,
    TimeoutEvent,
    TruncateEvent,
    ViolationEvent,
    VoteEvent,
)
from raft.sim.storage import Storage

#: The event types the checker reads.
CHECKED_TYPES: tuple[EventType, ...] = (
    EventType.META,
    EventType.ROLE,
    EventType.APPEND,
    EventType.TRUNCATE,
    EventType.COMMIT,
    EventType.APPLY,
    EventType.SNAPSHOT,
    EventType.CRASH,
    EventType.RESTART,
)

#: What the checker reads besides, with ``cluster.check_quorum`` on, for Leader Stickiness.
STICKINESS_TYPES: tuple[EventType, ...] = (
    EventType.DELIVER,
    EventType.VOTE,
    EventType.TIMEOUT,
    EventType.TICK_ADVANCE,
)
#: The requests only a leader sends, which a server not behind their term follows (thesis §5.1 for the second).
_FROM_LEADER = frozenset({"AppendEntries", "InstallSnapshot"})
#: Responses whose higher term a server adopts (a reason, besides a new leader, to forget the leader it heard).
_TERM_BEARING_RESPONSES = frozenset({"RequestVoteResponse", "PreVoteResponse", "AppendEntriesResponse"})


def checked_types(check_quorum: bool) -> tuple[EventType, ...]:
    """The event types to subscribe the checker to: per-message ones only when Leader Stickiness is checked,
    so that a paper-Raft run pays nothing for it."""
    return CHECKED_TYPES + STICKINESS_TYPES if check_quorum else CHECKED_TYPES


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken safety property, with everything needed to find it in the trace."""

    property: str
    t_ms: float
    nodes: tuple[str, ...]
    term: int | None
    index: int | None
    detail: str

    def __reduce__(
        self,
    ) -> tuple[type[Violation], tuple[str, float, tuple[str, ...], int | None, int | None, str]]:
        """Pickled by its fields (a worker process hands violations back): the way that also works for the
        compiled class, whose frozen fields cannot be set one by one."""
        return Violation, (self.property, self.t_ms, self.nodes, self.term, self.index, self.detail)

    def event(self) -> ViolationEvent:
        """The trace's ``violation`` event."""
        return {
            "t_ms": self.t_ms,
            "type": EventType.VIOLATION,
            "property": self.property,
            "nodes": list(self.nodes),
            "term": self.term,
            "index": self.index,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        return f"{describe_place(self.property, self.t_ms, self.nodes, self.term, self.index)}: {self.detail}"


def known_place(term: int | None, index: int | None) -> str:
    """``" (term 1, index 4)"``, ``" (term 1)"`` or ``""``: only what is known (never Python's ``None``)."""
    parts = ([f"term {term}"] if term is not None else []) + ([f"index {index}"] if index is not None else [])
    return f" ({', '.join(parts)})" if parts else ""


def describe_place(prop: str, t_ms: float, nodes: Sequence[str], term: int | None, index: int | None) -> str:
    """``Election Safety at 22.0 ms on n1, n2 (term 1)``: naming only what is known (a linearizability violation
    concerns the client history, not nodes: no ``on``)."""
    on = f" on {', '.join(nodes)}" if nodes else ""
    return f"{prop} at {t_ms:.1f} ms{on}{known_place(term, index)}"


class SafetyViolationError(Exception):
    """Raised by the checker to stop the run at the first violation (not a user-input error)."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(str(violation))
        self.violation = violation

    def __reduce__(self) -> tuple[type[SafetyViolationError], tuple[Violation]]:
        return type(self), (self.violation,)  # pickled by its violation, not its message


def stored_snapshots(storages: Mapping[str, Storage]) -> Callable[[str], int]:
    """The ``stored_snapshot`` of a :class:`SafetyChecker` watching servers with these storages: the last index
    each one's stored snapshot includes (0 without one)."""

    def stored(node: str) -> int:
        snapshot = storages[node].snapshot
        return 0 if snapshot is None else snapshot.index

    return stored


class SafetyChecker:
    """Consumes events and raises :class:`SafetyViolationError` on the first broken property.

    ``stored_snapshot`` tells, for a server, the last index its *storage's* snapshot includes (0 without one):
    the least a restart brings back. With it the checker forgets what lies at or below :attr:`floor` (see the
    module docstring); without it (a hand-made event stream) it forgets nothing.
    """

    def __init__(self, stored_snapshot: Callable[[str], int] | None = None) -> None:
        self.stored_snapshot = stored_snapshot
        #: Every index up to here is forgotten: the committed prefix, which no check can reach any more.
        self.floor = 0
        #: Each server's log after :attr:`floor`, as the terms of its entries (an entry is named by its index
        #: and term: Log Matching, checked on every append, keeps that pair unique).
        self.logs: dict[str, list[int]] = {}
        self.terms: dict[str, int] = {}
        #: The persisted term each server last started from (initial state or restart).
        self.persisted_terms: dict[str, int] = {}
        self.roles: dict[str, str] = {}
        self.down: set[str] = set()
        self.commit: dict[str, int] = {}
        self.leader_of_term: dict[int, str] = {}
        #: The servers leading right now, with their terms.
        self.leaders: dict[str, int] = {}
        #: For each index after :attr:`floor`, the first entry appended there: (term, previous term, command,
        #: client, seq); the entries of other terms at an index (rare: overwritten ones) by (index, term).
        self.registry: list[tuple[int, int, Any, Any, Any]] = []
        self.other_entries: dict[tuple[int, int], tuple[int, int, Any, Any, Any]] = {}
        #: The committed prefix after :attr:`floor`: each entry's term, and the term in which it was first
        #: committed; below it, the terms of the forgotten prefix as runs (first index, term).
        self.committed: list[int] = []
        self.commit_terms: list[int] = []
        self.forgotten_runs: list[tuple[int, int]] = []
        #: The first entry applied at each index after :attr:`floor`: (term, command, client, seq).
        self.applied: dict[int, tuple[int, Any, Any, Any]] = {}
        self.violations: list[Violation] = []
        #: With PreVote on: every term some candidate began (or a server started in); ``None`` when off.
        self.begun_terms: set[int] | None = None
        #: With CheckQuorum on: the minimum election timeout, and for each server when and in which term an
        #: AppendEntries from a current leader last reached it.
        self.sticky_ms: float | None = None
        self.leader_heard: dict[str, tuple[float, int]] = {}
        #: With etcd's timers: the tick interval.
        self.tick_ms = 0.0
        self._handlers: dict[str, Callable[[Any], None]] = {
            EventType.APPEND: self._on_append,
            EventType.COMMIT: self._on_commit,
            EventType.APPLY: self._on_apply,
            EventType.ROLE: self._on_role,
            EventType.TRUNCATE: self._on_truncate,
            EventType.SNAPSHOT: self._on_snapshot,
            EventType.CRASH: self._on_crash,
            EventType.RESTART: self._on_restart,
            EventType.META: self._on_meta,
            EventType.DELIVER: self._on_deliver,
            EventType.VOTE: self._on_vote,
            EventType.TIMEOUT: self._on_timeout,
            EventType.TICK_ADVANCE: self._on_tick_advance,
        }

    def __call__(self, event: Event) -> None:
        handler = self._handlers.get(event["type"])
        if handler is not None:
            handler(event)

    def subscribe(self, bus: EventBus, check_quorum: bool) -> None:
        """Subscribe the checker to :func:`checked_types` on ``bus``, each type straight to its handler (what
        calling the checker with an event does, one call less per event)."""
        for kind in checked_types(check_quorum):
            bus.subscribe(self._handlers[kind], (kind,))

    def _fail(
        self,
        prop: Property,
        event: Event,
        nodes: tuple[str, ...],
        term: int | None,
        index: int | None,
        detail: str,
    ) -> None:
        violation = Violation(prop.value, event["t_ms"], nodes, term, index, detail)
        self.violations.append(violation)
        raise SafetyViolationError(violation)

    def _term_went_back(self, event: Event, node: str, term: int, detail: str) -> None:
        """Fails Term Monotonicity: ``node`` is at ``term``, below a term it already had."""
        self._fail(Property.TERM_MONOTONICITY, event, (node,), term, None, detail)

    # --------------------------------------------------------------- events

    def _on_meta(self, event: MetaEvent) -> None:
        config = event.get("config", {})  # (a hand-made meta event may have none)
        cluster = config.get("cluster") or {}
        if cluster.get("pre_vote"):
            self.begun_terms = {0}
        if cluster.get("check_quorum"):
            low = float(cluster["election_timeout_ms"][0])
            if cluster.get("timers") == "ticks":
                # etcd's timers count ElectionTick ticks after the tick before the AppendEntries arrived: at
                # least ElectionTick - 1 intervals; a tick advance counts as that many intervals gone by.
                self.tick_ms = float(cluster["heartbeat_ms"])
                low -= self.tick_ms
            self.sticky_ms = low
        for node in [*event["nodes"], *event.get("spares", [])]:
            state = event.get("initial_state", {}).get(node, {})
            terms = state.get("log", [])
            self.logs[node] = []
            self.terms[node] = self.persisted_terms[node] = state.get("term", 0)
            if self.begun_terms is not None:
                self.begun_terms.add(self.terms[node])
            for index, term in enumerate(terms, start=1):  # the initial log, appended before the run
                self._on_append(
                    {
                        "t_ms": event["t_ms"],
                        "type": EventType.APPEND,
                        "node": node,
                        "index": index,
                        "term": term,
                        "command": None,
                    }
                )
            self.commit[node] = 0

    def _on_role(self, event: RoleEvent) -> None:
        node, term, role = event["node"], event["term"], event["role"]
        if term < self.terms.get(node, 0):
            self._term_went_back(event, node, term, f"term went from {self.terms[node]} down to {term}")
        if self.begun_terms is not None:
            self._check_term_begun(event, node, role, term)
        if role == "candidate":
            self.leader_heard.pop(node, None)
        elif self.sticky_ms is not None and node in self.leader_heard:
            self._check_term_kept(event, node, term)
        self.terms[node] = term
        self.roles[node] = role
        if role != Role.LEADER.value:
            self.leaders.pop(node, None)
            return
        other = self.leader_of_term.get(term)
        if other is not None and other != node:
            self._fail(
                Property.ELECTION_SAFETY,
                event,
                (other, node),
                term,
                None,
                f"{other} and {node} were both elected leader in term {term}",
            )
        self.leader_of_term[term] = node
        self.leaders[node] = term
        # Leader Completeness: the new leader holds every entry committed in an earlier term. Checking the
        # last such index is enough, since Log Matching (checked on every append) covers the prefix.
        # Below the floor every live server's log is the committed prefix: nothing to check there.
        floor, commit_terms = self.floor, self.commit_terms
        index = floor + len(commit_terms)
        while index > floor and commit_terms[index - floor - 1] >= term:
            index -= 1
        if index > floor:
            self._check_leader_has(event, node, term, index)

    def _check_term_begun(self, event: RoleEvent, node: str, role: str, term: int) -> None:
        """PreVote Term Stability: a server enters a new term only as its candidate or by learning it from a
        server already in it, so every term entered was begun by a candidate (thesis §9.6)."""
        begun = self.begun_terms
        assert begun is not None
        if role == "candidate":
            begun.add(term)
        elif term > self.terms.get(node, 0) and term not in begun:
            self._fail(
                Property.PREVOTE_TERM_STABILITY,
                event,
                (node,),
                term,
                None,
                f"{node} entered term {term} as {role}, a term no candidate began (from term "
                f"{self.terms.get(node, 0)})",
            )

    def _on_deliver(self, event: DeliverEvent) -> None:
        """Leader Stickiness bookkeeping: an AppendEntries (or InstallSnapshot) not behind the receiver's term
        comes from a current leader; a response of a higher term makes the receiver adopt it and forget that leader; so does the
        RequestVote of a transfer campaign (``transfer``: its candidate got TimeoutNow from the leader, which asked
        for this election, thesis §3.10), which voters honour despite stickiness."""
        if self.sticky_ms is None:
            return
        node, term, kind = event["to"], event["term"], event["msg"]
        if kind in _FROM_LEADER:
            if term >= self.terms.get(node, 0):
                self.leader_heard[node] = (event["t_ms"], term)
        elif term > self.terms.get(node, 0) and (
            kind in _TERM_BEARING_RESPONSES or (kind == "RequestVote" and event.get("transfer", False))
        ):
            self.leader_heard.pop(node, None)

    def _check_term_kept(self, event: RoleEvent, node: str, term: int) -> None:
        """Leader Stickiness: within the minimum election timeout of hearing from a current leader, a server does
        not take a candidate's later term either (thesis §4.2.3). Every other way to a later term (an
        AppendEntries of a new leader, a response of a later term, its own timer) updated or cleared
        ``leader_heard`` first."""
        at, leader_term = self.leader_heard[node]
        assert self.sticky_ms is not None
        if term > leader_term and event["t_ms"] - at < self.sticky_ms - 1e-9:
            self._fail(
                Property.LEADER_STICKINESS,
                event,
                (node,),
                term,
                None,
                f"{node} took term {term} {event['t_ms'] - at:.1f} ms after an AppendEntries of term "
                f"{leader_term}, within the minimum election timeout ({self.sticky_ms:g} ms)",
            )

    def _on_tick_advance(self, event: TickAdvanceEvent) -> None:
        """etcd's initial election tick advance: ``ticks`` intervals count as gone by since ``node`` last heard
        from its leader."""
        heard = self.leader_heard.get(event["node"])
        if heard is not None:
            self.leader_heard[event["node"]] = (heard[0] - event["ticks"] * self.tick_ms, heard[1])

    def _on_timeout(self, event: TimeoutEvent) -> None:
        """A server whose election timer fired (or was forced to) campaigns: it no longer follows a leader."""
        self.leader_heard.pop(event["node"], None)

    def _on_vote(self, event: VoteEvent) -> None:
        """Leader Stickiness: no vote for a later term within the minimum election timeout of hearing from a
        current leader (thesis §4.2.3)."""
        if self.sticky_ms is None or not event["granted"]:
            return
        node = event["node"]
        heard = self.leader_heard.get(node)
        if heard is None:
            return
        at, leader_term = heard
        if event["term"] > leader_term and event["t_ms"] - at < self.sticky_ms - 1e-9:
            self._fail(
                Property.LEADER_STICKINESS,
                event,
                (node,),
                event["term"],
                None,
                f"{node} voted for {event['candidate']} in term {event['term']} "
                f"{event['t_ms'] - at:.1f} ms after an AppendEntries of term {leader_term}, within the "
                f"minimum election timeout ({self.sticky_ms:g} ms)",
            )

    def _check_leader_has(self, event: RoleEvent | CommitEvent, leader: str, term: int, index: int) -> None:
        """``leader`` holds the committed entry at ``index`` (above the floor)."""
        log = self.logs[leader]
        at = index - self.floor - 1
        entry_term = self.committed[at]
        if at >= len(log) or log[at] != entry_term:
            self._fail(
                Property.LEADER_COMPLETENESS,
                event,
                (leader,),
                term,
                index,
                f"leader of term {term} lacks the entry of term {entry_term} at index {index}, committed in "
                f"term {self.commit_terms[at]}",
            )

    def _on_append(self, event: AppendEvent) -> None:
        """Log Matching: the entry appended at an index is the one every server appended with this index and
        term, after the same previous term."""
        node, index, term = event["node"], event["index"], event["term"]
        log, floor = self.logs[node], self.floor
        if index != floor + len(log) + 1:
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"append at index {index} to a log of length {floor + len(log)}",
            )
        entry = (
            term,
            log[-1] if log else self._committed_term(floor),
            event.get("command"),
            event.get("client"),
            event.get("seq"),
        )
        registry, at = self.registry, index - floor - 1  # at >= 0: the index is past the floor
        if at == len(registry):
            registry.append(entry)
            known = entry
        elif at < len(registry) and registry[at][0] == term:
            known = registry[at]
        else:
            known = self.other_entries.setdefault((index, term), entry)
        if known is not entry and known != entry:
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"entry (index {index}, term {term}) differs from another server's entry with the same "
                f"index and term (previous term {entry[1]} vs {known[1]}, command {entry[2]!r} vs "
                f"{known[2]!r})",
            )
        log.append(term)

    def _on_truncate(self, event: TruncateEvent) -> None:
        node, index = event["node"], event["index"]
        if self.roles.get(node) == Role.LEADER.value:
            self._fail(
                Property.LEADER_APPEND_ONLY,
                event,
                (node,),
                self.terms.get(node),
                index,
                f"leader {node} deleted entries from index {index} on",
            )
        if index <= self.commit.get(node, 0):
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                self.terms.get(node),
                index,
                f"{node} deleted entries from index {index} on, below its commitIndex {self.commit[node]}",
            )
        del self.logs[node][index - self.floor - 1 :]

    def _on_commit(self, event: CommitEvent) -> None:
        node, index = event["node"], event["index"]
        before = self.commit.get(node, 0)
        term = self.terms.get(node)
        if index < before:
            self._fail(
                Property.COMMIT_MONOTONICITY,
                event,
                (node,),
                term,
                index,
                f"commitIndex went from {before} down to {index}",
            )
        self.commit[node] = index
        # A live server's commitIndex is at or above the floor: only entries after it are compared.
        floor, log, committed = self.floor, self.logs[node], self.committed
        for i in range(before + 1, index + 1):
            at = i - floor - 1
            if at >= len(log):
                self._fail(
                    Property.STATE_MACHINE_SAFETY,
                    event,
                    (node,),
                    term,
                    i,
                    f"commitIndex {index} is beyond the log's end ({floor + len(log)})",
                )
            entry_term = log[at]
            if at < len(committed):
                if committed[at] != entry_term:
                    self._fail(
                        Property.STATE_MACHINE_SAFETY,
                        event,
                        (node,),
                        term,
                        i,
                        f"committed entry of term {entry_term} at index {i}, where an entry of term "
                        f"{committed[at]} was committed before",
                    )
            else:
                committed.append(entry_term)
                self.commit_terms.append(term or 0)
                # ... and it must already be in the log of every leader of a later term.
                for leader, leader_term in self.leaders.items():
                    if leader_term > (term or 0):
                        self._check_leader_has(event, leader, leader_term, i)

    def _on_apply(self, event: ApplyEvent) -> None:
        index, term = event["index"], event["term"]
        entry = (term, event.get("command"), event.get("client"), event.get("seq"))
        known = self.applied.setdefault(index, entry)
        if known is not entry and known != entry:
            node = event["node"]
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                term,
                index,
                f"{node} applied {entry[1]!r} (term {term}) at index {index}, another server applied "
                f"{known[1]!r} (term {known[0]})",
            )

    def _on_crash(self, event: CrashEvent) -> None:
        node = event["node"]
        self.roles[node] = "down"
        self.down.add(node)
        self.leaders.pop(node, None)
        self.leader_heard.pop(node, None)

    def _on_restart(self, event: RestartEvent) -> None:
        node, term = event["node"], event["term"]
        # A term change still being written at a crash is lost with it (no message carrying it left the
        # server), so a new life starts from the persisted term; the persisted term itself never goes back.
        if term < self.persisted_terms.get(node, 0):
            self._term_went_back(
                event,
                node,
                term,
                f"restarted with term {term}, below its persisted term {self.persisted_terms[node]}",
            )
        self.persisted_terms[node] = self.terms[node] = term
        self.leader_heard.pop(node, None)
        self.down.discard(node)
        self.commit[node] = 0
        # The recovered log holds entries appended before (each named by its index and term); a recovered
        # snapshot stands for the committed prefix it covers, never below the floor (it was chosen so).
        start = 0
        if "snapshot" in event:
            start, snapshot_term = event["snapshot"]
            self._check_snapshot_committed(event, node, start, snapshot_term)
        assert start >= self.floor, f"{node} restarted from index {start}, below the forgotten {self.floor}"
        self.logs[node] = self.committed[: start - self.floor] + list(event["log"])
        self.commit[node] = start  # a snapshot is applied, hence committed, from the start

    def _check_snapshot_committed(self, event: Event, node: str, index: int, term: int) -> None:
        """State Machine Safety: a snapshot covers only committed entries, and ends at the committed entry of
        its index (thesis §5.1)."""
        committed = self.floor + len(self.committed)
        if index > committed or (index and self._committed_term(index) != term):
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                self.terms.get(node),
                index,
                f"{node}'s snapshot ends at index {index} (term {term}), which is not the committed entry there "
                f"({committed} entries committed)",
            )

    def _on_snapshot(self, event: SnapshotEvent) -> None:
        """A server took a snapshot (only of applied entries), or installed one from its leader: its log
        becomes the committed prefix the snapshot covers plus the ``kept`` entries that followed."""
        node, index, term = event["node"], event["index"], event["term"]
        self._check_snapshot_committed(event, node, index, term)
        commit = self.commit.get(node, 0)
        if "from" not in event:
            if index > commit:
                self._fail(
                    Property.STATE_MACHINE_SAFETY,
                    event,
                    (node,),
                    term,
                    index,
                    f"{node} took a snapshot up to index {index}, beyond its commitIndex {commit}",
                )
            self._raise_floor()
            return
        floor, old, kept = self.floor, self.logs[node], event.get("kept", 0)
        if kept and (floor + len(old) < index + kept or self._log_term(old, index) != term):
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"{node} kept {kept} entries after a snapshot ending at index {index} (term {term}) that its "
                f"log did not match",
            )
        # Up to the floor, this live server's log is the committed prefix: the first entry it discards there is
        # a committed one.
        committed = self.committed
        first, last = index + kept + 1, floor + min(len(old), len(committed))
        for i in range(first, last + 1):
            if i <= floor or old[i - floor - 1] == committed[i - floor - 1]:
                self._fail(
                    Property.STATE_MACHINE_SAFETY,
                    event,
                    (node,),
                    self.terms.get(node),
                    i,
                    f"{node} installed a snapshot ending at index {index} and discarded its entries after it, "
                    f"among them the committed entry at index {i}",
                )
        if index < commit:
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                self.terms.get(node),
                index,
                f"{node} installed a snapshot ending at index {index}, below its commitIndex {commit}: its "
                f"state machine rolls back",
            )
        self.logs[node] = committed[: index - floor] + old[index - floor : index - floor + kept]
        self._raise_floor()

    # --------------------------------------------------------------- forgetting

    def _committed_term(self, index: int) -> int:
        """The term of the committed entry at ``index`` (0 for index 0)."""
        if index > self.floor:
            return self.committed[index - self.floor - 1]
        runs = self.forgotten_runs
        at = bisect_right(runs, (index, math.inf)) - 1
        return runs[at][1] if at >= 0 and index > 0 else 0

    def _log_term(self, log: list[int], index: int) -> int:
        """The term at ``index`` of a live server's log (the committed one up to the floor)."""
        return log[index - self.floor - 1] if index > self.floor else self._committed_term(index)

    def _raise_floor(self) -> None:
        """Forget the committed prefix up to the lowest index any server can still reach (module docstring)."""
        if self.stored_snapshot is None:
            return
        stored, down, commit = self.stored_snapshot, self.down, self.commit
        floor = min(
            (stored(node) if node in down else min(stored(node), index) for node, index in commit.items()),
            default=0,
        )
        forget = floor - self.floor
        if forget <= 0:
            return
        runs = self.forgotten_runs
        last = runs[-1][1] if runs else None
        for index, term in enumerate(self.committed[:forget], self.floor + 1):
            if term != last:
                runs.append((index, term))
                last = term
        del self.committed[:forget]
        del self.commit_terms[:forget]
        del self.registry[:forget]
        if self.other_entries:
            self.other_entries = {key: e for key, e in self.other_entries.items() if key[0] > floor}
        for log in self.logs.values():
            del log[:forget]  # a down server's log is rebuilt from its storage at its restart
        applied = self.applied
        for index in range(self.floor + 1, floor + 1):
            applied.pop(index, None)
        self.floor = floor
