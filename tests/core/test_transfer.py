"""Leadership transfer, sentence by sentence of the thesis (Ongaro 2014, §3.10), feeding a RaftNode by hand.

"The prior leader stops accepting new client requests; [it] fully updates the target server's log to match its
own; [it] sends a TimeoutNow request to the target server. This request has the same effect as the target
server's election timer firing." And: "If the transfer does not complete after about an election timeout, the
prior leader aborts the transfer and resumes accepting client requests."
"""

from __future__ import annotations

import pickle

import pytest

from raft.core.bugs import Bug
from raft.core.messages import (
    AppendEntries,
    PreVote,
    PreVoteResponse,
    Refusal,
    RequestVote,
    RequestVoteResponse,
    TimeoutNow,
)
from raft.core.node import NotLeader, RaftNode, TransferringLeadership
from raft.core.notes import RoleChanged, TransferAborted, TransferStarted, Voted
from raft.core.types import Role
from tests.core.nodekit import LOW, THREE, cmd, elect, make_node, notes, ok, sent_of, take


def leader_with_lagging_n2(bugs: tuple[Bug, ...] = ()) -> RaftNode:
    """n1 leads term 1 with log [1, 1] (no-op and one command); n3 holds it all, n2 nothing yet."""
    node = make_node(bugs=bugs)
    elect(node)  # the no-op at index 1
    node.propose(cmd("x=1"))
    take(node)
    node.step(1.0, "n3", ok(1, 2))
    take(node)
    assert node.log.last_index == 2 and node.progress["n2"].match_index == 0
    return node


def test_leader_sends_timeout_now_at_once_to_a_caught_up_target() -> None:
    """Reference: §3.10: once the target's log matches, the leader sends it TimeoutNow."""
    node = leader_with_lagging_n2()
    node.transfer_leadership(2.0, "n3")
    ready = take(node)
    assert notes(ready, TransferStarted) == [TransferStarted("n3", 1)]
    assert sent_of(ready, TimeoutNow) == [("n3", TimeoutNow(1, 2, 1))]


def test_leader_brings_a_lagging_target_up_to_date_before_timeout_now() -> None:
    """Reference: §3.10: the prior leader fully updates the target's log first; TimeoutNow follows the reply
    that shows the target's matchIndex at the leader's last index, and not before."""
    node = leader_with_lagging_n2()
    node.transfer_leadership(2.0, "n2")
    ready = take(node)
    assert sent_of(ready, TimeoutNow) == []
    assert [to for to, _ in sent_of(ready, AppendEntries)] == ["n2"]
    node.step(3.0, "n2", ok(1, 1))  # only part of the log
    assert sent_of(take(node), TimeoutNow) == []
    node.step(4.0, "n2", ok(1, 2))
    assert sent_of(take(node), TimeoutNow) == [("n2", TimeoutNow(1, 2, 1))]


def test_leader_refuses_proposals_while_transferring() -> None:
    """Reference: §3.10: the prior leader stops accepting new client requests (hinting at the target)."""
    node = leader_with_lagging_n2()
    node.transfer_leadership(2.0, "n2")
    with pytest.raises(TransferringLeadership) as refusal:
        node.propose(cmd("y=2", seq=2))
    assert isinstance(refusal.value, NotLeader) and refusal.value.leader_hint == "n2"
    assert node.log.last_index == 2


def test_transfer_aborts_after_an_election_timeout_and_proposals_resume() -> None:
    """Reference: §3.10: if the transfer does not complete after about an election timeout, the prior leader
    aborts it and resumes accepting client requests."""
    node = leader_with_lagging_n2()
    node.transfer_leadership(10.0, "n2")
    take(node)
    assert node.next_deadline <= 10.0 + LOW
    node.tick(10.0 + LOW - 1.0)
    assert node.transfer_target == "n2"
    node.tick(10.0 + LOW)
    ready = take(node)
    assert notes(ready, TransferAborted) == [TransferAborted("n2", 1)]
    assert node.transfer_target is None and node.role is Role.LEADER
    assert node.propose(cmd("y=2", seq=2)).index == 3


def test_target_starts_an_election_at_once_on_timeout_now() -> None:
    """Reference: §3.10: TimeoutNow has the same effect as the target's election timer firing."""
    node = make_node("n3", term=1, log=[1, 1])
    node.step(1.0, "n1", AppendEntries(1, "n1", 2, 1, (), 2))
    take(node)
    node.step(2.0, "n1", TimeoutNow(1, 2, 1))
    ready = take(node)
    assert node.role is Role.CANDIDATE and node.current_term == 2
    assert sorted(to for to, _ in sent_of(ready, RequestVote)) == ["n1", "n2"]
    assert sent_of(ready, RequestVote)[0][1] == RequestVote(2, "n3", 2, 1, transfer=True)


def test_stale_timeout_now_and_one_reaching_a_leader_are_ignored() -> None:
    """Reference: §3.10: only the current leader's TimeoutNow starts an election (a deposed one's is stale)."""
    follower = make_node("n3", term=3)
    follower.step(1.0, "n1", TimeoutNow(2))
    assert follower.role is Role.FOLLOWER and follower.current_term == 3
    leader = make_node()
    elect(leader)
    leader.step(1.0, "n2", TimeoutNow(1))
    assert leader.role is Role.LEADER and leader.current_term == 1


