"""Leader election, section by section of the paper (§5.1, §5.2, §5.4.1), feeding a RaftNode by hand."""

from __future__ import annotations

import pytest

from raft.core.messages import AppendEntries, AppendEntriesResponse, Message, RequestVote, RequestVoteResponse
from raft.core.node import HardState, NotLeader, RaftNode
from raft.core.notes import Appended, Committed, RoleChanged, TimedOut, Voted
from raft.core.types import Role
from tests.core.nodekit import (
    FIVE,
    HIGH,
    LOW,
    THREE,
    append,
    cmd,
    elect,
    make_node,
    notes,
    ok,
    persisted,
    sent,
    sent_of,
    take,
)

# ------------------------------------------------------------------ §5.1 basics


def test_start_as_follower_with_persisted_state() -> None:
    """Reference: §5.2 "When servers start up, they begin as followers"; Figure 2 persistent state."""
    node = make_node(term=0)
    assert node.role is Role.FOLLOWER
    fresh = RaftNode("n1", node.voters, node.settings, node.rng, term=4, voted_for="n2")
    ready = take(fresh)
    assert fresh.role is Role.FOLLOWER and fresh.current_term == 4 and fresh.voted_for == "n2"
    assert notes(ready, RoleChanged) == [RoleChanged(Role.FOLLOWER, 4)]
    assert ready.hard_state is None and ready.messages == ()


HIGHER_TERM_MESSAGES: list[Message] = [
    RequestVote(5, "n2", 10, 4),
    RequestVoteResponse(5, False),
    append(5, "n2", 0, 0),
    AppendEntriesResponse(5, False),
]


@pytest.mark.parametrize("role", [Role.FOLLOWER, Role.CANDIDATE, Role.LEADER])
@pytest.mark.parametrize("message", HIGHER_TERM_MESSAGES, ids=lambda m: m.kind.value)
def test_higher_term_in_any_message_makes_follower(role: Role, message: Message) -> None:
    """Reference: §5.1 "If a server receives a request or response with a higher term, it updates its current
    term to the larger value, converts to follower, and persists the new term with votedFor cleared."""
    node = make_node(term=1)
    if role is Role.CANDIDATE:
        node.election_timeout(0.0)
    elif role is Role.LEADER:
        elect(node)
    take(node)
    assert node.role is role
    node.step(10.0, "n2", message)
    ready = take(node)
    assert node.role is Role.FOLLOWER
    assert node.current_term == 5
    assert RoleChanged(Role.FOLLOWER, 5) in ready.notes
    assert ready.hard_state is not None and ready.hard_state.term == 5
    if isinstance(message, RequestVote):
        assert node.voted_for == "n2"  # granted in the new term (its log is more up to date)
    else:
        assert node.voted_for is None


def test_stale_request_vote_is_refused_with_current_term() -> None:
    """Reference: Figure 2, RequestVote receiver rule 1: reply false if term < currentTerm."""
    node = make_node(term=3)
    node.step(1.0, "n2", RequestVote(2, "n2", 10, 2))
    ready = take(node)
    assert sent(ready) == [("n2", RequestVoteResponse(3, False))]
    assert node.voted_for is None and node.current_term == 3


# ----------------------------------------------------------- §5.2 elections


def test_timeout_starts_election() -> None:
    """Reference: §5.2: increment currentTerm, vote for self, reset the timer, send RequestVote to all others."""
    node = make_node(term=2, log=[1, 2])
    node.election_timeout(100.0)
    ready = take(node)
    assert node.role is Role.CANDIDATE and node.current_term == 3 and node.voted_for == "n1"
    assert notes(ready, TimedOut) == [TimedOut(2)]
    assert RoleChanged(Role.CANDIDATE, 3) in ready.notes
    assert ready.hard_state == HardState(3, "n1")
    assert sorted(sent(ready)) == [("n2", RequestVote(3, "n1", 2, 2)), ("n3", RequestVote(3, "n1", 2, 2))]
    assert 100.0 + LOW <= node.election_deadline <= 100.0 + HIGH


def test_tick_fires_election_timer_only_when_due() -> None:
    node = make_node()
    deadline = node.election_deadline
    node.tick(deadline - 1.0)
    assert node.role is Role.FOLLOWER and take(node).messages == ()
    node.tick(deadline)
    assert node.role is Role.CANDIDATE and node.current_term == 1


