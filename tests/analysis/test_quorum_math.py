"""raft.analysis.quorum_math against the reference table and a brute-force oracle."""

from __future__ import annotations

import itertools

import pytest

from raft.analysis.quorum_math import (
    availability,
    failures_tolerated,
    joint_failures_tolerated,
    majority,
    majority_split_fraction,
    split_shapes,
)
from raft.core.quorum import JointConfig, MajorityConfig, VoteResult


def test_majority_and_failures_tolerated_match_the_etcd_table():
    assert [majority(n) for n in range(1, 10)] == [1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [failures_tolerated(n) for n in range(1, 10)] == [0, 0, 1, 1, 2, 2, 3, 3, 4]


def test_availability_reference_values():
    assert [round(availability(n, 0.9), 3) for n in (3, 4, 5)] == [0.972, 0.948, 0.991]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_availability_against_enumeration(n):
    a = 0.8
    brute = 0.0
    for ups in itertools.product([True, False], repeat=n):
        if sum(ups) >= n // 2 + 1:
            p = 1.0
            for up in ups:
                p *= a if up else 1 - a
            brute += p
    assert availability(n, a) == pytest.approx(brute)


def test_bad_inputs():
    with pytest.raises(ValueError):
        majority(0)
    with pytest.raises(ValueError):
        availability(3, 1.5)


def test_split_shapes_count_every_two_way_split() -> None:
    for n in range(2, 10):
        assert sum(count for _, count in split_shapes(n)) == 2 ** (n - 1) - 1


def test_even_split_has_no_majority_odd_always_has() -> None:
    assert majority_split_fraction(1) is None
    for n in (3, 5, 7, 9):
        assert majority_split_fraction(n) == 1.0
    for n in (2, 4, 6, 8):
        assert majority_split_fraction(n) < 1.0
    assert majority_split_fraction(4) == pytest.approx(4 / 7)


def _tolerated_by_enumeration(config: JointConfig | MajorityConfig) -> int:
    """The largest f such that every f servers down still leave a quorum, asked of the core's own quorum."""
    servers = sorted(config.voters)
    best = -1
    for f in range(len(servers) + 1):
        if all(
            config.vote_result(set(servers) - set(down), down) is VoteResult.WON
            for down in itertools.combinations(servers, f)
        ):
            best = f
        else:
            break
    return best


@pytest.mark.parametrize("old", range(1, 7))
@pytest.mark.parametrize("added", range(3))
def test_joint_failures_tolerated_against_the_core_quorum(old: int, added: int) -> None:
    """Growing C_old = {s0..s(old-1)} by ``added`` servers (C_new a superset), and shrinking it (C_new a subset):
    a joint configuration tolerates what its weaker half does. Reference: thesis §4.3."""
    old_voters = frozenset(f"s{i}" for i in range(old))
    grown = frozenset(f"s{i}" for i in range(old + added))
    joint = JointConfig(MajorityConfig(grown), MajorityConfig(old_voters))
    assert joint_failures_tolerated(len(grown), old) == _tolerated_by_enumeration(joint)
    assert joint_failures_tolerated(old, len(grown)) == _tolerated_by_enumeration(
        JointConfig(MajorityConfig(old_voters), MajorityConfig(grown))
    )
    assert joint_failures_tolerated(old, 0) == _tolerated_by_enumeration(MajorityConfig(old_voters))


def test_the_even_step_of_a_growth_tolerates_no_more_than_the_odd_one_before_it() -> None:
    assert [joint_failures_tolerated(v, o) for v, o in [(3, 0), (4, 3), (4, 0), (5, 4), (5, 0)]] == [
        1,
        1,
        1,
        1,
        2,
    ]
