"""The message sequence diagram: one vertical life line per node, time running down, one arrow per message the
way textbooks draw RPCs.

RequestVote and its replies are orange, AppendEntries and its replies blue (a heartbeat, with no entries, is
thinner); a refused vote or a failed AppendEntries reply is purple and dash-dotted; a dropped message is a red
dashed arrow that stops short of its receiver with a cross, labelled with the reason. Life lines are coloured by
the node's role and break while it is down.

Labels sit on their arrows, half-way along when there is room; when that spot would cover a label already
placed (dropped messages fanning out from one sender at one instant, or replies crossing), the label slides
along its arrow to the first free spot, so labels do not write over each other.

Artists carry a ``gid``: ``msg:ID`` for a delivered message, ``drop:ID`` for a dropped one, ``life:ROLE:NODE``
for life line segments, ``crash`` for crash marks.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from raft.analysis import replay
from raft.analysis.replay import Events
from raft.plots import violation
from raft.plots.style import CRASH_COLOR, DROP_COLOR, MESSAGE_COLORS, REJECT_COLOR, ROLE_COLORS, check_window

#: Above this many arrows, the arrows carry no text labels (they would cover each other).
MAX_LABELLED = 30
#: Where a label may sit along its arrow (fractions of the drawn arrow), in order of preference.
LABEL_SPOTS = (0.5, 0.35, 0.65, 0.22, 0.78, 0.12, 0.88)
#: Label size: 6.5 pt text; one character is about this wide, a line this high (inches).
CHAR_IN = 0.052
LINE_IN = 0.115

_SHORT = {"RequestVote": "RV", "RequestVoteResponse": "vote", "AppendEntries": "AE",
          "AppendEntriesResponse": "AE reply"}  # fmt: skip


def default_window(events: Events) -> tuple[float, float]:
    """100 ms around a safety violation (the run stopped there), else from just before the first election, or
    the first 100 ms if there was none."""
    if (around := violation.window_around(events, 100.0)) is not None:
        return around
    for event in events:
        if event["type"] == "role" and event["role"] == "candidate":
            start = max(0.0, event["t_ms"] - 5.0)
            return start, start + 100.0
    return 0.0, 100.0


def _label(message: dict[str, Any]) -> str:
    kind = message["msg"]
    text = f"{_SHORT.get(kind, kind)} t{message['term']}"
    if kind == "AppendEntries":
        entries = message.get("entries", 0)
        text += f" +{entries}" if entries else " ♥"
    elif kind == "RequestVoteResponse":
        text = ("granted" if message.get("granted") else "refused") + f" t{message['term']}"
    elif kind == "AppendEntriesResponse":
        text = ("ok" if message.get("success") else "fail") + f" {message.get('match_index', '')}".rstrip()
    if message["dropped"]:
        text += f" ✗ {message['dropped']}"
    return text


def _refused(message: dict[str, Any]) -> bool:
    kind = message["msg"]
    return (kind == "RequestVoteResponse" and not message.get("granted")) or (
        kind == "AppendEntriesResponse" and not message.get("success")
    )


def message_diagram(events: Events, from_ms: float | None = None, to_ms: float | None = None) -> Figure:
    """The messages sent between ``from_ms`` and ``to_ms`` (default: 100 ms around the first election)."""
    if from_ms is None and to_ms is None:
        start, stop = default_window(events)
    else:
        start = 0.0 if from_ms is None else float(from_ms)
        stop = start + 100.0 if to_ms is None else float(to_ms)
    start, stop = check_window(start, stop)
    names = replay.nodes(events)
    x_of = {node: i for i, node in enumerate(names)}
    arrows = replay.message_arrivals(events, start, stop)
    fig = Figure(figsize=(max(6.0, 1.4 * len(names) + 2.5), 9.0), layout="constrained")
    ax = fig.subplots()
    bottom = max([stop] + [a["arrived_ms"] for a in arrows])
    _draw_life_lines(ax, events, names, x_of, start, bottom)
    labelled = len(arrows) <= MAX_LABELLED
    placer = LabelPlacer(fig.get_figwidth(), fig.get_figheight(), len(names), bottom - start)
    for message in arrows:
        _draw_arrow(ax, message, x_of, placer if labelled else None)
    violation.mark_time(ax, events, time_on="y", life_lines=x_of)
    ax.set_xticks(range(len(names)), names)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(bottom + 0.01 * (bottom - start), start - 0.01 * (bottom - start))
    ax.set_ylabel("time (ms)")
    for side in ("right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Messages {start:.0f}–{stop:.0f} ms: {replay.title(events)}"
                 + ("" if labelled else f"  ({len(arrows)} arrows, labels omitted)"), fontsize=11)  # fmt: skip
    handles = [
        Line2D([], [], color=MESSAGE_COLORS["RequestVote"], lw=1.4, label="RequestVote / vote granted"),
        Line2D([], [], color=MESSAGE_COLORS["AppendEntries"], lw=1.6, label="AppendEntries (+n entries) / ok"),
        Line2D([], [], color=MESSAGE_COLORS["AppendEntries"], lw=0.7, label="heartbeat ♥"),
        Line2D([], [], color=REJECT_COLOR, lw=1.2, ls="-.", label="vote refused / AE fail"),
        Line2D([], [], color=DROP_COLOR, lw=1.2, ls="--", marker="x", label="dropped (reason)"),
    ] + [Line2D([], [], color=c, lw=5, label=r) for r, c in ROLE_COLORS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    return fig


def _draw_life_lines(
    ax: Any, events: Events, names: list[str], x_of: dict[str, int], start: float, bottom: float
) -> None:
    for node in names:
        ax.vlines(x_of[node], start, bottom, color="#dddddd", lw=1, zorder=0)
    for span in replay.role_spans(events):
        if span.end_ms <= start or span.start_ms >= bottom:
            continue
        ax.vlines(x_of[span.node], max(span.start_ms, start), min(span.end_ms, bottom), lw=5,
                  color=ROLE_COLORS[span.role], zorder=1, gid=f"life:{span.role}:{span.node}")  # fmt: skip
    down = [(t, n) for t, n in replay.crashes(events) if start <= t <= bottom]
    if down:
        ax.plot([x_of[n] for _, n in down], [t for t, _ in down], "X", color=CRASH_COLOR, ms=10, zorder=5,
                gid="crash")  # fmt: skip


class LabelPlacer:
    """Keeps the boxes of the labels placed so far (in data units) and finds a free spot for the next one."""

    def __init__(self, fig_width_in: float, fig_height_in: float, lanes: int, span_ms: float) -> None:
        # The plotting area is about the figure less its margins (time labels, node names, legend).
        self.x_per_in = lanes / max(fig_width_in - 1.0, 1.0)
        self.y_per_in = span_ms / max(fig_height_in - 1.6, 1.0)
        self.boxes: list[tuple[float, float, float, float]] = []

    def place(self, text: str, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float]:
        """The point (centre, bottom) for ``text`` on the arrow (x0, y0) -> (x1, y1), and remember its box."""
        half = 0.5 * len(text) * CHAR_IN * self.x_per_in
        high = LINE_IN * self.y_per_in  # y grows downwards on screen: the label covers [y - high, y]

        def box(f: float) -> tuple[float, float, float, float]:
            x, y = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
            return x - half, x + half, y - high, y

        def overlap(b: tuple[float, float, float, float]) -> float:
            return sum(max(0.0, min(b[1], o[1]) - max(b[0], o[0])) * max(0.0, min(b[3], o[3]) - max(b[2], o[2]))
                       for o in self.boxes)  # fmt: skip

        best = min(LABEL_SPOTS, key=lambda f: (overlap(box(f)), LABEL_SPOTS.index(f)))
        chosen = box(best)
        self.boxes.append(chosen)
        return 0.5 * (chosen[0] + chosen[1]), chosen[3]


def _draw_arrow(ax: Any, message: dict[str, Any], x_of: dict[str, int], placer: LabelPlacer | None) -> None:
    x0, y0 = float(x_of[message["from"]]), message["sent_ms"]
    x1, y1 = float(x_of[message["to"]]), message["arrived_ms"]
    kind = message["msg"]
    color = MESSAGE_COLORS.get(kind, "#555555")
    style = "-"
    width = 1.4
    if kind == "AppendEntries" and not message.get("entries"):
        width = 0.7
    if _refused(message):
        color, style = REJECT_COLOR, "-."
    if message["dropped"]:
        color, style = DROP_COLOR, "--"
        # Stop short of the receiver: the message never got there.
        x1, y1 = x0 + 0.88 * (x1 - x0), y0 + 0.88 * (y1 - y0)
        ax.plot([x1], [y1], "x", color=DROP_COLOR, ms=7, mew=1.6, zorder=4)
    arrow = FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=9, color=color, lw=width,
                            linestyle=style, zorder=3, shrinkA=0, shrinkB=0,
                            gid=("drop:" if message["dropped"] else "msg:") + str(message["id"]))  # fmt: skip
    ax.add_patch(arrow)
    if placer is not None:
        text = _label(message)
        x, y = placer.place(text, x0, y0, x1, y1)
        ax.text(x, y, text, fontsize=6.5, ha="center", va="bottom", color=color, zorder=6, clip_on=True,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75})  # fmt: skip
