"""PreVote (thesis §9.6), CheckQuorum (thesis §6.2) and leader stickiness (thesis §4.2.3), feeding a RaftNode by
hand; and the two bugs that break them."""

from __future__ import annotations

import pytest

from raft.core.bugs import Bug
from raft.core.messages import (
    AppendEntries,
    PreVote,
    PreVoteResponse,
    Refusal,
    RequestVote,
    RequestVoteResponse,
)
from raft.core.node import RaftNode
from raft.core.notes import PreVoted, RoleChanged, SteppedDown, Voted
from raft.core.types import Role
from tests.core.nodekit import FIVE, LOW, THREE, append, elect, make_node, notes, ok, sent_of, take


def pre_vote_node(node_id: str = "n1", voters: tuple[str, ...] = THREE, **kwargs: object) -> RaftNode:
    return make_node(node_id, voters, pre_vote=True, **kwargs)  # type: ignore[arg-type]


def following(node_id: str, leader: str, term: int, now: float, **kwargs: object) -> RaftNode:
    """A follower of ``leader`` in ``term`` that last heard from it at ``now``."""
    node = make_node(node_id, term=term, **kwargs)  # type: ignore[arg-type]
    node.step(now, leader, append(term, leader, 0, 0))
    take(node)
    return node


# ------------------------------------------------------------------ PreVote: the pre-candidate


def test_timeout_with_pre_vote_asks_for_the_next_term_without_taking_it() -> None:
    """Reference: thesis §9.6: a server first asks whether it could win; "the pre-vote ... does not increment its
    term"; nothing is persisted, the server is still a follower."""
    node = pre_vote_node(term=3, log=[1, 3])
    node.election_timeout(200.0)
    ready = take(node)
    assert node.role is Role.FOLLOWER and node.current_term == 3 and node.voted_for is None
    assert ready.hard_state is None
    assert sent_of(ready, PreVote) == [(peer, PreVote(4, "n1", 2, 3)) for peer in ("n2", "n3")]
    assert sent_of(ready, RequestVote) == []
    assert node.election_deadline > 200.0  # tried again after another timeout if it does not win


def test_only_a_pre_vote_majority_makes_a_candidate() -> None:
    """Reference: thesis §9.6: "only if the pre-vote succeeds does the server increment its term and start a
    normal election"."""
    node = pre_vote_node(voters=FIVE, term=3)
    node.election_timeout(200.0)
    take(node)
    node.step(205.0, "n2", PreVoteResponse(4, True))
    assert node.role is Role.FOLLOWER and node.current_term == 3  # 2 of 5: not yet
    node.step(206.0, "n3", PreVoteResponse(4, True))
    ready = take(node)
    assert node.role is Role.CANDIDATE and node.current_term == 4 and node.voted_for == "n1"
    assert [to for to, _ in sent_of(ready, RequestVote)] == ["n2", "n3", "n4", "n5"]


def test_a_pre_vote_refused_by_a_majority_changes_nothing() -> None:
    """Reference: thesis §9.6: a server that cannot win does not disrupt: term and vote stay; answers to the
    lost pre-vote are ignored."""
    node = pre_vote_node(term=3)
    node.election_timeout(200.0)
    take(node)
    node.step(205.0, "n2", PreVoteResponse(3, False, Refusal.LEADER_RECENTLY_HEARD))
    node.step(206.0, "n3", PreVoteResponse(3, False, Refusal.LEADER_RECENTLY_HEARD))
    node.step(207.0, "n2", PreVoteResponse(4, True))  # a late duplicate grant
    ready = take(node)
    assert node.role is Role.FOLLOWER and node.current_term == 3 and node.voted_for is None
    assert ready.messages == () and ready.hard_state is None


def test_an_isolated_server_keeps_its_term() -> None:
    """Reference: thesis §9.6: the problem PreVote solves: alone, a server times out again and again, but its
    term stays, so it cannot depose the leader when it returns."""
    node = pre_vote_node(term=2)
    for _ in range(1, 20):
        node.tick(node.election_deadline)
    assert node.current_term == 2 and node.role is Role.FOLLOWER
    node.step(5000.0, "n2", append(2, "n2", 0, 0))
    assert node.leader_id == "n2" and node.current_term == 2


def test_a_refusal_from_a_later_term_is_adopted_a_grant_is_not() -> None:
    """Reference: thesis §9.6 and §5.1: a grant carries the term the pre-candidate would use, which it takes only
    by winning; a refusal carries the voter's term, and a later one is adopted as any other."""
    node = pre_vote_node(voters=FIVE, term=3)
    node.election_timeout(200.0)
    take(node)
    node.step(205.0, "n2", PreVoteResponse(4, True))
    assert node.current_term == 3
    node.step(206.0, "n3", PreVoteResponse(7, False, Refusal.STALE_TERM))
    assert node.current_term == 7 and node.role is Role.FOLLOWER
    node.step(207.0, "n4", PreVoteResponse(4, True))
    assert node.role is Role.FOLLOWER and node.current_term == 7  # that pre-vote is over


