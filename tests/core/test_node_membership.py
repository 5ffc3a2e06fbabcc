"""Membership changes, sentence by sentence of the thesis (Ongaro 2014, chapter 4), feeding a RaftNode by hand.

"The new configuration takes effect on each server as soon as it is added to that server's log" (§4.1); "a
leader [...] must not begin a new change until the previous one is committed"; a new leader commits an entry of
its own term before it changes the configuration (the 2015 correction); new servers join as non-voting members
until caught up (§4.2.1); a removed leader steps down once C_new is committed (§4.2.2); servers ignore
RequestVotes within the minimum election timeout of hearing from a leader (§4.2.3); joint consensus (§4.3).
"""

from __future__ import annotations

import pytest

from raft.core.bugs import Bug
from raft.core.log import RaftLog
from raft.core.membership import ChangeKind, ChangeRefused, ConfChange, Configuration
from raft.core.messages import AppendEntries, Entry, PreVote, RequestVote, RequestVoteResponse
from raft.core.node import NotLeader, RaftNode
from raft.core.notes import ConfigNoted, ConfigPhase, SteppedDown
from raft.core.quorum import JointConfig
from raft.core.types import Role
from tests.core.nodekit import LOW, cmd, elect, make_node, notes, ok, persisted, sent_of, take


def single(kind: ChangeKind, node: str) -> ConfChange:
    return ConfChange.single(kind, node)


def leader(**changes: object) -> RaftNode:
    """n1 leads term 1 of {n1, n2, n3}, its no-op (index 1) committed with n2."""
    node = make_node(**changes)  # type: ignore[arg-type]
    elect(node)
    node.step(1.0, "n2", ok(1, 1))
    take(node)
    assert node.commit_index == 1
    return node


def test_a_new_configuration_is_used_as_soon_as_it_is_appended() -> None:
    """Reference: §4.1: the leader appends C_new and uses it at once, uncommitted: the new server is
    replicated to at once, and commits need a majority of C_new."""
    node = leader()
    index = node.propose_config_change(2.0, ConfChange(ChangeKind.CHANGE, add=frozenset({"n4"})))
    assert index == 2 and node.config.is_joint and node.config_index == 2
    ready = take(node)
    assert ConfigNoted(ConfigPhase.APPENDED, 2, node.config) in notes(ready, ConfigNoted)
    assert "n4" in {to for to, _ in sent_of(ready, AppendEntries)}
    persisted(node)
    node.step(3.0, "n2", ok(1, 2))  # n1, n2: a majority of C_old {n1, n2, n3}, not of C_new {n1..n4}
    assert node.commit_index == 1
    node.step(3.0, "n4", ok(1, 2))
    assert node.commit_index == 2


def test_one_change_at_a_time() -> None:
    """Reference: §4.1: a leader refuses a new change while the previous one is uncommitted."""
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    with pytest.raises(ChangeRefused, match="change is in progress"):
        node.propose_config_change(2.0, single(ChangeKind.ADD, "n5"))
    take(node)
    persisted(node)
    node.step(3.0, "n2", ok(1, 2))  # the learner entry commits (the learner is not counted)
    assert node.commit_index == 2
    assert node.propose_config_change(4.0, single(ChangeKind.ADD, "n5")) == 3


def test_a_new_leader_commits_an_entry_of_its_term_before_a_change() -> None:
    """Reference: the 2015 correction: a leader may not change the configuration until an entry of its own
    term is committed (its no-op, or here, with no no-op, a client command)."""
    node = make_node(leader_noop=False, log=[1], term=1)
    elect(node)
    with pytest.raises(ChangeRefused, match="no entry of term 2 is committed"):
        node.propose_config_change(1.0, single(ChangeKind.REMOVE, "n3"))
    node.propose(cmd("x=1"))
    take(node)
    persisted(node)
    node.step(2.0, "n2", ok(2, 2))
    assert node.commit_index == 2
    assert node.propose_config_change(3.0, single(ChangeKind.REMOVE, "n3")) == 3


def test_only_the_leader_changes_the_configuration() -> None:
    with pytest.raises(NotLeader):
        make_node().propose_config_change(0.0, single(ChangeKind.ADD, "n4"))


def test_a_learner_receives_entries_but_is_not_counted() -> None:
    """Reference: §4.2.1: a non-voting member receives log entries but is not counted in majorities."""
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    take(node)
    persisted(node)
    assert node.config.learners == {"n4"} and node.voter_peers == ("n2", "n3")
    node.step(3.0, "n4", ok(1, 2))  # only the learner holds index 2
    assert node.commit_index == 1


