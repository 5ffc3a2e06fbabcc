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


def test_exact_timing_keeps_the_papers_setup_and_a_profile_draws_its_own() -> None:
    exact = trials.Setup.for_timing("exact")
    sc = trials.trial_scenario(150, 300, exact)
    assert sc.network.latency_ms == trials.EXACT_LATENCY_MS and sc.storage.write_ms == trials.EXACT_WRITE_MS
    assert sc.timing.profile == "exact" and exact.cap_for(150, 150) == exact.cap_ms == trials.CAP_MS
    lan = trials.Setup.for_timing("lan")
    sc = trials.trial_scenario(150, 300, lan)
    assert sc.timing.profile == "lan" and sc.timing.jitter is not None and sc.timing.drift_ppm > 0
    assert sc.network.latency_ms != trials.EXACT_LATENCY_MS
    assert lan.cap_for(150, 150) == trials.SYMMETRIC_CAP_MS and lan.cap_for(150, 151) == trials.CAP_MS
    assert lan.election_path_ms is None and exact.election_path_ms == 2 * 4.0 + 3 * 0.4
    given = trials.Setup.for_timing("lan", write_ms=2.0)
    assert trials.trial_scenario(150, 300, given).storage.write_ms == 2.0


def test_lan_timing_breaks_the_symmetry_that_exact_time_keeps() -> None:
    """150-150: under exact time the survivors split the vote for ever (censored at the cap); with the lan
    profile's drifting clocks, jittery timers and varying disks one of them gets ahead and wins."""
    r150 = [find_range("150-150")]
    exact = trials.run_trials(
        trials=20,
        seed=1,
        runner=SerialRunner(),
        setup=trials.Setup.for_timing("exact", cap_ms=3000),
        ranges=r150,
    )
    assert [t.censored for t in exact] == [True, True]
    lan = trials.run_trials(
        trials=30, seed=1, runner=SerialRunner(), setup=trials.Setup.for_timing("lan"), ranges=r150
    )
    assert not any(t.censored for t in lan) and all(t.downtime_ms > 3000 for t in lan)