def test_candidate_that_times_out_starts_new_term() -> None:
    """Reference: §5.2: if the election timeout elapses with no winner, start a new election."""
    node = make_node()
    node.election_timeout(0.0)
    node.step(1.0, "n2", RequestVoteResponse(1, False))
    node.step(1.0, "n3", RequestVoteResponse(1, False))
    assert node.role is Role.CANDIDATE  # lost, but it waits for its timer
    node.tick(node.election_deadline)
    assert node.role is Role.CANDIDATE and node.current_term == 2


def test_majority_of_votes_makes_leader_that_sends_heartbeats() -> None:
    """Reference: §5.2: a candidate with votes from a majority becomes leader and sends heartbeats to all."""
    node = make_node("n1", FIVE)
    node.election_timeout(0.0)
    take(node)
    node.step(5.0, "n2", RequestVoteResponse(1, True))
    assert node.role is Role.CANDIDATE
    node.step(5.0, "n3", RequestVoteResponse(1, True))
    ready = take(node)
    assert node.role is Role.LEADER
    assert RoleChanged(Role.LEADER, 1) in ready.notes
    heartbeats = sent_of(ready, AppendEntries)
    assert sorted(to for to, _ in heartbeats) == ["n2", "n3", "n4", "n5"]
    assert all(m.term == 1 and m.leader_id == "n1" for _, m in heartbeats)


def test_votes_are_a_set_duplicate_grant_counts_once() -> None:
    """Reference: §5.2 "each server will vote for at most one candidate": a retransmitted grant is one vote."""
    node = make_node("n1", FIVE)
    node.election_timeout(0.0)
    for _ in range(3):
        node.step(5.0, "n2", RequestVoteResponse(1, True))
    assert node.role is Role.CANDIDATE
    node.step(5.0, "n4", RequestVoteResponse(1, True))
    assert node.role is Role.LEADER


def test_vote_response_of_older_term_is_ignored() -> None:
    node = make_node(term=4)
    node.election_timeout(0.0)  # term 5
    node.step(5.0, "n2", RequestVoteResponse(4, True))
    assert node.role is Role.CANDIDATE


def test_vote_from_non_voter_does_not_count() -> None:
    node = make_node()
    node.election_timeout(0.0)
    node.step(5.0, "x9", RequestVoteResponse(1, True))
    assert node.role is Role.CANDIDATE


def test_candidate_receiving_append_entries_of_its_term_becomes_follower() -> None:
    """Reference: §5.2: if the leader's term is at least the candidate's, the candidate returns to follower."""
    node = make_node()
    node.election_timeout(0.0)
    take(node)
    node.step(5.0, "n2", append(1, "n2", 0, 0))
    ready = take(node)
    assert node.role is Role.FOLLOWER and node.current_term == 1 and node.leader_id == "n2"
    assert RoleChanged(Role.FOLLOWER, 1) in ready.notes
    assert sent(ready) == [("n2", ok(1, 0))]
    assert node.voted_for == "n1"  # the vote of the term stays


def test_candidate_rejects_append_entries_of_older_term() -> None:
    node = make_node(term=1)
    node.election_timeout(0.0)  # term 2
    take(node)
    node.step(5.0, "n2", append(1, "n2", 0, 0))
    ready = take(node)
    assert node.role is Role.CANDIDATE
    assert [(to, m.success, m.term) for to, m in sent_of(ready, AppendEntriesResponse)] == [("n2", False, 2)]


def test_one_vote_per_term() -> None:
    """Reference: §5.2, Figure 2 RequestVote receiver rule 2: grant if votedFor is null or candidateId."""
    node = make_node(term=1)
    node.step(1.0, "n2", RequestVote(2, "n2", 0, 0))
    first = take(node)
    assert sent(first) == [("n2", RequestVoteResponse(2, True))]
    assert first.hard_state == HardState(2, "n2")  # the vote is persisted before the reply leaves
    node.step(2.0, "n3", RequestVote(2, "n3", 0, 0))
    assert sent(take(node)) == [("n3", RequestVoteResponse(2, False))]
    node.step(3.0, "n2", RequestVote(2, "n2", 0, 0))  # a retransmitted request is granted again
    again = take(node)
    assert sent(again) == [("n2", RequestVoteResponse(2, True))]
    assert again.hard_state is None  # nothing new to persist
    assert notes(again, Voted) == [Voted("n2", 2, True)]


