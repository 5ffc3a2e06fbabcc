"""Helpers for feeding a RaftNode by hand: build one, elect it, read what it handed out.

Every node gets its own ``random.Random(0)``, so the election timeouts drawn in a test are reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TypeVar

from raft.core.bugs import Bug, node_class
from raft.core.log import RaftLog
from raft.core.messages import AppendEntries, AppendEntriesResponse, Entry, Message, RequestVoteResponse
from raft.core.node import NodeSettings, RaftNode, Ready
from raft.core.notes import Note
from raft.core.quorum import MajorityConfig
from raft.core.snapshot import Snapshot
from raft.core.statemachine import Command

THREE = ("n1", "n2", "n3")
FIVE = ("n1", "n2", "n3", "n4", "n5")
LOW, HIGH = 150.0, 300.0

M = TypeVar("M", bound=Message)
N = TypeVar("N", bound=Note)


def settings(**changes: object) -> NodeSettings:
    base: dict[str, object] = {"election_timeout_ms": (LOW, HIGH), "heartbeat_ms": 50.0}
    base.update(changes)
    return NodeSettings(**base)  # type: ignore[arg-type]


def make_node(
    node_id: str = "n1",
    voters: Sequence[str] = THREE,
    *,
    term: int = 0,
    voted_for: str | None = None,
    log: Iterable[int] | RaftLog = (),
    now: float = 0.0,
    bugs: Iterable[Bug] = (),
    snapshot: Snapshot | None = None,
    **setting_changes: object,
) -> RaftNode:
    """A node as (re)started from this persisted state; the start-up Ready is already taken."""
    raft_log = log if isinstance(log, RaftLog) else RaftLog.from_terms(list(log))
    switched_on = frozenset(bugs)
    node = node_class(switched_on, tick_timers=bool(setting_changes.get("tick_timers")))(
        node_id,
        MajorityConfig(frozenset(voters)),
        settings(bugs=switched_on, **setting_changes),
        random.Random(0),
        term=term,
        voted_for=voted_for,
        log=raft_log,
        snapshot=snapshot,
        now=now,
    )
    node.take_ready()
    return node


def take(node: RaftNode) -> Ready:
    """The node's Ready; an empty one if it produced nothing."""
    ready = node.take_ready()
    return ready if ready is not None else Ready((), None, None, (), ())


def sent(ready: Ready) -> list[tuple[str, Message]]:
    """Every (to, message) the Ready sends."""
    return list(ready.messages)


def sent_of(ready: Ready, kind: type[M]) -> list[tuple[str, M]]:
    """The (to, message) pairs of one message class."""
    return [(to, m) for to, m in ready.messages if isinstance(m, kind)]


def notes(ready: Ready, kind: type[N]) -> list[N]:
    return [n for n in ready.notes if isinstance(n, kind)]


def elect(node: RaftNode, now: float = 0.0, *, persist: bool = True) -> Ready:
    """Make ``node`` leader of the next term with votes from a bare majority; returns the Ready of becoming
    leader. With ``persist`` the leader's log is reported durable."""
    node.election_timeout(now)
    take(node)
    needed = node.voters.majority - 1
    for peer in node.peers[:needed]:
        node.step(now, peer, RequestVoteResponse(node.current_term, True))
    ready = take(node)
    if persist:
        persisted(node)
        ready = merge(ready, take(node))
    return ready


def persisted(node: RaftNode) -> None:
    """Report every log write the node handed out durable (storage that keeps up): the stored log ends where
    the log did when the last Ready was taken."""
    writes = node.durability.writes_in_progress
    if writes:
        node.on_persisted(writes[-1].last_index, writes[-1].last_term)


def merge(a: Ready, b: Ready) -> Ready:
    return Ready(
        a.messages + b.messages,
        b.hard_state or a.hard_state,
        a.log_from or b.log_from,
        a.entries + b.entries,
        a.notes + b.notes,
        b.snapshot or a.snapshot,
    )


def append(
    term: int,
    leader: str,
    prev_index: int,
    prev_term: int,
    entry_terms: Sequence[int] = (),
    commit: int = 0,
) -> AppendEntries:
    entries = tuple(Entry(t) for t in entry_terms)
    return AppendEntries(term, leader, prev_index, prev_term, entries, commit)


def ok(term: int, match_index: int) -> AppendEntriesResponse:
    return AppendEntriesResponse(term, True, match_index=match_index)


def cmd(op: str, seq: int = 1, client: str = "c1") -> Command:
    return Command(client, seq, op)
