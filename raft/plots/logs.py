"""The log view: every node's log at one moment, as the paper draws its Figures 7 and 8.

One row per node, one box per entry, coloured and labelled by the entry's term, index numbers on top; under the
term, the entry's command (``x←3``, shortened with ``…`` to fit the box; nothing for an entry without one: a
leader's no-op, or an initial log). When a shown command would not fit its box even shortened, no command is
written at all and the title says so, rather than some boxes with text and some without. Entries up to
the node's commitIndex have a solid black edge, the others a dashed grey one; a red bar after the last committed
entry marks the commitIndex. A node that is down at that moment is drawn faded (its persisted log). Entries a
snapshot replaced (thesis §5.1) are still drawn, hatched, and a green bar after the snapshot's last included
index marks the snapshot boundary: the node keeps only the entries after it (the row label says up to where).

Which indexes are shown: when the logs differ (an entry of another term, or missing on some node), the region
where they start to differ, from a few entries before it; when they all agree, the latest entries. At most
``max_entries`` indexes are shown (the title says which).

The leader's view of each follower (the leader of the highest term up at that moment): its nextIndex (an orange
▼ above the follower's row) and matchIndex (a green ▲ below it), also written in the row label. They are rebuilt
from the trace by :func:`raft.analysis.replay.replication_at`.

A large cluster (more than :data:`raft.analysis.nodesets.LARGE_CLUSTER` nodes) shows the relevant rows by
default (:func:`relevant_logs`): the leaders, the nodes that are down, and the nodes whose log or commitIndex
differs from the reference (the leader of the highest term up, else the first live node), at most
:data:`MAX_ROWS`; the title says how many nodes are left out and that their log and commitIndex are the
reference's. ``nodes`` names the rows instead.

Artists carry a ``gid``: ``entry:NODE:INDEX`` for boxes, ``commit:NODE`` for commit markers, ``snapshot:NODE``
for snapshot boundaries, ``command`` for command texts, ``next:NODE`` and ``match:NODE`` for the leader's nextIndex and matchIndex of a follower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath

from raft.analysis import replay
from raft.analysis.nodesets import is_large
from raft.analysis.replay import Events
from raft.plots import violation
from raft.plots.messages import check_nodes
from raft.plots.style import CRASH_COLOR, SNAPSHOT_COLOR, term_color

#: Entries shown before the first index where the logs differ.
CONTEXT = 3
#: Width of one index column (inches) when commands are written in the boxes, and when they are not.
COMMAND_COLUMN_IN = 0.62
TERM_COLUMN_IN = 0.42
#: Up to this many columns, the boxes are made wide enough for commands.
MAX_COMMAND_COLUMNS = 24
#: Command text size (points).
COMMAND_PT = 6.0
#: At most this many rows are chosen for a large cluster.
MAX_ROWS = 12
NEXT_COLOR = "#e07a1f"
MATCH_COLOR = "#1a9850"


def first_difference(logs: Sequence[replay.NodeLog]) -> int | None:
    """The first index at which the logs are not all the same (an entry of another term, or missing on some
    node); ``None`` when they are identical."""
    longest = max((len(log.terms) for log in logs), default=0)
    for index in range(1, longest + 1):
        terms = {log.terms[index - 1] if index <= len(log.terms) else None for log in logs}
        if len(terms) > 1:
            return index
    return None


def shown_indexes(logs: Sequence[replay.NodeLog], max_entries: int) -> tuple[int, int]:
    """(first, last) index shown: the latest ``max_entries`` entries when they contain the first difference
    (or the logs agree), else ``max_entries`` from :data:`CONTEXT` entries before the first difference."""
    longest = max((len(log.terms) for log in logs), default=0)
    first = max(1, longest - max_entries + 1)
    differ = first_difference(logs)
    if differ is not None:
        first = max(1, min(first, differ - CONTEXT))
    return first, max(first, min(longest, first + max_entries - 1))


def command_text(command: str | None, room_pt: float) -> str:
    """How a command is written in a box ``room_pt`` points wide: ``x←3`` for ``x=3``, cut short with ``…`` if
    need be; nothing for no command (a leader's no-op, an initial log) or when not even 3 characters fit."""
    if command is None or command == "?":
        return ""
    text = command.replace("=", "←", 1)
    for keep in range(len(text), 2, -1):
        shown = text if keep == len(text) else text[:keep] + "…"
        if _width_pt(shown) <= room_pt:
            return shown
    return ""


def _width_pt(text: str) -> float:
    return float(TextPath((0, 0), text, size=COMMAND_PT).get_extents().width)


@dataclass(frozen=True, slots=True)
class Rows:
    """The logs chosen as rows; ``reference`` the node whose log and commitIndex the ``same`` nodes left out
    share; ``differ`` how many nodes left out differ from it (beyond :data:`MAX_ROWS`)."""

    logs: tuple[replay.NodeLog, ...]
    reference: str | None = None
    same: int = 0
    differ: int = 0


def relevant_logs(logs: Sequence[replay.NodeLog], limit: int = MAX_ROWS) -> Rows:
    """The rows of a large cluster (see the module docstring): leaders first, then nodes down, then those whose
    log or commitIndex differs from the reference, up to ``limit``, shown in node order."""
    up = [log for log in logs if log.up]
    leaders = sorted((log for log in up if log.role == "leader"), key=lambda log: -log.term)
    reference = leaders[0] if leaders else (up[0] if up else logs[0])
    wanted = list(leaders)
    wanted += [log for log in logs if not log.up]
    wanted += [
        log
        for log in up
        if log.role != "leader" and (log.terms, log.commit_index) != (reference.terms, reference.commit_index)
    ]
    if reference not in wanted:
        wanted.insert(0, reference)
    chosen = {log.node for log in wanted[:limit]}
    rows = tuple(log for log in logs if log.node in chosen)
    return Rows(rows, reference.node, len(logs) - len(wanted), max(0, len(wanted) - limit))


def log_view(
    events: Events, at_ms: float | None = None, *, max_entries: int = 40, nodes: Sequence[str] | None = None
) -> Figure:
    """Each node's log at ``at_ms`` (default: the end of the run); ``nodes`` names the rows (default: every
    node, or the relevant ones of a large cluster)."""
    at = replay.end_ms(events) if at_ms is None else float(at_ms)
    logs = replay.logs_at(events, at)
    rows = Rows(tuple(logs))
    if nodes is not None:
        by_name = {log.node: log for log in logs}
        rows = Rows(tuple(by_name[n] for n in check_nodes(events, nodes)))
    elif is_large(len(logs)):
        rows = relevant_logs(logs)
    left_out = len(logs) - len(rows.logs)
    logs = list(rows.logs)
    progress = {p.follower: p for p in replay.replication_at(events, at)}
    longest = max((len(log.terms) for log in logs), default=0)
    first, last = shown_indexes(logs, max_entries)
    columns = max(last - first + 1, 1)
    if any(first <= p.next_index == last + 1 for p in progress.values()):
        columns += 1  # room for a nextIndex just past the longest log
    column_in = COMMAND_COLUMN_IN if columns <= MAX_COMMAND_COLUMNS else TERM_COLUMN_IN
    fig = Figure(
        figsize=(min(15.0, max(8.5, column_in * columns + 3.6)), 0.62 * len(logs) + 1.8), layout="constrained"
    )
    column_in = min(column_in, (15.0 - 3.6) / columns)
    texts = _command_texts(logs, first, last, 0.85 * 72.0 * column_in)  # a box's width, less a margin
    ax = fig.subplots()
    for row, log in enumerate(logs):
        y = len(logs) - 1 - row
        alpha = 1.0 if log.up else 0.35
        for index in range(first, min(len(log.terms), last) + 1):
            term = log.terms[index - 1]
            committed = index <= log.commit_index
            x = index - first
            ax.add_patch(
                Rectangle(
                    (x + 0.04, y - 0.36),
                    0.92,
                    0.72,
                    facecolor=term_color(term),
                    alpha=alpha,
                    edgecolor="black" if committed else "#888888",
                    lw=1.1 if committed else 0.8,
                    linestyle="-" if committed else "--",
                    hatch="////" if index <= log.snapshot_index else None,
                    gid=f"entry:{log.node}:{index}",
                )
            )
            text = texts.get((log.node, index), "")
            fits = bool(text)
            ax.text(
                x + 0.5,
                y + (0.14 if fits else 0.0),
                str(term),
                ha="center",
                va="center",
                fontsize=8,
                alpha=alpha,
                gid="term",
            )
            if fits:
                ax.text(
                    x + 0.5,
                    y - 0.17,
                    text,
                    ha="center",
                    va="center",
                    fontsize=COMMAND_PT,
                    alpha=alpha,
                    color="#333333",
                    gid="command",
                )
        if len(log.terms) < first:
            ax.text(
                0.1,
                y,
                f"… {len(log.terms)} entries, all before index {first}; commitIndex {log.commit_index}",
                va="center",
                fontsize=8,
                color="#555555",
                alpha=alpha,
            )
        if log.snapshot_index and first <= log.snapshot_index <= last:
            boundary = (
                log.snapshot_index - first + 1 - 0.09
            )  # just left of a commitIndex bar at the same index
            ax.plot(
                [boundary, boundary],
                [y - 0.5, y + 0.5],
                color=SNAPSHOT_COLOR,
                lw=3.0,
                solid_capstyle="butt",
                zorder=5,
                gid=f"snapshot:{log.node}",
            )
        if first <= log.commit_index <= last:
            x = log.commit_index - first + 1
            ax.plot(
                [x, x],
                [y - 0.46, y + 0.46],
                color=CRASH_COLOR,
                lw=2.4,
                solid_capstyle="butt",
                zorder=5,
                gid=f"commit:{log.node}",
            )
        p = progress.get(log.node)
        if p is not None:
            if first <= p.next_index < first + columns:
                ax.plot(
                    [p.next_index - first + 0.5],
                    [y + 0.43],
                    "v",
                    color=NEXT_COLOR,
                    ms=7,
                    zorder=6,
                    clip_on=False,
                    gid=f"next:{log.node}",
                )
            if first <= p.match_index < first + columns:
                ax.plot(
                    [p.match_index - first + 0.5],
                    [y - 0.43],
                    "^",
                    color=MATCH_COLOR,
                    ms=7,
                    zorder=6,
                    clip_on=False,
                    gid=f"match:{log.node}",
                )
    ax.set_yticks(
        [len(logs) - 1 - row for row in range(len(logs))],
        [_row_label(log, progress.get(log.node)) for log in logs],
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
    ax.set_title(
        f"Logs at {at:.0f} ms{_range_note(logs, first, last, longest)}: {replay.title(events)}\n"
        f"box = entry: its term{_commands_note(logs, first, last, texts)}{_key_note(logs, first, last)}"
        + (f"\n{_progress_note(progress)}" if progress else "")
        + (f"\n{_left_out_note(rows, left_out)}" if left_out else ""),
        fontsize=10,
    )
    return fig


def _command_texts(
    logs: Sequence[replay.NodeLog], first: int, last: int, room_pt: float
) -> dict[tuple[str, int], str]:
    """The text of each shown entry's command, by (node, index); none at all if one of them would not fit even
    shortened (some boxes written and others not would read as entries without a command)."""
    texts: dict[tuple[str, int], str] = {}
    for log in logs:
        for index in range(first, min(len(log.commands), last) + 1):
            command = log.commands[index - 1]
            if command is None or command == "?":
                continue
            text = command_text(command, room_pt)
            if not text:
                return {}
            texts[(log.node, index)] = text
    return texts


def _key_note(logs: Sequence[replay.NodeLog], first: int, last: int) -> str:
    """The rest of the title's key, naming only what the picture shows: the commitIndex bar of a node whose
    commitIndex lies in the shown range, dashed boxes where a shown entry is not committed."""
    parts = []
    if any(first <= log.commit_index <= last for log in logs):
        parts.append("red bar = commitIndex")
    if any(log.snapshot_index and log.snapshot_index >= first for log in logs):
        parts.append("hatched = in a snapshot, green bar = snapshot boundary")
    if any(log.commit_index < min(len(log.terms), last) for log in logs if len(log.terms) >= first):
        parts.append("dashed = not committed")
    return "".join(f"; {part}" for part in parts)


def _commands_note(
    logs: Sequence[replay.NodeLog], first: int, last: int, texts: dict[tuple[str, int], str]
) -> str:
    if texts:
        return " and command"
    has_commands = any(c not in (None, "?") for log in logs for c in log.commands[first - 1 : last])
    return " (commands left out: boxes too narrow)" if has_commands else ""


def _range_note(logs: Sequence[replay.NodeLog], first: int, last: int, longest: int) -> str:
    differ = first_difference(logs)
    where = " (logs identical)" if differ is None else f" (logs differ from index {differ})"
    if first == 1 and last == longest:
        return where
    return f"{where[:-1]}; indexes {first}–{last} of {longest})"


def _left_out_note(rows: Rows, left_out: int) -> str:
    """What the title says of the nodes not drawn."""
    if rows.reference is None:
        return f"{left_out} other nodes not shown"
    note = f"{rows.same} other nodes not shown: same log and commitIndex as {rows.reference}"
    return note + (f"; {rows.differ} more differ (name them with --nodes or nodes=)" if rows.differ else "")


def _progress_note(progress: dict[str, replay.FollowerProgress]) -> str:
    leader = next(iter(progress.values()))
    return f"leader {leader.leader} (term {leader.term}): ▼ nextIndex, ▲ matchIndex of each follower"


def _row_label(log: replay.NodeLog, progress: replay.FollowerProgress | None) -> str:
    label = f"{log.node} (down)" if not log.up else f"{log.node} ({log.role}, term {log.term})"
    if log.snapshot_index:
        label += f"\nsnapshot ≤ {log.snapshot_index}"
    if progress is not None:
        # Named as the leader's view: under "n1 (leader, term 1)" a bare "next 15" would read as n1's own.
        label += f"\n{progress.leader}'s next {progress.next_index} · match {progress.match_index}"
    return label
