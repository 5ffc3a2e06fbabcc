"""The election timeline: one lane per node coloured by role, terms, crashes, partitions and leader changes;
below it every node's commit index, and client write latency when the run had a workload.

Artists carry a ``gid`` so tests (and curious students) can find what was drawn: ``lane:NODE`` (a lane's base
line), ``role:ROLE:NODE`` (the bars of that role on that lane, one path per span), ``term`` (term labels),
``partition`` (grey bands: groups that cannot talk either way), ``cut`` (hatched bands: links cut one way, or a
pair cut both ways, that split nobody off), ``partition-label`` (every cut named, arrows in the blocked
direction), ``leader-change``, ``crash``, ``restart``, ``commit:NODE``, ``commit-offset`` (the note saying the
commit lines are drawn apart), ``latency`` (acknowledged writes), ``unacknowledged`` (writes never
acknowledged, in their own strip above the latency panel: they have no latency to plot), ``violation`` and
``violation-label`` (a safety violation), ``step-down`` (a leader stepping down on its own, CheckQuorum: a
hollow square on its lane), ``at-stop:ROLE:NODE`` (each node's role when the run stopped on it).

Commit lines are drawn a point apart (in node order, the first highest), so lines with the same values lie side
by side instead of hiding each other; a note in the panel says so.

A run that stopped on a safety violation is drawn around it by default (its last ``BEFORE_VIOLATION_MS``), with a
red line at the violation naming the property and nodes, and a strip after it showing every node's role at
that instant (so a leader elected at the violating instant shows as a leader).

Term labels follow one rule, lane by lane: a lane's term is written where the window starts and wherever that
lane's term changes. A label is left out only when it would run into the next label written on the *same*
lane or run past the window's right edge (each lane is walked from the right, so the latest terms stay
readable); the room a label needs is its own width, so a one-digit term fits where a three-digit one would
not. Lanes never hide each other's labels: what one lane shows does not depend on the others.

The commit panel shades the periods of write unavailability (:mod:`raft.analysis.availability`), gid
``unavailable``, named in its legend.

A large cluster (more than :data:`raft.analysis.nodesets.LARGE_CLUSTER` nodes) is summarised unless
``all_nodes``: only the nodes that did something in the window (:mod:`raft.analysis.activity`: led, stood for
election, crashed or restarted, were cut off, lagged, or are named by a violation) get a lane, labelled with what
they did; when more than :data:`MAX_LANES` did, those that only stood for election share one lane (gid
``lane:stood``, their candidacies drawn on it), and the nodes that did nothing share the bottom lane (gid
``lane:quiet``, "94 followers throughout"). The commit panel then shows the spread of the live nodes' commit
indexes (gid ``commit-spread``: a band from the lowest to the highest) and the leader's commit index (gid
``commit-leader``) instead of one line per node.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from raft.analysis import replay
from raft.analysis.activity import STOOD, activity
from raft.analysis.availability import availability
from raft.analysis.nodesets import is_large, node_ranges
from raft.analysis.replay import Events
from raft.plots import violation
from raft.plots.style import (
    CRASH_COLOR,
    ONE_WAY_COLOR,
    PARTITION_COLOR,
    RESTART_COLOR,
    ROLE_COLORS,
    STEP_DOWN_COLOR,
    TRANSFER_COLOR,
    TimeAxis,
    check_window,
)
from raft.sim.events import EventType

#: Width of the lanes' plotting area in inches (the 11-inch figure less the node names and the legend column);
#: term labels are measured against it to decide whether they fit.
LANES_WIDTH_IN = 9.3
#: Width of one digit of a term label (7 pt text) in inches, and the blank kept after a label.
DIGIT_IN = 0.062
LABEL_PAD_IN = 0.06
#: Term labels start this far (a fraction of the window) to the right of the term change they mark.
LABEL_OFFSET = 0.003
#: Commit lines are drawn this many points apart so that equal lines stay visible.
COMMIT_SPREAD_PT = 1.2
#: A run stopped by a safety violation is drawn from this long before it ...
BEFORE_VIOLATION_MS = 5000.0
#: ... to this fraction of the window after it (the strip showing the state at the violation).
AFTER_VIOLATION = 0.05
#: In a large cluster, at most this many nodes get lanes of their own before those that only stood for
#: election share one.
MAX_LANES = 12
#: Pseudo-nodes naming the shared lanes of a large cluster.
STOOD_LANE, QUIET_LANE = "stood", "quiet"


def window(events: Events, from_ms: float | None, to_ms: float | None) -> tuple[float, float]:
    """The window to draw: the whole run unless bounded, or, for a run that stopped on a safety violation, its
    last ``BEFORE_VIOLATION_MS`` and a strip after the violation; an empty or inverted window is an error."""
    found = violation.violation(events)
    if found is not None and from_ms is None and to_ms is None:
        start = max(0.0, found.t_ms - BEFORE_VIOLATION_MS)
        width = max(found.t_ms - start, 1.0)
        return check_window(start, found.t_ms + AFTER_VIOLATION * width / (1.0 - AFTER_VIOLATION))
    return check_window(
        0.0 if from_ms is None else from_ms, replay.end_ms(events) if to_ms is None else to_ms
    )


def lane_labels(events: Events, start: float, stop: float, all_nodes: bool = False) -> dict[str, str]:
    """The lanes to draw, top to bottom, each with its tick label: every node of a small cluster (or with
    ``all_nodes``); for a large one the nodes that did something (with what they did) and the shared lanes
    :data:`STOOD_LANE` and :data:`QUIET_LANE` (see the module docstring)."""
    names = replay.nodes(events)
    if all_nodes or not is_large(len(names)):
        return {node: node for node in names}
    did = activity(events, start, stop)
    stood_only = [node for node, what in did.items() if what == (STOOD,)] if len(did) > MAX_LANES else []
    shown = {node: f"{node} ({', '.join(what)})" for node, what in did.items() if node not in stood_only}
    if stood_only:
        shown[STOOD_LANE] = f"{len(stood_only)} others\n(stood, lost)"
    if quiet := len(names) - len(did):
        shown[QUIET_LANE] = f"{quiet} others"
    return shown


def timeline(
    events: Events, *, from_ms: float | None = None, to_ms: float | None = None, all_nodes: bool = False
) -> Figure:
    """The election timeline of a trace, for the whole run or the window ``[from_ms, to_ms]``; a large cluster
    is summarised unless ``all_nodes`` (see the module docstring)."""
    start, stop = window(events, from_ms, to_ms)
    names = replay.nodes(events)
    shown = lane_labels(events, start, stop, all_nodes)
    summarised = len(shown) != len(names) or any(lane != node for node, lane in shown.items())
    axis = TimeAxis.for_window(start, stop)
    has_writes = any(e["type"] == EventType.SUBMIT for e in events)
    lanes_height = 0.42 * len(shown) + 1.0
    ratios = [lanes_height, 1.7] + ([0.3, 1.5] if has_writes else [])
    fig = Figure(figsize=(11, sum(ratios) + 1.0), layout="constrained")
    axes = fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    lanes, commits = axes[0], axes[1]
    y_of = {node: len(shown) - 1 - i for i, node in enumerate(shown)}
    _draw_partitions(lanes, events, len(shown) - 1, start, stop, axis, summarised)
    _draw_lanes(lanes, events, shown, y_of, start, stop, axis)
    if summarised:
        _draw_shared_lanes(lanes, events, shown, y_of, start, stop, axis)
    _draw_state_at_stop(lanes, events, y_of, stop, axis)
    if summarised:
        _draw_commit_spread(commits, events, names, start, stop, axis)
    else:
        _draw_commits(commits, events, names, start, stop, axis)
    draw_unavailable(commits, events, start, stop, axis)
    if has_writes:
        _draw_unacknowledged(axes[2], events, start, stop, axis)
        _draw_latency(axes[3], events, start, stop, axis)
    for ax in axes:
        violation.mark_time(ax, events, scale=axis.scale, label=ax is lanes)
    axes[-1].set_xlabel(axis.label)
    lanes.set_xlim(axis.value(start), axis.value(stop))
    fig.suptitle(f"Election timeline: {replay.title(events)}", fontsize=12)
    return fig


def draw_election_lanes(ax: Any, events: Events, start: float, stop: float) -> None:
    """One election lane per node on ``ax`` (roles, terms, crashes, partitions, leader changes), for pictures
    that set them beneath panels of their own (the Kubernetes timeline, :mod:`raft.kubernetes.figures`)."""
    shown = {node: node for node in replay.nodes(events)}
    y_of = {node: len(shown) - 1 - i for i, node in enumerate(shown)}
    axis = TimeAxis.for_window(start, stop)
    _draw_partitions(ax, events, len(shown) - 1, start, stop, axis, False)
    _draw_lanes(ax, events, shown, y_of, start, stop, axis)


def _draw_lanes(
    ax: Any,
    events: Events,
    shown: dict[str, str],
    y_of: dict[str, int],
    start: float,
    stop: float,
    axis: TimeAxis,
) -> None:
    width = stop - start
    names = [node for node in shown if node not in (STOOD_LANE, QUIET_LANE)]
    for node in shown:
        ax.hlines(
            y_of[node],
            axis.value(start),
            axis.value(stop),
            color="#cccccc",
            lw=0.8,
            zorder=1,
            gid=f"lane:{node}",
        )
    spans = [
        s for s in replay.role_spans(events) if s.end_ms > start and s.start_ms < stop and s.node in y_of
    ]
    for node in names:
        for role, color in ROLE_COLORS.items():
            ranges = [
                (axis.value(max(s.start_ms, start)), axis.value(min(s.end_ms, stop) - max(s.start_ms, start)))
                for s in spans
                if s.node == node and s.role == role
            ]
            if ranges:
                # The edge in the face colour keeps a 10 ms candidacy visible in a ten-minute window.
                ax.broken_barh(
                    ranges,
                    (y_of[node] - 0.32, 0.64),
                    facecolors=color,
                    edgecolors=color,
                    linewidth=0.6,
                    zorder=2,
                    gid=f"role:{role}:{node}",
                )
    for span, at in _term_labels(spans, names, start, width):
        ax.text(
            axis.value(at) + width / axis.scale * LABEL_OFFSET,
            y_of[span.node],
            str(span.term),
            fontsize=7,
            va="center",
            ha="left",
            zorder=4,
            gid="term",
            fontweight="bold" if span.role == "leader" else "normal",
            color="white" if span.role == "leader" else "#222222",
            clip_on=True,
        )
    for change in replay.leader_changes(events):
        if start <= change.t_ms <= stop and change.node in y_of:
            x = axis.value(change.t_ms)
            ax.axvline(x, color=ROLE_COLORS["leader"], lw=0.9, ls=":", zorder=1.5)
            ax.plot(
                [x],
                [y_of[change.node] + 0.42],
                marker="v",
                ms=7,
                color="#1d6b62",
                zorder=5,
                linestyle="none",
                gid="leader-change",
            )
    faults = (
        ("crash", replay.crashes(events), "X", CRASH_COLOR),
        ("restart", replay.restarts(events), ">", RESTART_COLOR),
    )
    for kind, found, marker, color in faults:
        points = [(t, n) for t, n in found if start <= t <= stop and n in y_of]
        if points:
            ax.plot(
                [axis.value(t) for t, _ in points],
                [y_of[n] for _, n in points],
                marker=marker,
                ms=8,
                color=color,
                linestyle="none",
                zorder=6,
                gid=kind,
            )
    step_downs = _on_lanes(events, (EventType.STEP_DOWN,), y_of, start, stop)[EventType.STEP_DOWN]
    if step_downs:
        ax.plot(
            [axis.value(t) for t, _ in step_downs],
            [y_of[n] for _, n in step_downs],
            marker="s",
            ms=8,
            mfc="white",
            mec=STEP_DOWN_COLOR,
            mew=1.6,
            linestyle="none",
            zorder=6,
            gid="step-down",
        )
    transfers = _draw_transfers(ax, events, y_of, start, stop, axis)
    small = {"fontsize": 8} if any(label != node for node, label in shown.items()) else {}
    ax.set_yticks([y_of[n] for n in shown], list(shown.values()), **small)
    # A violation's label gets a row of its own above the partition labels.
    ax.set_ylim(-0.6, len(shown) - 1 + 1.15 + (0.35 if violation.violation(events) is not None else 0.0))
    ax.set_ylabel("node")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = _legend_handles(events, spans, start, stop) + transfers
    if step_downs:
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                mfc="white",
                mec=STEP_DOWN_COLOR,
                mew=1.6,
                ls="none",
                label="step-down (CheckQuorum)",
            )
        )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=8,
        fontsize=8,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
    )
    ax.text(
        1.0,
        1.0,
        "numbers: term",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="#555555",
    )


def _on_lanes(
    events: Events, kinds: tuple[EventType, ...], y_of: dict[str, int], start: float, stop: float
) -> dict[EventType, list[tuple[float, str]]]:
    """The times and nodes of the events of the given kinds (step-downs, transfers) in the window, on a lane
    drawn, by kind."""
    found: dict[EventType, list[tuple[float, str]]] = {kind: [] for kind in kinds}
    for e in events:
        match e["type"]:
            case (
                EventType.STEP_DOWN | EventType.TRANSFER | EventType.TRANSFER_DONE | EventType.TRANSFER_ABORT
            ):
                if e["type"] in found and start <= e["t_ms"] <= stop and e["node"] in y_of:
                    found[e["type"]].append((e["t_ms"], e["node"]))
    return found


def _draw_transfers(
    ax: Any, events: Events, y_of: dict[str, int], start: float, stop: float, axis: TimeAxis
) -> list[Line2D]:
    """Leadership transfers: a diamond on the target's lane when one starts, filled where it completed (the
    target took over), hollow with a cross where it was aborted. Returns legend handles for what was drawn."""
    marks = {
        EventType.TRANSFER: ("D", "white", "transfer start (on the target)"),
        EventType.TRANSFER_DONE: ("D", TRANSFER_COLOR, "transfer done"),
        EventType.TRANSFER_ABORT: ("X", "white", "transfer aborted"),
    }
    points = _on_lanes(events, tuple(marks), y_of, start, stop)
    drawn: list[Line2D] = []
    for kind, (marker, face, label) in marks.items():
        if not points[kind]:
            continue
        ax.plot(
            [axis.value(t) for t, _ in points[kind]],
            [y_of[n] + 0.42 for _, n in points[kind]],
            marker=marker,
            ms=7,
            mfc=face,
            mec=TRANSFER_COLOR,
            mew=1.4,
            linestyle="none",
            zorder=6,
            gid=kind.value,
        )
        drawn.append(
            Line2D([], [], marker=marker, mfc=face, mec=TRANSFER_COLOR, mew=1.4, ls="none", label=label)
        )
    return drawn


def _draw_shared_lanes(
    ax: Any,
    events: Events,
    shown: dict[str, str],
    y_of: dict[str, int],
    start: float,
    stop: float,
    axis: TimeAxis,
) -> None:
    """The shared lanes of a large cluster: the candidacies of the nodes that only stood for election (follower
    colour between them), and the nodes that were followers throughout, named by their number."""
    end = min(stop, replay.end_ms(events))
    whole = [(axis.value(start), axis.value(end - start))]
    alone = set(shown) | {STOOD_LANE, QUIET_LANE}
    for lane in (STOOD_LANE, QUIET_LANE):
        if lane in y_of:
            ax.broken_barh(
                whole,
                (y_of[lane] - 0.32, 0.64),
                facecolors=ROLE_COLORS["follower"],
                edgecolors=ROLE_COLORS["follower"],
                linewidth=0.6,
                zorder=2,
                gid=f"lane:{lane}",
            )
    if STOOD_LANE in y_of:
        did = activity(events, start, stop)
        stood = {node for node in did if node not in alone}
        ranges = [
            (axis.value(max(s.start_ms, start)), axis.value(min(s.end_ms, stop) - max(s.start_ms, start)))
            for s in replay.role_spans(events)
            if s.node in stood and s.role == "candidate" and s.end_ms > start and s.start_ms < stop
        ]
        ax.broken_barh(
            ranges,
            (y_of[STOOD_LANE] - 0.32, 0.64),
            facecolors=ROLE_COLORS["candidate"],
            edgecolors=ROLE_COLORS["candidate"],
            linewidth=0.6,
            zorder=3,
            gid="role:candidate:stood",
        )
    if QUIET_LANE in y_of:
        quiet = shown[QUIET_LANE].split()[0]
        ax.text(
            axis.value(start + 0.5 * (end - start)),
            y_of[QUIET_LANE],
            f"{quiet} followers throughout",
            fontsize=8,
            ha="center",
            va="center",
            color="#222222",
            zorder=4,
            gid="quiet-label",
        )


def _legend_handles(events: Events, spans: list[replay.RoleSpan], start: float, stop: float) -> list[Any]:
    """Legend entries for what the window shows, and only that: a legend naming a partition, a crash or a
    restart that never happened would be read as one."""
    roles = {s.role for s in spans}
    found = violation.violation(events)
    if found is not None and start <= found.t_ms < stop:
        roles |= {state[0] for state in replay.role_at(events, found.t_ms).values() if state is not None}
    handles: list[Any] = [Patch(facecolor=c, label=r) for r, c in ROLE_COLORS.items() if r in roles]
    network = [s for s in replay.network_spans(events) if s.end_ms > start and s.start_ms < stop]
    if any(s.is_partition for s in network):
        handles.append(Patch(facecolor=PARTITION_COLOR, alpha=0.22, label="partition"))
    if any(not s.is_partition for s in network):
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=ONE_WAY_COLOR,
                hatch="////",
                lw=0,
                label="one-way cut (a→b: blocked)",
            )
        )
    if any(start <= c.t_ms <= stop for c in replay.leader_changes(events)):
        handles.append(Line2D([], [], color="#1d6b62", marker="v", ls=":", label="new leader"))
    if any(start <= t <= stop for t, _ in replay.crashes(events)):
        handles.append(
            Line2D([], [], color=CRASH_COLOR, marker="X", ls="none", label="crash (lane gap = down)")
        )
    if any(start <= t <= stop for t, _ in replay.restarts(events)):
        handles.append(Line2D([], [], color=RESTART_COLOR, marker=">", ls="none", label="restart"))
    return handles


def label_room(term: int) -> float:
    """The room a term label needs on its lane, as a fraction of the window's width."""
    return (len(str(term)) * DIGIT_IN + LABEL_PAD_IN) / LANES_WIDTH_IN + LABEL_OFFSET


