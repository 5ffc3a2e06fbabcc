"""The cluster as a graph at one moment (networkx): nodes coloured by role, the leader ringed, links that work
drawn grey, links cut both ways drawn red and dashed, a link cut one way drawn as two curved arrows: a red dotted
one in the blocked direction (labelled with it) and a grey one in the direction that still works. A line under
the title names every cut (the partition's groups, each one-way link). A node that is down is grey. A run that
stopped on a safety violation gets a red note naming it, and the nodes concerned a red dashed ring.

Artists carry a ``gid``: ``links:ok`` and ``links:cut`` (one segment per pair of nodes), ``oneway:A->B`` for a
one-way cut from A to B (``oneway-label:A->B`` its label), ``oneway-open:B->A`` for the direction that still
works, ``cuts`` (the line naming the cuts), ``nodes``, ``leader``, ``violation`` and ``violation-nodes``.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from raft.analysis import replay
from raft.analysis.replay import Events
from raft.plots import violation
from raft.plots.style import DOWN_COLOR, DROP_COLOR, ROLE_COLORS, VIOLATION_COLOR

LEADER_RING = "#e9b10a"


def link_states(names: list[str], cut: frozenset[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """For each unordered pair (in node order): ``ok``, ``cut`` (both ways), or ``A->B`` (only A to B is cut)."""
    states: dict[tuple[str, str], str] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ab, ba = (a, b) in cut, (b, a) in cut
            states[(a, b)] = "cut" if ab and ba else f"{a}->{b}" if ab else f"{b}->{a}" if ba else "ok"
    return states


def topology(events: Events, at_ms: float | None = None) -> Figure:
    """The cluster at ``at_ms`` (default: the end of the run)."""
    at = replay.end_ms(events) if at_ms is None else float(at_ms)
    names = replay.nodes(events)
    roles = replay.role_at(events, at)
    states = link_states(names, replay.cut_links_at(events, at))
    graph = nx.Graph()
    graph.add_nodes_from(names)
    graph.add_edges_from(states)
    # A circle with n1 at the top, then clockwise (networkx's circular_layout starts at the right).
    pos: dict[str, Any] = nx.rescale_layout_dict({n: _clockwise(i, len(names)) for i, n in enumerate(names)})
    fig = Figure(figsize=(6.2, 6.4), layout="constrained")
    ax = fig.subplots()
    ok = [pair for pair, state in states.items() if state == "ok"]
    both = [pair for pair, state in states.items() if state == "cut"]
    if ok:
        nx.draw_networkx_edges(graph, pos, edgelist=ok, ax=ax, edge_color="#9a9a9a", width=1.4).set_gid(
            "links:ok"
        )
    if both:
        nx.draw_networkx_edges(
            graph, pos, edgelist=both, ax=ax, edge_color=DROP_COLOR, width=1.2, style="dashed", alpha=0.8
        ).set_gid("links:cut")
    for state in states.values():
        if "->" in state:
            src, dst = state.split("->")
            for a, b, color, style, gid in (
                (src, dst, DROP_COLOR, "dotted", f"oneway:{src}->{dst}"),
                (dst, src, "#9a9a9a", "solid", f"oneway-open:{dst}->{src}"),
            ):
                patches = nx.draw_networkx_edges(
                    nx.DiGraph([(a, b)]),
                    pos,
                    ax=ax,
                    edge_color=color,
                    width=1.6,
                    style=style,
                    arrows=True,
                    arrowsize=16,
                    node_size=900,
                    connectionstyle="arc3,rad=0.12",
                )
                for patch in patches:
                    patch.set_gid(gid)
            _label_one_way(ax, pos, src, dst)
    colors = [DOWN_COLOR if roles[n] is None else ROLE_COLORS[roles[n][0]] for n in names]  # type: ignore[index]
    leaders = [n for n in names if roles[n] is not None and roles[n][0] == "leader"]  # type: ignore[index]
    drawn = nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=names,
        ax=ax,
        node_color=colors,
        node_size=900,
        edgecolors="#333333",
        linewidths=1.0,
    )
    drawn.set_gid("nodes")
    if leaders:
        _draw_rings(ax, graph, pos, leaders, size=1500, color=LEADER_RING, width=4.0, gid="leader")
    labels = {n: n if roles[n] is None else f"{n}\nt{roles[n][1]}" for n in names}  # type: ignore[index]
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=9)
    for n in names:
        if roles[n] is None:
            x, y = pos[n]
            ax.text(x, y - 0.2, "down", ha="center", va="top", fontsize=8, color="#555555")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    leader_text = ", ".join(f"{n} (term {roles[n][1]})" for n in leaders) or "none"  # type: ignore[index]
    ax.set_title(f"Cluster at {at:.0f} ms: {replay.title(events)}\nleader: {leader_text}", fontsize=10)
    cut = replay.cut_links_at(events, at)
    if cut:
        span = replay.NetworkSpan(at, at, cut, replay.separated_groups(names, cut))
        kind = "partition" if span.is_partition else "no partition"
        ax.text(
            0.5,
            0.02,
            f"{kind}: {span.label}",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=9,
            color=DROP_COLOR,
            gid="cuts",
        )
    found = violation.violation(events)
    if found is not None:
        violation.note_moment(ax, events, at, x=0.5, ha="center")
        named = [n for n in found.nodes if n in pos]
        if named:
            rings = _draw_rings(
                ax, graph, pos, named, size=2100, color=VIOLATION_COLOR, width=2.0, gid="violation-nodes"
            )
            rings.set_linestyle("--")
    present = {roles[n][0] if roles[n] is not None else "down" for n in names}  # type: ignore[index]
    present |= set(states.values()) | ({"leader ring"} if leaders else set())
    handles = _legend_handles(present)
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    return fig


def _draw_rings(
    ax: Any,
    graph: Any,
    pos: dict[str, Any],
    nodes: list[str],
    size: float,
    color: str,
    width: float,
    gid: str,
) -> Any:
    """Hollow rings of the given size and colour around the nodes (the leader ring, the violation's nodes)."""
    rings = nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=nodes,
        ax=ax,
        node_color="none",
        node_size=size,
        edgecolors=color,
        linewidths=width,
    )
    rings.set_gid(gid)
    return rings


