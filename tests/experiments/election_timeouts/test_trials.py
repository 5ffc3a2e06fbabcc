"""election-timeouts trials: how many per range, typed rows, and a resumed run reading finished trials back."""

from raft.batch.runners import SerialRunner
from raft.experiments.election_timeouts import trials
from raft.experiments.election_timeouts.paper import RANGES, find_range


def test_trial_counts_scale() -> None:
    assert trials.trial_counts(None)["150-150"] == 100 and trials.trial_counts(None)["12-24"] == 1000
    assert trials.trial_counts(20) == {r.label: (2 if r.label == "150-150" else 20) for r in RANGES}


def test_trials_are_typed_rows_and_a_resumed_run_reads_them_back(tmp_path) -> None:
    ranges = [find_range("50-100")]
    csv = str(tmp_path / "trials.csv")
    setup = trials.Setup()
    first = trials.run_trials(trials=4, seed=1, runner=SerialRunner(), setup=setup, ranges=ranges, csv=csv)
    assert [t.seed for t in first] == [1, 2, 3, 4] and all(isinstance(t, trials.Trial) for t in first)
    assert all(t.range == "50-100" and not t.censored and t.downtime_ms > 0 for t in first)
    again = trials.run_trials(trials=4, seed=1, runner=SerialRunner(), setup=setup, ranges=ranges, csv=csv)
    assert again == first
