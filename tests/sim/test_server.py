"""One simulated server (raft/sim/server.py) driven by hand: a simpy clock, a recording network card and a disk.

Rules checked: a server persists before it sends (Figure 2: "respond to RPCs" only after updating stable
storage), except a leader's AppendEntries, which leave while the leader writes its own log (thesis §10.2.1);
with a slow disk, everything produced while a write is in progress is persisted together by the next write; a
crash loses the write in progress and whatever waited for it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import simpy

from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Message,
    RequestVote,
    RequestVoteResponse,
)
from raft.core.node import NodeSettings
from raft.core.quorum import MajorityConfig
from raft.core.statemachine import Command
from raft.sim.events import EventBus
from raft.sim.server import SimServer
from raft.sim.storage import Storage

WRITE_MS = 10.0


@dataclass(frozen=True)
class Sent:
    """A message as it left, with what the sender's disk held at that moment."""

    t_ms: float
    to: str
    message: Message
    reply_to: int | None
    durable_term: int
    durable_vote: str | None
    durable_terms: tuple[int, ...]


class Wire:
    """The server's network card: records every send instead of delivering it."""

    def __init__(self, env: simpy.Environment, storage: Storage) -> None:
        self.env = env
        self.storage = storage
        self.sent: list[Sent] = []

    def send(self, src: str, dst: str, message: Message, reply_to: int | None) -> None:
        disk = self.storage
        self.sent.append(
            Sent(
                self.env.now,
                dst,
                message,
                reply_to,
                disk.term,
                disk.voted_for,
                tuple(e.term for e in disk.entries),
            )
        )

    def of(self, kind: type[Message]) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.message, kind)]


@dataclass
class Rig:
    env: simpy.Environment
    server: SimServer
    wire: Wire
    storage: Storage
    events: list[dict[str, Any]]

    def run_to(self, t_ms: float) -> None:
        self.env.run(until=t_ms)


def rig(write_ms: float = WRITE_MS) -> Rig:
    """Server n1 of {n1, n2, n3}, started as a follower with an empty disk. Its election timeout (150-300 ms)
    does not fire within the few milliseconds these tests run."""
    env = simpy.Environment()
    storage = Storage()
    wire = Wire(env, storage)
    bus = EventBus()
    events: list[dict[str, Any]] = []
    bus.subscribe(events.append)
    server = SimServer(
        env,
        "n1",
        MajorityConfig(frozenset({"n1", "n2", "n3"})),
        NodeSettings(),
        random.Random(0),
        wire,
        bus,
        storage,
        write_time=(lambda: write_ms) if write_ms > 0 else None,
    )  # type: ignore[arg-type]
    server.start()
    return Rig(env, server, wire, storage, events)


def append(prev_index: int, *, term: int = 1, commit: int = 0) -> AppendEntries:
    """n2's AppendEntries (term 1) carrying one entry after ``prev_index``."""
    entry = Entry(term, Command("c1", prev_index + 1, f"k={prev_index + 1}"))
    return AppendEntries(term, "n2", prev_index, term if prev_index else 0, (entry,), commit)


# ------------------------------------------------------------------ persist before send


def test_a_candidates_request_votes_leave_once_its_term_and_vote_are_durable() -> None:
    r = rig()
    r.server.force_timeout()
    r.run_to(WRITE_MS - 1)
    assert r.wire.sent == []
    assert (r.storage.term, r.storage.voted_for) == (0, None)
    r.run_to(WRITE_MS + 1)
    requests = r.wire.of(RequestVote)
    assert sorted(s.to for s in requests) == ["n2", "n3"]
    assert all((s.t_ms, s.durable_term, s.durable_vote) == (WRITE_MS, 1, "n1") for s in requests)


def test_a_vote_leaves_once_it_is_durable_and_answers_the_request() -> None:
    r = rig()
    r.server.receive("n2", RequestVote(1, "n2", 0, 0), 7)
    r.run_to(WRITE_MS - 1)
    assert r.wire.sent == []
    r.run_to(WRITE_MS + 1)
    [reply] = r.wire.sent
    assert isinstance(reply.message, RequestVoteResponse) and reply.message.vote_granted
    assert (reply.t_ms, reply.to, reply.reply_to) == (WRITE_MS, "n2", 7)
    assert (reply.durable_term, reply.durable_vote) == (1, "n2")


