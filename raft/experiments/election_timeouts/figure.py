"""The election-timeouts figure (``raft-sim experiment election-timeouts --plot``): Figure 16 of the extended
paper in its two-panel layout, the cumulative distribution of the time without a leader for each range of
election timeouts, simulated (solid) beside the paper's curves (dashed); one column per timing profile run
(``exact``, ``lan``).

Censored trials (no leader within the cap) are not drawn as times: a curve stops below 100 % by their share,
its legend entry says how many there were, and a grey line marks the cap. A range in which no trial elected a
leader has no solid curve: its legend entry says "never elected", and a note in the panel says so.

Artists carry a ``gid``: ``cap`` for the cap line, ``never:RANGE`` for the note of a range that never elected.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from raft.experiments.election_timeouts.analysis import ElectionTimeoutsResult, RangeResult
from raft.experiments.election_timeouts.paper import BOTTOM_PANEL, TOP_PANEL, paper_curve
from raft.plots.files import save_figure


def legend_label(label: str, r: RangeResult | None, cap_ms: float) -> str:
    """``150-300 ms``, with the censored trials counted when there were any; a range not simulated says that its
    (dashed) curve is the paper's only."""
    if r is None or not r.trials:
        return f"{label} ms: paper only (not simulated)"
    if r.never_elected:
        return f"{label} ms: never elected (all {r.trials} trials > {cap_ms / 1000:g} s)"
    if r.censored:
        return f"{label} ms ({r.censored}/{r.trials} > {cap_ms / 1000:g} s)"
    return f"{label} ms"


def election_timeouts_figure(results: ElectionTimeoutsResult | Sequence[ElectionTimeoutsResult]) -> Figure:
    """Top: the ranges 150-150 … 150-300 on a log time axis; bottom: 12-24 … 150-300 on a linear one. Several
    results (``exact`` and ``lan`` timing) are drawn side by side, one column each, every panel with the
    paper's curves."""
    runs = [results] if isinstance(results, ElectionTimeoutsResult) else list(results)
    fig = Figure(figsize=(9.0 * len(runs), 7.5), layout="constrained")
    axes = fig.subplots(2, len(runs), squeeze=False)
    # One time axis for every column: to 1000 s when a run lifted the cap of 150-150 (its elections and the
    # paper's reach hundreds of seconds), else the paper's 100 s.
    longest = 1_000_000 if any(r.setup.symmetric_cap_ms for r in runs) else 100_000
    for column, result in enumerate(runs):
        _draw(result, axes[0][column], axes[1][column], longest)
    return fig


def _draw(result: ElectionTimeoutsResult, top: Axes, bottom: Axes, longest: float) -> None:
    by_label = {r.label: r for r in result.ranges}
    cap = result.setup.cap_ms
    colors = colormaps["tab10"]
    for axis, labels, log in ((top, TOP_PANEL, True), (bottom, BOTTOM_PANEL, False)):
        never = []
        for i, label in enumerate(labels):
            color = colors(i)
            times, percents = paper_curve(label)
            axis.plot(times, percents, linestyle="--", color=color, linewidth=1, alpha=0.8)
            r = by_label.get(label)
            text = legend_label(label, r, cap if r is None or r.cap_ms is None else r.cap_ms)
            if r is not None and r.trials and not r.never_elected:
                finite = sorted(d for d in r.downtimes if d is not None)
                ys = [100.0 * (k + 1) / r.trials for k in range(len(finite))]
                axis.step(finite, ys, where="post", color=color, linewidth=1.6, label=text)
            else:
                axis.plot([], [], color=color, linewidth=1.6, label=text)
                if r is not None and r.never_elected:
                    never.append((label, color, cap if r.cap_ms is None else r.cap_ms))
        for k, (label, color, its_cap) in enumerate(never):
            axis.text(
                0.02,
                0.95 - 0.07 * k,
                f"{label} ms: no leader in any trial within {its_cap / 1000:g} s",
                transform=axis.transAxes,
                fontsize=8,
                color=color,
                va="top",
                fontweight="bold",
                bbox={"fc": "white", "ec": color, "alpha": 0.9},
                gid=f"never:{label}",
            )
        axis.set_ylabel("cumulative percent")
        axis.set_ylim(0, 100)
        axis.grid(alpha=0.3)
        axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)
        if log:
            axis.set_xscale("log")
            axis.set_xlim(100, longest)
            if 100 < cap < 100_000:
                axis.axvline(cap, color="#777777", lw=1, ls=":", gid="cap")
                axis.text(
                    cap,
                    50,
                    f" cap {cap / 1000:g} s:\n censored\n beyond"
                    + (
                        ""
                        if result.setup.symmetric_cap_ms is None
                        else f"\n (150-150:\n {result.setup.symmetric_cap_ms / 1000:g} s)"
                    ),
                    fontsize=7,
                    color="#555555",
                    va="center",
                )
        else:
            axis.set_xlim(0, 600)
    bottom.set_xlabel("time without leader (ms)")
    top.set_title(
        f"Figure 16 reproduced, timing {result.setup.timing}: simulated (solid) vs paper (dashed)",
        fontsize=10,
    )


def plot(
    results: ElectionTimeoutsResult | Sequence[ElectionTimeoutsResult], path: str | os.PathLike[str]
) -> Path:
    """Save the two-panel CDF figure (:func:`election_timeouts_figure`) to ``path``."""
    return save_figure(election_timeouts_figure(results), path, dpi=90)
