"""Quorum arithmetic (raft/core/quorum.py) against the reference table and a dumb oracle (§5.2, §5.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raft.core.quorum import JointConfig, MajorityConfig, VoteResult


def config(n: int, off_by_one: bool = False) -> MajorityConfig:
    return MajorityConfig(frozenset(f"n{i}" for i in range(1, n + 1)), off_by_one)


@pytest.mark.parametrize(
    ("n", "majority"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (8, 5), (9, 5)]
)
def test_majority_matches_reference_table(n: int, majority: int) -> None:
    assert config(n).majority == majority


def test_vote_result() -> None:
    c = config(5)
    assert c.vote_result({"n1", "n2"}, set()) is VoteResult.PENDING
    assert c.vote_result({"n1", "n2", "n3"}, set()) is VoteResult.WON
    assert c.vote_result({"n1"}, {"n2", "n3"}) is VoteResult.PENDING
    assert c.vote_result({"n1"}, {"n2", "n3", "n4"}) is VoteResult.LOST
    assert c.vote_result({"n1", "x", "y"}, set()) is VoteResult.PENDING  # non-voters do not count


def test_committed_index() -> None:
    c = config(5)
    assert c.committed_index({"n1": 5, "n2": 5, "n3": 3, "n4": 1}) == 3
    assert c.committed_index({"n1": 9}) == 0
    assert config(1).committed_index({"n1": 4}) == 4


def test_off_by_one_bug_takes_half() -> None:
    """Bug majority-off-by-one: floor(n/2) instead of floor(n/2) + 1."""
    assert [config(n, True).majority for n in (1, 2, 3, 4, 5)] == [1, 1, 1, 2, 2]
    assert config(4, True).vote_result({"n1", "n2"}, set()) is VoteResult.WON
    assert config(4).vote_result({"n1", "n2"}, set()) is VoteResult.PENDING


# ----------------------------------------------------------------- oracle

names = st.integers(min_value=1, max_value=9).map(lambda n: [f"n{i}" for i in range(1, n + 1)])


def dumb_committed(voters: list[str], match: dict[str, int]) -> int:
    """The largest index i that at least floor(n/2) + 1 voters hold, by trying every i."""
    best = 0
    for i in range(max([0, *match.values()]) + 1):
        if sum(1 for v in voters if match.get(v, 0) >= i) > len(voters) / 2:
            best = i
    return best


def dumb_vote(voters: list[str], granted: set[str], rejected: set[str]) -> VoteResult:
    yes = len(granted & set(voters))
    no = len(rejected & set(voters))
    if 2 * yes > len(voters):
        return VoteResult.WON
    if 2 * (len(voters) - no) <= len(voters):
        return VoteResult.LOST
    return VoteResult.PENDING


@given(
    names.flatmap(
        lambda vs: st.tuples(st.just(vs), st.dictionaries(st.sampled_from([*vs, "x"]), st.integers(0, 20)))
    )
)
def test_committed_index_matches_oracle(case: tuple[list[str], dict[str, int]]) -> None:
    voters, match = case
    assert MajorityConfig(frozenset(voters)).committed_index(match) == dumb_committed(voters, match)


@given(
    names.flatmap(
        lambda vs: st.tuples(
            st.just(vs),
            st.sets(st.sampled_from([*vs, "x"])),
            st.sets(st.sampled_from([*vs, "y"])),
        )
    )
)
def test_vote_result_matches_oracle(case: tuple[list[str], set[str], set[str]]) -> None:
    voters, granted, rejected = case
    rejected -= granted  # a voter answers one way per term
    assert MajorityConfig(frozenset(voters)).vote_result(granted, rejected) is dumb_vote(
        voters, granted, rejected
    )


def test_joint_config_needs_a_majority_of_each_half() -> None:
    """Reference: §4.3: elections and commits need separate majorities of C_old and C_new."""
    joint = JointConfig(MajorityConfig(frozenset("cde")), MajorityConfig(frozenset("abc")))
    assert joint.voters == frozenset("abcde")
    assert joint.vote_result({"a", "b"}, ()) is VoteResult.PENDING  # old half only
    assert joint.vote_result({"a", "b", "d", "e"}, ()) is VoteResult.WON
    assert joint.vote_result({"c", "d"}, {"a", "b"}) is VoteResult.LOST  # old half lost
    assert joint.committed_index({"a": 5, "b": 5, "c": 2, "d": 1, "e": 1}) == 1
    assert joint.committed_index({"a": 5, "b": 5, "c": 2, "d": 2, "e": 1}) == 2
