"""The why-odd figure: n/a for sizes without a split, odd and even told apart, a headline, axes from 0."""

from __future__ import annotations

import math

import matplotlib.colors
import pytest

from raft.analysis.quorum_math import availability, failures_tolerated, majority, majority_split_fraction
from raft.batch.runners import SerialRunner
from raft.experiments.why_odd import analysis
from raft.experiments.why_odd.analysis import SizeLine, WhyOddResult
from raft.experiments.why_odd.figure import HEADLINE, PARITY_COLORS, plot, why_odd_figure


def _result() -> WhyOddResult:
    """The figure's input for sizes 1-6, computed values exact and simulated ones nearby."""
    lines = []
    for n in range(1, 7):
        a = availability(n, 0.9)
        lines.append(
            SizeLine(
                n=n,
                majority=majority(n),
                tolerated=failures_tolerated(n),
                tolerated_simulated=failures_tolerated(n),
                majority_split_fraction=majority_split_fraction(n),
                majority_split_fraction_simulated=majority_split_fraction(n),
                availability_formula=a,
                availability_majority_up=a,
                availability_simulated=a - 0.005,
                availability_ci95=(a - 0.02, min(1.0, a + 0.01)),
                formula_in_ci=True,
                messages_per_write=4.4 * (n - 1),
                commit_latency_ms=15.0 if n == 1 else 30.0,
                first_leader_ms=200.0,
                split_vote_rate=0.0,
            )
        )
    return WhyOddResult(tuple(range(1, 7)), 0.9, tuple(lines))


def gids(fig, prefix):
    found = {}
    for ax in fig.axes:
        for artist in [*ax.patches, *ax.lines, *ax.texts, *ax.collections, *ax.containers]:
            gid = artist.get_gid() if hasattr(artist, "get_gid") else None
            if gid and gid.startswith(prefix):
                found[gid] = artist
    return found


def test_a_size_without_a_split_shows_na_not_zero():
    fig = why_odd_figure(_result())
    assert set(gids(fig, "na:")) == {"na:1"}
    assert gids(fig, "na:")["na:1"].get_text() == "n/a"
    bars = gids(fig, "computed:splits:")
    assert "computed:splits:1" not in bars and "simulated:splits:1" not in gids(fig, "simulated:splits:")
    assert bars["computed:splits:2"].get_height() == 0.0  # a real 0: the one split of 2 leaves no majority
    assert bars["computed:splits:4"].get_height() == pytest.approx(4 / 7)


def test_odd_and_even_sizes_are_coloured_apart_with_a_legend():
    fig = why_odd_figure(_result())
    bars = gids(fig, "computed:tolerated:")
    odd = {tuple(bars[f"computed:tolerated:{n}"].get_facecolor()) for n in (1, 3, 5)}
    even = {tuple(bars[f"computed:tolerated:{n}"].get_facecolor()) for n in (2, 4, 6)}
    assert len(odd) == 1 and len(even) == 1 and odd != even
    points = gids(fig, "simulated:tolerated:")
    assert points["simulated:tolerated:3"].get_color() == PARITY_COLORS["odd"][1]
    assert points["simulated:tolerated:4"].get_color() == PARITY_COLORS["even"][1]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "odd n" in legend and "even n" in legend


def test_headline_states_the_lesson():
    fig = why_odd_figure(_result())
    assert fig._suptitle is not None and fig._suptitle.get_text() == HEADLINE
    assert "odd" in HEADLINE and "\n" not in HEADLINE


def test_value_axes_start_at_zero():
    fig = why_odd_figure(_result())
    for ax in fig.axes:
        assert ax.get_ylim()[0] == 0
    availability_axis = fig.axes[2]
    assert availability_axis.get_ylim()[1] >= 1.0
    low = min(line.availability_ci95[0] for line in _result().lines)
    assert not math.isclose(availability_axis.get_ylim()[0], low)  # not zoomed onto the data


