"""Commitment and application (§5.3, §5.4.2, Figure 8) and what a restart keeps (Figure 2 persistence)."""

from __future__ import annotations

from raft.core.log import RaftLog
from raft.core.messages import AppendEntries, Entry
from raft.core.notes import Applied, Committed
from raft.core.types import Role
from tests.core.nodekit import FIVE, append, cmd, elect, make_node, notes, ok, take


def test_leader_commits_once_a_majority_holds_a_current_term_entry() -> None:
    """Reference: §5.3: an entry is committed once the leader has replicated it on a majority."""
    leader = make_node("n1", FIVE)
    elect(leader)
    leader.propose(cmd("x=1"))
    take(leader)
    leader.on_persisted(2, 1)
    leader.step(2.0, "n2", ok(1, 2))
    assert leader.commit_index == 0  # 2 of 5
    leader.step(2.0, "n3", ok(1, 2))
    ready = take(leader)
    assert leader.commit_index == 2
    assert notes(ready, Committed) == [Committed(2)]
    assert [(n.index, n.command.op if n.command else None) for n in notes(ready, Applied)] == [
        (1, None),
        (2, "x=1"),
    ]
    assert leader.store.data == {"x": "1"}


def test_figure8_old_term_entry_not_committed_by_counting() -> None:
    """Reference: §5.4.2, Figure 8 (c): S1 leads term 4 with the term-2 entry at index 2 on a majority; it must
    not commit it by counting replicas. Once its term-4 entry is on a majority, both commit (Figure 8 (e))."""
    s1 = make_node("s1", ["s1", "s2", "s3", "s4", "s5"], term=3, log=[1, 2], leader_noop=False)
    elect(s1)  # term 4
    assert s1.current_term == 4
    take(s1)
    s1.step(1.0, "s2", ok(4, 2))
    s1.step(1.0, "s3", ok(4, 2))
    assert s1.commit_index == 0  # index 2 (term 2) is on s1, s2, s3 but is not committed
    index = s1.propose(cmd("x=4")).index
    take(s1)
    s1.on_persisted(index, 4)
    s1.step(3.0, "s2", ok(4, 3))
    assert s1.commit_index == 0
    s1.step(3.0, "s3", ok(4, 3))
    ready = take(s1)
    assert s1.commit_index == 3
    assert [n.index for n in notes(ready, Applied)] == [1, 2, 3]


def test_leader_counts_itself_only_once_its_write_is_durable() -> None:
    """Thesis §10.2.1: a leader counts itself toward a commit only once its own write is durable."""
    leader = make_node()
    elect(leader, persist=False)
    leader.step(1.0, "n2", ok(1, 1))
    assert leader.commit_index == 0  # n2 alone is not a majority of 3
    leader.on_persisted(1, 1)
    assert leader.commit_index == 1


def test_leader_commit_uses_durable_prefix_not_whole_log() -> None:
    leader = make_node()
    elect(leader)
    leader.step(1.0, "n2", ok(1, 1))
    leader.propose(cmd("k=v0", 1))
    assert take(leader).log_from == 2  # one write of index 2 ...
    for i in (1, 2):
        leader.propose(cmd(f"k=v{i}", i + 1))
    assert take(leader).log_from == 3  # ... and another of indexes 3 and 4
    leader.on_persisted(2, 1)  # the first is durable, the second still being written
    leader.step(3.0, "n2", ok(1, 4))
    assert leader.commit_index == 2
    leader.on_persisted(4, 1)
    assert leader.commit_index == 4


def test_follower_commit_follows_leader_and_applies_noop_with_none() -> None:
    node = make_node(term=1)
    node.step(1.0, "n2", append(1, "n2", 0, 0, [1], commit=1))
    ready = take(node)
    assert notes(ready, Applied) == [Applied(1, 1, None, None)]


# ------------------------------------------------------------------ restart


def test_restart_keeps_term_vote_log_and_loses_volatile_state() -> None:
    """Reference: Figure 2: currentTerm, votedFor and log are persistent; commitIndex and lastApplied are
    volatile (initialized to 0); the state machine is rebuilt by re-applying committed entries."""
    first = make_node(term=1)
    entries = (Entry(1, None), Entry(1, cmd("x=1", 1)), Entry(1, cmd("y=2", 2)))
    first.step(1.0, "n2", AppendEntries(1, "n2", 0, 0, entries, 3))
    take(first)
    assert first.store.data == {"x": "1", "y": "2"}
    # crash; restart from what was persisted
    node = make_node(
        term=first.current_term, voted_for=first.voted_for, log=RaftLog(first.log.entries), now=500.0
    )
    assert node.role is Role.FOLLOWER and node.current_term == 1
    assert node.commit_index == 0 and node.last_applied == 0 and node.store.data == {}
    assert node.log.terms() == [1, 1, 1]
    assert 500.0 + 150.0 <= node.election_deadline <= 500.0 + 300.0  # a fresh timeout from now
    node.step(501.0, "n2", AppendEntries(1, "n2", 3, 1, (), 3))
    ready = take(node)
    assert [n.index for n in notes(ready, Applied)] == [1, 2, 3]
    assert node.store.data == {"x": "1", "y": "2"}
    assert node.commit_index == 3 == node.last_applied


def test_restarted_leader_comes_back_as_follower() -> None:
    leader = make_node()
    elect(leader)
    node = make_node(term=leader.current_term, voted_for=leader.voted_for, log=RaftLog(leader.log.entries))
    assert node.role is Role.FOLLOWER and node.voted_for == "n1" and node.progress == {}