def _term_labels(
    spans: list[replay.RoleSpan], names: list[str], start: float, width: float
) -> list[tuple[replay.RoleSpan, float]]:
    """Where to write terms (the rule is in the module docstring): at the window's start and at each change of
    term, lane by lane; a label that would reach the next label on its lane is left out."""
    changes: dict[str, list[tuple[replay.RoleSpan, float]]] = {n: [] for n in names}
    last_term: dict[str, int | None] = dict.fromkeys(names)
    for span in spans:
        if span.term != last_term[span.node]:
            last_term[span.node] = span.term
            changes[span.node].append((span, max(span.start_ms, start)))
    chosen: list[tuple[replay.RoleSpan, float]] = []
    for node in names:
        right = (
            start + width
        )  # the window's edge: a label cut off there ("3" of "39") would read as another term
        for span, at in reversed(changes[node]):
            if (right - at) / width >= label_room(span.term):
                chosen.append((span, at))
                right = at
    return chosen


def _draw_partitions(
    ax: Any, events: Events, top: float, start: float, stop: float, axis: TimeAxis, summarised: bool = False
) -> None:
    """Shaded bands: plain grey while groups cannot talk either way (a partition), hatched while links are cut
    one way (or a pair both ways) without splitting anyone off. Their labels name every cut (the groups, and
    each one-way link with its blocked direction) in a strip above the top lane, alternating between two rows
    so that neighbouring bands do not write over each other. In a summarised large cluster, groups are written
    as node ranges."""
    shown = [s for s in replay.network_spans(events) if s.end_ms > start and s.start_ms < stop]
    names = replay.nodes(events)
    for row, span in enumerate(shown):
        a, b = max(span.start_ms, start), min(span.end_ms, stop)
        if span.is_partition:
            ax.axvspan(
                axis.value(a),
                axis.value(b),
                color=PARTITION_COLOR,
                alpha=0.18,
                lw=0,
                zorder=0,
                gid="partition",
            )
        else:
            ax.axvspan(
                axis.value(a),
                axis.value(b),
                facecolor="none",
                edgecolor=ONE_WAY_COLOR,
                hatch="////",
                alpha=0.35,
                lw=0,
                zorder=0,
                gid="cut",
            )
        # A band in the right part of the window gets its label ending where the band ends, not cut off.
        right = (a - start) / (stop - start) > 0.6
        label = span.describe(lambda group: node_ranges(group, names)) if summarised else span.label
        ax.text(
            axis.value(b if right else a),
            top + 0.6 + 0.32 * (row % 2),
            f" {label} ",
            fontsize=7,
            va="center",
            ha="right" if right else "left",
            color="#333333" if span.is_partition else ONE_WAY_COLOR,
            zorder=7,
            clip_on=True,
            gid="partition-label",
        )


