"""The log view: every node's log at one moment, as the paper draws its Figures 7 and 8.

One row per node, one box per entry, coloured and labelled by the entry's term, index numbers on top. Entries up
to the node's commitIndex have a solid black edge, the others a dashed grey one; a red bar after the last
committed entry marks the commitIndex. A node that is down at that moment is drawn faded (its persisted log).
Long logs show their last ``max_entries`` indexes.

Artists carry a ``gid``: ``entry:NODE:INDEX`` for boxes, ``commit:NODE`` for commit markers.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from raft.analysis import replay
from raft.analysis.replay import Events
from raft.plots import violation
from raft.plots.style import CRASH_COLOR, term_color


def log_view(events: Events, at_ms: float | None = None, *, max_entries: int = 40) -> Figure:
    """Each node's log at ``at_ms`` (default: the end of the run)."""
    at = replay.end_ms(events) if at_ms is None else float(at_ms)
    logs = replay.logs_at(events, at)
    longest = max((len(log.terms) for log in logs), default=0)
    first = max(1, longest - max_entries + 1)  # first index shown
    columns = max(longest - first + 1, 1)
    fig = Figure(figsize=(min(15.0, 0.42 * columns + 3.2), 0.55 * len(logs) + 1.6), layout="constrained")
    ax = fig.subplots()
    for row, log in enumerate(logs):
        y = len(logs) - 1 - row
        alpha = 1.0 if log.up else 0.35
        for index in range(first, len(log.terms) + 1):
            term = log.terms[index - 1]
            committed = index <= log.commit_index
            x = index - first
            ax.add_patch(Rectangle((x + 0.04, y - 0.36), 0.92, 0.72, facecolor=term_color(term), alpha=alpha,
                                   edgecolor="black" if committed else "#888888", lw=1.1 if committed else 0.8,
                                   linestyle="-" if committed else "--", gid=f"entry:{log.node}:{index}"))  # fmt: skip
            ax.text(x + 0.5, y, str(term), ha="center", va="center", fontsize=8, alpha=alpha, gid="term")
        if len(log.terms) < first:
            ax.text(0.1, y, f"… {len(log.terms)} entries, all before index {first}; commitIndex {log.commit_index}",
                    va="center", fontsize=8, color="#555555", alpha=alpha)  # fmt: skip
        if log.commit_index >= first:
            x = log.commit_index - first + 1
            ax.plot([x, x], [y - 0.46, y + 0.46], color=CRASH_COLOR, lw=2.4, solid_capstyle="butt", zorder=5,
                    gid=f"commit:{log.node}")  # fmt: skip
    ax.set_yticks(
        [len(logs) - 1 - row for row in range(len(logs))],
        [_row_label(log) for log in logs],
    )
    ticks = list(range(columns))
    step = 1 if columns <= 30 else 5
    ax.set_xticks([t + 0.5 for t in ticks[::step]], [str(first + t) for t in ticks[::step]])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.set_xlim(-0.1, columns + 0.3)
    ax.set_ylim(-0.6, len(logs) - 0.4)
    violation.note_moment(ax, events, at)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    note = "" if first == 1 else f" (indexes {first}–{longest} of {longest})"
    ax.set_title(f"Logs at {at:.0f} ms{note}: {replay.title(events)}\n"
                 "top: log index; box = entry, number = its term; red bar = commitIndex; dashed = not committed",
                 fontsize=10)  # fmt: skip
    return fig


def _row_label(log: replay.NodeLog) -> str:
    if not log.up:
        return f"{log.node} (down)"
    return f"{log.node} ({log.role}, term {log.term})"
