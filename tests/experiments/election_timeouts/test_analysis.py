"""election-timeouts analysis: statistics with censoring, a tiny run giving sane numbers, and its DataFrame."""

import math

from raft.batch.runners import SerialRunner
from raft.experiments.election_timeouts import analysis, report
from raft.experiments.election_timeouts.paper import find_range
from raft.experiments.election_timeouts.trials import Setup


def test_statistics_nearest_rank_and_censoring() -> None:
    stats = analysis.statistics([float(v) for v in range(1, 11)])
    assert stats["min"] == 1 and stats["p50"] == 5 and stats["p90"] == 9 and stats["max"] == 10
    assert stats["mean"] == 5.5
    censored = analysis.statistics([1.0, 2.0, None, None])
    assert censored["p50"] == 2.0 and censored["p75"] is None and censored["max"] is None


def test_tiny_run_gives_sane_downtimes() -> None:
    ranges = [find_range("150-300"), find_range("50-100")]
    setup = Setup(cap_ms=5000.0)
    result = analysis.run_election_timeouts(
        trials=8, seed=3, runner=SerialRunner(), setup=setup, ranges=ranges
    )
    for r in result.ranges:
        low = float(r.label.split("-")[0])
        assert r.trials == 8 and r.censored == 0
        stats = r.stats
        # at least the shortest timeout left after the crash plus the path of an election, at most a few rounds
        assert low / 2 < stats["min"] <= stats["p50"] <= stats["max"] < 10 * low
        assert math.isfinite(stats["mean"])
    slow, fast = result.ranges
    assert fast.stats["p50"] < slow.stats["p50"]
    again = analysis.run_election_timeouts(
        trials=8, seed=3, runner=SerialRunner(), setup=setup, ranges=ranges
    )
    assert again.ranges == result.ranges
    assert "150-300" in report.render(result) and result.to_dict()["ranges"][0]["paper"]["p50"] == 171


def test_no_mean_over_censored_trials() -> None:
    """With censored trials the mean is unknown: it is None, never the mean of the uncensored trials alone, and
    mean_at_least counts each censored trial at the cap."""
    stats = analysis.statistics([1.0, 2.0, None, None], cap_ms=10.0)
    assert stats["mean"] is None
    assert stats["mean_at_least"] == (1.0 + 2.0 + 10.0 + 10.0) / 4
    assert analysis.statistics([1.0, 2.0], cap_ms=10.0)["mean_at_least"] == 1.5


def test_resumed_run_reads_finished_trials_back(tmp_path) -> None:
    ranges = [find_range("50-100")]
    csv = str(tmp_path / "trials.csv")
    first = analysis.run_election_timeouts(trials=4, runner=SerialRunner(), ranges=ranges, csv=csv)
    again = analysis.run_election_timeouts(trials=4, runner=SerialRunner(), ranges=ranges, csv=csv)
    assert again.ranges[0].trials == 4
    assert again.ranges[0].downtimes == first.ranges[0].downtimes


def test_frame_has_a_row_per_range_with_the_paper_beside_it() -> None:
    ranges = (
        analysis.RangeResult("150-151", 4, 1, (100.0, 200.0, 300.0, None), 1000.0),
        analysis.RangeResult("150-300", 2, 0, (100.0, 300.0), 1000.0),
    )
    frame = analysis.ElectionTimeoutsResult(Setup(cap_ms=1000.0), 1, ranges).frame()
    assert frame.index.tolist() == ["150-151", "150-300"]
    assert frame.loc["150-151", "censored"] == 1 and math.isnan(frame.loc["150-151", "max"])
    assert frame.loc["150-151", "mean_at_least"] == 400.0 and math.isnan(frame.loc["150-151", "mean"])
    assert frame.loc["150-300", "p50"] == 100.0 and frame.loc["150-300", "paper p50"] == 171


def test_lan_timing_brings_the_narrow_and_the_wide_ranges_near_the_paper() -> None:
    """A small version of the Figure 16 criteria under the lan profile (the full run is in docs/experiments.md):
    one profile, medians of a wide, a short and a narrow range close to the paper's."""
    labels = ("150-155", "150-300", "12-24")
    result = analysis.run_election_timeouts(
        trials=60,
        runner=SerialRunner(),
        setup=Setup.for_timing("lan"),
        ranges=[find_range(x) for x in labels],
    )
    ratio = {r.label: r.stats["p50"] / r.paper["p50"] for r in result.ranges}
    assert 0.75 <= ratio["150-300"] <= 1.25 and 0.75 <= ratio["12-24"] <= 1.25
    assert 0.5 <= ratio["150-155"] <= 2
