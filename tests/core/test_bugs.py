"""Switchable bugs (raft/core/bugs.py): each removes one rule; the core behaves differently as documented."""

from __future__ import annotations

from raft.core.bugs import BUG_HELP, Bug
from raft.core.messages import AppendEntriesResponse, RequestVote, RequestVoteResponse
from raft.core.node import Proposal
from raft.core.notes import Truncated
from raft.core.quorum import MajorityConfig
from raft.core.statemachine import ApplyResult
from raft.core.types import Role
from raft.sim.storage import Storage
from tests.core.nodekit import append, cmd, elect, make_node, ok, sent, take


def test_every_bug_has_help() -> None:
    assert set(BUG_HELP) == set(Bug)


def test_commit_old_term() -> None:
    def leader(bugs: tuple[Bug, ...]) -> int:
        node = make_node(term=3, log=[1, 2], leader_noop=False, bugs=bugs)
        elect(node)
        node.step(1.0, "n2", ok(4, 2))
        return node.commit_index

    assert leader(()) == 0
    assert leader((Bug.COMMIT_OLD_TERM,)) == 2


def test_vote_without_log_check() -> None:
    for bugs, granted in (((), False), ((Bug.VOTE_WITHOUT_LOG_CHECK,), True)):
        node = make_node(term=2, log=[1, 2], bugs=bugs)
        node.step(1.0, "n2", RequestVote(3, "n2", 1, 1))
        assert sent(take(node)) == [("n2", RequestVoteResponse(3, granted))]


def test_vote_twice() -> None:
    for bugs, granted in (((), False), ((Bug.VOTE_TWICE,), True)):
        node = make_node(term=2, voted_for="n3", bugs=bugs)
        node.step(1.0, "n2", RequestVote(2, "n2", 0, 0))
        assert sent(take(node)) == [("n2", RequestVoteResponse(2, granted))]


def test_truncate_on_stale_append() -> None:
    for bugs, expected in (((), [1, 2, 2, 2]), ((Bug.TRUNCATE_ON_STALE_APPEND,), [1, 2])):
        node = make_node(term=2, log=[1, 2, 2, 2], bugs=bugs)
        node.step(1.0, "n2", append(2, "n2", 1, 1, [2]))
        ready = take(node)
        assert node.log.terms() == expected
        assert (Truncated(3) in ready.notes) is bool(bugs)


def test_no_step_down() -> None:
    for bugs, role in (((), Role.FOLLOWER), ((Bug.NO_STEP_DOWN,), Role.LEADER)):
        node = make_node(bugs=bugs)
        elect(node)
        node.step(1.0, "n2", AppendEntriesResponse(5, False))
        assert node.role is role and node.current_term == 5


def test_commit_without_min() -> None:
    for bugs, expected in (((), 2), ((Bug.COMMIT_WITHOUT_MIN,), 5)):
        node = make_node(term=2, log=[1, 1, 1, 1, 1], bugs=bugs)
        node.step(1.0, "n2", append(2, "n2", 1, 1, [1], commit=9))
        assert node.commit_index == expected


def test_commit_without_min_commits_a_stale_suffix_even_on_a_rejected_append() -> None:
    """The follower holds stale term-2 entries at 3 and 4; the term-3 leader's AppendEntries does not match
    (its prevLogIndex 4 has term 3), yet with the bug the follower commits its own stale entries."""
    for bugs, expected in (((), 0), ((Bug.COMMIT_WITHOUT_MIN,), 4)):
        node = make_node(term=3, log=[1, 1, 2, 2], bugs=bugs)
        node.step(1.0, "n2", append(3, "n2", 4, 3, [], commit=4))
        assert node.commit_index == expected


def test_accept_stale_append() -> None:
    for bugs, accepted in (((), False), ((Bug.ACCEPT_STALE_APPEND,), True)):
        node = make_node(term=3, bugs=bugs)
        node.step(1.0, "n2", append(2, "n2", 0, 0, [2]))
        assert (node.log.terms() == [2]) is accepted


def test_fixed_election_timeout() -> None:
    node = make_node(bugs=(Bug.FIXED_ELECTION_TIMEOUT,), now=10.0)
    assert node.election_deadline == 160.0
    node.step(100.0, "n2", append(0, "n2", 0, 0))
    assert node.election_deadline == 250.0
    assert make_node(now=10.0).election_deadline != 160.0


def test_majority_off_by_one() -> None:
    """Implemented by the quorum configuration: a 4-node candidate wins with 2 votes."""
    node = make_node("n1", ["n1", "n2", "n3", "n4"])
    node.voters = MajorityConfig(node.voters.voters, off_by_one=True)
    node.election_timeout(0.0)
    node.step(1.0, "n2", RequestVoteResponse(1, True))
    assert node.role is Role.LEADER


def test_forget_vote_on_restart() -> None:
    """Implemented by storage recovery in the simulation layer."""
    assert Storage(term=3, voted_for="n2").recover()[1] == "n2"
    assert Storage(term=3, voted_for="n2", forget_vote=True).recover()[1] is None


def test_bugs_are_off_by_default() -> None:
    node = make_node()
    elect(node)
    assert node.settings.bugs == frozenset()
    node.propose(cmd("x=1"))


def test_local_read_is_answered_by_propose_without_the_log() -> None:
    node = make_node(bugs=(Bug.LOCAL_READ,))
    elect(node)
    last = node.log.last_index
    read = node.propose(cmd("?x"))
    assert read == Proposal(node.last_applied, ApplyResult(node.last_applied, None, duplicate=False))
    assert node.log.last_index == last
    write = node.propose(cmd("x=1", 2))
    assert write == Proposal(last + 1, None)


def test_without_the_bug_a_read_goes_through_the_log() -> None:
    node = make_node()
    elect(node)
    last = node.log.last_index
    assert node.propose(cmd("?x")) == Proposal(last + 1, None)
