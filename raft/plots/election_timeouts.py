"""The election-timeouts figure (``raft-sim experiment election-timeouts --plot``): Figure 16 of the extended
paper in its two-panel layout, the cumulative distribution of the time without a leader for each range of
election timeouts, simulated (solid) beside the paper's curves (dashed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib import colormaps
from matplotlib.figure import Figure

from raft.experiments.figure16 import BOTTOM_PANEL, TOP_PANEL, paper_curve

if TYPE_CHECKING:
    from raft.experiments.election_timeouts import ElectionTimeoutsResult


def election_timeouts_figure(result: ElectionTimeoutsResult) -> Figure:
    """Top: the ranges 150-150 … 150-300 on a log time axis; bottom: 12-24 … 150-300 on a linear one."""
    by_label = {r.label: r for r in result.ranges}
    fig = Figure(figsize=(7, 7.5))
    top, bottom = fig.subplots(2, 1)
    colors = colormaps["tab10"]
    for axis, labels, log in ((top, TOP_PANEL, True), (bottom, BOTTOM_PANEL, False)):
        for i, label in enumerate(labels):
            color = colors(i)
            times, percents = paper_curve(label)
            axis.plot(times, percents, linestyle="--", color=color, linewidth=1, alpha=0.8)
            r = by_label.get(label)
            if r is not None and r.trials:
                finite = sorted(d for d in r.downtimes if d is not None)
                ys = [100.0 * (k + 1) / r.trials for k in range(len(finite))]
                axis.step(finite, ys, where="post", color=color, linewidth=1.6, label=f"{label} ms")
            else:
                axis.plot([], [], color=color, label=f"{label} ms")
        axis.set_ylabel("cumulative percent")
        axis.set_ylim(0, 100)
        axis.grid(alpha=0.3)
        axis.legend(loc="lower right", fontsize=8)
        if log:
            axis.set_xscale("log")
            axis.set_xlim(100, 100_000)
        else:
            axis.set_xlim(0, 600)
    bottom.set_xlabel("time without leader (ms)")
    top.set_title("Figure 16 reproduced: simulated (solid) vs paper (dashed)", fontsize=10)
    fig.tight_layout()
    return fig
