"""The message sequence diagram: one vertical life line per node, time running down, one arrow per message the
way textbooks draw RPCs.

RequestVote and its replies are orange, PreVote and its replies (thesis §9.6) crimson, AppendEntries and its replies
blue (a heartbeat, with no entries, is
thinner), InstallSnapshot (thesis §5.1) a thick green arrow labelled with the snapshot's last included index, its
reply thin green; a dropped message is a red dashed arrow that stops short of its receiver with a cross, labelled with
the reason. Life lines are coloured by the node's role and break while it is down.

Refusals are drawn by their reason, which :func:`raft.analysis.replay.refusal_reasons` reads from the trace (or
infers, for traces written before refusing replies recorded the rule that refused): a
refusal because the request's term was stale (the reply carries a higher term) is a brown dotted arrow labelled
``refused tN: stale term`` (a vote) or ``fail tN: stale term`` (AppendEntries); a refusal at the request's own
term is purple and dash-dotted, labelled ``fail: log mismatch at P`` (AppendEntries: no entry at prevLogIndex P
with prevLogTerm), ``refused: log not up-to-date`` or ``refused: already voted`` (RequestVote); a refused pre-vote is labelled
``pre-vote refused: REASON`` (``leader recently heard``: the receiver heard from its leader within the minimum
election timeout).

When the trace has client writes, a last lane, ``clients``, shows each write: submitted (open circle), committed
(the first commitIndex covering its entry, diamond) and acknowledged to the client (filled square), joined by a
thin line while it is outstanding. Redirects (a follower answering "not the leader" and the client trying
elsewhere) are not in the trace, so they are not drawn: a long line between submit and commit is the time the
write spent finding the leader or waiting for a majority.

The default window is built around the run's first interesting moment: a safety violation if there was one,
else the first scripted crash, restart or network change after the first candidacy (one before it only sets the
stage), else the first election (first candidacy to leader); it spans the moment (up to its outcome: the next
leader) with a few messages sent before and after it, so it is never a mostly empty strip. In a large cluster,
where every election sends a hundred messages, it starts at the candidacy that won (the elections lost before it
are on the timeline), without the messages before it.

Labels sit on their arrows, half-way along when there is room; when that spot would cover a label already
placed (dropped messages fanning out from one sender at one instant, or replies crossing), the label slides
along its arrow to the first free spot, so labels do not write over each other.

In a large cluster (more than :data:`raft.analysis.nodesets.LARGE_CLUSTER` nodes) only the relevant nodes get
a life line by default (:func:`relevant_nodes`: those that led, stood for election, crashed or restarted, were cut
off or are named by a violation in the window; at most :data:`MAX_LIFE_LINES`); the others share one life line,
``N others``, and the messages they send or receive at one instant with the same content are drawn as one arrow
labelled ``×N`` (so are their replies to one such broadcast). ``nodes`` names the life lines instead (every other node then shares the ``others`` line).

Artists carry a ``gid``: ``msg:ID`` for a delivered message, ``drop:ID`` for a dropped one, ``life:ROLE:NODE``
for life line segments, ``crash`` for crash marks, ``script:KIND`` for scripted network changes (a dotted line
across, named at the left), ``refusal:REASON:ID`` on the label of a refusal, and
``client:submit:CLIENT:SEQ``, ``client:commit:CLIENT:SEQ``, ``client:ack:CLIENT:SEQ`` for the client lane.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from raft.analysis import replay
from raft.analysis.activity import CRASHED, CUT_OFF, LED, RESTARTED, STOOD, VIOLATION, activity
from raft.analysis.nodesets import is_large, node_ranges
from raft.analysis.replay import ALREADY_VOTED, LOG_MISMATCH, LOG_NOT_UP_TO_DATE, STALE_TERM, Events
from raft.errors import RaftSimError
from raft.plots import violation
from raft.plots.style import (
    CRASH_COLOR,
    DROP_COLOR,
    MESSAGE_COLORS,
    REJECT_COLOR,
    ROLE_COLORS,
    STALE_COLOR,
    check_window,
)
from raft.sim.events import EventType

#: Above this many arrows, the arrows carry no text labels (they would cover each other).
MAX_LABELLED = 40
#: Where a label may sit along its arrow (fractions of the drawn arrow), in order of preference.
LABEL_SPOTS = (0.5, 0.35, 0.65, 0.22, 0.78, 0.12, 0.88)
#: Label size: 6.5 pt text; one character is about this wide, a line this high (inches).
CHAR_IN = 0.052
LINE_IN = 0.115

_SHORT = {
    "RequestVote": "RV",
    "RequestVoteResponse": "vote",
    "AppendEntries": "AE",
    "AppendEntriesResponse": "AE reply",
    "PreVote": "PreVote",
    "PreVoteResponse": "pre-vote",
    "InstallSnapshot": "InstallSnapshot",
}


#: Scripted events that make a moment worth showing (see :func:`interesting_moment`).
SCRIPTED = (
    EventType.CRASH,
    EventType.RESTART,
    EventType.PARTITION,
    EventType.ISOLATE,
    EventType.CUT,
    EventType.HEAL,
    EventType.TRANSFER,
)
#: A leader elected this soon after a scripted event is taken as its outcome, and shown with it.
OUTCOME_MS = 1000.0
#: The default window shows this many messages sent before the moment, and this many after it.
CONTEXT_BEFORE = 4
CONTEXT_AFTER = 8


def interesting_moment(events: Events) -> tuple[float, float]:
    """The run's first interesting moment, as a time interval: the first safety violation; else the first
    scripted crash, restart or network change after the first candidacy (one before it sets the stage, as a
    partition at 0 ms does), up to the next leader elected within :data:`OUTCOME_MS` (a crashed leader's
    successor, say); else the first election (first candidacy to the first leader, if elected within
    :data:`OUTCOME_MS`); else the start of the run."""
    found = violation.violation(events)
    if found is not None:
        return found.t_ms, found.t_ms
    changes = replay.leader_changes(events)
    first = next(
        (e["t_ms"] for e in events if e["type"] == EventType.ROLE and e["role"] == "candidate"), None
    )
    for event in events:
        if event["type"] in SCRIPTED and first is not None and event["t_ms"] > first:
            t = event["t_ms"]
            outcome = next((c.t_ms for c in changes if t < c.t_ms <= t + OUTCOME_MS), t)
            return t, outcome
    if first is None:
        return 0.0, 0.0
    leader = next((c.t_ms for c in changes if first <= c.t_ms <= first + OUTCOME_MS), first)
    return first, leader


def default_window(events: Events) -> tuple[float, float]:
    """A window around :func:`interesting_moment`: the moment, the :data:`CONTEXT_BEFORE` messages sent just
    before it and the :data:`CONTEXT_AFTER` sent just after it (those within :data:`OUTCOME_MS` of it), with a
    small margin (at least 20 ms wide)."""
    if (around := violation.window_around(events, 100.0)) is not None:
        return around
    low, high = interesting_moment(events)
    large = is_large(len(replay.nodes(events)))
    if large:
        low = _winning_candidacy(events, low, high)
    sends = [e["t_ms"] for e in events if e["type"] == EventType.SEND]
    # Context from within OUTCOME_MS of the moment only: after a crash of every node, the next message may be a
    # second away, and a window reaching it would be a long empty strip with the messages crammed at its ends.
    before = [] if large else [t for t in sends if low - OUTCOME_MS <= t < low][-CONTEXT_BEFORE:]
    after = [t for t in sends if high < t <= high + OUTCOME_MS][:CONTEXT_AFTER]
    start, stop = min([low, *before]), max([high, *after])
    margin = max(2.0, 0.05 * (stop - start))
    start, stop = max(0.0, start - margin), stop + margin
    return start, max(stop, start + 20.0)


#: At most this many life lines are chosen for a large cluster, by what the nodes did (:data:`PRIORITY`).
MAX_LIFE_LINES = 6
PRIORITY = (VIOLATION, LED, CRASHED, RESTARTED, CUT_OFF, STOOD)
#: The life line shared by the nodes not shown.
OTHERS = "others"


def relevant_nodes(events: Events, start: float, stop: float, limit: int = MAX_LIFE_LINES) -> list[str]:
    """The nodes worth a life line of their own in ``[start, stop]``, in node order: those that did what
    :data:`PRIORITY` lists (lagging alone does not count: it shows in no message), the most important first
    when more than ``limit`` did; when none did, the leader of the moment (or the first node)."""
    names = replay.nodes(events)
    did = {node: what for node, what in activity(events, start, stop).items() if set(what) & set(PRIORITY)}
    rank = sorted(
        did, key=lambda n: (min(PRIORITY.index(w) for w in did[n] if w in PRIORITY), names.index(n))
    )
    chosen = set(rank[:limit])
    if not chosen:
        leader = next(
            (n for n, s in replay.role_at(events, start).items() if s and s[0] == "leader"), names[0]
        )
        chosen = {leader}
    return [n for n in names if n in chosen]


def check_nodes(events: Events, nodes: Sequence[str]) -> list[str]:
    """``nodes`` in the order given; :class:`RaftSimError` for an unknown one or none at all."""
    names = replay.nodes(events)
    if not nodes:
        raise RaftSimError("nodes: name at least one node")
    unknown = [n for n in nodes if n not in names]
    if unknown:
        raise RaftSimError(
            f"nodes: unknown node {', '.join(unknown)} (the cluster has {node_ranges(names, names)})"
        )
    return list(dict.fromkeys(nodes))


def _merged(events: Events, arrows: list[dict[str, Any]], shown: set[str]) -> list[dict[str, Any]]:
    """The arrivals with every node not in ``shown`` replaced by :data:`OTHERS`; arrivals that then look the
    same (ends, kind, term, outcome, sent at one instant) become one, the first to arrive, with a ``count``."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    asked = {arrow.get("reply_to") for arrow in arrows} - {None}
    sent = {e["id"]: e["t_ms"] for e in events if e["type"] == EventType.SEND and e["id"] in asked}
    for arrow in arrows:
        src = arrow["from"] if arrow["from"] in shown else OTHERS
        dst = arrow["to"] if arrow["to"] in shown else OTHERS
        if src == dst == OTHERS:
            continue
        # Alike: a broadcast to the others at one instant, or the others' replies to one such broadcast.
        reply_to = arrow.get("reply_to")
        when = arrow["sent_ms"] if dst == OTHERS or reply_to is None else sent.get(reply_to, arrow["id"])
        key = (
            src,
            dst,
            arrow["msg"],
            arrow["term"],
            arrow.get("entries"),
            arrow.get("granted"),
            arrow.get("success"),
            arrow["dropped"],
            when,
        )
        if key in merged:
            merged[key]["count"] += 1
        else:
            merged[key] = {**arrow, "from": src, "to": dst, "count": 1}
    return list(merged.values())


