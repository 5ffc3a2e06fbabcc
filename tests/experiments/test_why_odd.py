"""why-odd: quorum arithmetic against the reference table, the binomial formula, splits, and a tiny simulated run."""

import math

import pytest

from raft.experiments import why_odd
from raft.experiments.runners import SerialRunner

# ../shared/reference/raft-figures.md, "Quorum arithmetic"
MAJORITY = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 8: 5, 9: 5}
TOLERATED = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2, 7: 3, 8: 3, 9: 4}


@pytest.mark.parametrize("n", range(1, 10))
def test_quorum_arithmetic_matches_reference(n: int) -> None:
    assert why_odd.majority(n) == MAJORITY[n]
    assert why_odd.tolerated(n) == TOLERATED[n]


def test_binomial_availability_reference_values() -> None:
    assert round(why_odd.binomial_availability(3, 0.9), 3) == 0.972
    assert round(why_odd.binomial_availability(4, 0.9), 3) == 0.948
    assert round(why_odd.binomial_availability(5, 0.9), 3) == 0.991
    assert why_odd.binomial_availability(4, 0.9) < why_odd.binomial_availability(3, 0.9)


def test_split_shapes_count_every_two_way_split() -> None:
    for n in range(2, 10):
        assert sum(count for _, count in why_odd.split_shapes(n)) == 2 ** (n - 1) - 1


def test_even_split_has_no_majority_odd_always_has() -> None:
    assert why_odd.majority_split_fraction(1) is None
    for n in (3, 5, 7, 9):
        assert why_odd.majority_split_fraction(n) == 1.0
    for n in (2, 4, 6, 8):
        assert why_odd.majority_split_fraction(n) < 1.0
    assert why_odd.majority_split_fraction(4) == pytest.approx(4 / 7)


def test_failure_schedule_alternates_per_node() -> None:
    import random

    events = why_odd.failure_events(3, random.Random(1), 1000.0, 250.0, 60_000.0)
    times = [e["at_ms"] for e in events]
    assert times == sorted(times) and len(events) > 20
    for node in ("n1", "n2", "n3"):
        actions = [("crash" if "crash" in e else "restart") for e in events if node in e.values()]
        assert all(a != b for a, b in zip(actions, actions[1:], strict=False))
        assert actions[0] == "crash"


def test_tiny_simulated_run_shows_four_no_better_than_three() -> None:
    result = why_odd.run_why_odd(sizes=(3, 4), trials=1, runner=SerialRunner(), availability_s=20.0,
                                 mtbf_s=9.0, mttr_s=1.0)  # fmt: skip
    three, four = result.lines
    assert three["tolerated_simulated"] == 1 and four["tolerated_simulated"] == 1
    assert three["majority_split_fraction_simulated"] == 1.0
    assert four["majority_split_fraction_simulated"] == pytest.approx(4 / 7)
    assert 0.0 < four["availability_simulated"] <= 1.0 and math.isfinite(four["messages_per_write"])
    assert four["messages_per_write"] > three["messages_per_write"]
