"""Log replication (§5.3): the AppendEntries receiver rules of Figure 2 and the leader's side of them."""

from __future__ import annotations

import pytest

from raft.core.messages import AppendEntries, AppendEntriesResponse, Entry, RequestVoteResponse
from raft.core.node import RaftNode
from raft.core.notes import Appended, Applied, Committed, RoleChanged, Truncated
from raft.core.types import Role
from tests.core.nodekit import FIVE, append, cmd, elect, make_node, notes, ok, persisted, sent, sent_of, take

FIG7_LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
FIG7_F = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]


def reject(m: AppendEntriesResponse) -> tuple[int, int, int]:
    return m.reject_index, m.conflict_term, m.conflict_index


# ------------------------------------------------------------ receiver rules


def test_rule1_stale_term_is_rejected_and_log_untouched() -> None:
    """Reference: Figure 2, AppendEntries receiver rule 1: reply false if term < currentTerm."""
    node = make_node(term=3, log=[1, 2])
    node.step(1.0, "n2", append(2, "n2", 2, 2, [2], commit=3))
    ready = take(node)
    [(to, response)] = sent(ready)
    assert to == "n2" and isinstance(response, AppendEntriesResponse)
    assert response.term == 3 and not response.success
    assert node.log.terms() == [1, 2] and node.commit_index == 0
    assert ready.log_from is None and notes(ready, Appended) == []


def test_rule2_prev_index_beyond_log_rejected_with_hint() -> None:
    """Reference: Figure 2 rule 2: reply false if the log has no entry at prevLogIndex."""
    node = make_node(term=2, log=[1, 1])
    node.step(1.0, "n2", append(2, "n2", 5, 2, [2]))
    [(_, response)] = sent(take(node))
    assert isinstance(response, AppendEntriesResponse) and not response.success
    assert reject(response) == (5, 0, 3)  # no term to report; try from my last index + 1
    assert node.log.terms() == [1, 1]


def test_rule2_prev_term_mismatch_rejected_with_conflict_term() -> None:
    """Reference: Figure 2 rule 2; §5.3: the follower reports the conflicting term and its first index."""
    node = make_node(term=3, log=[1, 2, 2, 2])
    node.step(1.0, "n2", append(3, "n2", 4, 3, [3]))
    [(_, response)] = sent(take(node))
    assert isinstance(response, AppendEntriesResponse) and not response.success
    assert reject(response) == (4, 2, 2)
    assert node.log.terms() == [1, 2, 2, 2]  # a mismatch deletes nothing


def test_rule3_conflicting_suffix_deleted_and_rule4_new_entries_appended() -> None:
    """Reference: Figure 2 rules 3 and 4."""
    node = make_node(term=3, log=[1, 1, 2, 2])
    node.step(1.0, "n2", append(3, "n2", 1, 1, [1, 3, 3]))
    ready = take(node)
    assert node.log.terms() == [1, 1, 3, 3]
    assert notes(ready, Truncated) == [Truncated(3)]
    assert [(n.index, n.term) for n in notes(ready, Appended)] == [(3, 3), (4, 3)]
    assert ready.log_from == 3 and [e.term for e in ready.entries] == [3, 3]
    assert sent(ready) == [("n2", ok(3, 4))]


def test_duplicate_append_entries_changes_nothing() -> None:
    """A duplicate AppendEntries never removes matching entries (no Truncated, no Appended)."""
    node = make_node(term=2, log=[1])
    message = append(2, "n2", 1, 1, [2, 2], commit=0)
    node.step(1.0, "n2", message)
    take(node)
    node.step(2.0, "n2", message)
    ready = take(node)
    assert node.log.terms() == [1, 2, 2]
    assert notes(ready, Truncated) == [] and notes(ready, Appended) == []
    assert ready.log_from is None
    assert sent(ready) == [("n2", ok(2, 3))]


def test_stale_shorter_append_entries_keeps_later_matching_entries() -> None:
    """A delayed AppendEntries holding a prefix of what the follower has must not cut its log (rule 3 applies
    only on a real conflict)."""
    node = make_node(term=2, log=[1, 2, 2, 2])
    node.step(1.0, "n2", append(2, "n2", 1, 1, [2]))
    ready = take(node)
    assert node.log.terms() == [1, 2, 2, 2]
    assert notes(ready, Truncated) == []
    assert sent(ready) == [("n2", ok(2, 2))]  # it confirms only what the message covered