def _winning_candidacy(events: Events, low: float, high: float) -> float:
    """For a large cluster, whose elections send a hundred messages each: the start of the candidacy that won
    at ``high`` (the moment's outcome), when it started after ``low``; else ``low``."""
    won = next((c for c in replay.leader_changes(events) if c.t_ms == high), None)
    if won is None:
        return low
    stood = [
        s.start_ms
        for s in replay.role_spans(events)
        if s.node == won.node and s.role == "candidate" and s.term == won.term
    ]
    return max(low, min(stood, default=low))


def _label(message: dict[str, Any], reason: str | None, prev_index: int | None = None) -> str:
    kind = message["msg"]
    text = f"{_SHORT.get(kind, kind)} t{message['term']}"
    if kind == "AppendEntries":
        entries = message.get("entries", 0)
        text += f" +{entries}" if entries else " ♥"
    elif kind == "InstallSnapshot":
        text += f" ≤{message.get('last_index', '?')}"
    elif kind == "InstallSnapshotResponse":
        text = f"snapshot ok {message.get('match_index', '')}".rstrip()
    elif kind == "RequestVoteResponse":
        if message.get("granted"):
            text = f"granted t{message['term']}"
        elif reason == STALE_TERM:
            text = f"refused t{message['term']}: stale term"
        else:
            text = f"refused: {reason}" if reason else f"refused t{message['term']}"
    elif kind == "PreVoteResponse":
        if message.get("granted"):
            text = f"pre-vote granted t{message['term']}"
        else:
            text = f"pre-vote refused: {reason}" if reason else f"pre-vote refused t{message['term']}"
    elif kind == "AppendEntriesResponse":
        if message.get("success"):
            text = f"ok {message.get('match_index', '')}".rstrip()
        elif reason == STALE_TERM:
            text = f"fail t{message['term']}: stale term"
        else:
            text = "fail: log mismatch" + ("" if prev_index is None else f" at {prev_index}")
    if message["dropped"]:
        text += f" ✗ {message['dropped']}"
    if message.get("count", 1) > 1:
        text += f" ×{message['count']}"
    return text


