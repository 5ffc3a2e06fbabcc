"""What the cluster looked like over time, rebuilt from a trace (a list of event dicts), by replaying its events.
Shared by the plots (:mod:`raft.plots`) and the tables (:mod:`raft.analysis.frames`).

Pure Python: no matplotlib here, so tests and tables can use it cheaply. Every function reads only events:
role spans (with crashes as gaps), network states (partitions and cuts over time, healed whole or in part),
leader changes, candidacies, commit indexes, write latencies, messages (each send paired with its delivery or
drop), and each node's log at a chosen time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from raft.core.messages import Refusal
from raft.core.statemachine import OpKind, parse_op
from raft.errors import RaftSimError
from raft.sim.events import Event, EventType, MetaEvent, RestartEvent, SendEvent
from raft.sim.topology import Topology

#: A run's events, in order (a trace, or ``Result.events``).
Events = Sequence[Event]

ROLES = ("follower", "candidate", "leader")


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """``node`` held ``role`` in ``term`` from ``start_ms`` to ``end_ms`` (it was up the whole time)."""

    node: str
    role: str
    term: int
    start_ms: float
    end_ms: float


@dataclass(frozen=True, slots=True)
class NetworkSpan:
    """From ``start_ms`` to ``end_ms`` the one-way links in ``cut`` were down; ``groups`` are the groups with no
    link working in either direction between them (one group when nothing is split off: one-way cuts alone
    never make a partition)."""

    start_ms: float
    end_ms: float
    cut: frozenset[tuple[str, str]]
    groups: tuple[tuple[str, ...], ...]

    @property
    def is_partition(self) -> bool:
        """Some servers cannot exchange a message either way with the others."""
        return len(self.groups) > 1

    @property
    def one_way(self) -> tuple[tuple[str, str], ...]:
        """The links cut in one direction only (the other direction works), in order."""
        order = {node: (i, j) for i, group in enumerate(self.groups) for j, node in enumerate(group)}
        return tuple(
            sorted(
                ((a, b) for a, b in self.cut if (b, a) not in self.cut),
                key=lambda link: (order[link[0]], order[link[1]]),
            )
        )

    @property
    def label(self) -> str:
        """Every cut, in words: ``n1 n2 | n3 n4 n5`` for a partition, ``one-way n2→n1, n3→n1`` for links cut in
        one direction (the arrow is the blocked direction), ``cut n1↔n2`` for a pair cut both ways inside a
        group; joined by ``; ``."""
        return self.describe(" ".join)

    def describe(self, group_text: Callable[[Sequence[str]], str]) -> str:
        """:attr:`label`, with each partition group written by ``group_text``."""
        order = {node: (i, j) for i, group in enumerate(self.groups) for j, node in enumerate(group)}
        both = sorted(
            (
                (a, b)
                for a, b in self.cut
                if order[a] < order[b] and (b, a) in self.cut and order[a][0] == order[b][0]
            ),
            key=lambda link: (order[link[0]], order[link[1]]),
        )
        parts = []
        if self.is_partition:
            parts.append(" | ".join(group_text(group) for group in self.groups))
        if self.one_way:
            parts.append("one-way " + ", ".join(f"{a}→{b}" for a, b in self.one_way))
        if both:
            parts.append("cut " + ", ".join(f"{a}↔{b}" for a, b in both))
        return "; ".join(parts)


def separated_groups(names: Sequence[str], cut: frozenset[tuple[str, str]]) -> tuple[tuple[str, ...], ...]:
    """``names`` grouped so that no message gets through in either direction between two groups (a partition);
    inside a group, nodes are joined by a chain of links that work at least one way. In node order."""
    parent = {name: name for name in names}  # union-find; every root is the first of its group in node order

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if (a, b) not in cut or (b, a) not in cut:
                ra, rb = root(a), root(b)
                if ra != rb:
                    parent[max(ra, rb, key=names.index)] = min(ra, rb, key=names.index)
    members: dict[str, list[str]] = {}
    for name in names:
        members.setdefault(root(name), []).append(name)
    return tuple(tuple(group) for group in members.values())


@dataclass(frozen=True, slots=True)
class LeaderChange:
    """``node`` became leader of ``term`` at ``t_ms``."""

    t_ms: float
    node: str
    term: int


@dataclass(frozen=True, slots=True)
class Write:
    """A client command: submitted at ``submit_ms``, acknowledged at ``ack_ms`` (``None``: never)."""

    client: str
    seq: int
    command: str
    submit_ms: float
    ack_ms: float | None
    index: int | None

    @property
    def latency_ms(self) -> float | None:
        return None if self.ack_ms is None else self.ack_ms - self.submit_ms

    @property
    def is_read(self) -> bool:
        """A read (``?key``), not a write: it changes nothing, and may be answered without a commit."""
        return parse_op(self.command).kind is OpKind.READ


@dataclass(frozen=True, slots=True)
class NodeLog:
    """One node's log at a moment: the term of each entry (index 1 first, including those a snapshot replaced, up
    to ``snapshot_index``), its commitIndex, role and term, and each entry's command (``None`` for a leader's no-op, ``"?"`` when the trace does not say: an initial log, or
    an entry brought back by a restart that the trace never showed appended)."""

    node: str
    terms: tuple[int, ...]
    commit_index: int
    up: bool
    role: str
    term: int
    commands: tuple[str | None, ...] = ()
    #: The last index a snapshot replaced (0: none): entries up to it are shown, but the node no longer stores
    #: them (thesis §5.1).
    snapshot_index: int = 0


@dataclass(frozen=True, slots=True)
class FollowerProgress:
    """What ``leader``, leader of ``term``, knew of ``follower`` at a moment: nextIndex and matchIndex (Figure 2),
    as :func:`replication_at` rebuilds them from the trace."""

    leader: str
    term: int
    follower: str
    next_index: int
    match_index: int


# ------------------------------------------------------------------ basics


def meta(events: Events) -> MetaEvent:
    """The trace's meta line; :class:`RaftSimError` if the events do not start with one."""
    if not events or events[0]["type"] != EventType.META:
        raise RaftSimError("not a raft-sim trace: the first event must be the meta line")
    return events[0]


