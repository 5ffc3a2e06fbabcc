"""The election-timeouts figure: a range that never elects is marked; censored trials are counted, not drawn."""

from __future__ import annotations

from raft.batch.runners import SerialRunner
from raft.experiments.election_timeouts import analysis
from raft.experiments.election_timeouts.figure import election_timeouts_figure, plot
from raft.experiments.election_timeouts.paper import find_range
from raft.experiments.election_timeouts.trials import Setup


def _figure():
    setup = Setup(cap_ms=10_000.0)
    ranges = (
        analysis.RangeResult("150-150", 3, 3, (None, None, None), 10_000.0),
        analysis.RangeResult("150-151", 4, 2, (1500.0, 3000.0, None, None), 10_000.0),
        analysis.RangeResult("150-300", 2, 0, (150.0, 250.0), 10_000.0),
    )
    return election_timeouts_figure(analysis.ElectionTimeoutsResult(setup, 1, ranges))


def test_a_range_that_never_elects_is_marked():
    top, _ = _figure().axes
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert legend[0] == "150-150 ms: never elected (all 3 trials > 10 s)"
    notes = [t for t in top.texts if t.get_gid() == "never:150-150"]
    assert len(notes) == 1 and "no leader in any trial" in notes[0].get_text()
    (never,) = [line for line in top.get_lines() if line.get_label().startswith("150-150")]
    assert len(never.get_xdata()) == 0  # no simulated curve: no trial has a time to draw


def test_censored_trials_are_counted_and_the_cap_is_drawn():
    top, _ = _figure().axes
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert "150-151 ms (2/4 > 10 s)" in legend and "150-300 ms" in legend
    (curve,) = [line for line in top.get_lines() if line.get_label() == "150-151 ms (2/4 > 10 s)"]
    assert max(curve.get_ydata()) == 50.0  # the curve stops at the share of trials that elected
    assert [line.get_xdata()[0] for line in top.get_lines() if line.get_gid() == "cap"] == [10_000.0]


def test_plot_draws_both_panels_and_saves_atomically(tmp_path) -> None:
    result = analysis.run_election_timeouts(trials=3, runner=SerialRunner(), ranges=[find_range("50-100")])
    figure = election_timeouts_figure(result)
    top, bottom = figure.axes
    assert top.get_xscale() == "log" and bottom.get_xscale() == "linear"
    assert "50-100 ms" in [t.get_text() for t in bottom.get_legend().get_texts()]
    plot(result, tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]


def test_a_range_not_simulated_says_its_curve_is_the_papers_only():
    top, bottom = _figure().axes
    legend = [t.get_text() for t in bottom.get_legend().get_texts()]
    assert "12-24 ms: paper only (not simulated)" in legend  # its dashed curve is drawn, no solid one
    assert "150-300 ms" in legend


def test_two_timings_are_drawn_side_by_side() -> None:
    from raft.experiments.election_timeouts.analysis import ElectionTimeoutsResult, RangeResult
    from raft.experiments.election_timeouts.figure import election_timeouts_figure
    from raft.experiments.election_timeouts.trials import Setup

    exact = ElectionTimeoutsResult(Setup(), 1, (RangeResult("150-150", 1, 1, (None,), 10_000.0),))
    lan = ElectionTimeoutsResult(
        Setup.for_timing("lan"), 1, (RangeResult("150-150", 2, 0, (20_000.0, 40_000.0), 600_000.0),)
    )
    fig = election_timeouts_figure([exact, lan])
    axes = fig.get_axes()
    assert len(axes) == 4
    titles = [ax.get_title() for ax in axes if ax.get_title()]
    assert any("timing exact" in t for t in titles) and any("timing lan" in t for t in titles)
    left_top, right_top = (ax for ax in axes if ax.get_xscale() == "log")
    assert any(a.get_gid() == "never:150-150" for a in left_top.texts)
    assert not any(a.get_gid() == "never:150-150" for a in right_top.texts)
    assert right_top.get_xlim()[1] == left_top.get_xlim()[1] == 1_000_000  # room for 150-150's long elections