def _refused(message: dict[str, Any]) -> bool:
    kind = message["msg"]
    return (kind in ("RequestVoteResponse", "PreVoteResponse") and not message.get("granted")) or (
        kind == "AppendEntriesResponse" and not message.get("success")
    )


def message_diagram(
    events: Events,
    from_ms: float | None = None,
    to_ms: float | None = None,
    *,
    nodes: Sequence[str] | None = None,
) -> Figure:
    """The messages sent between ``from_ms`` and ``to_ms`` (default: 100 ms around the first election);
    ``nodes`` names the life lines (default: every node, or the relevant ones of a large cluster)."""
    if from_ms is None and to_ms is None:
        start, stop = default_window(events)
    else:
        start = 0.0 if from_ms is None else float(from_ms)
        stop = start + 100.0 if to_ms is None else float(to_ms)
    start, stop = check_window(start, stop)
    cluster = replay.nodes(events)
    if nodes is not None:
        names = check_nodes(events, nodes)
    elif is_large(len(cluster)):
        names = relevant_nodes(events, start, stop)
    else:
        names = cluster
    arrows = replay.message_arrivals(events, start, stop)
    reasons = _reasons(events, arrows)
    hidden = len(cluster) - len(names)
    if hidden:
        arrows = _merged(events, arrows, set(names))
        names = [*names, OTHERS]
    x_of = {node: i for i, node in enumerate(names)}
    writes = [w for w in replay.writes(events) if w.submit_ms <= stop]
    lanes = len(names) + (1 if writes else 0)
    fig = Figure(figsize=(max(6.0, 1.4 * lanes + 2.5), 9.0), layout="constrained")
    ax = fig.subplots()
    bottom = max([stop] + [a["arrived_ms"] for a in arrows])
    _draw_life_lines(ax, events, names, x_of, start, bottom)
    labelled = len(arrows) <= MAX_LABELLED
    placer = LabelPlacer(fig.get_figwidth(), fig.get_figheight(), lanes, bottom - start)
    for message in arrows:
        _draw_arrow(
            ax, message, x_of, placer if labelled else None, *reasons.get(message["id"], (None, None))
        )
    violation.mark_time(ax, events, time_on="y", life_lines=x_of)
    marks = _draw_client_lane(ax, events, writes, float(len(names)), start, bottom) if writes else set()
    _draw_scripted(ax, events, start, bottom)
    ticks = [f"{hidden} others" if n == OTHERS else n for n in names]
    ax.set_xticks(range(lanes), ticks + (["clients"] if writes else []))
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, lanes - 0.4)
    ax.set_ylim(bottom + 0.01 * (bottom - start), start - 0.01 * (bottom - start))
    ax.set_ylabel("time (ms)")
    for side in ("right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        f"Messages {start:.0f}–{stop:.0f} ms: {replay.title(events)}"
        + ("" if labelled else f"  ({len(arrows)} arrows, labels omitted)")
        + (
            f"\n{len(names) - 1} of {len(cluster)} nodes shown; the other {hidden} share the last life line, "
            "×N: that many messages alike"
            if hidden
            else ""
        ),
        fontsize=11,
    )
    drawn = {_kind(a, reasons.get(a["id"], (None, None))[0]) for a in arrows}
    refusals = [reasons.get(a["id"], (None, None))[0] for a in arrows if _refused(a) and not a["dropped"]]
    roles = {s.role for s in replay.role_spans(events) if s.end_ms > start and s.start_ms < bottom}
    handles = _legend_handles(drawn, [r for r in REASONS if r in refusals], roles, marks)
    # A narrow diagram (few nodes) gets fewer legend columns, so the legend is not cut off at its edges.
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=3 if fig.get_figwidth() >= 10 else 2,
        fontsize=8,
        frameon=False,
    )
    return fig