def nodes(events: Events) -> list[str]:
    return list(meta(events)["nodes"])


def end_ms(events: Events) -> float:
    """When the run ended (the ``end`` event, else the last event, else the configured duration)."""
    for event in reversed(events):
        if event["type"] == EventType.END:
            return float(event["t_ms"])
    last = float(events[-1]["t_ms"]) if events else 0.0
    return max(last, float(meta(events).get("duration_ms") or 0.0)) if events else 0.0


def title(events: Events) -> str:
    info = meta(events)
    return f"{info.get('scenario', '?')} (seed {info.get('seed', '?')})"


# ------------------------------------------------------------------ roles


def role_spans(events: Events) -> list[RoleSpan]:
    """Every node's role over time; a crash ends the span and nothing covers the node until it restarts."""
    stop = end_ms(events)
    open_spans: dict[str, tuple[str, int, float]] = {}
    spans: list[RoleSpan] = []

    def close(node: str, t: float) -> None:
        current = open_spans.pop(node, None)
        if current is not None:
            spans.append(RoleSpan(node, current[0], current[1], current[2], t))

    for event in events:
        if event["type"] == EventType.ROLE:
            node = event["node"]
            current = open_spans.get(node)
            if current is not None and current[:2] == (event["role"], event["term"]):
                continue
            close(node, event["t_ms"])
            open_spans[node] = (event["role"], event["term"], event["t_ms"])
        elif event["type"] == EventType.CRASH:
            close(event["node"], event["t_ms"])
    for node in list(open_spans):
        close(node, stop)
    return sorted(spans, key=lambda s: (s.start_ms, s.node))


def leader_changes(events: Events) -> list[LeaderChange]:
    """Each time a node became leader (of a new term), in order."""
    return [LeaderChange(s.start_ms, s.node, s.term) for s in role_spans(events) if s.role == "leader"]


def candidates_by_term(events: Events) -> dict[int, set[str]]:
    """The nodes that stood for election in each term."""
    by_term: dict[int, set[str]] = {}
    for span in role_spans(events):
        if span.role == "candidate":
            by_term.setdefault(span.term, set()).add(span.node)
    return by_term


def crashes(events: Events) -> list[tuple[float, str]]:
    return [(e["t_ms"], e["node"]) for e in events if e["type"] == EventType.CRASH]


def restarts(events: Events) -> list[tuple[float, str]]:
    return [(e["t_ms"], e["node"]) for e in events if e["type"] == EventType.RESTART]


