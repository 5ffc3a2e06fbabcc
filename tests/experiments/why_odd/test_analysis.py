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