def test_learners_and_servers_without_a_configuration_do_not_campaign() -> None:
    """A learner's election timer fires without an election (as etcd's learners); so does a new server's
    whose log holds no configuration yet."""
    learner = make_node(
        "n4", log=RaftLog([Entry(1, None, Configuration(frozenset({"n1"}), frozenset({"n4"})))])
    )
    assert learner.config.learners == {"n4"}
    learner.election_timeout(1000.0)
    assert learner.role is Role.FOLLOWER and learner.current_term == 0 and take(learner).messages == ()
    spare = make_node("n6", voters=())
    spare.election_timeout(1000.0)
    assert spare.role is Role.FOLLOWER and spare.current_term == 0


def test_promote_waits_until_the_learner_has_caught_up() -> None:
    """Reference: §4.2.1: the learner is promoted once a round of replication took less than an election
    timeout; until then ``promote`` waits."""
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    take(node)
    persisted(node)
    node.step(3.0, "n2", ok(1, 2))
    assert node.propose_config_change(10.0, single(ChangeKind.PROMOTE, "n4")) is None
    assert node.config.learners == {"n4"}
    node.step(10.0 + 2 * LOW, "n4", ok(1, 2))  # the round took longer than an election timeout... but it
    assert node.config.voters == {"n1", "n2", "n3", "n4"}  # holds the whole log: nothing left to catch up
    assert node.config_index == 3


def test_promote_after_a_slow_round_starts_another() -> None:
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    take(node)
    persisted(node)
    node.step(3.0, "n2", ok(1, 2))
    for seq in range(1, 4):
        node.propose(cmd(f"x={seq}", seq))
    take(node)
    persisted(node)
    take(node)
    assert node.propose_config_change(10.0, single(ChangeKind.PROMOTE, "n4")) is None
    node.propose(cmd("y=1", 9))
    node.step(10.0 + 2 * LOW, "n4", ok(1, 5))  # round 1 (to index 5) took 300 ms; the log grew
    assert node.config.learners == {"n4"}
    node.step(20.0 + 2 * LOW, "n4", ok(1, 6))  # round 2 took 10 ms
    assert node.config.learners == frozenset() and "n4" in node.config.voters


def test_follower_uses_the_latest_configuration_and_reverts_when_it_is_truncated() -> None:
    """Reference: §4.1: a server always uses the latest configuration in its log, committed or not; if that
    entry is removed, it goes back to the one before."""
    node = make_node("n2", log=[1], term=1)
    config = Configuration(frozenset({"n1", "n2", "n3", "n4"}))
    node.step(1.0, "n1", AppendEntries(1, "n1", 1, 1, (Entry(1, None, config),), 1))
    ready = take(node)
    assert node.config == config and node.voter_peers == ("n1", "n3", "n4")
    assert ConfigNoted(ConfigPhase.IN_FORCE, 2, config) in notes(ready, ConfigNoted)
    node.step(2.0, "n3", AppendEntries(2, "n3", 1, 1, (Entry(2),), 1))  # a leader of term 2 overwrites it
    ready = take(node)
    assert node.config == Configuration(frozenset({"n1", "n2", "n3"})) and node.config_index == 0
    assert notes(ready, ConfigNoted)[-1].phase is ConfigPhase.IN_FORCE


def test_a_restarted_server_recovers_its_configuration_from_the_log() -> None:
    config = Configuration(frozenset({"n1", "n2", "n3", "n4"}))
    node = make_node("n2", log=RaftLog([Entry(1), Entry(1, None, config), Entry(1)]), term=1)
    assert node.config == config and node.config_index == 2
    assert isinstance(node.voters, type(config.quorum()))


def test_committed_configuration_is_noted() -> None:
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.REMOVE, "n3"))
    take(node)
    persisted(node)
    take(node)
    node.step(3.0, "n2", ok(1, 2))
    assert ConfigNoted(ConfigPhase.COMMITTED, 2, node.config) in notes(take(node), ConfigNoted)


def test_a_removed_leader_steps_down_once_the_change_is_committed() -> None:
    """Reference: §4.2.2: the leader manages a configuration that excludes it until C_new is committed (it
    does not count itself), then steps down."""
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.REMOVE, "n1"))
    take(node)
    persisted(node)
    assert node.role is Role.LEADER and node.peers == ("n2", "n3")
    node.step(3.0, "n2", ok(1, 2))  # n1 holds it too, but only n2, n3 count now
    assert node.role is Role.LEADER and node.commit_index == 1
    node.step(3.0, "n3", ok(1, 2))
    assert node.commit_index == 2 and node.role is Role.FOLLOWER
    assert SteppedDown(1, "removed") in notes(take(node), SteppedDown)