def test_a_leader_heard_during_the_pre_vote_ends_it() -> None:
    """Reference: thesis §9.6: a pre-candidate that hears from a leader of its term follows it; grants arriving
    later do not start an election."""
    node = pre_vote_node(voters=FIVE, term=3)
    node.election_timeout(200.0)
    take(node)
    node.step(203.0, "n5", append(3, "n5", 0, 0))
    node.step(205.0, "n2", PreVoteResponse(4, True))
    node.step(206.0, "n3", PreVoteResponse(4, True))
    assert node.role is Role.FOLLOWER and node.current_term == 3 and node.leader_id == "n5"


def test_a_single_server_wins_its_own_pre_vote() -> None:
    node = pre_vote_node(voters=("n1",))
    node.election_timeout(200.0)
    assert node.role is Role.LEADER and node.current_term == 1


# ------------------------------------------------------------------ PreVote: the receiver


def test_a_pre_vote_is_granted_without_recording_anything() -> None:
    """Reference: thesis §9.6: the receiver grants if the candidate's log is up to date and it has heard from no
    leader recently; it changes neither its term nor its vote, and its election timer keeps running."""
    node = make_node("n2", term=3, log=[1, 3])
    deadline = node.election_deadline
    node.step(100.0, "n1", PreVote(4, "n1", 2, 3))
    ready = take(node)
    assert sent_of(ready, PreVoteResponse) == [("n1", PreVoteResponse(4, True))]
    assert notes(ready, PreVoted) == [PreVoted("n1", 4, True)]
    assert notes(ready, Voted) == [] and notes(ready, RoleChanged) == []
    assert node.current_term == 3 and node.voted_for is None and ready.hard_state is None
    assert node.election_deadline == deadline


@pytest.mark.parametrize(
    ("message", "refusal"),
    [
        (PreVote(2, "n1", 5, 3), Refusal.STALE_TERM),
        (PreVote(4, "n1", 1, 1), Refusal.LOG_NOT_UP_TO_DATE),
    ],
    ids=["stale term", "log not up to date"],
)
def test_a_pre_vote_is_refused_by_the_vote_rules(message: PreVote, refusal: Refusal) -> None:
    """Reference: thesis §9.6 (the RequestVote rules of Figure 2 apply: term, §5.4.1 log check)."""
    node = make_node("n2", term=3, log=[1, 3])
    node.step(100.0, "n1", message)
    ready = take(node)
    assert sent_of(ready, PreVoteResponse) == [("n1", PreVoteResponse(3, False, refusal))]
    assert sent_of(ready, PreVoteResponse)[0][1].refused is refusal
    assert node.current_term == 3


def test_a_pre_vote_is_refused_within_the_minimum_election_timeout_of_the_leader() -> None:
    """Reference: thesis §9.6: a server grants a pre-vote only if it "hasn't received heartbeats from a current
    leader for at least a minimum election timeout"; the leader itself refuses."""
    node = following("n2", "n3", term=3, now=100.0, pre_vote=True)
    node.step(100.0 + LOW - 1.0, "n1", PreVote(4, "n1", 0, 0))
    refused = sent_of(take(node), PreVoteResponse)
    assert refused == [("n1", PreVoteResponse(3, False))]
    assert refused[0][1].refused is Refusal.LEADER_RECENTLY_HEARD
    node.step(100.0 + LOW, "n1", PreVote(4, "n1", 0, 0))
    assert sent_of(take(node), PreVoteResponse) == [("n1", PreVoteResponse(4, True))]
    leader = make_node("n3", term=2)
    elect(leader)
    leader.step(10.0, "n1", PreVote(4, "n1", 9, 9))
    answer = sent_of(take(leader), PreVoteResponse)
    assert answer == [("n1", PreVoteResponse(3, False))] and answer[0][1].refused is Refusal.LEADER
    assert leader.role is Role.LEADER


# ------------------------------------------------------------------ CheckQuorum