def _draw_state_at_stop(ax: Any, events: Events, y_of: dict[str, int], stop: float, axis: TimeAxis) -> None:
    """For a run that stopped on a safety violation: from the violation to the window's end, each live node's
    role at that instant, faded (nothing happened there: the run had stopped)."""
    found = violation.violation(events)
    if found is None or found.t_ms >= stop or found.t_ms < replay.end_ms(events):
        return
    for node, state in replay.role_at(events, found.t_ms).items():
        if state is not None and node in y_of:
            role = state[0]
            ax.broken_barh(
                [(axis.value(found.t_ms), axis.value(stop - found.t_ms))],
                (y_of[node] - 0.32, 0.64),
                facecolors=ROLE_COLORS[role],
                alpha=0.55,
                hatch="..",
                edgecolor="white",
                linewidth=0,
                zorder=2,
                gid=f"at-stop:{role}:{node}",
            )
    mid = axis.value(found.t_ms + 0.5 * (stop - found.t_ms))
    ax.text(mid, -0.5, "at stop", fontsize=6.5, ha="center", va="center", color="#555555", clip_on=True)


#: The shading of write unavailability in the commit panel.
UNAVAILABLE_COLOR = "#e74c3c"


def draw_unavailable(ax: Any, events: Events, start: float, stop: float, axis: TimeAxis) -> None:
    """Shade the periods of write unavailability inside the window, behind the commit lines, and name the band
    in a legend of its own below the panel's legend of nodes."""
    periods = [
        p
        for p in availability(events, replay.end_ms(events)).unavailable
        if p.to_ms > start and p.from_ms < stop
    ]
    for period in periods:
        a, b = axis.value(max(period.from_ms, start)), axis.value(min(period.to_ms, stop))
        ax.axvspan(a, b, color=UNAVAILABLE_COLOR, alpha=0.13, lw=0, zorder=0, gid="unavailable")
        # Each period's edges drawn, so two periods that meet (one ends as the commit index moves, the next
        # begins there) read as two, as the summary lists them, not as one long band.
        for x in (a, b):
            ax.axvline(x, color=UNAVAILABLE_COLOR, alpha=0.45, lw=0.7, zorder=0.5, gid="unavailable-edge")
    if periods:
        label = "writes\nunavailable"
        band = Patch(facecolor=UNAVAILABLE_COLOR, alpha=0.13, label=label)
        legend = Legend(
            ax,
            [band],
            [label],
            loc="lower left",
            bbox_to_anchor=(1.005, 0.0),
            fontsize=7,
            frameon=False,
            handlelength=1.6,
        )
        legend.set_gid("unavailable-legend")
        # Not clipped to the panel: a clipped artist is left out of the layout, and the label was cut off at
        # the figure's edge.
        legend.set_clip_on(False)
        ax.add_artist(legend)