def test_persisted_vote_survives_restart() -> None:
    """Reference: Figure 2: votedFor is persistent; a restarted server does not vote twice in a term."""
    node = make_node(term=2, voted_for="n2")
    node.step(1.0, "n3", RequestVote(2, "n3", 0, 0))
    assert sent(take(node)) == [("n3", RequestVoteResponse(2, False))]


def test_leader_does_not_grant_vote_in_its_term() -> None:
    node = make_node()
    elect(node)
    node.step(5.0, "n2", RequestVote(1, "n2", 5, 1))
    assert sent(take(node)) == [("n2", RequestVoteResponse(1, False))]
    assert node.role is Role.LEADER


@pytest.mark.parametrize(
    ("voter_log", "last_index", "last_term", "granted"),
    [
        ([1, 1, 2], 3, 2, True),  # identical
        ([1, 1, 2], 1, 3, True),  # higher last term wins even if shorter
        ([1, 1, 2], 5, 1, False),  # lower last term loses even if longer
        ([1, 1, 2], 4, 2, True),  # same last term, longer wins
        ([1, 1, 2], 2, 2, False),  # same last term, shorter loses
        ([], 0, 0, True),  # both empty
        ([1], 0, 0, False),  # empty candidate against a non-empty log
    ],
)
def test_up_to_date_check(voter_log: list[int], last_index: int, last_term: int, granted: bool) -> None:
    """Reference: §5.4.1: the log with the later last term is more up to date; same last term, the longer."""
    node = make_node(term=3, log=voter_log)
    node.step(1.0, "n2", RequestVote(4, "n2", last_index, last_term))
    assert sent(take(node)) == [("n2", RequestVoteResponse(4, granted))]
    assert node.voted_for == ("n2" if granted else None)


# ------------------------------------------------------------ timer resets


def test_granting_a_vote_resets_the_timer() -> None:
    """Reference: Figure 2, Followers: the timer is reset on granting a vote."""
    node = make_node()
    before = node.election_deadline
    node.step(100.0, "n2", RequestVote(1, "n2", 0, 0))
    assert node.election_deadline != before
    assert 100.0 + LOW <= node.election_deadline <= 100.0 + HIGH


def test_refused_higher_term_vote_does_not_reset_timer() -> None:
    """A refused RequestVote of a higher term makes us a follower of that term but must not delay our own
    candidacy (the paper resets only on granting a vote)."""
    node = make_node(term=2, log=[1, 2])
    before = node.election_deadline
    node.step(100.0, "n2", RequestVote(7, "n2", 1, 1))  # stale log: refused
    ready = take(node)
    assert sent(ready) == [("n2", RequestVoteResponse(7, False))]
    assert node.current_term == 7 and node.voted_for is None
    assert node.election_deadline == before


def test_refused_same_term_vote_does_not_reset_timer() -> None:
    node = make_node(term=2, voted_for="n3")
    before = node.election_deadline
    node.step(100.0, "n2", RequestVote(2, "n2", 0, 0))
    assert node.election_deadline == before


def test_append_entries_from_current_leader_resets_timer() -> None:
    """Reference: Figure 2, Followers: reset on AppendEntries from the current leader."""
    node = make_node(term=1)
    before = node.election_deadline
    node.step(120.0, "n2", append(1, "n2", 0, 0))
    assert node.election_deadline != before
    assert 120.0 + LOW <= node.election_deadline <= 120.0 + HIGH


def test_stale_append_entries_does_not_reset_timer() -> None:
    node = make_node(term=3)
    before = node.election_deadline
    node.step(120.0, "n2", append(2, "n2", 0, 0))
    assert node.election_deadline == before
    assert node.leader_id is None


def test_rejected_append_entries_of_current_term_still_resets_timer() -> None:
    """A log mismatch is not a stale leader: the leader of this term is alive."""
    node = make_node(term=1)
    node.step(120.0, "n2", append(1, "n2", 5, 1))
    assert node.election_deadline >= 120.0 + LOW


def test_each_reset_draws_a_fresh_timeout_within_the_range() -> None:
    """Reference: §5.2: election timeouts are chosen randomly from a fixed interval, anew at each reset."""
    node = make_node(term=1)
    delays = set()
    for i in range(20):
        now = 1000.0 * i
        node.step(now, "n2", append(1, "n2", 0, 0))
        delay = node.election_deadline - now
        assert LOW <= delay <= HIGH
        delays.add(round(delay, 6))
    assert len(delays) == 20


