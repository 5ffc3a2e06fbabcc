"""The why-odd figure (``raft-sim experiment why-odd --plot``): four panels over the cluster size n, each a
computed value beside the simulated one: failures tolerated, two-way splits that leave a majority side,
availability (binomial formula against simulation with its 95 % interval), and the cost of size (messages per
committed write, and the median over runs of each run's median commit latency).

Read at a glance: a one-line headline states the lesson; odd sizes are green and even sizes magenta (bars,
simulated dots and the size labels of every panel; a legend says so); a size with no two-way split (n = 1) shows
"n/a" rather than a bar of 0; every value axis starts at 0, so that differences are not magnified.

Artists carry a ``gid``: ``computed:PANEL:N`` for bars, ``simulated:PANEL:N`` for simulated points (PANEL is
``tolerated``, ``splits`` or ``availability``), ``na:N`` for an "n/a" mark, ``headline`` for the headline.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from raft.experiments.why_odd.analysis import SizeLine, WhyOddResult
from raft.plots.files import save_figure

#: Odd sizes green, even sizes magenta: light for computed bars, dark for simulated points and size labels.
PARITY_COLORS = {"odd": ("#a6dba0", "#1b7837"), "even": ("#f1b6da", "#c51b7d")}
HEADLINE = (
    "Lesson: 2k servers tolerate no more failures than 2k−1, survive fewer splits and cost more: "
    "use odd sizes"
)


def parity(n: int) -> str:
    return "odd" if n % 2 else "even"


def why_odd_figure(result: WhyOddResult) -> Figure:
    """The four panels of a why-odd result (axes 0-3 left to right, top to bottom; axis 4 is the latency scale
    twinned with the cost panel)."""
    lines = result.lines
    n = [line.n for line in lines]
    fig = Figure(figsize=(10, 7.4))
    axes = fig.subplots(2, 2)
    _bars_and_points(axes[0][0], lines, "tolerated", "tolerated", "tolerated_simulated")
    axes[0][0].set_title("failures tolerated (computed n − majority; dots: simulated)", fontsize=10)
    ax = axes[0][1]
    _bars_and_points(ax, lines, "splits", "majority_split_fraction", "majority_split_fraction_simulated")
    for line in lines:
        if line.majority_split_fraction is None:
            ax.text(
                line.n, 0.04, "n/a", ha="center", va="bottom", fontsize=9, color="#555555", gid=f"na:{line.n}"
            )
    ax.set_title("two-way splits leaving a majority side (n/a: no split)", fontsize=10)
    ax.set_ylim(0, 1.15)
    ax = axes[1][0]
    ax.plot(n, [line.availability_formula for line in lines], "--", color="grey", lw=1, zorder=2)
    # Hollow and above the dots: on an axis from 0 the formula and the simulation nearly coincide, and filled
    # squares under the dots were hidden. Both values are also written under the points.
    ax.plot(
        n,
        [line.availability_formula for line in lines],
        "s",
        ms=7,
        mfc="none",
        mec="#555555",
        mew=1.0,
        zorder=4,
        gid="formula",
    )
    for line in lines:
        sim = line.availability_simulated
        low, high = line.availability_ci95
        dark = PARITY_COLORS[parity(line.n)][1]
        ax.errorbar(
            [line.n],
            [sim],
            yerr=[[sim - low], [high - sim]],
            fmt="o",
            color=dark,
            capsize=3,
            zorder=3,
            gid=f"simulated:availability:{line.n}",
        )
        ax.text(line.n, 0.03, f"{sim:.3f}", ha="center", va="bottom", fontsize=7, color=dark)
        ax.text(
            line.n,
            0.11,
            f"{line.availability_formula:.3f}",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#555555",
            gid=f"formula-value:{line.n}",
        )
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("fraction of time", fontsize=8)
    ax.set_title(
        f"availability from 0, node availability {result.availability:.2f}\n"
        "(squares, grey: binomial formula; dots, coloured: simulated, 95% CI)",
        fontsize=9,
    )
    ax = axes[1][1]
    messages = ax.plot(
        n,
        [line.messages_per_write or 0 for line in lines],
        "o-",
        color="#1f77b4",
        label="messages / committed write (left)",
    )
    ax.set_xlabel("cluster size n")
    ax.set_ylabel("messages / committed write", fontsize=8)
    ax2 = ax.twinx()
    latency = [line.commit_latency_ms or 0 for line in lines]
    commits = ax2.plot(n, latency, "s-", color="#ff7f00", label="commit latency p50, ms (right)")
    ax2.set_ylabel("commit latency p50 (ms)", fontsize=8)
    ax2.set_ylim(0, 1.6 * max(latency, default=0) or 1)  # from 0: the latency barely grows with n
    ax.set_ylim(0, 1.6 * max((line.messages_per_write or 0 for line in lines), default=0) or 1)
    ax.set_title("cost of size", fontsize=10)
    handles = messages + commits
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8, framealpha=0.9)
    for row in axes:
        for axis in row:
            axis.set_xticks(n)
            axis.set_xlim(min(n) - 0.6, max(n) + 0.6)
            for label, size in zip(axis.get_xticklabels(), n, strict=True):
                label.set_color(PARITY_COLORS[parity(size)][1])
                label.set_fontweight("bold")
    axes[1][0].set_xlabel("cluster size n")
    fig.suptitle(HEADLINE, fontsize=11, fontweight="bold", gid="headline")
    fig.legend(
        handles=[
            Patch(facecolor=PARITY_COLORS["odd"][0], edgecolor=PARITY_COLORS["odd"][1], label="odd n"),
            Patch(facecolor=PARITY_COLORS["even"][0], edgecolor=PARITY_COLORS["even"][1], label="even n"),
            Line2D([], [], color="#333333", marker="o", ls="none", label="simulated"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.955),
        ncol=3,
        fontsize=9,
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


def _bars_and_points(ax: Any, lines: Sequence[SizeLine], panel: str, computed: str, simulated: str) -> None:
    """Computed values as bars and simulated ones as dots, coloured by the parity of n; nothing for ``None``."""
    for line in lines:
        light, dark = PARITY_COLORS[parity(line.n)]
        if getattr(line, computed) is not None:
            ax.bar(
                [line.n],
                [getattr(line, computed)],
                color=light,
                edgecolor=dark,
                lw=0.8,
                gid=f"computed:{panel}:{line.n}",
            )
        if getattr(line, simulated) is not None:
            ax.plot(
                [line.n],
                [getattr(line, simulated)],
                "o",
                color=dark,
                mec="black",
                mew=0.5,
                zorder=3,
                gid=f"simulated:{panel}:{line.n}",
            )
    ax.set_ylim(bottom=0)


def plot(result: WhyOddResult, path: str | os.PathLike[str]) -> Path:
    """Save the four-panel figure (:func:`why_odd_figure`) to ``path``."""
    return save_figure(why_odd_figure(result), path, dpi=80)
