"""why-odd analysis: quorum arithmetic against the reference table, the binomial formula, typed lines and their
DataFrame from a tiny simulated run, and the interval clipped to [0, 1]."""

import math

import pytest

from raft.analysis.quorum_math import availability, failures_tolerated, majority
from raft.batch.runners import SerialRunner
from raft.experiments.why_odd import analysis, report

# ../shared/reference/raft-figures.md, "Quorum arithmetic"
MAJORITY = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 8: 5, 9: 5}
TOLERATED = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2, 7: 3, 8: 3, 9: 4}


@pytest.mark.parametrize("n", range(1, 10))
def test_quorum_arithmetic_matches_reference(n: int) -> None:
    assert majority(n) == MAJORITY[n]
    assert failures_tolerated(n) == TOLERATED[n]


def test_binomial_availability_reference_values() -> None:
    assert round(availability(3, 0.9), 3) == 0.972
    assert round(availability(4, 0.9), 3) == 0.948
    assert round(availability(5, 0.9), 3) == 0.991
    assert availability(4, 0.9) < availability(3, 0.9)


def test_tiny_simulated_run_shows_four_no_better_than_three() -> None:
    result = analysis.run_why_odd(
        sizes=(3, 4), trials=1, runner=SerialRunner(), availability_s=20.0, mtbf_s=9.0, mttr_s=1.0
    )
    three, four = result.lines
    assert three.tolerated_simulated == 1 and four.tolerated_simulated == 1
    assert three.majority_split_fraction_simulated == 1.0
    assert four.majority_split_fraction_simulated == pytest.approx(4 / 7)
    assert 0.0 < four.availability_simulated <= 1.0 and math.isfinite(four.messages_per_write)
    assert four.messages_per_write > three.messages_per_write


def test_lines_are_typed_and_their_frame_is_the_csv_table(tmp_path) -> None:
    import csv

    result = analysis.run_why_odd(sizes=(1, 2), trials=1, runner=SerialRunner(), availability_s=5.0)
    assert all(isinstance(line, analysis.SizeLine) for line in result.lines)
    frame = result.frame()
    assert frame.index.tolist() == [1, 2]
    assert frame.loc[2, "majority"] == 2 and frame.loc[2, "ci95_high"] == result.lines[1].availability_ci95[1]
    assert frame.loc[2, "availability_simulated"] == result.to_dict()["sizes"][1]["availability_simulated"]
    report.write_csv(result, tmp_path / "w.csv")
    with (tmp_path / "w.csv").open() as file:
        header = next(csv.reader(file))
    assert header == [frame.index.name, *frame.columns]
    assert result.to_dict()["sizes"][0]["availability_ci95"] == list(result.lines[0].availability_ci95)


def test_interval_of_a_fraction_stays_inside_zero_and_one() -> None:
    assert analysis.clip_to_unit(0.726, 1.057) == (0.726, 1.0)
    assert analysis.clip_to_unit(-0.02, 0.3) == (0.0, 0.3)
    # A run whose trials spread widely near 1: the reported interval never passes 1, and the table says so.
    result = analysis.run_why_odd(
        sizes=(3,), trials=3, runner=SerialRunner(), availability_s=20.0, mtbf_s=9.0, mttr_s=1.0
    )
    low, high = result.lines[0].availability_ci95
    assert 0.0 <= low <= high <= 1.0
    assert "clipped to [0, 1]" in report.render(result)


def test_taking_writes_means_writes_were_not_unavailable_for_most_of_the_run() -> None:
    row = {"outcome": "ok", "first_leader_ms": 180.0, "writes_committed": 12, "unavailable_ms": 400.0}
    assert analysis.takes_writes(row, 3000.0)
    # a leader was elected and a few writes committed, but then nothing for two of the three seconds
    assert not analysis.takes_writes({**row, "unavailable_ms": 2000.0}, 3000.0)
    assert not analysis.takes_writes({**row, "writes_committed": 0}, 3000.0)
    assert not analysis.takes_writes({**row, "outcome": "unsafe"}, 3000.0)


# ------------------------------------------------------------------------------------------ during a change

#: Per starting size and way of joining: (label, quorum, outgoing quorum, failures tolerated) of each
#: configuration in force on the way to n + 2 (thesis §4.1-4.3; arithmetic of the etcd FAQ's table).
EXPECTED_STEPS = {
    (3, "learner"): [
        ("3 voters", 2, None, 1),
        ("3 voters + learner n4", 2, None, 1),
        ("4 voters", 3, None, 1),
        ("4 voters + learner n5", 3, None, 1),
        ("5 voters", 3, None, 2),
    ],
    (3, "voter"): [
        ("3 voters", 2, None, 1),
        ("joint 3 → 4 voters", 3, 2, 1),
        ("4 voters", 3, None, 1),
        ("joint 4 → 5 voters", 3, 3, 1),
        ("5 voters", 3, None, 2),
    ],
    (5, "learner"): [
        ("5 voters", 3, None, 2),
        ("5 voters + learner n6", 3, None, 2),
        ("6 voters", 4, None, 2),
        ("6 voters + learner n7", 4, None, 2),
        ("7 voters", 4, None, 3),
    ],
    (5, "voter"): [
        ("5 voters", 3, None, 2),
        ("joint 5 → 6 voters", 4, 3, 2),
        ("6 voters", 4, None, 2),
        ("joint 6 → 7 voters", 4, 4, 2),
        ("7 voters", 4, None, 3),
    ],
}