def role_at(events: Events, at_ms: float) -> dict[str, tuple[str, int] | None]:
    """Each node's (role, term) at ``at_ms``; ``None`` for a node that is down."""
    state: dict[str, tuple[str, int] | None] = dict.fromkeys(nodes(events))
    for event in events:
        if event["t_ms"] > at_ms:
            break
        if event["type"] == EventType.ROLE:
            state[event["node"]] = (event["role"], event["term"])
        elif event["type"] == EventType.CRASH:
            state[event["node"]] = None
    return state


# ------------------------------------------------------------------ network


def network_spans(events: Events) -> list[NetworkSpan]:
    """The periods during which some link was cut, each with its cut links and separated groups."""
    names = nodes(events)
    links = Topology(names)
    spans: list[NetworkSpan] = []
    start: float | None = None
    state: tuple[frozenset[tuple[str, str]], tuple[tuple[str, ...], ...]] = (frozenset(), ())
    for event in events:
        if not links.apply(event):
            continue
        t = event["t_ms"]
        new = (links.cut, separated_groups(names, links.cut))
        if new[0] == state[0]:
            continue
        if start is not None and state[0] and t > start:  # changes at one instant make one span
            spans.append(NetworkSpan(start, t, state[0], state[1]))
        start, state = t, new
    if start is not None and state[0]:
        spans.append(NetworkSpan(start, end_ms(events), state[0], state[1]))
    return spans


def cut_links_at(events: Events, at_ms: float) -> frozenset[tuple[str, str]]:
    """The one-way links that were cut at ``at_ms``."""
    links = Topology(nodes(events))
    for event in events:
        if event["t_ms"] > at_ms:
            break
        links.apply(event)
    return links.cut


# ------------------------------------------------------------------ messages


def snapshot_index(event: RestartEvent) -> int:
    """The last included index of the snapshot a server restarted from (0: none)."""
    snapshot = event.get("snapshot")
    return snapshot[0] if snapshot else 0


def recovered_log(event: RestartEvent, before: list[Any]) -> list[Any]:
    """The terms of a restarted server's whole log: the prefix its snapshot replaced (as ``before``, its log
    before the crash, had it), then the stored entries of the ``restart`` event."""
    start = snapshot_index(event)
    prefix = before[:start]
    return [*prefix, *([0] * (start - len(prefix))), *event["log"]]


def message_arrivals(
    events: Events, from_ms: float = float("-inf"), to_ms: float = float("inf")
) -> list[dict[str, Any]]:
    """One record per message arrival (delivery or drop) of a message sent within ``[from_ms, to_ms]``, in
    arrival order: the send event's fields plus ``sent_ms``, ``arrived_ms`` and ``dropped`` (the drop's reason,
    or ``None`` for a delivery)."""
    sent: dict[int, SendEvent] = {}
    arrivals: list[dict[str, Any]] = []
    for event in events:
        if event["type"] == EventType.SEND and from_ms <= event["t_ms"] <= to_ms:
            sent[event["id"]] = event
        elif (event["type"] == EventType.DELIVER or event["type"] == EventType.DROP) and event["id"] in sent:
            record: dict[str, Any] = dict(sent[event["id"]])
            record.update(
                sent_ms=record["t_ms"],
                arrived_ms=event["t_ms"],
                dropped=event.get("reason", "dropped") if event["type"] == EventType.DROP else None,
            )
            arrivals.append(record)
    return arrivals


#: Why a server refused a request: the words of :class:`~raft.core.messages.Refusal`, as traces record them.
STALE_TERM = Refusal.STALE_TERM.value
LOG_MISMATCH = Refusal.LOG_MISMATCH.value
LOG_NOT_UP_TO_DATE = Refusal.LOG_NOT_UP_TO_DATE.value
ALREADY_VOTED = Refusal.ALREADY_VOTED.value