#: Refusals at the request's own term, in the order the legend names them.
REASONS = (LOG_MISMATCH, LOG_NOT_UP_TO_DATE, ALREADY_VOTED)


def _kind(message: dict[str, Any], reason: str | None) -> str:
    """How an arrow is drawn: ``dropped``, ``stale``, ``refused``, ``heartbeat``, ``pre-vote``, ``vote``,
    ``timeout-now``, ``snapshot`` or ``append``."""
    if message["dropped"]:
        return "dropped"
    if _refused(message):
        return "stale" if reason == STALE_TERM else "refused"
    if message["msg"] == "AppendEntries" and not message.get("entries"):
        return "heartbeat"
    if message["msg"].startswith("PreVote"):
        return "pre-vote"
    if message["msg"] == "TimeoutNow":
        return "timeout-now"
    if message["msg"].startswith("InstallSnapshot"):
        return "snapshot"
    return "vote" if message["msg"].startswith("RequestVote") else "append"


def _legend_handles(drawn: set[str], reasons: list[str], roles: set[str], marks: set[str]) -> list[Line2D]:
    """Legend entries for what the diagram shows, and only that (a legend naming a refusal or a dropped message
    that is not there sends a student looking for it)."""
    entries = [
        (
            "vote",
            Line2D([], [], color=MESSAGE_COLORS["RequestVote"], lw=1.4, label="RequestVote / vote granted"),
        ),
        (
            "pre-vote",
            Line2D([], [], color=MESSAGE_COLORS["PreVote"], lw=1.4, label="PreVote / pre-vote granted"),
        ),
        (
            "append",
            Line2D(
                [], [], color=MESSAGE_COLORS["AppendEntries"], lw=1.6, label="AppendEntries (+n entries) / ok"
            ),
        ),
        ("heartbeat", Line2D([], [], color=MESSAGE_COLORS["AppendEntries"], lw=0.7, label="heartbeat ♥")),
        (
            "snapshot",
            Line2D(
                [],
                [],
                color=MESSAGE_COLORS["InstallSnapshot"],
                lw=2.6,
                label="InstallSnapshot (≤ last included index) / snapshot ok",
            ),
        ),
        (
            "timeout-now",
            Line2D(
                [], [], color=MESSAGE_COLORS["TimeoutNow"], lw=2.4, label="TimeoutNow (leadership transfer)"
            ),
        ),
        (
            "stale",
            Line2D(
                [],
                [],
                color=STALE_COLOR,
                lw=1.4,
                ls=":",
                label="refused: stale term (reply's term is higher)",
            ),
        ),
        (
            "refused",
            Line2D(
                [],
                [],
                color=REJECT_COLOR,
                lw=1.2,
                ls="-.",
                label="refused at its term: " + " / ".join(reasons or ["other"]),
            ),
        ),
        ("dropped", Line2D([], [], color=DROP_COLOR, lw=1.2, ls="--", marker="x", label="dropped (reason)")),
    ]
    handles = [h for kind, h in entries if kind in drawn]
    handles += [Line2D([], [], color=c, lw=5, label=r) for r, c in ROLE_COLORS.items() if r in roles]
    # With reads in the lane, submit and acknowledgement are said to be of reads too (a read never commits).
    handles += [
        Line2D(
            [],
            [],
            color=CLIENT_COLOR,
            ls="none",
            marker=m,
            mfc=f,
            label=t.replace("write", "write or read") if "read" in marks and name != "commit" else t,
        )
        for (m, f, t), name in zip(CLIENT_MARKS, ("submit", "commit", "ack"), strict=True)
        if name in marks
    ]
    return handles


