"""The why-odd figure (``raft-sim experiment why-odd --plot``): four panels over the cluster size n, each a
computed value beside the simulated one: failures tolerated, two-way splits that leave a majority side,
availability (binomial formula against simulation with its 95 % interval), and the cost of size (messages per
committed write, and the median over runs of each run's median commit latency)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from raft.experiments.why_odd import WhyOddResult


def why_odd_figure(result: WhyOddResult) -> Figure:
    """The four panels of a why-odd result (axes 0-3 left to right, top to bottom; axis 4 is the latency scale
    twinned with the cost panel)."""
    lines = result.lines
    n = [line["n"] for line in lines]
    fig = Figure(figsize=(9, 6.5))
    axes = fig.subplots(2, 2)
    ax = axes[0][0]
    ax.bar(n, [line["tolerated"] for line in lines], color="#9ecae1", label="computed n - majority")
    ax.plot(n, [line["tolerated_simulated"] for line in lines], "o", color="#08519c", label="simulated")
    ax.set_title("failures tolerated", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[0][1]
    ax.bar(n, [line["majority_split_fraction"] or 0 for line in lines], color="#a1d99b", label="computed")
    ax.plot(n, [line["majority_split_fraction_simulated"] or 0 for line in lines], "o", color="#006d2c",
            label="simulated")  # fmt: skip
    ax.set_title("two-way splits leaving a majority side", fontsize=10)
    ax.set_ylim(0, 1.3)  # room for the legend above the bars
    ax.legend(fontsize=8)
    ax = axes[1][0]
    ax.plot(n, [line["availability_formula"] for line in lines], "s--", color="grey", label="binomial formula")
    sim = [line["availability_simulated"] for line in lines]
    low = [s - line["availability_ci95"][0] for s, line in zip(sim, lines, strict=True)]
    high = [line["availability_ci95"][1] - s for s, line in zip(sim, lines, strict=True)]
    ax.errorbar(n, sim, yerr=[low, high], fmt="o", color="#a50f15", capsize=3, label="simulated (95% CI)")
    ax.set_title(f"availability, node availability {result.availability:.2f}", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[1][1]
    messages = ax.plot(n, [line["messages_per_write"] or 0 for line in lines], "o-", color="#1f77b4",
                       label="messages / committed write (left)")  # fmt: skip
    ax.set_xlabel("cluster size n")
    ax.set_ylabel("messages / committed write", fontsize=8)
    ax2 = ax.twinx()
    latency = [line["commit_latency_ms"] or 0 for line in lines]
    commits = ax2.plot(n, latency, "s-", color="#ff7f00", label="commit latency p50, ms (right)")
    ax2.set_ylabel("commit latency p50 (ms)", fontsize=8)
    ax2.set_ylim(0, 1.6 * max(latency, default=0) or 1)  # from 0: the latency barely grows with n
    ax.set_ylim(0, 1.6 * max((line["messages_per_write"] or 0 for line in lines), default=0) or 1)
    ax.set_title("cost of size", fontsize=10)
    handles = messages + commits
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8, framealpha=0.9)
    for row in axes:
        for axis in row:
            axis.set_xticks(n)
    axes[1][0].set_xlabel("cluster size n")
    fig.tight_layout()
    return fig