def test_a_leader_that_hears_from_no_majority_steps_down_within_an_election_timeout() -> None:
    """Reference: thesis §6.2: "a leader steps down if an election timeout elapses without a successful round of
    heartbeats to a majority of its cluster"."""
    leader = make_node(voters=FIVE, check_quorum=True)
    elect(leader, 0.0)
    leader.step(20.0, "n2", ok(1, 1))  # one follower answers: with the leader, 2 of 5
    assert leader.next_deadline <= LOW
    while leader.role is Role.LEADER and leader.next_deadline <= 2 * LOW:
        leader.tick(leader.next_deadline)
    ready = take(leader)
    assert leader.role is Role.FOLLOWER and leader.current_term == 1
    assert notes(ready, SteppedDown) == [SteppedDown(1, "check_quorum")]
    assert notes(ready, RoleChanged) == [RoleChanged(Role.FOLLOWER, 1)]
    assert leader.election_deadline > LOW


def test_a_leader_that_hears_from_a_majority_stays() -> None:
    """Reference: thesis §6.2: answers from a majority within each election timeout keep the leader."""
    leader = make_node(voters=FIVE, check_quorum=True)
    elect(leader, 0.0)
    now = 0.0
    while now < 10 * LOW:
        now = leader.next_deadline
        leader.tick(now)
        leader.step(now + 1.0, "n2", ok(1, 1))
        leader.step(now + 1.0, "n3", ok(1, 1))
    assert leader.role is Role.LEADER and notes(take(leader), SteppedDown) == []


def test_without_check_quorum_a_leader_keeps_its_title() -> None:
    """Paper Raft (Figure 2): nothing makes a leader that hears from nobody step down."""
    leader = make_node(voters=FIVE)
    elect(leader, 0.0)
    for _ in range(100):
        leader.tick(leader.next_deadline)
    assert leader.role is Role.LEADER


# ------------------------------------------------------------------ leader stickiness


def test_with_check_quorum_a_follower_of_a_live_leader_ignores_a_higher_term() -> None:
    """Reference: thesis §4.2.3: "if a server receives a RequestVote request within the minimum election timeout
    of hearing from a current leader, it does not update its term or grant its vote"."""
    node = following("n2", "n1", term=3, now=100.0, check_quorum=True)
    node.step(150.0, "n3", RequestVote(9, "n3", 5, 3))
    ready = take(node)
    assert node.current_term == 3 and node.voted_for is None and node.leader_id == "n1"
    assert sent_of(ready, RequestVoteResponse) == [("n3", RequestVoteResponse(3, False))]
    assert notes(ready, Voted) == [Voted("n3", 3, False, Refusal.LEADER_RECENTLY_HEARD)]
    node.step(100.0 + LOW, "n3", RequestVote(9, "n3", 5, 3))  # a minimum election timeout later: granted
    assert node.current_term == 9 and node.voted_for == "n3"


def test_with_check_quorum_a_leader_ignores_a_higher_term_request_vote() -> None:
    """Reference: thesis §4.2.3 (etcd applies it to the leader too, which CheckQuorum deposes if it is cut off)."""
    leader = make_node(check_quorum=True)
    elect(leader)
    leader.step(10.0, "n3", RequestVote(9, "n3", 5, 3))
    assert leader.role is Role.LEADER and leader.current_term == 1


def test_without_check_quorum_a_higher_term_request_vote_deposes_the_leader() -> None:
    """Paper Raft (§5.1): the disruption leader stickiness prevents."""
    node = following("n2", "n1", term=3, now=100.0)
    node.step(110.0, "n3", RequestVote(9, "n3", 5, 3))
    assert node.current_term == 9 and node.voted_for == "n3"


# ------------------------------------------------------------------ the bugs


def test_prevote_increments_term_raises_the_term_of_an_isolated_server() -> None:
    node = pre_vote_node(term=2, bugs=[Bug.PREVOTE_INCREMENTS_TERM])
    for _ in range(5):
        node.tick(node.election_deadline)
    ready = take(node)
    assert node.current_term == 7 and node.role is Role.FOLLOWER
    assert RoleChanged(Role.FOLLOWER, 3) in ready.notes and ready.hard_state is not None
    assert sent_of(ready, PreVote)[-1][1].term == 8


def test_vote_despite_leader_grants_a_vote_to_a_disruptive_candidate() -> None:
    node = following("n2", "n1", term=3, now=100.0, check_quorum=True, bugs=[Bug.VOTE_DESPITE_LEADER])
    node.step(110.0, "n3", RequestVote(9, "n3", 5, 3))
    assert node.current_term == 9 and node.voted_for == "n3"


def test_append_entries_of_the_current_term_records_the_leader_contact() -> None:
    node = make_node("n2", term=3, check_quorum=True)
    node.step(42.0, "n1", AppendEntries(3, "n1", 0, 0, (), 0))
    assert node.leader_heard_at == 42.0 and node.heard_from_leader_recently(42.0 + LOW - 1.0)
    assert not node.heard_from_leader_recently(42.0 + LOW)