@pytest.fixture(scope="module")
def during_change() -> analysis.DuringChangeResult:
    """The view's default sizes (3 → 5, 5 → 7), its default ten trials, seeds 1-10."""
    return analysis.run_during_change(runner=SerialRunner())


def test_each_configuration_in_force_has_the_quorum_and_tolerance_of_the_arithmetic(
    during_change: analysis.DuringChangeResult,
) -> None:
    """The configurations are read from the runs' traces; every trial went through the same five."""
    for (n, join), expected in EXPECTED_STEPS.items():
        steps = [s for s in during_change.steps if s.n == n and s.join == join]
        assert [(s.label, s.quorum, s.outgoing_quorum, s.tolerated) for s in steps] == expected
        assert [s.step for s in steps] == [0, 1, 2, 3, 4] and all(s.trials == 10 for s in steps)
        # The lesson: the even configuration in between tolerates no more failures than the odd one before it.
        assert steps[2].voters == n + 1 and steps[2].tolerated == steps[0].tolerated < steps[4].tolerated
    assert [(line.n, line.join, line.tolerated_least) for line in during_change.lines] == [
        (3, "learner", 1),
        (3, "voter", 1),
        (5, "learner", 2),
        (5, "voter", 2),
    ]


def test_an_empty_voter_stalls_writes_and_a_learner_does_not(
    during_change: analysis.DuringChangeResult,
) -> None:
    """With as many servers down as n tolerates, the joint configuration that makes the empty newcomer a voter
    needs it for its quorum: writes wait until it has caught up. A learner counts in no quorum and is promoted
    once caught up: in no trial did writes wait."""
    lines = {(line.n, line.join): line for line in during_change.lines}
    steps = {(s.n, s.join, s.step): s for s in during_change.steps}
    for n in (3, 5):
        learner, voter = lines[n, "learner"], lines[n, "voter"]
        assert learner.availability == 1.0 and learner.max_unavailable_ms == 0.0
        assert voter.availability < learner.availability - 0.02
        joint = steps[n, "voter", 1]
        assert joint.unavailable_ms > 150.0 and joint.availability < 0.5
        assert sum(u > 0.0 for u in joint.unavailable_by_trial) >= 8  # nearly every seed, not one lucky one
        assert joint.commit_wait_ms > 5 * steps[n, "learner", 1].commit_wait_ms
        # The step from even to odd does not stall: the n + 1 voters already hold a quorum of each half.
        assert steps[n, "voter", 3].unavailable_ms == 0.0


def test_during_change_frame_csv_and_json(tmp_path, during_change: analysis.DuringChangeResult) -> None:
    import csv

    frame = during_change.frame()
    assert frame.index.names == ["n", "join", "step"] and len(frame) == 20
    assert frame.loc[(3, "voter", 1), "tolerated"] == 1 and frame.loc[(3, "voter", 1), "outgoing_quorum"] == 2
    assert frame.loc[(5, "learner", 4), "quorum"] == 4
    report.write_change_csv(during_change, tmp_path / "c.csv")
    with (tmp_path / "c.csv").open() as file:
        header = next(csv.reader(file))
    assert header == [*frame.index.names, *frame.columns]
    data = during_change.to_dict()
    assert data["experiment"] == "why-odd" and data["view"] == "during-change"
    assert data["steps"][6]["unavailable_by_trial"] == list(during_change.steps[6].unavailable_by_trial)
    changes = during_change.changes_frame()
    assert changes.loc[(3, "learner"), "availability"] == 1.0
    text = report.render_during_change(during_change)
    assert "3  voter        1  joint 3 → 4 voters           3 and 2" in text
    assert len(text.splitlines()) == 2 + 20 + 1 + 1 + 4 + 1


def test_during_change_is_the_same_run_in_parallel() -> None:
    """Seeded: the same numbers whether the trials run in this process or on two worker processes."""
    from raft.batch.runners import make_runner

    serial = analysis.run_during_change(sizes=(3,), trials=3, seed=5, runner=SerialRunner())
    parallel = analysis.run_during_change(sizes=(3,), trials=3, seed=5, runner=make_runner(2, None))
    assert serial.to_dict() == parallel.to_dict()
