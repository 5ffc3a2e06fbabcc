"""why-odd: quorum arithmetic against the reference table, the binomial formula, splits, and a tiny simulated run."""

import math

import pytest

from raft.analysis.quorum_math import availability, failures_tolerated
from raft.batch.runners import SerialRunner
from raft.experiments import why_odd

# ../shared/reference/raft-figures.md, "Quorum arithmetic"
MAJORITY = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 8: 5, 9: 5}
TOLERATED = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2, 7: 3, 8: 3, 9: 4}


@pytest.mark.parametrize("n", range(1, 10))
def test_quorum_arithmetic_matches_reference(n: int) -> None:
    assert why_odd.majority(n) == MAJORITY[n]
    assert failures_tolerated(n) == TOLERATED[n]


def test_binomial_availability_reference_values() -> None:
    assert round(availability(3, 0.9), 3) == 0.972
    assert round(availability(4, 0.9), 3) == 0.948
    assert round(availability(5, 0.9), 3) == 0.991
    assert availability(4, 0.9) < availability(3, 0.9)


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


def test_interval_of_a_fraction_stays_inside_zero_and_one() -> None:
    assert why_odd.clip_to_unit(0.726, 1.057) == (0.726, 1.0)
    assert why_odd.clip_to_unit(-0.02, 0.3) == (0.0, 0.3)
    # A run whose trials spread widely near 1: the reported interval never passes 1, and the table says so.
    result = why_odd.run_why_odd(sizes=(3,), trials=3, runner=SerialRunner(), availability_s=20.0,
                                 mtbf_s=9.0, mttr_s=1.0)  # fmt: skip
    low, high = result.lines[0]["availability_ci95"]
    assert 0.0 <= low <= high <= 1.0
    assert "clipped to [0, 1]" in why_odd.render(result)


def test_plot_labels_the_latency_axis_from_zero(tmp_path) -> None:
    from raft.plots.why_odd import why_odd_figure

    result = why_odd.run_why_odd(sizes=(3, 4), trials=1, runner=SerialRunner(), availability_s=5.0)
    figure = why_odd_figure(result)
    figure.canvas.draw()  # lay the axes out, as saving does
    cost = figure.axes[3]
    right = next(ax for ax in figure.axes[4:] if ax.bbox.bounds == cost.bbox.bounds)
    assert "latency" in right.get_ylabel() and right.get_ylim()[0] == 0
    assert cost.get_ylabel() and cost.get_ylim()[0] == 0
    why_odd.plot(result, tmp_path / "w.png")
    assert (tmp_path / "w.png").read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["w.png"]  # written atomically: no temporary file left


def test_taking_writes_means_writes_were_not_unavailable_for_most_of_the_run() -> None:
    row = {"outcome": "ok", "first_leader_ms": 180.0, "writes_committed": 12, "unavailable_ms": 400.0}
    assert why_odd.takes_writes(row, 3000.0)
    # a leader was elected and a few writes committed, but then nothing for two of the three seconds
    assert not why_odd.takes_writes({**row, "unavailable_ms": 2000.0}, 3000.0)
    assert not why_odd.takes_writes({**row, "writes_committed": 0}, 3000.0)
    assert not why_odd.takes_writes({**row, "outcome": "unsafe"}, 3000.0)


def test_simulated_availability_is_the_time_writes_were_not_unavailable() -> None:
    from raft.api import simulate
    from raft.batch.grid import Run

    task = why_odd.AvailabilityTask(mtbf_ms=3000.0, mttr_ms=1000.0, duration_ms=20_000.0)
    measured = task(Run(0, (("n", 3),), 4))
    import random

    events = why_odd.failure_events(3, random.Random("why-odd/failures/3/4"), 3000.0, 1000.0, 20_000.0)
    scenario = why_odd._scenario("availability", 3, 20_000.0, events, clients=1, writes_per_s=10.0,
                                 stop_ms=20_000.0)  # fmt: skip
    summary = simulate(scenario, seed=4, record=False).summary
    assert summary["unavailable"], "the failure schedule takes the majority down at least once"
    assert measured["serving"] == pytest.approx(1.0 - summary["unavailable_ms"] / 20_000.0)
    assert measured["serving"] < 1.0 and 0.0 < measured["majority_up"] <= 1.0