def _draw_scripted(ax: Any, events: Events, start: float, bottom: float) -> None:
    """A thin grey line across the diagram at each scripted network change, named at the left edge; changes
    made at the same instant share one line and one label (two labels there would print over each other)."""
    at: dict[float, list[str]] = {}
    for event in events:
        if not start <= event["t_ms"] <= bottom:
            continue
        if event["type"] == EventType.PARTITION:
            text = "partition " + " | ".join(" ".join(group) for group in event["groups"])
        elif event["type"] == EventType.CUT:
            text = f"cut {event['from']}→{event['to']}"
        elif event["type"] == EventType.ISOLATE:
            text = f"isolate {event['node']}"
        elif event["type"] == EventType.TRANSFER:
            text = f"transfer {event['from']}→{event['node']}"
        elif event["type"] == EventType.HEAL:
            text = " ".join(["heal", *(str(v) for k, v in event.items() if k not in ("t_ms", "type"))])
        else:
            continue
        if event["t_ms"] not in at:
            ax.axhline(
                event["t_ms"],
                color="#888888",
                lw=0.8,
                ls=(0, (1, 2)),
                zorder=0,
                gid=f"script:{event['type']}",
            )
        at.setdefault(event["t_ms"], []).append(text)
    for t, texts in at.items():
        # Above its line, except at the window's top edge, where above would be outside the diagram.
        near_top = t - start < 0.03 * (bottom - start)
        ax.text(
            -0.55,
            t,
            ", ".join(texts),
            fontsize=7,
            color="#555555",
            va="top" if near_top else "bottom",
            ha="left",
            zorder=6,
            clip_on=True,
            gid="script-label",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )


