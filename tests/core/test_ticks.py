"""etcd's tick timers (raft/core/ticks.py), feeding a node by hand: every timeout is a whole number of ticks, the
rules of Figure 2 say when a timer restarts, and the caller's clock does not move a timer.

Reference: §5.2; etcd-io/raft ``raft.go`` (``tickElection``, ``tickHeartbeat``, ``resetRandomizedElectionTimeout``).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from raft.core.bugs import Bug, node_class
from raft.core.membership import ChangeKind, ConfChange
from raft.core.messages import AppendEntries, RequestVote, RequestVoteResponse
from raft.core.node import NodeSettings, RaftNode
from raft.core.notes import SteppedDown, TimedOut, TransferAborted
from raft.core.quorum import MajorityConfig
from raft.core.ticks import TickTimers, ticks_of
from raft.core.types import Role
from tests.core.nodekit import THREE, append, make_node, notes, ok, persisted, sent_of, take

#: etcd's defaults: heartbeat 100 ms (one tick), election timeout 1000 ms (ElectionTick 10), drawn in [10, 20).
ETCD = {"election_timeout_ms": (1000.0, 2000.0), "heartbeat_ms": 100.0, "tick_timers": True}
ELECTION_TICKS = 10


def ticking(node_id: str = "n1", **kwargs: object) -> RaftNode:
    return make_node(node_id, **{**ETCD, **kwargs})  # type: ignore[arg-type]


def ticks_until_timeout(node: RaftNode, limit: int = 100, now: float = 0.0) -> int:
    """Tick the node (passing a clock that means nothing to it) until its election timer fires."""
    for count in range(1, limit + 1):
        node.tick(now + 0.37 * count)
        if notes(take(node), TimedOut):
            return count
    raise AssertionError("no election timeout")


def test_an_election_fires_after_a_whole_number_of_ticks_in_election_tick_to_twice_that() -> None:
    """Reference: §5.2; etcd draws the randomized timeout as a whole number of ticks in
    [ElectionTick, 2·ElectionTick)."""
    drawn = Counter()
    for seed in range(300):
        node = node_class((), tick_timers=True)(
            "n1",
            MajorityConfig(frozenset(THREE)),
            NodeSettings(**ETCD),
            random.Random(seed),  # type: ignore[arg-type]
        )
        take(node)
        drawn[ticks_until_timeout(node)] += 1
    assert set(drawn) == set(range(ELECTION_TICKS, 2 * ELECTION_TICKS))  # every value, and only these
    assert max(drawn.values()) < 3 * min(drawn.values())  # about uniform


def test_the_callers_clock_moves_no_timer_only_ticks_do() -> None:
    node = ticking()
    deadline = node.election_deadline
    node.step(5_000_000.0, "n2", RequestVoteResponse(0, False))  # a message at any time: no timer fires
    node.tick(1.0)
    assert node.role is Role.FOLLOWER and node.election_deadline == deadline and node.ticks == 1
    assert node.next_deadline == deadline  # counted in ticks
    assert isinstance(node, TickTimers) and ELECTION_TICKS <= deadline < 2 * ELECTION_TICKS


def test_an_append_entries_between_ticks_restarts_the_count_from_the_last_tick() -> None:
    """Reference: §5.2 (a follower's timer restarts on hearing from the leader); etcd: ``electionElapsed = 0`` on
    MsgApp, so the election fires a whole timeout of ticks after the last tick before the message."""
    node = ticking("n2")
    for _ in range(7):
        node.tick(0.0)
    node.step(750.0, "n1", append(1, "n1", 0, 0))
    assert node.election_deadline - node.ticks in range(ELECTION_TICKS, 2 * ELECTION_TICKS)
    timeout = int(node.election_deadline) - 7
    take(node)
    assert ticks_until_timeout(node) == timeout


def test_granting_a_vote_restarts_the_count_refusing_one_does_not() -> None:
    """Reference: §5.2 (Figure 2: a follower times out without "granting vote to candidate")."""
    granted = ticking("n2")
    refused = ticking("n2", log=[1], term=1)
    for node in (granted, refused):
        for _ in range(5):
            node.tick(0.0)
    before = refused.election_deadline
    granted.step(0.0, "n1", RequestVote(1, "n1", 0, 0))
    refused.step(0.0, "n1", RequestVote(2, "n1", 0, 0))  # log not up to date: refused
    assert granted.voted_for == "n1" and granted.election_deadline >= 5 + ELECTION_TICKS
    assert refused.voted_for is None and refused.election_deadline == before


def test_a_leader_heartbeats_every_tick_and_checks_its_quorum_every_election_tick() -> None:
    """etcd: HeartbeatTick = 1 (a heartbeat every tick); CheckQuorum every ElectionTick ticks (thesis §6.2)."""
    node = ticking(check_quorum=True)
    node.election_timeout(0.0)
    for peer in ("n2", "n3"):
        node.step(0.0, peer, RequestVoteResponse(1, True))
    assert node.role is Role.LEADER
    take(node)
    for count in range(1, ELECTION_TICKS):
        node.tick(0.0)
        ready = take(node)
        assert {to for to, _ in sent_of(ready, AppendEntries)} == {"n2", "n3"}, count
        node.step(0.0, "n2", ok(1, 1))  # one follower answers: with the leader, a majority
    node.tick(0.0)
    assert node.role is Role.LEADER  # a majority was heard within the last ElectionTick ticks
    for _ in range(ELECTION_TICKS):
        node.tick(0.0)
    assert node.role is Role.FOLLOWER  # nobody answered for ElectionTick ticks
    assert notes(take(node), SteppedDown)


def test_a_transfer_aborts_after_election_tick_ticks() -> None:
    """Reference: thesis §3.10 (the transfer aborts after an election timeout), counted in ticks."""
    node = ticking()
    node.election_timeout(0.0)
    node.step(0.0, "n2", RequestVoteResponse(1, True))
    node.transfer_leadership(0.0, "n3")  # n3 is not caught up: no TimeoutNow yet
    take(node)
    aborted_at = None
    for count in range(1, 2 * ELECTION_TICKS):
        node.tick(0.0)
        if notes(take(node), TransferAborted):
            aborted_at = count
            break
    assert aborted_at == ELECTION_TICKS


def test_leader_stickiness_lasts_election_tick_ticks_after_the_last_append_entries() -> None:
    """Reference: thesis §4.2.3, counted as etcd's ``inLease`` does (``electionElapsed < electionTimeout``)."""
    node = ticking("n3", check_quorum=True)
    node.step(0.0, "n1", append(1, "n1", 0, 0))
    for _ in range(ELECTION_TICKS - 1):
        node.tick(0.0)
    assert node.heard_from_leader_recently(node.ticks)
    node.step(0.0, "n2", RequestVote(2, "n2", 0, 0))
    assert node.current_term == 1 and node.voted_for is None  # refused: leader heard within ElectionTick
    node.tick(0.0)
    assert not node.heard_from_leader_recently(node.ticks)
    node.step(0.0, "n2", RequestVote(2, "n2", 0, 0))
    assert node.current_term == 2 and node.voted_for == "n2"


def test_fixed_election_timeout_with_ticks_waits_election_tick_ticks_exactly() -> None:
    node = ticking(bugs=[Bug.FIXED_ELECTION_TIMEOUT])
    assert ticks_until_timeout(node) == ELECTION_TICKS


def test_ticks_of_accepts_only_whole_ticks() -> None:
    assert ticks_of(1000.0, 100.0) == 10
    assert ticks_of(150.0, 15.0) == 10
    for bad in (150.0, 50.0):
        with pytest.raises(ValueError, match="whole number"):
            ticks_of(bad, 100.0)


def test_a_learners_rounds_of_catching_up_are_counted_in_ticks() -> None:
    """Thesis §4.2.1 with etcd's timers: a round of replication to a learner that took fewer than ElectionTick
    ticks shows it keeps up, whatever the caller's clock says (here 10 s between the calls)."""
    node = ticking()
    node.election_timeout(0.0)
    node.step(0.0, "n2", RequestVoteResponse(1, True))
    take(node)
    persisted(node)
    node.step(0.0, "n2", ok(1, 1))
    assert node.commit_index == 1
    node.propose_config_change(0.0, ConfChange.single(ChangeKind.ADD, "n4"))
    take(node)
    persisted(node)
    node.step(0.0, "n2", ok(1, 2))
    assert node.commit_index == 2
    for _ in range(3):
        node.tick(0.0)
    node.propose_config_change(10_000.0, ConfChange.single(ChangeKind.PROMOTE, "n4"))
    catch_up = node.catch_up["n4"]
    assert catch_up.round_started == node.ticks == 3  # ticks, not the caller's 10,000 ms
    for _ in range(2):
        node.tick(0.0)
    node.step(20_000.0, "n4", ok(1, 2))  # the round ended 2 ticks after it began: caught up, promoted
    assert "n4" not in node.catch_up and "n4" in node.config.voters
