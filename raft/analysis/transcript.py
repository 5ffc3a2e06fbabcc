"""The transcript of a run: its events as readable lines, one per interesting event.

    12.3 ms  n1 -> n2  RequestVote term 2 last 5/1
    14.0 ms  n2 votes for n1 (term 2)
    20.1 ms  n1 becomes leader (term 2)

One renderer, :func:`transcript`, backs ``raft-sim run --events``, ``Result.transcript()`` and the golden
transcript tests (``tests/golden/``). :class:`TranscriptOptions` chooses what is shown; :func:`parse_options` reads
the same choices from text (``"to_ms=60 no-sends heartbeats"``), as the CLI's ``--show`` and the golden files
write them.

Arrows: ``a -> b`` a message sent, ``b <- a`` a message delivered, ``a -x b`` a message dropped (and why).
Positions in a log are written ``index/term``. A refusal whose event carries a ``reason`` says it after a colon.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any, TypeGuard

from raft.analysis.membership import config_line
from raft.core.messages import MessageKind
from raft.core.types import Role
from raft.errors import RaftSimError
from raft.sim.events import (
    AppendEvent,
    ApplyEvent,
    Event,
    EventType,
    MessageEvent,
    PreVoteEvent,
    TransferAbortEvent,
    TransferDoneEvent,
    TransferEvent,
    VoteEvent,
)

__all__ = ["TranscriptOptions", "parse_options", "transcript", "transcript_lines"]

#: Event types never shown: the meta line (the scenario itself) and the end line (the summary says it better).
_HIDDEN = frozenset({EventType.META, EventType.END})
_MESSAGE_TYPES = frozenset({EventType.SEND, EventType.DELIVER, EventType.DROP})
_CLIENT_TYPES = frozenset({EventType.SUBMIT, EventType.ACK, EventType.READ})
#: A node's run of appends (or applies) longer than this shows its first two entries and its last.
_LONG_RUN = 10
_ARROWS = {EventType.SEND: "->", EventType.DELIVER: "<-", EventType.DROP: "-x"}
_APPEND_ENTRIES = MessageKind.APPEND_ENTRIES.value
_FOLLOWER = Role.FOLLOWER.value
#: An append or apply event: a node's run of them at one instant is shown as one line.
Entry = AppendEvent | ApplyEvent


@dataclass(frozen=True, slots=True)
class TranscriptOptions:
    """What a transcript shows. Elections (timeouts, roles, votes), log changes (appends, truncations,
    commits), faults, scripted skips and violations are always shown; the rest is chosen here.

    ``from_ms``/``to_ms`` bound the window (inclusive); ``nodes`` keeps only the events that involve one of
    these nodes (cluster-wide events such as partitions are kept); ``sends``, ``delivers`` and ``drops``
    show node-to-node messages as they leave, arrive or are lost; ``heartbeats`` includes AppendEntries without
    entries and their replies among those messages; ``applies`` shows each entry applied to a state machine;
    ``clients`` shows client submissions and acknowledgements (and reads answered without the log);
    ``follower_terms`` shows a follower moving to a newer term without changing role (its vote or its new
    leader's messages usually say it).
    """

    from_ms: float | None = None
    to_ms: float | None = None
    nodes: tuple[str, ...] | None = None
    sends: bool = True
    delivers: bool = False
    drops: bool = True
    heartbeats: bool = False
    applies: bool = False
    clients: bool = True
    follower_terms: bool = False


_SWITCHES = tuple(f.name for f in fields(TranscriptOptions) if f.type in ("bool", bool))


def parse_options(text: str, base: TranscriptOptions = TranscriptOptions()) -> TranscriptOptions:
    """``base`` changed by ``text``: words separated by spaces or commas, each ``NAME`` (switch on),
    ``no-NAME`` (switch off), ``from_ms=MS``, ``to_ms=MS`` or ``nodes=a+b``. Unknown words are a
    :class:`RaftSimError` naming the known ones."""
    changes: dict[str, Any] = {}
    for word in text.replace(",", " ").split():
        key, sep, value = word.partition("=")
        if sep:
            if key in ("from_ms", "to_ms"):
                try:
                    changes[key] = float(value)
                except ValueError:
                    raise RaftSimError(f"{key}: expected a number of milliseconds, got {value!r}") from None
            elif key == "nodes":
                changes[key] = tuple(n for n in value.split("+") if n)
            else:
                raise RaftSimError(f"unknown transcript option {key!r} (known: from_ms, to_ms, nodes)")
            continue
        name, on = (word[3:], False) if word.startswith("no-") else (word, True)
        if name not in _SWITCHES:
            known = ", ".join(_SWITCHES)
            raise RaftSimError(
                f"unknown transcript option {word!r} (known: {known}, each also as no-NAME; "
                "from_ms=MS, to_ms=MS, nodes=a+b)"
            )
        changes[name] = on
    return replace(base, **changes)


def transcript(events: Iterable[Event], options: TranscriptOptions | str = TranscriptOptions()) -> str:
    """The transcript of ``events`` (a recorded run or a read trace), one line per shown event; ``options`` may
    be given in their text form (``"to_ms=100 delivers"``)."""
    chosen = parse_options(options) if isinstance(options, str) else options
    return "".join(line + "\n" for line in transcript_lines(events, chosen))


def transcript_lines(
    events: Iterable[Event], options: TranscriptOptions = TranscriptOptions()
) -> Iterator[str]:
    """The lines of :func:`transcript`, lazily (a long run need not be held as text)."""
    heartbeat_ids: set[int] = set()
    roles: dict[str, str] = {}  # each node's role as last seen, to say "becomes" only on a change
    run: list[Entry] = []  # appends (or applies) of one node at one instant, shown as one line
    for event in events:
        if _is_message(event) and event["msg"] == _APPEND_ENTRIES and event.get("entries") == 0:
            heartbeat_ids.add(event["id"])
        if (
            event["type"] == EventType.ROLE
            and not options.follower_terms
            and roles.get(event["node"]) == event["role"] == _FOLLOWER
        ):
            continue
        text = _describe(event, roles)
        if text is None or not _shown(event, options, heartbeat_ids):
            continue
        if run and not _continues(run[-1], event):
            yield _line(run[0]["t_ms"], _entries(run))
            run = []
        if event["type"] == EventType.APPEND or event["type"] == EventType.APPLY:
            run.append(event)
            continue
        yield _line(event["t_ms"], text)
    if run:
        yield _line(run[0]["t_ms"], _entries(run))


def _line(t_ms: float, text: str) -> str:
    return f"{t_ms:9.1f} ms  {text}"


def _is_message(event: Event) -> TypeGuard[MessageEvent]:
    return event["type"] in _MESSAGE_TYPES


def _continues(last: Entry, event: Event) -> bool:
    """``event`` adds the next entry to the same node's run of appends (or applies) at the same instant."""
    if event["type"] != last["type"] or not (
        event["type"] == EventType.APPEND or event["type"] == EventType.APPLY
    ):
        return False
    return (event["node"], event["t_ms"], event["index"]) == (last["node"], last["t_ms"], last["index"] + 1)


def _entries(run: list[Entry]) -> str:
    """``n2 appends 5/1 x=1, 6/1 y=2`` (an entry without a command, such as a leader's no-op, is ``index/term``)."""
    verb = "appends" if run[0]["type"] == EventType.APPEND else "applies"
    shown = [
        f"{e['index']}/{e['term']}"
        + (f" {e['command']}" if e.get("command") is not None else "")
        + (" (duplicate)" if e.get("duplicate") else "")
        for e in run
    ]
    count = ""
    if len(shown) > _LONG_RUN:
        shown, count = [*shown[:2], "...", shown[-1]], f" ({len(shown)} entries)"
    return f"{run[0]['node']} {verb} " + ", ".join(shown) + count


def _shown(event: Event, options: TranscriptOptions, heartbeat_ids: set[int]) -> bool:
    t_ms = event["t_ms"]
    if (options.from_ms is not None and t_ms < options.from_ms) or (
        options.to_ms is not None and t_ms > options.to_ms
    ):
        return False
    if _is_message(event):
        chosen = {
            EventType.SEND: options.sends,
            EventType.DELIVER: options.delivers,
            EventType.DROP: options.drops,
        }
        if not chosen[event["type"]]:
            return False
        if not options.heartbeats and (
            event["id"] in heartbeat_ids or event.get("reply_to") in heartbeat_ids
        ):
            return False
    elif (event["type"] == EventType.APPLY and not options.applies) or (
        event["type"] in _CLIENT_TYPES and not options.clients
    ):
        return False
    if options.nodes is not None:
        involved = _nodes_of(event)
        if involved and not involved & set(options.nodes):
            return False
    return True


def _nodes_of(event: Event) -> set[str]:
    """The nodes an event involves (empty: a cluster-wide or client event, always kept by ``nodes``)."""
    if event["type"] == EventType.VIOLATION:
        return set(event.get("nodes") or ())
    fields: dict[str, object] = dict(event)
    return {value for key in ("node", "from", "to", "candidate") if isinstance(value := fields.get(key), str)}


def _describe(event: Event, roles: dict[str, str]) -> str | None:
    """One event as text (``None``: a type never shown). ``roles`` is updated as role events pass."""
    if event["type"] in _HIDDEN:
        return None
    if _is_message(event):
        return _message(event)
    match event["type"]:
        case EventType.ROLE:
            node = event["node"]
            before = roles.get(node)
            roles[node] = event["role"]
            if before is None:
                return f"{node} starts as {event['role']} (term {event['term']})"
            if before == event["role"]:
                return f"{node} stays {event['role']}, now in term {event['term']}"
            return f"{node} becomes {event['role']} (term {event['term']})"
        case EventType.TIMEOUT:
            return f"{event['node']} election timeout (term {event['term']})"
        case EventType.VOTE:
            if event["granted"]:
                return f"{event['node']} votes for {event['candidate']} (term {event['term']})"
            return f"{event['node']} refuses {event['candidate']} (term {event['term']})" + _reason(event)
        case EventType.PRE_VOTE:
            if event["granted"]:
                return f"{event['node']} grants {event['candidate']} a pre-vote (term {event['term']})"
            return (
                f"{event['node']} refuses {event['candidate']} a pre-vote (term {event['term']})"
                + _reason(event)
            )
        case EventType.STEP_DOWN:
            return f"{event['node']} steps down as leader of term {event['term']} ({event['reason']})"
        case EventType.TICK_ADVANCE:
            return f"{event['node']} fast-forwards {event['ticks']} election ticks (initial election tick advance)"
        case EventType.APPEND | EventType.APPLY:
            return _entries([event])
        case EventType.TRUNCATE:
            return f"{event['node']} truncates its log from index {event['index']}"
        case EventType.COMMIT:
            return f"{event['node']} commits up to index {event['index']}"
        case EventType.SNAPSHOT:
            node, last = event["node"], f"{event['index']}/{event['term']}"
            leader = event.get("from")
            if leader is None:
                return f"{node} snapshots its state machine up to {last} and discards those entries"
            kept = event.get("kept", 0)
            rest = f"keeps the {kept} entries after it" if kept else "discards its log"
            return f"{node} installs {leader}'s snapshot up to {last}, {rest}"
        case EventType.CRASH:
            roles.pop(event["node"], None)
            return f"{event['node']} crashes"
        case EventType.RESTART:
            voted = event.get("voted_for") or "nobody"
            log = event.get("log") or []
            snapshot = event.get("snapshot")
            start = snapshot[0] if snapshot else 0
            last = f", last {start + len(log)}/{log[-1]}" if log else ""
            stored = f"snapshot up to {snapshot[0]}/{snapshot[1]}, " if snapshot else ""
            return f"{event['node']} restarts (term {event['term']}, voted for {voted}, {stored}log of {len(log)}{last})"
        case EventType.PARTITION:
            return "partition " + " | ".join(",".join(group) for group in event["groups"])
        case EventType.ISOLATE:
            return f"isolate {event['node']}"
        case EventType.CUT:
            return f"cut {event['from']} -> {event['to']}"
        case EventType.HEAL:
            if event.get("link"):
                a, b = event["link"]
                return f"heal {a} <-> {b}"
            healed = event.get("node")
            return f"heal {healed}" if healed else "heal everything"
        case EventType.CONFIG:
            return config_line(event)
        case EventType.SKIP:
            return f"skip {event['action']} {event['target']}: {event['reason']}"
        case EventType.TRANSFER | EventType.TRANSFER_DONE | EventType.TRANSFER_ABORT:
            return transfer_words(event)
        case EventType.SUBMIT:
            command, client, seq = event["command"], event["client"], event["seq"]
            if command.startswith("?"):
                return f"{client} reads {command[1:]} (seq {seq})"
            return f"{client} submits {command} (seq {seq})"
        case EventType.ACK:
            command, client, seq = event["command"], event["client"], event["seq"]
            if command.startswith("?"):
                value = "(unset)" if event.get("value") is None else event["value"]
                return f"{client} read {command[1:]} = {value} (seq {seq})"
            return f"{client} acknowledged {command} (seq {seq}) at index {event['index']}"
        case EventType.READ:
            value = "(unset)" if event["value"] is None else event["value"]
            how = "under its lease" if event["mode"] == "lease" else "by ReadIndex"
            return (
                f"{event['node']} answers {event['client']}'s read of {event['command'][1:]} = {value} "
                f"(seq {event['seq']}) {how}, read index {event['index']}"
            )
        case EventType.VIOLATION:
            on = ", ".join(event.get("nodes") or ())
            return f"VIOLATION {event['property']}" + (f" on {on}" if on else "") + f": {event['detail']}"
    # a type this version does not know (a trace from a newer one): its fields as they are
    rest = " ".join(f"{k}={v}" for k, v in event.items() if k not in ("t_ms", "type"))
    return f"{event['type']} {rest}"


def transfer_words(event: TransferEvent | TransferDoneEvent | TransferAbortEvent) -> str:
    """A leadership transfer's start or outcome in words (``transfer``, ``transfer_done``, ``transfer_abort``)."""
    target, leader, term = event["node"], event["from"], event["term"]
    match event["type"]:
        case EventType.TRANSFER:
            return f"transfer {leader} -> {target} (term {term}) started"
        case EventType.TRANSFER_DONE:
            return (
                f"transfer {leader} -> {target} done: {target} leads term {event['elected_term']} after "
                f"{event['took_ms']:.1f} ms"
            )
        case EventType.TRANSFER_ABORT:
            return f"transfer {leader} -> {target} (term {term}) aborted: {event['reason']}"


def _message(event: MessageEvent) -> str:
    kind = event["msg"]
    head = f"{event['from']} {_ARROWS[event['type']]} {event['to']}"
    if event["type"] == EventType.DELIVER:
        head = f"{event['to']} {_ARROWS[EventType.DELIVER]} {event['from']}"
    body = f"{kind} term {event['term']}"
    if kind in ("RequestVote", "PreVote", "TimeoutNow"):
        body += f" last {event['last_index']}/{event['last_term']}"
        if event.get("transfer"):
            body += " (transfer campaign)"
    elif kind in ("RequestVoteResponse", "PreVoteResponse"):
        body += " granted" if event["granted"] else " refused"
    elif kind == _APPEND_ENTRIES:
        entries = event["entries"]
        first = event["prev_index"] + 1
        what = (
            "no entries"
            if entries == 0
            else f"entries {first}" + (f"-{first + entries - 1}" if entries > 1 else "")
        )
        body += f" prev {event['prev_index']}/{event['prev_term']} {what} commit {event['commit']}"
    elif kind == "AppendEntriesResponse":
        body += f" ok match {event['match_index']}" if event["success"] else " refused"
    elif kind == "InstallSnapshot":
        body += f" snapshot up to {event['last_index']}/{event['last_term']}"
    elif kind == "InstallSnapshotResponse" and not event.get("refused"):
        body += f" match {event['match_index']}"
    if event["type"] == EventType.DROP:
        return f"{head}  {body}  dropped ({event['reason']})"
    refused = event.get("refused")  # the rule that refused a request, on its refusing reply
    return f"{head}  {body}" + (f": {refused}" if refused else "")


def _reason(event: VoteEvent | PreVoteEvent) -> str:
    reason = event.get("reason")
    return f": {reason}" if reason else ""