def _reasons(events: Events, arrows: list[dict[str, Any]]) -> dict[int, tuple[str, int | None]]:
    """By refusing reply id: its reason and the prevLogIndex of the AppendEntries it refused."""
    refusals = {a["id"]: a.get("reply_to") for a in arrows if _refused(a)}
    if not refusals:
        return {}
    prev = {
        e["id"]: e.get("prev_index")
        for e in events
        if e["type"] == EventType.SEND and e["id"] in refusals.values()
    }
    found: dict[int, tuple[str, int | None]] = {}
    for i, r in replay.refusal_reasons(events).items():
        if i in refusals:
            request = refusals[i]
            found[i] = (r, None if request is None else prev.get(request))
    return found


#: The client lane's colour and its marks: (marker, face colour, legend text) for submit, commit, ack.
CLIENT_COLOR = "#333333"
CLIENT_MARKS = (
    ("o", "white", "write submitted"),
    ("D", "#f1c40f", "write committed"),
    ("s", CLIENT_COLOR, "write acknowledged"),
)
#: Up to this many writes in the window get their command written beside the submit mark.
MAX_CLIENT_LABELS = 12


def _draw_client_lane(
    ax: Any, events: Events, writes: list[replay.Write], x: float, start: float, bottom: float
) -> set[str]:
    """Each write seen in the window: a thin line from submit to acknowledgement (or past the window while
    outstanding) with its three marks; overlapping writes are spread side by side within the lane. Returns the
    marks drawn (``submit``, ``commit``, ``ack``)."""
    drawn: set[str] = set()
    ax.axvspan(x - 0.38, x + 0.38, color="#f2f2f2", zorder=0)
    committed = replay.write_commits(events)
    shown = [w for w in writes if w.ack_ms is None or w.ack_ms >= start]
    busy_until: list[float] = []  # per slot, when its last write ended
    for write in shown:
        end = bottom if write.ack_ms is None else write.ack_ms
        slot = next((i for i, t in enumerate(busy_until) if t < write.submit_ms), len(busy_until))
        if slot == len(busy_until):
            busy_until.append(end)
        busy_until[slot] = end
        xs = x - 0.3 + 0.12 * (slot % 5)
        key = f"{write.client}:{write.seq}"
        ax.vlines(xs, max(write.submit_ms, start), min(end, bottom), color=CLIENT_COLOR, lw=0.8, zorder=2)
        moments = (write.submit_ms, committed.get((write.client, write.seq)), write.ack_ms)
        for (marker, face, _), t, name in zip(
            CLIENT_MARKS, moments, ("submit", "commit", "ack"), strict=True
        ):
            if t is not None and start <= t <= bottom:
                ax.plot(
                    [xs],
                    [t],
                    marker=marker,
                    ms=5,
                    color=CLIENT_COLOR,
                    mfc=face,
                    ls="none",
                    zorder=4,
                    gid=f"client:{name}:{key}",
                )
                drawn.add(name)
                if write.is_read:
                    drawn.add("read")
        if len(shown) <= MAX_CLIENT_LABELS and start <= write.submit_ms <= bottom:
            ax.text(
                xs + 0.06,
                write.submit_ms,
                f"{write.client} {write.command.replace('=', '←')}",
                fontsize=6,
                va="center",
                ha="left",
                color=CLIENT_COLOR,
                zorder=6,
                clip_on=True,
            )
    return drawn


