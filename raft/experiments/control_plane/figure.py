"""The control-plane slide (``raft-sim experiment control-plane --plot``): left, the API's availability over the
number of control-plane nodes (binomial bars, simulated points with their 95 % intervals, stacked and external
etcd); right, which single-zone failures a stacked control plane survives, per layout over 1-3 zones.

Artists carry a ``gid``: ``computed:ETCD:N`` (bars), ``simulated:ETCD:N`` (points), ``zone:N:ZONES`` (cells),
``headline``.
"""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from raft.experiments.control_plane.analysis import ControlPlaneResult
from raft.plots.files import save_figure

COLORS = {"stacked": ("#9ecae1", "#08519c"), "external": ("#fdd0a2", "#a63603")}
SURVIVES, SOME, NONE = "#a1d99b", "#fdd49e", "#fc9272"
HEADLINE = (
    "Three (or five) control-plane nodes, in three zones: even counts add nothing, two zones are not enough"
)


def control_plane_figure(result: ControlPlaneResult) -> Figure:
    fig = Figure(figsize=(13, 5.6), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.45, 1]})
    width = 0.38
    for offset, etcd in ((-width / 2, "stacked"), (width / 2, "external")):
        light, dark = COLORS[etcd]
        lines = sorted((line for line in result.availability if line.etcd == etcd), key=lambda x: x.n)
        for line in lines:
            x = line.n + offset
            left.bar(x, 100 * line.computed, width * 0.95, color=light, gid=f"computed:{etcd}:{line.n}")
            left.errorbar(
                x,
                100 * line.simulated,
                yerr=[
                    [max(0.0, 100 * (line.simulated - line.low))],
                    [max(0.0, 100 * (line.high - line.simulated))],
                ],
                fmt="o",
                color=dark,
                ms=5,
                capsize=3,
                gid=f"simulated:{etcd}:{line.n}",
            )
    values = [100 * line.low for line in result.availability] + [
        100 * line.computed for line in result.availability
    ]
    bottom = max(0.0, min(values) - 5)
    for line in result.availability:  # the binomial value at the foot of its bar
        x = line.n + (-width / 2 if line.etcd == "stacked" else width / 2)
        left.text(
            x,
            bottom + 0.6,
            f"{100 * line.computed:.1f}",
            ha="center",
            va="bottom",
            fontsize=7,
            color=COLORS[line.etcd][1],
            rotation=90,
        )
    two = next((line for line in result.availability if line.n == 2 and line.etcd == "stacked"), None)
    one = next((line for line in result.availability if line.n == 1 and line.etcd == "stacked"), None)
    if two is not None and one is not None and two.computed < one.computed:
        left.annotate(
            "2 nodes: worse than 1",
            (2 - width / 2, 100 * two.computed),
            xytext=(2.2, bottom + (100 - bottom) * 0.25),
            fontsize=9,
            color=COLORS["stacked"][1],
            arrowprops={"arrowstyle": "->", "color": COLORS["stacked"][1]},
        )
    left.set_ylim(bottom, 101)
    sizes = sorted({line.n for line in result.availability})
    left.set_xticks(sizes, [f"{n}\n{'odd' if n % 2 else 'even'}" for n in sizes])
    for n in sizes:
        if n % 2 == 0:
            left.axvspan(n - 0.5, n + 0.5, color="#f0f0f0", zorder=0)
    left.set_xlabel("control-plane nodes (external etcd: plus its own etcd hosts)")
    left.set_ylabel("API can write (% of the time)")
    left.set_title(
        f"Every machine up {100 * result.node_availability:g} % of the time, failing independently\n"
        f"(external etcd: {result.etcd_members} etcd hosts; {result.trials} simulated clusters per bar)",
        fontsize=10,
    )
    left.legend(
        handles=[
            Patch(color=COLORS["stacked"][0], label="stacked etcd: binomial"),
            Line2D(
                [],
                [],
                marker="o",
                color=COLORS["stacked"][1],
                ls="none",
                label="stacked: simulated, 95 % interval",
            ),
            Patch(color=COLORS["external"][0], label="external etcd: binomial"),
            Line2D(
                [],
                [],
                marker="o",
                color=COLORS["external"][1],
                ls="none",
                label="external: simulated, 95 % interval",
            ),
            Patch(color="#f0f0f0", label="even count"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    for side in ("top", "right"):
        left.spines[side].set_visible(False)

    cells = {(z.n, z.zones): z for z in result.zones if z.etcd == "stacked"}
    zone_counts = sorted({k[1] for k in cells})
    for (n, zones), z in cells.items():
        x, y = zone_counts.index(zones), -n
        color = SURVIVES if z.survived == zones else SOME if z.survived else NONE
        right.add_patch(Rectangle((x + 0.04, y - 0.45), 0.92, 0.9, color=color, gid=f"zone:{n}:{zones}"))
        verdict = (
            "survives any zone"
            if z.survived == zones
            else "down with any zone"
            if not z.survived
            else f"survives {z.survived} of {zones}"
        )
        right.text(x + 0.5, y + 0.12, z.layout, ha="center", va="center", fontsize=10, fontweight="bold")
        right.text(x + 0.5, y - 0.2, verdict, ha="center", va="center", fontsize=8)
    right.set_xlim(0, len(zone_counts))
    right.set_ylim(-max(n for n, _ in cells) - 0.6, -0.4)
    right.set_xticks(
        [i + 0.5 for i in range(len(zone_counts))], [f"{k} zone{'s' if k > 1 else ''}" for k in zone_counts]
    )
    right.xaxis.tick_top()
    ns = sorted({n for n, _ in cells})
    right.set_yticks([-n for n in ns], [str(n) for n in ns])
    right.set_ylabel("control-plane nodes (stacked etcd)")
    right.set_title(
        "One whole zone fails: does the API still write?\n(nodes spread over the zones in turn)", fontsize=10
    )
    for side in ("top", "right", "bottom", "left"):
        right.spines[side].set_visible(False)
    right.tick_params(length=0)
    fig.suptitle(HEADLINE, fontsize=12.5, fontweight="bold", gid="headline")
    return fig


def plot(result: ControlPlaneResult, path: str | os.PathLike[str]) -> Path:
    return save_figure(control_plane_figure(result), path)