def refusal_reasons(events: Events) -> dict[int, str]:
    """The reason of each refusal (a vote refused, an AppendEntries reply with success false), by the refusing
    reply's message id.

    A refusing reply's ``send`` event records the rule that refused in its ``refused`` field, and that is the
    reason. Traces written before the field existed do not have it; for their replies the reason is inferred:

    - :data:`STALE_TERM`: the reply's term is higher than the request's (Figure 2, both RPCs: "reply false if
      term < currentTerm");
    - :data:`LOG_MISMATCH`: an AppendEntries refused at the request's own term: the receiver has no entry at
      prevLogIndex whose term is prevLogTerm (Figure 2, rule 2; §5.3);
    - :data:`LOG_NOT_UP_TO_DATE`: a vote refused at the request's term, where the candidate's last log term and
      index are behind the voter's log at that moment (§5.4.1), rebuilt from ``append``/``truncate`` events;
    - :data:`ALREADY_VOTED`: a vote refused at the request's term by a server that had already voted for another
      candidate in that term (itself, when it stood; or a granted ``vote`` event, the initial state, a restart).

    A refused vote that fits none of these (possible only with a bug switched on) has no entry."""
    info = meta(events)
    initial = info.get("initial_state") or {}
    logs: dict[str, list[int]] = {n: list(initial.get(n, {}).get("log", [])) for n in info["nodes"]}
    voted: dict[tuple[str, int], str] = {}
    for node, state in initial.items():
        if state.get("voted_for"):
            voted[(node, int(state.get("term", 0)))] = state["voted_for"]
    requests: dict[int, SendEvent] = {}
    reasons: dict[int, str] = {}
    for event in events:
        if event["type"] == EventType.APPEND:
            log = logs[event["node"]]
            del log[event["index"] - 1 :]
            log.append(event["term"])
        elif event["type"] == EventType.TRUNCATE:
            del logs[event["node"]][event["index"] - 1 :]
        elif event["type"] == EventType.RESTART:
            if "log" in event:
                logs[event["node"]] = recovered_log(event, logs[event["node"]])
            voted_for = event.get("voted_for")
            if voted_for:
                voted[(event["node"], int(event.get("term", 0)))] = voted_for
        elif event["type"] == EventType.ROLE and event["role"] == "candidate":
            voted[(event["node"], event["term"])] = event["node"]
        elif event["type"] == EventType.VOTE and event.get("granted"):
            voted.setdefault((event["node"], event["term"]), event["candidate"])
        elif event["type"] == EventType.SEND and event["msg"] in ("RequestVote", "AppendEntries", "PreVote"):
            requests[event["id"]] = event
        elif event["type"] == EventType.SEND and event.get("reply_to") in requests:
            request = requests[event["reply_to"]]
            refused = event.get("granted") is False or event.get("success") is False
            if not refused:
                continue
            if "refused" in event:
                reasons[event["id"]] = event["refused"]
            elif event["term"] > request["term"]:
                reasons[event["id"]] = STALE_TERM
            elif event["msg"] == "AppendEntriesResponse":
                reasons[event["id"]] = LOG_MISMATCH
            else:
                log = logs[event["from"]]
                last_term = log[-1] if log else 0
                cand_term, cand_index = request.get("last_term", 0), request.get("last_index", 0)
                behind = cand_term < last_term or (cand_term == last_term and cand_index < len(log))
                other = voted.get((event["from"], request["term"]))
                if behind:
                    reasons[event["id"]] = LOG_NOT_UP_TO_DATE
                elif other is not None and other != request["from"]:
                    reasons[event["id"]] = ALREADY_VOTED
    return reasons


# ------------------------------------------------------------------ commits and writes


def commit_series(events: Events) -> dict[str, list[tuple[float, float]]]:
    """Each node's commitIndex as (t_ms, value) steps; a crash adds a NaN point (a gap), a restart 0."""
    series: dict[str, list[tuple[float, float]]] = {node: [(0.0, 0.0)] for node in nodes(events)}
    for event in events:
        if event["type"] == EventType.COMMIT:
            series[event["node"]].append((event["t_ms"], float(event["index"])))
        elif event["type"] == EventType.CRASH:
            series[event["node"]].append((event["t_ms"], float("nan")))
        elif event["type"] == EventType.RESTART:
            series[event["node"]].append((event["t_ms"], float(snapshot_index(event))))
    stop = end_ms(events)
    for points in series.values():
        points.append((stop, points[-1][1]))
    return series


def writes(events: Events) -> list[Write]:
    """Every client command (reads included) with its acknowledgement, in submission order."""
    submitted: dict[tuple[str, int], tuple[str, float]] = {}
    acked: dict[tuple[str, int], tuple[float, int | None]] = {}
    for event in events:
        if event["type"] == EventType.SUBMIT:
            submitted[(event["client"], event["seq"])] = (event["command"], event["t_ms"])
        elif event["type"] == EventType.ACK:
            key = (event["client"], event["seq"])
            acked.setdefault(key, (event["t_ms"], event.get("index")))
    result = []
    for (client, seq), (command, t) in submitted.items():
        ack = acked.get((client, seq))
        result.append(
            Write(client, seq, command, t, None if ack is None else ack[0], None if ack is None else ack[1])
        )
    return sorted(result, key=lambda w: (w.submit_ms, w.client, w.seq))