def test_leader_ignores_election_timeout() -> None:
    node = make_node()
    elect(node)
    node.election_timeout(500.0)
    assert node.role is Role.LEADER and node.current_term == 1
    assert take(node).notes == ()


def test_leader_sends_heartbeats_on_tick() -> None:
    """Reference: §5.2: leaders send periodic heartbeats to maintain their authority."""
    node = make_node()
    elect(node, 0.0)
    node.tick(49.0)
    assert sent(take(node)) == []
    node.tick(50.0)
    beats = sent_of(take(node), AppendEntries)
    assert sorted(to for to, _ in beats) == ["n2", "n3"]
    assert node.heartbeat_deadline == 100.0


# ---------------------------------------------------------- one-node cluster


def test_single_node_elects_itself_and_commits_its_own_append() -> None:
    """A cluster of one elects itself and commits on its own (durable) append."""
    node = make_node("solo", ["solo"])
    node.election_timeout(0.0)
    ready = take(node)
    assert node.role is Role.LEADER and node.current_term == 1
    assert ready.messages == ()
    assert notes(ready, Appended) == [Appended(1, 1, None)]  # the no-op
    assert node.commit_index == 0  # not durable yet
    node.on_persisted(1, 1)
    assert node.commit_index == 1
    index = node.propose(cmd("x=1")).index
    assert index == 2 and node.commit_index == 1
    take(node)
    node.on_persisted(2, 1)
    ready = take(node)
    assert node.commit_index == 2 and node.store.data == {"x": "1"}
    assert Committed(2) in ready.notes


def test_follower_refuses_proposal_with_leader_hint() -> None:
    node = make_node(term=1)
    with pytest.raises(NotLeader) as refusal:
        node.propose(cmd("x=1"))
    assert refusal.value.leader_hint is None
    node.step(1.0, "n3", append(1, "n3", 0, 0))
    with pytest.raises(NotLeader) as refusal:
        node.propose(cmd("x=1"))
    assert refusal.value.leader_hint == "n3"


@pytest.mark.parametrize(
    ("message", "granted"),
    [
        (RequestVote(2, "n2", 1, 1), True),  # a candidate as up to date: the vote is granted
        (RequestVote(2, "n2", 0, 0), False),  # a candidate behind: refused, yet the term moves on
        (AppendEntriesResponse(2, False, reject_index=0), None),  # any message of a later term
    ],
)
def test_a_new_term_forgets_the_old_leader_until_the_new_one_is_heard(
    message: Message, granted: bool | None
) -> None:
    """Reference: §5.1: a term has at most one leader; whoever led the old term does not lead the new one, so
    a follower moved on to a new term has no leader to point clients to until the new leader's AppendEntries."""
    node = make_node(term=1)
    node.step(1.0, "n3", append(1, "n3", 0, 0, [1]))
    with pytest.raises(NotLeader) as refusal:
        node.propose(cmd("x=1"))
    assert refusal.value.leader_hint == "n3"
    node.step(2.0, "n2", message)
    assert node.current_term == 2 and node.role is Role.FOLLOWER
    assert [v.granted for v in notes(take(node), Voted)] == ([] if granted is None else [granted])
    with pytest.raises(NotLeader) as refusal:
        node.propose(cmd("x=1"))
    assert refusal.value.leader_hint is None  # not the deposed n3
    node.step(3.0, "n2", append(2, "n2", 1, 1))
    with pytest.raises(NotLeader) as refusal:
        node.propose(cmd("x=1"))
    assert refusal.value.leader_hint == "n2"


def test_three_nodes_elect_one_leader_by_message_passing() -> None:
    """End to end without a network: n1 times out, n2 and n3 vote, n1 leads and they follow."""
    nodes = {n: make_node(n, THREE) for n in THREE}
    nodes["n1"].election_timeout(0.0)
    queue = [("n1", to, m) for to, m in take(nodes["n1"]).messages]
    while queue:
        src, dst, message = queue.pop(0)
        nodes[dst].step(1.0, src, message)
        ready = take(nodes[dst])
        persisted(nodes[dst])
        ready_more = take(nodes[dst])
        queue += [(dst, to, m) for to, m in ready.messages + ready_more.messages]
    assert [nodes[n].role for n in THREE] == [Role.LEADER, Role.FOLLOWER, Role.FOLLOWER]
    assert all(nodes[n].log.terms() == [1] for n in THREE)  # the no-op reached everyone
    assert nodes["n1"].commit_index == 1