def _draw_commits(
    ax: Any, events: Events, names: list[str], start: float, stop: float, axis: TimeAxis
) -> None:
    series = replay.commit_series(events)
    for i, node in enumerate(names):
        points = series[node]
        # Each node's line is moved a little up or down (in points, not in index units), so lines with the
        # same values lie side by side instead of hiding each other.
        shift = offset_copy(
            ax.transData, fig=ax.figure, y=COMMIT_SPREAD_PT * (0.5 * (len(names) - 1) - i), units="points"
        )
        ax.step(
            [axis.value(t) for t, _ in points],
            [v for _, v in points],
            where="post",
            lw=1.2,
            label=node,
            gid=f"commit:{node}",
            transform=shift,
        )
    if len(names) > 1:
        ax.text(
            0.005,
            0.97,
            f"lines drawn {COMMIT_SPREAD_PT:g} pt apart so equal ones stay visible",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=7,
            color="#555555",
            gid="commit-offset",
        )
    ax.set_ylabel("commit index")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.005, 1.0),
        fontsize=7,
        frameon=False,
        ncol=1 if len(names) <= 6 else 2,
        title="node",
        title_fontsize=7,
    )
    visible = [v for n in names for t, v in series[n] if start <= t <= stop and not math.isnan(v)]
    visible += [_value_at(series[n], start) for n in names]
    low, high = min(visible, default=0.0), max(visible, default=0.0)
    pad = max(1.0, 0.08 * (high - low))
    ax.set_ylim(low - pad, high + pad)
    # A commit index is a whole number and never negative: the room left below 0 (for the lines drawn apart)
    # carries no tick, so a run that committed nothing does not read as one ranging from -1 to 1.
    ticks = MaxNLocator(nbins=5, integer=True).tick_values(max(low, 0.0), high + pad)
    ax.set_yticks([t for t in ticks if max(low, 0.0) <= t <= high + pad])
    ax.grid(axis="y", alpha=0.3)


