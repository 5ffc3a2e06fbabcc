"""The values of membership changes: configurations, the changes an operator asks for, catch-up rounds."""

from __future__ import annotations

import pytest

from raft.core.membership import (
    CatchUp,
    ChangeKind,
    ChangeRefused,
    ConfChange,
    Configuration,
    apply_change,
    leave_joint,
)
from raft.core.quorum import JointConfig, MajorityConfig

ABC = Configuration(frozenset({"a", "b", "c"}))


def test_single_server_changes() -> None:
    """Reference: §4.1, §4.2.1: add joins as a learner, promote makes it a voter, remove drops it."""
    added = apply_change(ABC, ConfChange.single(ChangeKind.ADD, "d"))
    assert added == Configuration(frozenset("abc"), frozenset("d"))
    promoted = apply_change(added, ConfChange.single(ChangeKind.PROMOTE, "d"))
    assert promoted == Configuration(frozenset("abcd"))
    assert apply_change(promoted, ConfChange.single(ChangeKind.REMOVE, "a")) == Configuration(
        frozenset("bcd")
    )
    assert apply_change(added, ConfChange.single(ChangeKind.REMOVE, "d")) == ABC


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (ConfChange.single(ChangeKind.ADD, "a"), "already a member"),
        (ConfChange.single(ChangeKind.PROMOTE, "a"), "not a learner"),
        (ConfChange.single(ChangeKind.REMOVE, "z"), "not a member"),
        (ConfChange(ChangeKind.CHANGE, remove=frozenset("abc")), "no voters"),
        (ConfChange(ChangeKind.CHANGE, remove=frozenset("z")), "not a member"),
    ],
)
def test_changes_that_do_not_fit_are_refused(change: ConfChange, reason: str) -> None:
    with pytest.raises(ChangeRefused, match=reason):
        apply_change(ABC, change)


def test_joint_change_enters_and_leaves_joint_consensus() -> None:
    """Reference: §4.3: C_old,new holds both sets of voters; C_new the incoming ones only."""
    joint = apply_change(ABC, ConfChange(ChangeKind.CHANGE, add=frozenset("de"), remove=frozenset("ab")))
    assert joint.is_joint and joint.voters == frozenset("cde") and joint.outgoing == frozenset("abc")
    assert joint.all_voters == frozenset("abcde")
    assert isinstance(joint.quorum(), JointConfig)
    with pytest.raises(ChangeRefused, match="joint"):
        apply_change(joint, ConfChange.single(ChangeKind.REMOVE, "c"))
    assert leave_joint(joint) == Configuration(frozenset("cde"))
    assert isinstance(leave_joint(joint).quorum(), MajorityConfig)


def test_describe_names_every_part() -> None:
    joint = Configuration(frozenset("cd"), frozenset("e"), frozenset("ab"))
    assert joint.describe() == "voters c, d; outgoing a, b; learners e"


def test_catch_up_needs_a_round_shorter_than_an_election_timeout() -> None:
    """Reference: §4.2.1: rounds of replication; the last one takes less than an election timeout."""
    rounds = CatchUp(round_end=100, round_started=0.0)
    rounds.on_match(500.0, 100, last_index=180, timeout_ms=150.0)  # took 500 ms: another round
    assert not rounds.caught_up and rounds.round_end == 180 and rounds.rounds == 2
    rounds.on_match(550.0, 150, last_index=190, timeout_ms=150.0)  # not at the round's end yet
    assert not rounds.caught_up
    rounds.on_match(600.0, 180, last_index=190, timeout_ms=150.0)  # 100 ms: caught up
    assert rounds.caught_up


def test_a_learner_holding_the_whole_log_is_caught_up() -> None:
    rounds = CatchUp(round_end=10, round_started=0.0)
    rounds.on_match(1000.0, 10, last_index=10, timeout_ms=150.0)
    assert rounds.caught_up