def test_plot_labels_the_latency_axis_from_zero(tmp_path) -> None:
    result = analysis.run_why_odd(sizes=(3, 4), trials=1, runner=SerialRunner(), availability_s=5.0)
    figure = why_odd_figure(result)
    figure.canvas.draw()  # lay the axes out, as saving does
    cost = figure.axes[3]
    right = next(ax for ax in figure.axes[4:] if ax.bbox.bounds == cost.bbox.bounds)
    assert "latency" in right.get_ylabel() and right.get_ylim()[0] == 0
    assert cost.get_ylabel() and cost.get_ylim()[0] == 0
    plot(result, tmp_path / "w.png")
    assert (tmp_path / "w.png").read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["w.png"]  # written atomically: no temporary file left


def test_the_formula_is_visible_beside_the_simulation():
    fig = why_odd_figure(_result())
    formula = gids(fig, "formula")["formula"]
    dots = list(gids(fig, "simulated:availability:").values())
    assert dots and formula.get_zorder() > max(
        d.get_zorder() for d in dots
    )  # over the dots, not hidden under
    assert formula.get_markerfacecolor() == "none"  # hollow: the dot under it shows
    values = {gid: t.get_text() for gid, t in gids(fig, "formula-value:").items()}
    assert values["formula-value:4"] == f"{availability(4, 0.9):.3f}" == "0.948"


def test_every_title_fits_in_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = why_odd_figure(_result())
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    for ax in fig.axes:
        box = ax.title.get_window_extent(canvas.get_renderer())
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1, ax.title.get_text()


# ------------------------------------------------------------------------------------------ during a change


@pytest.fixture(scope="module")
def change_result() -> analysis.DuringChangeResult:
    return analysis.run_during_change(sizes=(3,), trials=2, runner=SerialRunner())


def test_during_change_bars_are_the_results_numbers(change_result) -> None:
    """Top: failures tolerated per configuration, each way of joining in its colour; bottom: the mean
    unavailability, each trial a dot."""
    from raft.experiments.why_odd.figure import CHANGE_HEADLINE, JOIN_COLORS, during_change_figure

    fig = during_change_figure(change_result)
    tolerated, unavailable = gids(fig, "tolerated:"), gids(fig, "unavailable:")
    dots = gids(fig, "trials:")
    assert len(tolerated) == len(unavailable) == len(dots) == 10
    for step in change_result.steps:
        key = f"{step.n}:{step.join}:{step.step}"
        assert tolerated[f"tolerated:{key}"].get_height() == step.tolerated
        assert unavailable[f"unavailable:{key}"].get_height() == step.unavailable_ms
        assert list(dots[f"trials:{key}"].get_ydata()) == list(step.unavailable_by_trial)
        assert tolerated[f"tolerated:{key}"].get_facecolor()[:3] == pytest.approx(
            matplotlib.colors.to_rgb(JOIN_COLORS[step.join])
        )
    assert (
        gids(fig, "tolerated:3:voter:2")["tolerated:3:voter:2"].get_height() == 1
    )  # four voters: one failure
    [headline] = [t for t in fig.texts if t.get_gid() == "headline"]
    assert headline.get_text() == CHANGE_HEADLINE
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "3 voters" and labels[2] == "4 voters" and labels[1].startswith("n4 joins")
    assert all(ax.get_ylim()[0] == 0 for ax in fig.axes)


def test_during_change_plot_writes_the_file(tmp_path, change_result) -> None:
    from raft.experiments.why_odd.figure import plot_during_change

    path = plot_during_change(change_result, tmp_path / "change.png")
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("sizes", [(3,), (3, 5)])
def test_during_change_text_fits_in_the_figure(sizes) -> None:
    """One starting size or two: the headline, legend and titles stay inside the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from raft.experiments.why_odd.figure import during_change_figure

    result = analysis.run_during_change(sizes=sizes, trials=1, runner=SerialRunner())
    fig = during_change_figure(result)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for text in [*fig.texts, *(ax.title for ax in fig.axes)]:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1, text.get_text()
    titles = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    headline = next(t for t in fig.texts if t.get_gid() == "headline").get_window_extent(renderer)
    assert all(box.y1 < headline.y0 for box in titles)