def _draw_commit_spread(
    ax: Any, events: Events, names: list[str], start: float, stop: float, axis: TimeAxis
) -> None:
    """The commit panel of a summarised large cluster: a band from the lowest to the highest commit index of
    the live nodes, and the commit index of whoever leads."""
    series = replay.commit_series(events)
    changes = sorted((t, node, v) for node in names for t, v in series[node])
    current: dict[str, float] = {}
    times: list[float] = []
    low: list[float] = []
    high: list[float] = []
    for i, (t, node, v) in enumerate(changes):
        current[node] = v
        if i + 1 < len(changes) and changes[i + 1][0] == t:
            continue
        live = [value for value in current.values() if not math.isnan(value)]
        times.append(axis.value(t))
        low.append(min(live, default=math.nan))
        high.append(max(live, default=math.nan))
    # The edge keeps the band visible where every live node has the same commit index (a band of no height).
    ax.fill_between(
        times,
        low,
        high,
        step="post",
        facecolor=SPREAD_COLOR,
        edgecolor=SPREAD_COLOR,
        alpha=0.4,
        lw=0.9,
        gid="commit-spread",
        label="lowest–highest of\nthe live nodes",
    )
    first = True
    for span in replay.role_spans(events):
        if span.role != "leader" or span.end_ms <= start or span.start_ms >= stop:
            continue
        points = [(span.start_ms, _value_at(series[span.node], span.start_ms))]
        points += [(t, v) for t, v in series[span.node] if span.start_ms < t < span.end_ms]
        points.append((span.end_ms, points[-1][1]))
        ax.step(
            [axis.value(t) for t, _ in points],
            [v for _, v in points],
            where="post",
            lw=1.4,
            color=ROLE_COLORS["leader"],
            gid="commit-leader",
            label="the leader's" if first else "_nolegend_",
        )
        first = False
    ax.set_ylabel("commit index")
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.005, 1.0),
        fontsize=7,
        frameon=False,
        title=f"{len(names)} nodes",
        title_fontsize=7,
    )
    visible = [v for v in low + high if not math.isnan(v)]
    top = max(visible, default=0.0)
    ax.set_ylim(-max(1.0, 0.08 * top), top + max(1.0, 0.08 * top))
    ax.grid(axis="y", alpha=0.3)