def test_rule5_commit_is_min_of_leader_commit_and_last_new_entry() -> None:
    """Reference: Figure 2 rule 5: commitIndex = min(leaderCommit, index of last new entry)."""
    node = make_node(term=2, log=[1, 1, 1, 1, 1])  # indexes 3..5 may be stale
    node.step(1.0, "n2", append(2, "n2", 1, 1, [1], commit=5))
    ready = take(node)
    assert node.commit_index == 2
    assert Committed(2) in ready.notes
    node.step(2.0, "n2", append(2, "n2", 2, 1, [], commit=5))  # heartbeat: last new entry is prevLogIndex
    assert node.commit_index == 2
    node.step(3.0, "n2", append(2, "n2", 5, 1, [], commit=4))
    assert node.commit_index == 4


def test_commit_index_never_moves_back_on_an_older_leader_commit() -> None:
    node = make_node(term=2, log=[1, 1, 1])
    node.step(1.0, "n2", append(2, "n2", 3, 1, [], commit=3))
    node.step(2.0, "n2", append(2, "n2", 3, 1, [], commit=1))
    assert node.commit_index == 3


def test_follower_applies_committed_entries_in_order() -> None:
    """Reference: Figure 2, all servers: if commitIndex > lastApplied, apply log[lastApplied] in order."""
    node = make_node(term=1)
    entries = (Entry(1, None), Entry(1, cmd("x=1", 1)), Entry(1, cmd("y=2", 2)))
    node.step(1.0, "n2", AppendEntries(1, "n2", 0, 0, entries, 3))
    ready = take(node)
    applied = [(n.index, n.command.op if n.command else None) for n in notes(ready, Applied)]
    assert applied == [(1, None), (2, "x=1"), (3, "y=2")]
    assert node.last_applied == 3 and node.store.data == {"x": "1", "y": "2"}


# ------------------------------------------------------------ leader side


def test_leader_replicates_a_proposal_once_follower_is_known() -> None:
    """Reference: §5.3: the leader appends the command to its log and issues AppendEntries in parallel."""
    leader = make_node()
    ready = elect(leader, 0.0)
    probes = dict(sent_of(ready, AppendEntries))
    assert {to: (m.prev_log_index, len(m.entries)) for to, m in probes.items()} == {
        "n2": (0, 1),
        "n3": (0, 1),
    }
    leader.step(5.0, "n2", ok(1, 1))
    take(leader)
    index = leader.propose(cmd("x=1")).index
    ready = take(leader)
    assert index == 2 and leader.log.terms() == [1, 1]
    # n2 is replicating: it gets the entry at once; n3 is still being probed and is not flooded
    assert [(to, m.prev_log_index, len(m.entries)) for to, m in sent_of(ready, AppendEntries)] == [
        ("n2", 1, 1)
    ]
    assert ready.log_from == 2


def test_leader_backs_up_one_term_per_round_trip_figure7_f() -> None:
    """Reference: §5.3 (the optimisation after Figure 7): with the conflict-term hint the leader of Figure 7
    reaches follower (f) in three round trips instead of one per entry, then brings it to its own log."""
    leader = make_node("ldr", ["ldr", "f", "x", "y", "z", "w", "v"], term=7, log=FIG7_LEADER)
    follower = make_node("f", ["ldr", "f", "x", "y", "z", "w", "v"], term=7, log=FIG7_F)
    elect(leader)
    take(leader)
    leader.tick(leader.heartbeat_deadline)
    message = dict(sent(take(leader)))["f"]
    probes = []
    for _ in range(10):
        assert isinstance(message, AppendEntries)
        probes.append(message.prev_log_index)
        follower.step(1.0, "ldr", message)
        [(_, response)] = sent(take(follower))
        leader.step(2.0, "f", response)
        out = [m for to, m in sent(take(leader)) if to == "f"]
        if not out:
            break
        message = out[0]
    assert probes == [10, 6, 3]  # term 6 -> f's term 3 run; term 3 run -> f's term 2 run; match
    assert follower.log.terms() == leader.log.terms() == [*FIG7_LEADER, 8]
    assert leader.progress["f"].match_index == 11


def test_rejection_with_conflict_term_known_to_leader() -> None:
    """When the leader has entries of the follower's conflicting term, it skips to just after its last one."""
    leader = make_node(term=4, log=[1, 2, 2, 4], leader_noop=False)
    elect(leader)  # term 5, nextIndex 5 for everyone
    take(leader)
    leader.step(1.0, "n2", AppendEntriesResponse(5, False, reject_index=4, conflict_term=2, conflict_index=2))
    [(to, message)] = sent(take(leader))
    assert to == "n2" and isinstance(message, AppendEntries)
    assert message.prev_log_index == 3 and [e.term for e in message.entries] == [4]