def test_an_append_entries_reply_leaves_once_the_entries_are_durable() -> None:
    r = rig()
    r.server.receive("n2", append(0), 3)
    r.run_to(WRITE_MS + 1)
    [reply] = r.wire.sent
    assert isinstance(reply.message, AppendEntriesResponse)
    assert (reply.message.success, reply.message.match_index) == (True, 1)
    assert (reply.t_ms, reply.reply_to, reply.durable_terms) == (WRITE_MS, 3, (1,))


def test_without_write_latency_the_write_still_comes_first() -> None:
    r = rig(write_ms=0.0)
    r.server.force_timeout()
    r.server.receive("n2", RequestVoteResponse(1, True), 1)  # n1 wins term 1 and appends its no-op entry
    votes = r.wire.of(RequestVote)
    assert votes and all((s.t_ms, s.durable_term, s.durable_vote) == (0.0, 1, "n1") for s in votes)
    beats = r.wire.of(AppendEntries)
    assert beats and all(s.durable_terms == (1,) for s in beats)


# ------------------------------------------------------------------ the leader writes in parallel


def test_a_leaders_append_entries_leave_before_its_own_write_and_it_counts_itself_once_durable() -> None:
    r = rig()
    r.server.force_timeout()
    r.run_to(WRITE_MS)
    r.server.receive(
        "n2", RequestVoteResponse(1, True), 1
    )  # leader at 10 ms; its no-op entry is being written
    [role] = [e for e in r.events if e["type"] == "role" and e["role"] == "leader"]
    sent = r.wire.of(AppendEntries)
    assert sorted(s.to for s in sent) == ["n2", "n3"]
    assert all(s.t_ms == WRITE_MS and s.durable_terms == () for s in sent), (
        "AppendEntries waited for the disk"
    )
    assert role["t_ms"] == WRITE_MS
    r.run_to(WRITE_MS + 2)
    r.server.receive("n2", AppendEntriesResponse(1, True, match_index=1), 0)
    assert not [e for e in r.events if e["type"] == "commit"], (
        "n2 alone is no majority while n1's write is pending"
    )
    r.run_to(3 * WRITE_MS)
    [commit] = [e for e in r.events if e["type"] == "commit"]
    assert (commit["t_ms"], commit["index"]) == (2 * WRITE_MS, 1)


# ------------------------------------------------------------------ write grouping


def test_what_arrives_during_a_write_is_written_together_by_the_next_one() -> None:
    r = rig()
    r.server.receive("n2", append(0), 0)
    for t, prev in ((2.0, 1), (4.0, 2)):
        r.run_to(t)
        r.server.receive("n2", append(prev), prev)
    r.run_to(5 * WRITE_MS)
    replies = r.wire.of(AppendEntriesResponse)
    # One write per input would answer at 10, 20, 30 ms; grouped, the second and third share the write at 20.
    assert [(s.t_ms, s.message.match_index, s.reply_to) for s in replies] == [  # type: ignore[attr-defined]
        (WRITE_MS, 1, 0),
        (2 * WRITE_MS, 2, 1),
        (2 * WRITE_MS, 3, 2),
    ]
    # Within the group, each input's write is made before its reply leaves.
    assert [s.durable_terms for s in replies] == [(1,), (1, 1), (1, 1, 1)]


def test_while_a_write_is_in_progress_even_a_reply_that_writes_nothing_waits_for_it() -> None:
    r = rig()
    r.server.receive("n2", append(0), 1)
    r.run_to(2.0)
    r.server.receive("n3", RequestVote(0, "n3", 0, 0), 2)  # a stale term: refused, nothing to write
    r.run_to(WRITE_MS - 1)
    assert r.wire.sent == []
    r.run_to(3 * WRITE_MS)
    assert [type(s.message) for s in r.wire.sent] == [AppendEntriesResponse, RequestVoteResponse]
    assert r.wire.sent[1].t_ms >= WRITE_MS


# ------------------------------------------------------------------ crashes


def test_a_crash_loses_the_write_in_progress_and_the_reply_that_waited_for_it() -> None:
    r = rig()
    r.server.receive("n2", append(0), 1)
    r.run_to(WRITE_MS / 2)
    r.server.crash()
    r.run_to(WRITE_MS / 2 + 1)
    r.server.start()  # restarted before the lost write would have finished
    r.run_to(5 * WRITE_MS)
    assert r.wire.sent == []
    assert (r.storage.term, r.storage.entries) == (0, [])
    assert r.server.node is not None and r.server.node.log.last_index == 0