def write_commits(events: Events) -> dict[tuple[str, int], float]:
    """When each client command (client, seq) was first committed: the first ``commit`` event of any node (the
    leader's comes first) whose commitIndex covers an entry holding the command at that moment."""
    entries: dict[str, list[tuple[str, int] | None]] = {n: [] for n in nodes(events)}
    commit: dict[str, int] = dict.fromkeys(entries, 0)
    committed: dict[tuple[str, int], float] = {}
    for event in events:
        if event["type"] == EventType.APPEND:
            log = entries[event["node"]]
            del log[event["index"] - 1 :]
            log.extend([None] * (event["index"] - 1 - len(log)))
            log.append((event["client"], event["seq"]) if "client" in event else None)
        elif event["type"] == EventType.TRUNCATE:
            del entries[event["node"]][event["index"] - 1 :]
        elif event["type"] == EventType.COMMIT:
            node = event["node"]
            for key in entries[node][commit[node] : event["index"]]:
                if key is not None:
                    committed.setdefault(key, event["t_ms"])
            commit[node] = max(commit[node], event["index"])
        elif event["type"] == EventType.CRASH:
            commit[event["node"]] = 0
        elif event["type"] == EventType.RESTART:
            commit[event["node"]] = snapshot_index(event)
            if "log" in event:
                del entries[event["node"]][snapshot_index(event) + len(event["log"]) :]
        elif event["type"] == EventType.SNAPSHOT and "from" in event:
            node, index = event["node"], event["index"]
            kept = entries[node][index : index + event.get("kept", 0)]
            entries[node] = entries[event["from"]][:index] + kept
            commit[node] = max(commit[node], index)
    return committed


# ------------------------------------------------------------------ logs


def logs_at(events: Events, at_ms: float) -> list[NodeLog]:
    """Each node's log, commitIndex, role and term at ``at_ms``, rebuilt from the initial state, ``append``,
    ``truncate``, ``commit``, ``crash`` and ``restart`` events (a restart brings back the persisted log)."""
    info = meta(events)
    names = list(info["nodes"])
    initial = info.get("initial_state") or {}
    logs: dict[str, list[int]] = {n: list(initial.get(n, {}).get("log", [])) for n in names}
    commands: dict[str, list[str | None]] = {n: ["?"] * len(logs[n]) for n in names}
    commit: dict[str, int] = dict.fromkeys(names, 0)
    snapshot: dict[str, int] = dict.fromkeys(names, 0)
    up: dict[str, bool] = dict.fromkeys(names, True)
    role: dict[str, tuple[str, int]] = {
        n: ("follower", int(initial.get(n, {}).get("term", 0))) for n in names
    }
    for event in events:
        if event["t_ms"] > at_ms:
            break
        if event["type"] == EventType.APPEND:
            log = logs[event["node"]]
            index = event["index"]
            del log[index - 1 :]
            if len(log) < index - 1:  # should not happen; keep the picture honest rather than crash
                log.extend([0] * (index - 1 - len(log)))
            log.append(event["term"])
            ops = commands[event["node"]]
            del ops[index - 1 :]
            ops.extend(["?"] * (index - 1 - len(ops)))
            ops.append(event.get("command"))
        elif event["type"] == EventType.TRUNCATE:
            del logs[event["node"]][event["index"] - 1 :]
            del commands[event["node"]][event["index"] - 1 :]
        elif event["type"] == EventType.COMMIT:
            commit[event["node"]] = event["index"]
        elif event["type"] == EventType.CRASH:
            up[event["node"]], commit[event["node"]] = False, 0
        elif event["type"] == EventType.RESTART:
            node = event["node"]
            up[node], commit[node] = True, snapshot_index(event)
            if "log" in event:
                before = logs[node]
                logs[node] = recovered_log(event, before)
                commands[node] = [
                    commands[node][i] if i < len(before) and before[i] == term else "?"
                    for i, term in enumerate(logs[node])
                ]
            snapshot[node] = snapshot_index(event)
        elif event["type"] == EventType.SNAPSHOT:
            node, index = event["node"], event["index"]
            snapshot[node] = index
            leader = event.get("from")
            if leader is not None:  # installed: the leader's prefix, then the entries kept after it
                kept = event.get("kept", 0)
                logs[node] = logs[leader][:index] + logs[node][index : index + kept]
                commands[node] = commands[leader][:index] + commands[node][index : index + kept]
                commit[node] = max(commit[node], index)
        elif event["type"] == EventType.ROLE:
            role[event["node"]] = (event["role"], event["term"])
    return [
        NodeLog(
            n,
            tuple(logs[n]),
            commit[n],
            up[n],
            role[n][0] if up[n] else "down",
            role[n][1],
            tuple(commands[n]),
            snapshot[n],
        )
        for n in names
    ]


