"""election-timeouts: the paper's table, statistics with censoring, and a tiny run giving sane numbers."""

import math

from raft.batch.runners import SerialRunner
from raft.experiments import election_timeouts as et
from raft.experiments.figure16 import PAPER, RANGES, find_range, paper_curve


def test_paper_table_matches_quoted_text() -> None:
    assert PAPER["150-155"][3] == 287  # median with 5 ms of randomness
    assert PAPER["150-200"][7] == 512  # worst case with 50 ms
    assert PAPER["12-24"][8] == 35 and PAPER["12-24"][7] == 152
    assert find_range("150-150").trials == 100 and len(RANGES) == 10
    times, percents = paper_curve("150-300")
    assert list(times) == sorted(times) and percents[0] == 0 and percents[-1] == 100


def test_statistics_nearest_rank_and_censoring() -> None:
    stats = et.statistics([float(v) for v in range(1, 11)])
    assert stats["min"] == 1 and stats["p50"] == 5 and stats["p90"] == 9 and stats["max"] == 10
    assert stats["mean"] == 5.5
    censored = et.statistics([1.0, 2.0, None, None])
    assert censored["p50"] == 2.0 and censored["p75"] is None and censored["max"] is None


def test_trial_counts_scale() -> None:
    assert et.trial_counts(None)["150-150"] == 100 and et.trial_counts(None)["12-24"] == 1000
    assert et.trial_counts(20) == {r.label: (2 if r.label == "150-150" else 20) for r in RANGES}


def test_tiny_run_gives_sane_downtimes() -> None:
    ranges = [find_range("150-300"), find_range("50-100")]
    setup = et.Setup(cap_ms=5000.0)
    result = et.run_election_timeouts(trials=8, seed=3, runner=SerialRunner(), setup=setup, ranges=ranges)
    for r in result.ranges:
        low = float(r.label.split("-")[0])
        assert r.trials == 8 and r.censored == 0
        stats = r.stats
        # at least the shortest timeout left after the crash plus the path of an election, at most a few rounds
        assert low / 2 < stats["min"] <= stats["p50"] <= stats["max"] < 10 * low
        assert math.isfinite(stats["mean"])
    slow, fast = result.ranges
    assert fast.stats["p50"] < slow.stats["p50"]
    again = et.run_election_timeouts(trials=8, seed=3, runner=SerialRunner(), setup=setup, ranges=ranges)
    assert again.ranges == result.ranges
    assert "150-300" in et.render(result) and result.to_dict()["ranges"][0]["paper"]["p50"] == 171


def test_resumed_run_reads_finished_trials_back(tmp_path) -> None:
    ranges = [find_range("50-100")]
    csv = str(tmp_path / "trials.csv")
    first = et.run_election_timeouts(trials=4, runner=SerialRunner(), ranges=ranges, csv=csv)
    again = et.run_election_timeouts(trials=4, runner=SerialRunner(), ranges=ranges, csv=csv)
    assert again.ranges[0].trials == 4
    assert again.ranges[0].downtimes == first.ranges[0].downtimes



def test_plot_draws_both_panels_and_saves_atomically(tmp_path) -> None:
    from raft.plots.election_timeouts import election_timeouts_figure

    result = et.run_election_timeouts(trials=3, runner=SerialRunner(), ranges=[find_range("50-100")])
    figure = election_timeouts_figure(result)
    top, bottom = figure.axes
    assert top.get_xscale() == "log" and bottom.get_xscale() == "linear"
    assert "50-100 ms" in [t.get_text() for t in bottom.get_legend().get_texts()]
    et.plot(result, tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]


def test_no_mean_over_censored_trials() -> None:
    """With censored trials the mean is unknown: it is None, never the mean of the uncensored trials alone, and
    mean_at_least counts each censored trial at the cap."""
    stats = et.statistics([1.0, 2.0, None, None], cap_ms=10.0)
    assert stats["mean"] is None
    assert stats["mean_at_least"] == (1.0 + 2.0 + 10.0 + 10.0) / 4
    assert et.statistics([1.0, 2.0], cap_ms=10.0)["mean_at_least"] == 1.5


def test_table_marks_censored_means_and_ranges_that_never_elect() -> None:
    setup = et.Setup(cap_ms=1000.0)
    ranges = (et.RangeResult("150-150", 2, 2, (None, None), 1000.0),
              et.RangeResult("150-151", 4, 1, (100.0, 200.0, 300.0, None), 1000.0),
              et.RangeResult("150-300", 2, 0, (100.0, 300.0), 1000.0))  # fmt: skip
    table = et.render(et.ElectionTimeoutsResult(setup, 1, ranges)).splitlines()
    row = {line.split()[0]: line for line in table if line.split() and line.split()[0] in ("150-150", "150-151", "150-300")}
    assert row["150-150"].endswith("never elected")
    assert row["150-151"].split()[-1] == ">=400"  # (100 + 200 + 300 + 1000) / 4, not 200 (the uncensored mean)
    assert row["150-300"].split()[-1] == "200"
    assert any("not a mean of the uncensored trials" in line for line in table)
    data = et.ElectionTimeoutsResult(setup, 1, ranges).to_dict()["ranges"]
    assert [r["never_elected"] for r in data] == [True, False, False]
    assert data[1]["simulated"]["mean"] is None and data[1]["simulated"]["mean_at_least"] == 400.0