def _legend_handles(present: set[str]) -> list[Line2D]:
    """Legend entries for what the picture shows, and only that (a legend naming a cut link or a candidate that
    is not there sends a student looking for it). ``present`` holds roles, ``down``, ``leader ring`` and the
    link states of :func:`link_states`."""
    one_way = any("->" in p for p in present)
    entries = [
        (
            r in present,
            Line2D(
                [], [], marker="o", ls="none", ms=10, markerfacecolor=c, markeredgecolor="#333333", label=r
            ),
        )
        for r, c in ROLE_COLORS.items()
    ]
    entries += [
        (
            "down" in present,
            Line2D(
                [],
                [],
                marker="o",
                ls="none",
                ms=10,
                markerfacecolor=DOWN_COLOR,
                markeredgecolor="#333333",
                label="down",
            ),
        ),
        (
            "leader ring" in present,
            Line2D(
                [],
                [],
                marker="o",
                ls="none",
                ms=12,
                markerfacecolor="none",
                markeredgecolor=LEADER_RING,
                markeredgewidth=3,
                label="leader ring",
            ),
        ),
        ("ok" in present, Line2D([], [], color="#9a9a9a", label="link")),
        ("cut" in present, Line2D([], [], color=DROP_COLOR, ls="--", label="cut both ways")),
        (
            one_way,
            Line2D([], [], color=DROP_COLOR, ls=":", marker=">", label="cut one way: the blocked direction"),
        ),
        (one_way, Line2D([], [], color="#9a9a9a", marker=">", label="... and the direction that works")),
    ]
    return [handle for shown, handle in entries if shown]


def _label_one_way(ax: Any, pos: dict[str, Any], src: str, dst: str) -> None:
    """``src→dst cut`` beside the red arrow, on its side of the pair (arc3 bends an arrow to its right)."""
    (x0, y0), (x1, y1) = pos[src], pos[dst]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    nx_, ny_ = dy / length, -dx / length  # the arrow's right-hand side
    x, y = (x0 + x1) / 2 + 0.16 * nx_, (y0 + y1) / 2 + 0.16 * ny_
    ax.text(
        x,
        y,
        f"{src}→{dst} cut",
        ha="center",
        va="center",
        fontsize=8,
        color=DROP_COLOR,
        gid=f"oneway-label:{src}->{dst}",
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def _clockwise(i: int, n: int) -> tuple[float, float]:
    angle = math.pi / 2 - 2 * math.pi * i / n
    return (math.cos(angle), math.sin(angle))
