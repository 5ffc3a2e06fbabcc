"""raft.analysis.quorum_math against the reference table and a brute-force oracle."""

from __future__ import annotations

import itertools

import pytest

from raft.analysis.quorum_math import (
    availability,
    failures_tolerated,
    majority,
    majority_split_fraction,
    split_shapes,
)


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
