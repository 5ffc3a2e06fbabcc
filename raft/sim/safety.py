"""Raft's seven safety properties (the paper's Figure 3, plus term and commit monotonicity), checked
incrementally on every event.

The checker keeps a shadow of each server's log (terms and command identities) built from ``append`` and
``truncate`` events, and a registry of every (index, term) pair ever appended with the entry before it. Each
event is checked in constant time, except a new leader's log, which is compared with the committed prefix once
per election.

Properties and where they are kept:

- Election Safety: at most one leader per term (``role`` events).
- Leader Append-Only: a leader never truncates its log (``truncate`` events).
- Log Matching: an (index, term) pair always names the same command after the same (index - 1, term) pair
  (``append`` events); by induction, logs that share an entry share the whole prefix.
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
"""

from __future__ import annotations

from collections.abc import Sequence
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


Identity = tuple[Any, Any, Any]  # (command, client, seq) of an entry


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken safety property, with everything needed to find it in the trace."""

    property: str
    t_ms: float
    nodes: tuple[str, ...]
    term: int | None
    index: int | None
    detail: str

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


def _identity(event: AppendEvent | ApplyEvent) -> Identity:
    return (event.get("command"), event.get("client"), event.get("seq"))


class SafetyChecker:
    """Consumes events and raises :class:`SafetyViolationError` on the first broken property."""

    def __init__(self) -> None:
        self.logs: dict[str, list[tuple[int, Identity]]] = {}
        self.terms: dict[str, int] = {}
        #: The persisted term each server last started from (initial state or restart).
        self.persisted_terms: dict[str, int] = {}
        self.roles: dict[str, str] = {}
        self.commit: dict[str, int] = {}
        self.leader_of_term: dict[int, str] = {}
        #: The servers leading right now, with their terms.
        self.leaders: dict[str, int] = {}
        self.registry: dict[tuple[int, int], tuple[int, Identity]] = {}
        #: The committed prefix: each entry (term, identity), and the term in which it was first committed.
        self.committed: list[tuple[int, Identity]] = []
        self.commit_terms: list[int] = []
        self.applied: dict[int, tuple[int, Identity]] = {}
        self.violations: list[Violation] = []
        #: With PreVote on: every term some candidate began (or a server started in); ``None`` when off.
        self.begun_terms: set[int] | None = None
        #: With CheckQuorum on: the minimum election timeout, and for each server when and in which term an
        #: AppendEntries from a current leader last reached it.
        self.sticky_ms: float | None = None
        self.leader_heard: dict[str, tuple[float, int]] = {}
        #: With etcd's timers: the tick interval.
        self.tick_ms = 0.0

    def __call__(self, event: Event) -> None:
        match event["type"]:
            case EventType.APPEND:
                self._on_append(event)
            case EventType.COMMIT:
                self._on_commit(event)
            case EventType.APPLY:
                self._on_apply(event)
            case EventType.ROLE:
                self._on_role(event)
            case EventType.TRUNCATE:
                self._on_truncate(event)
            case EventType.SNAPSHOT:
                self._on_snapshot(event)
            case EventType.CRASH:
                self._on_crash(event)
            case EventType.RESTART:
                self._on_restart(event)
            case EventType.META:
                self._on_meta(event)
            case EventType.DELIVER:
                self._on_deliver(event)
            case EventType.VOTE:
                self._on_vote(event)
            case EventType.TIMEOUT:
                self._on_timeout(event)
            case EventType.TICK_ADVANCE:
                self._on_tick_advance(event)

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
        cluster = (event.get("config") or {}).get("cluster") or {}
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
            for index, term in enumerate(terms, start=1):
                self._register(event, node, index, term, (None, None, None))
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
        index = len(self.committed)
        while index > 0 and self.commit_terms[index - 1] >= term:
            index -= 1
        if index:
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
        log = self.logs[leader]
        entry = self.committed[index - 1]
        if index > len(log) or log[index - 1] != entry:
            self._fail(
                Property.LEADER_COMPLETENESS,
                event,
                (leader,),
                term,
                index,
                f"leader of term {term} lacks the entry of term {entry[0]} at index {index}, committed in "
                f"term {self.commit_terms[index - 1]}",
            )

    def _on_append(self, event: AppendEvent) -> None:
        node, index, term = event["node"], event["index"], event["term"]
        log = self.logs[node]
        if index != len(log) + 1:
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"append at index {index} to a log of length {len(log)}",
            )
        self._register(event, node, index, term, _identity(event))

    def _register(self, event: Event, node: str, index: int, term: int, identity: Identity) -> None:
        log = self.logs[node]
        prev_term = log[-1][0] if log else 0
        key = (index, term)
        known = self.registry.get(key)
        if known is None:
            self.registry[key] = (prev_term, identity)
        elif known != (prev_term, identity):
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"entry (index {index}, term {term}) differs from another server's entry with the same "
                f"index and term (previous term {prev_term} vs {known[0]}, command {identity[0]!r} vs "
                f"{known[1][0]!r})",
            )
        log.append((term, identity))

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
        del self.logs[node][index - 1 :]

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
        log = self.logs[node]
        for i in range(before + 1, index + 1):
            if i > len(log):
                self._fail(
                    Property.STATE_MACHINE_SAFETY,
                    event,
                    (node,),
                    term,
                    i,
                    f"commitIndex {index} is beyond the log's end ({len(log)})",
                )
            entry = log[i - 1]
            if i <= len(self.committed):
                if self.committed[i - 1] != entry:
                    self._fail(
                        Property.STATE_MACHINE_SAFETY,
                        event,
                        (node,),
                        term,
                        i,
                        f"committed entry of term {entry[0]} at index {i}, where an entry of term "
                        f"{self.committed[i - 1][0]} was committed before",
                    )
            else:
                self.committed.append(entry)
                self.commit_terms.append(term or 0)
                # ... and it must already be in the log of every leader of a later term.
                for leader, leader_term in self.leaders.items():
                    if leader_term > (term or 0):
                        self._check_leader_has(event, leader, leader_term, i)

    def _on_apply(self, event: ApplyEvent) -> None:
        node, index, term = event["node"], event["index"], event["term"]
        entry = (term, _identity(event))
        known = self.applied.get(index)
        if known is None:
            self.applied[index] = entry
        elif known != entry:
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                term,
                index,
                f"{node} applied {entry[1][0]!r} (term {term}) at index {index}, another server applied "
                f"{known[1][0]!r} (term {known[0]})",
            )

    def _on_crash(self, event: CrashEvent) -> None:
        node = event["node"]
        self.roles[node] = "down"
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
        self.commit[node] = 0
        # The recovered log holds entries appended before, so the registry knows each one's identity; a
        # recovered snapshot stands for the committed prefix it covers.
        start = 0
        if "snapshot" in event:
            start, snapshot_term = event["snapshot"]
            self._check_snapshot_committed(event, node, start, snapshot_term)
        self.logs[node] = self.committed[:start] + [
            (term, self.registry[(index, term)][1]) for index, term in enumerate(event["log"], start + 1)
        ]
        self.commit[node] = start  # a snapshot is applied, hence committed, from the start

    def _check_snapshot_committed(self, event: Event, node: str, index: int, term: int) -> None:
        """State Machine Safety: a snapshot covers only committed entries, and ends at the committed entry of
        its index (thesis §5.1)."""
        committed = self.committed
        if index > len(committed) or (index and committed[index - 1][0] != term):
            self._fail(
                Property.STATE_MACHINE_SAFETY,
                event,
                (node,),
                self.terms.get(node),
                index,
                f"{node}'s snapshot ends at index {index} (term {term}), which is not the committed entry there "
                f"({len(committed)} entries committed)",
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
            return
        old, kept = self.logs[node], event.get("kept", 0)
        if kept and (len(old) < index + kept or old[index - 1][0] != term):
            self._fail(
                Property.LOG_MATCHING,
                event,
                (node,),
                term,
                index,
                f"{node} kept {kept} entries after a snapshot ending at index {index} (term {term}) that its "
                f"log did not match",
            )
        committed = self.committed
        for i in range(index + kept + 1, min(len(old), len(committed)) + 1):
            if old[i - 1] == committed[i - 1]:
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
        self.logs[node] = committed[:index] + old[index : index + kept]