def test_joint_consensus_needs_both_majorities_and_is_left_once_committed() -> None:
    """Reference: §4.3: C_old,new commits with a majority of each half; the leader then appends C_new."""
    node = leader()
    node.propose_config_change(
        2.0, ConfChange(ChangeKind.CHANGE, add=frozenset({"n4", "n5"}), remove=frozenset({"n2", "n3"}))
    )
    take(node)
    persisted(node)
    assert isinstance(node.voters, JointConfig)
    node.step(3.0, "n4", ok(1, 2))
    node.step(3.0, "n5", ok(1, 2))  # a majority of C_new {n1, n4, n5}, but of C_old only n1
    assert node.commit_index == 1
    node.step(3.0, "n2", ok(1, 2))
    assert node.commit_index == 2
    assert node.config == Configuration(frozenset({"n1", "n4", "n5"})) and node.config_index == 3
    assert node.peers == ("n4", "n5")


def test_joint_election_needs_both_majorities() -> None:
    joint = Configuration(frozenset({"n1", "n4", "n5"}), outgoing=frozenset({"n1", "n2", "n3"}))
    node = make_node(log=RaftLog([Entry(1, None, joint)]), term=1)
    node.election_timeout(1000.0)
    asked = {to for to, _ in sent_of(take(node), RequestVote)}
    assert asked == {"n2", "n3", "n4", "n5"}
    node.step(1000.0, "n4", RequestVoteResponse(2, True))
    assert node.role is Role.CANDIDATE
    node.step(1000.0, "n2", RequestVoteResponse(2, True))
    assert node.role is Role.LEADER


def test_with_membership_changes_a_server_ignores_request_votes_soon_after_hearing_from_a_leader() -> None:
    """Reference: §4.2.3: removed servers do not disrupt: within the minimum election timeout of hearing
    from a leader, a RequestVote of a higher term is refused and its term not adopted (paper mode)."""
    node = make_node("n2", membership=True)
    node.step(0.0, "n1", AppendEntries(1, "n1", 0, 0, (), 0))
    node.step(LOW - 1, "n9", RequestVote(5, "n9", 10, 5))
    assert node.current_term == 1
    node.step(LOW + 1, "n9", RequestVote(5, "n9", 10, 5))
    assert node.current_term == 5 and node.voted_for == "n9"


def test_without_membership_changes_paper_raft_adopts_the_term() -> None:
    node = make_node("n2")
    node.step(0.0, "n1", AppendEntries(1, "n1", 0, 0, (), 0))
    node.step(1.0, "n9", RequestVote(5, "n9", 10, 5))
    assert node.current_term == 5


def test_pre_votes_go_to_voters_only() -> None:
    config = Configuration(frozenset({"n1", "n2", "n3"}), frozenset({"n4"}))
    node = make_node(log=RaftLog([Entry(1, None, config)]), term=1, pre_vote=True)
    node.election_timeout(1000.0)
    assert {to for to, _ in sent_of(take(node), PreVote)} == {"n2", "n3"}


def test_transfer_to_a_learner_is_refused() -> None:
    node = leader()
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    with pytest.raises(ValueError, match="not another voter"):
        node.transfer_leadership(3.0, "n4")


def test_bug_concurrent_changes_appends_a_second_change_in_flight() -> None:
    """``concurrent-changes``: the rule of one change at a time is gone: {n1, n2, n3} + n4 + n5 in flight."""
    node = leader(bugs=(Bug.CONCURRENT_CHANGES,))
    node.propose_config_change(2.0, single(ChangeKind.ADD, "n4"))
    take(node)
    persisted(node)
    node.step(3.0, "n2", ok(1, 2))
    node.propose_config_change(4.0, single(ChangeKind.ADD, "n5"))
    node.step(5.0, "n4", ok(1, 3))
    node.step(5.0, "n5", ok(1, 3))
    assert node.propose_config_change(6.0, single(ChangeKind.PROMOTE, "n4")) == 4
    node.step(7.0, "n5", ok(1, 4))
    assert node.propose_config_change(6.0, single(ChangeKind.PROMOTE, "n5")) == 5  # the first is uncommitted
    assert node.config.voters == {"n1", "n2", "n3", "n4", "n5"}


def test_bug_change_before_own_term_commit_changes_at_once() -> None:
    """``change-before-own-term-commit``: a new leader changes the configuration before its term commits."""
    node = make_node(leader_noop=False, log=[1], term=1, bugs=(Bug.CHANGE_BEFORE_OWN_TERM_COMMIT,))
    elect(node)
    assert node.propose_config_change(1.0, single(ChangeKind.REMOVE, "n3")) == 2