def test_leader_steps_down_when_the_target_campaigns_and_forgets_the_transfer() -> None:
    """Reference: §3.10, §5.1: the target's RequestVote of the next term deposes the prior leader."""
    node = leader_with_lagging_n2()
    node.transfer_leadership(2.0, "n3")
    take(node)
    node.step(5.0, "n3", RequestVote(2, "n3", 2, 1))
    ready = take(node)
    assert RoleChanged(Role.FOLLOWER, 2) in ready.notes and node.voted_for == "n3"
    assert node.transfer_target is None and notes(ready, TransferAborted) == []


def test_transfer_door_refuses_a_follower_and_a_non_voter() -> None:
    follower = make_node()
    with pytest.raises(NotLeader):
        follower.transfer_leadership(1.0, "n2")
    leader = make_node(voters=THREE)
    elect(leader)
    with pytest.raises(ValueError, match="n9"):
        leader.transfer_leadership(1.0, "n9")
    with pytest.raises(ValueError, match="n1"):
        leader.transfer_leadership(1.0, "n1")


def test_bug_transfer_before_caught_up_sends_timeout_now_to_a_lagging_target() -> None:
    """``transfer-before-caught-up``: TimeoutNow leaves at once, though n2 holds nothing of the leader's log."""
    node = leader_with_lagging_n2(bugs=(Bug.TRANSFER_BEFORE_CAUGHT_UP,))
    node.transfer_leadership(2.0, "n2")
    assert sent_of(take(node), TimeoutNow) == [("n2", TimeoutNow(1, 2, 1))]


# ------------------------------------------- with PreVote and CheckQuorum (thesis §3.10, §9.6, §4.2.3)


def test_with_pre_vote_the_target_campaigns_at_once_without_a_pre_vote() -> None:
    """Reference: thesis §3.10 and §9.6, as etcd's campaignTransfer: TimeoutNow starts a real election at once;
    a pre-vote would be refused by every follower, which all heard from the leader just now."""
    node = make_node("n3", term=1, log=[1, 1], pre_vote=True, check_quorum=True)
    node.step(1.0, "n1", AppendEntries(1, "n1", 2, 1, (), 2))
    take(node)
    node.step(2.0, "n1", TimeoutNow(1, 2, 1))
    ready = take(node)
    assert node.role is Role.CANDIDATE and node.current_term == 2 and node.voted_for == "n3"
    assert sent_of(ready, PreVote) == []
    assert sent_of(ready, RequestVote) == [
        (peer, RequestVote(2, "n3", 2, 1, transfer=True)) for peer in ("n1", "n2")
    ]


def test_an_election_timeout_with_pre_vote_is_no_transfer_campaign() -> None:
    """Reference: thesis §9.6: only TimeoutNow marks a campaign as a transfer; a timer that fires asks for a
    pre-vote first, and the RequestVotes after it won are unmarked."""
    node = make_node("n3", term=1, log=[1, 1], pre_vote=True)
    node.election_timeout(300.0)
    take(node)
    node.step(301.0, "n1", PreVoteResponse(2, True))
    ready = take(node)
    assert node.role is Role.CANDIDATE
    assert all(not request.transfer for _, request in sent_of(ready, RequestVote))


def test_voters_grant_a_transfer_campaign_despite_leader_stickiness() -> None:
    """Reference: thesis §4.2.3 and §3.10: with CheckQuorum, a follower that heard from its leader within the
    minimum election timeout refuses a candidate's later term; the candidate of a transfer was asked to campaign
    by that leader, so its RequestVote is granted (etcd's campaignTransfer context)."""
    for transfer, granted in ((False, False), (True, True)):
        voter = make_node("n2", term=1, log=[1, 1], check_quorum=True)
        voter.step(10.0, "n1", AppendEntries(1, "n1", 2, 1, (), 2))
        take(voter)
        voter.step(12.0, "n3", RequestVote(2, "n3", 2, 1, transfer=transfer))
        ready = take(voter)
        assert notes(ready, Voted)[0].granted is granted
        if granted:
            assert voter.current_term == 2 and voter.voted_for == "n3"
            assert sent_of(ready, RequestVoteResponse) == [("n3", RequestVoteResponse(2, True))]
        else:
            assert voter.current_term == 1 and voter.voted_for is None
            assert notes(ready, Voted)[0].refused is Refusal.LEADER_RECENTLY_HEARD


def test_the_leader_gives_way_to_its_transfer_target_with_check_quorum() -> None:
    """Reference: thesis §3.10: the transferring leader itself adopts the target's term and votes for it (with
    CheckQuorum a leader counts as having heard from a leader, itself, and would refuse an unmarked request)."""
    leader = make_node(check_quorum=True)
    elect(leader)
    leader.step(1.0, "n3", ok(1, 1))
    take(leader)
    leader.transfer_leadership(2.0, "n3")
    assert sent_of(take(leader), TimeoutNow) == [("n3", TimeoutNow(1, 1, 1))]
    leader.step(3.0, "n3", RequestVote(2, "n3", 1, 1, transfer=True))
    ready = take(leader)
    assert leader.role is Role.FOLLOWER and leader.current_term == 2 and leader.voted_for == "n3"
    assert leader.transfer_target is None
    assert sent_of(ready, RequestVoteResponse) == [("n3", RequestVoteResponse(2, True))]


@pytest.mark.parametrize("error", [NotLeader("n2"), NotLeader(None), TransferringLeadership("n3")])
def test_a_refusal_survives_pickling(error: NotLeader) -> None:
    """Worker processes hand errors back, compiled or not: the hint and the message survive."""
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.leader_hint, str(copy)) == (type(error), error.leader_hint, str(error))