def replication_at(events: Events, at_ms: float) -> list[FollowerProgress]:
    """The leader's nextIndex and matchIndex for each follower at ``at_ms``, rebuilt from the trace the way the
    leader's progress tracker (:mod:`raft.core.progress`) keeps them; empty when no node is leader then (with
    several, the one of the highest term).

    - On taking office: nextIndex = the leader's last index + 1, matchIndex = 0 (Figure 2).
    - matchIndex: the highest ``match_index`` of a successful AppendEntries reply from the follower delivered to
      the leader in its term; nextIndex is then at least matchIndex + 1.
    - nextIndex, at each AppendEntries the leader sends the follower: prevLogIndex + 1 while probing (no success
      yet, or a refusal since: the leader backs up and resends at once, so a refusal shows as the next send's
      prevLogIndex), or just after the last entry sent while replicating (after a success: entries are streamed);
      at an InstallSnapshot, the index after the snapshot's last included index, probing; its reply counts as a
      successful one (thesis §5.1).
    """
    role: dict[str, tuple[str, int]] = {}
    length: dict[str, int] = {
        n: len(log.terms) for n, log in zip(nodes(events), logs_at(events, -1.0), strict=True)
    }
    # leader -> (term, follower -> [nextIndex, matchIndex, replicating])
    progress: dict[str, tuple[int, dict[str, list[Any]]]] = {}
    for event in events:
        if event["t_ms"] > at_ms:
            break
        if event["type"] == EventType.APPEND:
            length[event["node"]] = event["index"]
        elif event["type"] == EventType.TRUNCATE:
            length[event["node"]] = min(length[event["node"]], event["index"] - 1)
        elif event["type"] == EventType.RESTART and "log" in event:
            length[event["node"]] = snapshot_index(event) + len(event["log"])
        elif event["type"] == EventType.SNAPSHOT and "from" in event:
            length[event["node"]] = event["index"] + event.get("kept", 0)
        elif event["type"] == EventType.CRASH:
            role.pop(event["node"], None)
            progress.pop(event["node"], None)
        elif event["type"] == EventType.ROLE:
            node, term = event["node"], event["term"]
            role[node] = (event["role"], term)
            if event["role"] != "leader":
                progress.pop(node, None)
            elif progress.get(node, (None,))[0] != term:
                others = [n for n in length if n != node]
                progress[node] = (term, {f: [length[node] + 1, 0, False] for f in others})
        elif (
            event["type"] == EventType.SEND and event["msg"] == "AppendEntries" and event["from"] in progress
        ):
            term, followers = progress[event["from"]]
            p = followers.get(event["to"])
            if p is not None and event["term"] == term:
                p[0] = event["prev_index"] + 1 + (event.get("entries", 0) if p[2] else 0)
        elif (
            event["type"] == EventType.SEND
            and event["msg"] == "InstallSnapshot"
            and event["from"] in progress
        ):
            term, followers = progress[event["from"]]
            p = followers.get(event["to"])
            if p is not None and event["term"] == term:  # probe from the entry after the snapshot
                p[0], p[2] = max(p[1], int(event.get("last_index", 0))) + 1, False
        elif (
            event["type"] == EventType.DELIVER
            and event["msg"] in ("AppendEntriesResponse", "InstallSnapshotResponse")
            and event["to"] in progress
        ):
            term, followers = progress[event["to"]]
            p = followers.get(event["from"])
            if p is None or event["term"] != term:
                continue
            if event.get("success") or (
                event["msg"] == "InstallSnapshotResponse" and not event.get("refused")
            ):
                p[2] = True
                p[1] = max(p[1], int(event.get("match_index", 0)))
                p[0] = max(p[0], p[1] + 1)
            else:
                p[2] = False
    leaders = [(term, node) for node, (term, _) in progress.items() if role.get(node, ("", 0))[0] == "leader"]
    if not leaders:
        return []
    term, leader = max(leaders)
    return [FollowerProgress(leader, term, f, p[0], p[1]) for f, p in progress[leader][1].items()]
