"""The why-odd figure (``raft-sim experiment why-odd --plot``): four panels over the cluster size n, each a
computed value beside the simulated one: failures tolerated, two-way splits that leave a majority side,
availability (binomial formula against simulation with its 95 % interval), and the cost of size (messages per
committed write, and the median over runs of each run's median commit latency).

Read at a glance: a one-line headline states the lesson; odd sizes are green and even sizes magenta (bars,
simulated dots and the size labels of every panel; a legend says so); a size with no two-way split (n = 1) shows
"n/a" rather than a bar of 0; every value axis starts at 0, so that differences are not magnified.

Artists carry a ``gid``: ``computed:PANEL:N`` for bars, ``simulated:PANEL:N`` for simulated points (PANEL is
``tolerated``, ``splits`` or ``availability``), ``na:N`` for an "n/a" mark, ``headline`` for the headline.

The during-a-change figure (``--during-change --plot``, :func:`during_change_figure`): one row per starting
size n, the five configurations in force on the way to n + 2 along the x axis, newcomers joining as learners
(blue) or as voters at once (orange). Left: the failures each tolerates (computed from the configuration the
runs used; its quorum written on the bar). Right: the write unavailability while it was in force, the mean as a
bar and each trial as a dot. Gids: ``tolerated:N:JOIN:STEP``, ``unavailable:N:JOIN:STEP``, ``trials:N:JOIN:STEP``
and ``headline``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from raft.analysis.quorum_math import failures_tolerated
from raft.experiments.why_odd.analysis import ChangeStep, DuringChangeResult, SizeLine, WhyOddResult
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


#: The colour of each way of joining in the during-a-change figure, and its legend.
JOIN_COLORS = {"learner": "#2c7bb6", "voter": "#e66101"}
JOIN_LABELS = {
    "learner": "joins as a learner, promoted once caught up (add, promote)",
    "voter": "joins as a voter at once (change: {add: [...]}, joint)",
}
CHANGE_HEADLINE = (
    "Growing one server at a time: the even step tolerates no more failures than the odd one before it,\n"
    "and an empty server that votes at once stalls writes until it catches up; a learner does not"
)


def during_change_figure(result: DuringChangeResult) -> Figure:
    """The during-a-change view: one row per starting size n, failures tolerated (left) and write
    unavailability (right) at each configuration in force, each trial's as a dot over the mean's bar."""
    sizes = result.sizes
    height = 3.4 * len(sizes) + 1.5
    fig = Figure(figsize=(11, height))
    axes = fig.subplots(len(sizes), 2, squeeze=False)
    width = 0.38
    highest = max([1.0, *(step.max_unavailable_ms for step in result.steps)]) * 1.15
    for row, n in enumerate(sizes):
        left, right = axes[row][0], axes[row][1]
        mine = [step for step in result.steps if step.n == n]
        for offset, join in ((-width / 2, "learner"), (width / 2, "voter")):
            color = JOIN_COLORS[join]
            for step in (s for s in mine if s.join == join):
                x = step.step + offset
                for axis, value, name in (
                    (left, step.tolerated, "tolerated"),
                    (right, step.unavailable_ms, "unavailable"),
                ):
                    axis.bar(
                        [x], [value], width, color=color, alpha=0.85, gid=f"{name}:{n}:{join}:{step.step}"
                    )
                left.text(x, step.tolerated + 0.05, _quorum_text(step), ha="center", va="bottom", fontsize=7)
                dots = step.unavailable_by_trial
                right.plot(
                    [x] * len(dots),
                    dots,
                    "o",
                    ms=3,
                    mfc="white",
                    mec="black",
                    mew=0.6,
                    zorder=3,
                    gid=f"trials:{n}:{join}:{step.step}",
                )
        labels = _step_labels(mine)
        for axis in (left, right):
            axis.set_xticks(range(len(labels)))
            axis.set_xticklabels(labels, fontsize=8)
            axis.set_xlim(-0.6, len(labels) - 0.4)
        most = max(step.tolerated for step in mine)
        left.set_ylim(0, most + 1)
        left.set_yticks(range(most + 1))
        left.set_ylabel("failures tolerated", fontsize=9)
        left.set_title(f"{n} → {n + 2}: failures tolerated (q: quorum)", fontsize=10)
        right.set_ylim(0, highest)
        right.set_ylabel("ms; bars: mean, dots: each trial", fontsize=8)
        right.set_title(
            f"{n} → {n + 2}: writes unavailable while in force ({failures_tolerated(n)} down from "
            f"{result.task.fail_ms:.0f} ms)",
            fontsize=10,
        )
    axes[-1][0].set_xlabel("configuration in force", fontsize=9)
    axes[-1][1].set_xlabel("configuration in force", fontsize=9)
    top = 1 - 1.2 / height
    fig.text(
        0.5,
        1 - 0.1 / height,
        CHANGE_HEADLINE,
        ha="center",
        va="top",
        fontsize=10.5,
        fontweight="bold",
        gid="headline",
    )
    fig.legend(
        handles=[Patch(facecolor=JOIN_COLORS[j], alpha=0.85, label=JOIN_LABELS[j]) for j in JOIN_COLORS],
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - 0.62 / height),
        ncol=2,
        fontsize=8.5,
        frameon=False,
    )
    fig.text(
        0.5,
        1 - 1.05 / height,
        "q3+2: joint consensus (thesis §4.3), a majority of the new voters (3) and one of the old (2)",
        ha="center",
        va="bottom",
        fontsize=8,
        color="#444444",
    )
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig


def _quorum_text(step: ChangeStep) -> str:
    return f"q{step.quorum}" if step.outgoing_quorum is None else f"q{step.quorum}+{step.outgoing_quorum}"


def _step_labels(steps: Sequence[ChangeStep]) -> list[str]:
    """One x label per step: the voters once settled (``4 voters``), the newcomer while it joins
    (``n4 joins``: as a learner, or in a joint configuration)."""
    by_step: dict[int, list[ChangeStep]] = {}
    for step in steps:
        by_step.setdefault(step.step, []).append(step)
    labels = []
    for position in sorted(by_step):
        step = by_step[position][0]
        if any(s.learners or s.outgoing for s in by_step[position]):
            learner = next((s for s in by_step[position] if s.learners), None)
            joint = next((s for s in by_step[position] if s.outgoing), None)
            newcomer = learner.configuration.rsplit(" ", 1)[-1] if learner else ""
            words = [f"{newcomer} joins" if newcomer else "joining"]
            if learner:
                words.append(f"learner: q{learner.quorum}")
            if joint:
                words.append(f"joint: q{joint.quorum}+{joint.outgoing_quorum}")
            labels.append("\n".join(words))
        else:
            labels.append(f"{step.voters} voters")
    return labels


def plot_during_change(result: DuringChangeResult, path: str | os.PathLike[str]) -> Path:
    """Save the during-a-change figure (:func:`during_change_figure`) to ``path``."""
    return save_figure(during_change_figure(result), path, dpi=80)