def test_response_from_older_term_is_ignored() -> None:
    """Responses of an earlier term (from when this server led before) change nothing."""
    leader = make_node(term=2)
    elect(leader)  # term 3, noop at 1
    take(leader)
    leader.step(1.0, "n2", ok(2, 1))
    leader.step(1.0, "n2", AppendEntriesResponse(2, False, reject_index=1, conflict_index=1))
    assert leader.progress["n2"].match_index == 0 and leader.progress["n2"].next_index == 1
    assert leader.commit_index == 0 and take(leader).messages == ()


def test_match_index_never_decreases_on_a_late_response() -> None:
    leader = make_node()
    elect(leader)
    leader.step(1.0, "n2", ok(1, 1))
    for i in range(3):
        leader.propose(cmd(f"k=v{i}", i + 1))
    take(leader)
    persisted(leader)
    leader.step(3.0, "n2", ok(1, 4))
    take(leader)
    leader.step(4.0, "n2", ok(1, 2))  # a late reply to an earlier AppendEntries
    assert leader.progress["n2"].match_index == 4 and leader.progress["n2"].next_index == 5
    assert leader.commit_index == 4
    leader.step(
        4.0, "n2", AppendEntriesResponse(1, False, reject_index=2, conflict_index=1)
    )  # stale rejection
    assert leader.progress["n2"].next_index == 5
    assert take(leader).messages == ()


def test_max_entries_per_append_bounds_batches() -> None:
    leader = make_node(term=1, log=[1] * 7, max_entries_per_append=3)  # elected in term 2: noop at 8
    elect(leader)
    take(leader)
    leader.step(1.0, "n2", AppendEntriesResponse(2, False, reject_index=7, conflict_index=1))
    batches = []
    for _ in range(10):
        out = sent_of(take(leader), AppendEntries)
        if not out:
            break
        [(_, message)] = out
        assert isinstance(message, AppendEntries)
        batches.append((message.prev_log_index, len(message.entries)))
        leader.step(2.0, "n2", ok(2, message.prev_log_index + len(message.entries)))
    assert batches == [(0, 3), (3, 3), (6, 2)]
    assert all(n <= 3 for _, n in batches)
    assert leader.progress["n2"].match_index == 8


@pytest.mark.parametrize("response", [AppendEntriesResponse(9, False), RequestVoteResponse(9, False)])
def test_leader_steps_down_on_higher_term_in_a_response(response: object) -> None:
    """Reference: §5.1 (all servers): a higher term in a response makes a leader a follower."""
    leader = make_node()
    elect(leader)
    take(leader)
    leader.step(1.0, "n2", response)  # type: ignore[arg-type]
    ready = take(leader)
    assert leader.role is Role.FOLLOWER and leader.current_term == 9 and leader.progress == {}
    assert RoleChanged(Role.FOLLOWER, 9) in ready.notes
    assert leader.election_deadline > 1.0  # its election timer runs again


def test_new_leader_appends_noop_of_its_term() -> None:
    """Reference: §8: a new leader commits a blank no-op entry of its term at the start of its term."""
    leader = make_node(term=3, log=[1, 3])
    ready = elect(leader)
    assert leader.log.terms() == [1, 3, 4]
    assert notes(ready, Appended) == [Appended(3, 4, None)]
    assert [(m.prev_log_index, m.entries) for _, m in sent_of(ready, AppendEntries)] == [(2, (Entry(4),))] * 2


def test_no_noop_when_switched_off() -> None:
    leader = make_node(term=3, log=[1, 3], leader_noop=False)
    ready = elect(leader)
    assert leader.log.terms() == [1, 3]
    assert notes(ready, Appended) == []
    assert [(m.prev_log_index, m.entries) for _, m in sent_of(ready, AppendEntries)] == [(2, ())] * 2


def _five_leader() -> RaftNode:
    leader = make_node("n1", FIVE)
    elect(leader)
    take(leader)
    return leader


def test_heartbeat_carries_leader_commit() -> None:
    leader = _five_leader()
    leader.step(1.0, "n2", ok(1, 1))
    leader.step(1.0, "n3", ok(1, 1))
    assert leader.commit_index == 1
    take(leader)
    leader.tick(leader.heartbeat_deadline)
    beats = sent_of(take(leader), AppendEntries)
    assert len(beats) == 4 and all(m.leader_commit == 1 for _, m in beats)