#: The band of commit indexes of a summarised large cluster.
SPREAD_COLOR = "#5b7db1"


def _value_at(points: list[tuple[float, float]], t_ms: float) -> float:
    value = 0.0
    for t, v in points:
        if t > t_ms:
            break
        value = 0.0 if math.isnan(v) else v
    return value


def _draw_unacknowledged(ax: Any, events: Events, start: float, stop: float, axis: TimeAxis) -> None:
    """The writes never acknowledged, by submit time, in a strip of their own: they have no latency, so they
    are never drawn at a height that would read as one."""
    lost = [w for w in replay.writes(events) if start <= w.submit_ms <= stop and w.latency_ms is None]
    if lost:
        ax.scatter(
            [axis.value(w.submit_ms) for w in lost],
            [0.5] * len(lost),
            s=16,
            marker="x",
            color=CRASH_COLOR,
            gid="unacknowledged",
            zorder=3,
        )
    else:
        ax.text(
            0.5, 0.5, "none", transform=ax.transAxes, ha="center", va="center", fontsize=7, color="#777777"
        )
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([])
    ax.set_ylabel("not\nacknowledged", rotation=0, ha="right", va="center", fontsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _draw_latency(ax: Any, events: Events, start: float, stop: float, axis: TimeAxis) -> None:
    done = [w for w in replay.writes(events) if start <= w.submit_ms <= stop and w.latency_ms is not None]
    reads = [w for w in done if w.is_read]
    # Reads are not writes: drawn apart and named, so a read answered at once is not taken for a fast write.
    for group, marker, face, name in (
        ([w for w in done if not w.is_read], "o", "#34495e", "writes"),
        (reads, "^", "none", "reads"),
    ):
        if group:
            ax.scatter(
                [axis.value(w.submit_ms) for w in group],
                [w.latency_ms for w in group],
                s=12,
                marker=marker,
                facecolors=face,
                edgecolors="#34495e",
                linewidths=0.6,
                label=name,
                zorder=3,
                gid="latency" if name == "writes" else "read-latency",
            )
    if done:
        values = [w.latency_ms for w in done if w.latency_ms is not None]
        if min(values) > 0 and max(values) / min(values) > 30:
            ax.set_yscale("log")
    if reads:
        ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7, frameon=False)
    ax.set_ylabel(("latency" if reads else "write latency") + "\n(ms, by submit time)")
    ax.grid(axis="y", alpha=0.3)
    if not done:
        ax.text(
            0.5,
            0.5,
            "no acknowledged writes in this window",
            transform=ax.transAxes,
            ha="center",
            color="#777777",
        )
        ax.set_yticks([])  # no latency measured: a 0-1 ms scale would read as one