def _draw_life_lines(
    ax: Any, events: Events, names: list[str], x_of: dict[str, int], start: float, bottom: float
) -> None:
    for node in names:
        ax.vlines(x_of[node], start, bottom, color="#dddddd", lw=1, zorder=0)
    for span in replay.role_spans(events):
        if span.end_ms <= start or span.start_ms >= bottom or span.node not in x_of:
            continue
        ax.vlines(
            x_of[span.node],
            max(span.start_ms, start),
            min(span.end_ms, bottom),
            lw=5,
            color=ROLE_COLORS[span.role],
            zorder=1,
            gid=f"life:{span.role}:{span.node}",
        )
    down = [(t, n) for t, n in replay.crashes(events) if start <= t <= bottom and n in x_of]
    if down:
        ax.plot(
            [x_of[n] for _, n in down],
            [t for t, _ in down],
            "X",
            color=CRASH_COLOR,
            ms=10,
            zorder=5,
            gid="crash",
        )


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
            return sum(
                max(0.0, min(b[1], o[1]) - max(b[0], o[0])) * max(0.0, min(b[3], o[3]) - max(b[2], o[2]))
                for o in self.boxes
            )

        best = min(LABEL_SPOTS, key=lambda f: (overlap(box(f)), LABEL_SPOTS.index(f)))
        chosen = box(best)
        self.boxes.append(chosen)
        return 0.5 * (chosen[0] + chosen[1]), chosen[3]


def _draw_arrow(
    ax: Any,
    message: dict[str, Any],
    x_of: dict[str, int],
    placer: LabelPlacer | None,
    reason: str | None,
    prev_index: int | None,
) -> None:
    x0, y0 = float(x_of[message["from"]]), message["sent_ms"]
    x1, y1 = float(x_of[message["to"]]), message["arrived_ms"]
    kind = message["msg"]
    color = MESSAGE_COLORS.get(kind, "#555555")
    style = "-"
    width = 1.4
    if kind == "AppendEntries" and not message.get("entries"):
        width = 0.7
    elif kind == "TimeoutNow":
        width = 2.4  # the transfer's one message: thick, in its own colour
    elif kind == "InstallSnapshot":
        width = 2.6  # a whole state machine in one message
    if _refused(message):
        color, style = (STALE_COLOR, ":") if reason == STALE_TERM else (REJECT_COLOR, "-.")
    if message["dropped"]:
        color, style = DROP_COLOR, "--"
        # Stop short of the receiver: the message never got there.
        x1, y1 = x0 + 0.88 * (x1 - x0), y0 + 0.88 * (y1 - y0)
        ax.plot([x1], [y1], "x", color=DROP_COLOR, ms=7, mew=1.6, zorder=4)
    arrow = FancyArrowPatch(
        (x0, y0),
        (x1, y1),
        arrowstyle="-|>",
        mutation_scale=9,
        color=color,
        lw=width,
        linestyle=style,
        zorder=3,
        shrinkA=0,
        shrinkB=0,
        gid=("drop:" if message["dropped"] else "msg:") + str(message["id"]),
    )
    ax.add_patch(arrow)
    if placer is not None:
        text = _label(message, reason, prev_index)
        x, y = placer.place(text, x0, y0, x1, y1)
        gid = f"refusal:{reason or 'unknown'}:{message['id']}" if _refused(message) else None
        ax.text(
            x,
            y,
            text,
            fontsize=6.5,
            ha="center",
            va="bottom",
            color=color,
            zorder=6,
            clip_on=True,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
            gid=gid,
        )
