"""The one in-process event stream, and the typed shape of every event in it.

An event is a plain dict whose first two keys are ``t_ms`` and ``type``: exactly one line of the JSON Lines
trace. Each event type has a :class:`~typing.TypedDict` below (its keys and their types, ``NotRequired`` for a key
only some events carry); :data:`Event` is their union, and a consumer narrows it by comparing ``event["type"]`` with
an :class:`EventType` member (``if event["type"] == EventType.CRASH:`` or ``match event["type"]``), after which the
type checker knows the keys. Events read back from a trace file have the same shapes (their ``type`` is then a plain
string equal to the member). Consumers (the trace writer, the safety checker, the summary, in-memory recording)
subscribe to the types they need; a producer asks :meth:`EventBus.wants` before building an event nobody reads, so
an untraced run pays nothing for per-message events.

Adding an event type is a change in this module only (and at the producer that emits it): add the member to
:class:`EventType`, a ``TypedDict`` whose ``type`` is ``Literal[EventType.NEW]``, and that ``TypedDict`` to the
:data:`Event` union. ``tests/sim/test_events.py`` fails until all three agree, and checks the shipped scenarios'
traces against the shapes. A new key on an existing event is one line in its ``TypedDict`` (``NotRequired`` if
only some events carry it).
"""

# No ``from __future__ import annotations``: the TypedDicts need their annotations at run time to know which
# keys are NotRequired (``__required_keys__``), which tests/sim/test_events.py checks traces against.
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, Literal, NotRequired, TypedDict

#: Version of the trace format written in the meta line; bump on an incompatible change.
TRACE_SCHEMA_VERSION = 1


class EventType(StrEnum):
    """Every event type of the trace, by its name in the ``type`` field."""

    META = "meta"
    ROLE = "role"
    TIMEOUT = "timeout"
    VOTE = "vote"
    PRE_VOTE = "pre_vote"
    STEP_DOWN = "step_down"
    CONFIG = "config"
    TICK_ADVANCE = "tick_advance"
    SEND = "send"
    DELIVER = "deliver"
    DROP = "drop"
    APPEND = "append"
    TRUNCATE = "truncate"
    COMMIT = "commit"
    APPLY = "apply"
    SNAPSHOT = "snapshot"
    CRASH = "crash"
    RESTART = "restart"
    PARTITION = "partition"
    ISOLATE = "isolate"
    CUT = "cut"
    HEAL = "heal"
    SKIP = "skip"
    TRANSFER = "transfer"
    TRANSFER_DONE = "transfer_done"
    TRANSFER_ABORT = "transfer_abort"
    READ = "read"
    SUBMIT = "submit"
    ACK = "ack"
    VIOLATION = "violation"
    END = "end"


ALL_TYPES: frozenset[EventType] = frozenset(EventType)


# ------------------------------------------------------------------------------------------------ the run


class MetaEvent(TypedDict):
    """The trace's first line: schema version, nodes, configuration and initial state."""

    t_ms: float
    type: Literal[EventType.META]
    schema: int
    scenario: str
    seed: int
    duration_ms: float
    nodes: list[str]
    #: Servers declared in ``cluster.spares``, started only when a scenario event adds them.
    spares: NotRequired[list[str]]
    bugs: list[str]
    config: dict[str, Any]
    events: list[dict[str, Any]]
    initial_state: dict[str, dict[str, Any]]


class EndEvent(TypedDict):
    """The trace's last line: the final leader and every node's commit index."""

    t_ms: float
    type: Literal[EventType.END]
    final_leader: str | None
    commit_index: dict[str, int]
    interrupted: NotRequired[bool]


class ViolationEvent(TypedDict):
    """A safety property broke (the run stops here)."""

    t_ms: float
    type: Literal[EventType.VIOLATION]
    property: str
    nodes: list[str]
    term: int | None
    index: int | None
    detail: str


# ------------------------------------------------------------------------------------------------ a node


class RoleEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.ROLE]
    node: str
    role: str
    term: int


class TimeoutEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.TIMEOUT]
    node: str
    term: int


class VoteEvent(TypedDict):
    """A node answered a RequestVote; ``reason`` names the rule that refused it."""

    t_ms: float
    type: Literal[EventType.VOTE]
    node: str
    candidate: str
    term: int
    granted: bool
    reason: NotRequired[str]


class PreVoteEvent(TypedDict):
    """A node answered a PreVote (thesis §9.6): ``term`` is the term the candidate would use; ``reason`` names
    the rule that refused it."""

    t_ms: float
    type: Literal[EventType.PRE_VOTE]
    node: str
    candidate: str
    term: int
    granted: bool
    reason: NotRequired[str]


class StepDownEvent(TypedDict):
    """A leader stepped down on its own; ``reason`` says why (``check_quorum``: no majority heard within an
    election timeout, thesis §6.2). A ``role`` event follows."""

    t_ms: float
    type: Literal[EventType.STEP_DOWN]
    node: str
    term: int
    reason: str


class ConfigEvent(TypedDict):
    """A configuration entry at one server (thesis chapter 4): ``appended`` to its log, ``committed`` there, or
    ``in_force``: the configuration the server uses changed (to one just appended, back to an earlier one when
    the entry was truncated, or to the one in its log at a restart). ``index`` is the entry's (0: the
    configuration the cluster started with); ``outgoing`` (the old voters) only in joint consensus."""

    t_ms: float
    type: Literal[EventType.CONFIG]
    node: str
    phase: str
    index: int
    voters: list[str]
    learners: list[str]
    outgoing: NotRequired[list[str]]


class TickAdvanceEvent(TypedDict):
    """A member that started with etcd's timers fast-forwarded ``ticks`` election ticks at once (etcd's initial
    election tick advance: ElectionTick - 2 once it reaches more than one peer; ElectionTick - 1 in a cluster of
    one)."""

    t_ms: float
    type: Literal[EventType.TICK_ADVANCE]
    node: str
    ticks: int


class AppendEvent(TypedDict):
    """An entry entered a node's log; ``client``/``seq`` only for a client's command (``command`` None: no-op)."""

    t_ms: float
    type: Literal[EventType.APPEND]
    node: str
    index: int
    term: int
    command: str | None
    client: NotRequired[str]
    seq: NotRequired[int]


class TruncateEvent(TypedDict):
    """A node dropped its log from ``index`` on."""

    t_ms: float
    type: Literal[EventType.TRUNCATE]
    node: str
    index: int


class CommitEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.COMMIT]
    node: str
    index: int


class ApplyEvent(TypedDict):
    """A node applied an entry; ``client``/``seq``/``value`` only for a client's command."""

    t_ms: float
    type: Literal[EventType.APPLY]
    node: str
    index: int
    term: int
    command: str | None
    client: NotRequired[str]
    seq: NotRequired[int]
    value: NotRequired[str | None]
    duplicate: NotRequired[bool]


#: A node replaced its log up to ``index`` (whose entry had ``term``) by a snapshot (thesis §5.1): one it took of
#: its own state machine, or (with ``from``, the leader) one it installed from an InstallSnapshot, keeping the
#: ``kept`` entries that followed the snapshot's last included entry in its log (0: it discarded its entire log).
SnapshotEvent = TypedDict(
    "SnapshotEvent",
    {
        "t_ms": float,
        "type": Literal[EventType.SNAPSHOT],
        "node": str,
        "index": int,
        "term": int,
        "from": NotRequired[str],
        "kept": NotRequired[int],
    },
)


# ------------------------------------------------------------------------------------------------ messages

#: The fields of a message on the wire (``from`` is a keyword, hence the functional form). ``reply_to`` on a
#: response to a request; the rest by ``msg``: RequestVote ``last_index``/``last_term``; RequestVoteResponse
#: ``granted`` (``refused`` names the rule), and ``transfer`` (only when true) on the RequestVote of an election
#: started by TimeoutNow; PreVote and TimeoutNow ``last_index``/``last_term``; AppendEntries ``prev_index``/``prev_term``/``entries``/``commit``;
#: AppendEntriesResponse ``success``/``match_index`` (``refused`` names the rule); InstallSnapshot
#: ``last_index``/``last_term`` (the snapshot's last included entry); InstallSnapshotResponse ``match_index``
#: (``refused`` names the rule).
MessageFields = TypedDict(
    "MessageFields",
    {
        "t_ms": float,
        "from": str,
        "to": str,
        "msg": str,
        "term": int,
        "id": int,
        "reply_to": NotRequired[int],
        "last_index": NotRequired[int],
        "last_term": NotRequired[int],
        "transfer": NotRequired[bool],
        "granted": NotRequired[bool],
        "refused": NotRequired[str],
        "prev_index": NotRequired[int],
        "prev_term": NotRequired[int],
        "entries": NotRequired[int],
        "commit": NotRequired[int],
        "success": NotRequired[bool],
        "match_index": NotRequired[int],
        "round": NotRequired[int],
    },
)


class SendEvent(MessageFields):
    type: Literal[EventType.SEND]


class DeliverEvent(MessageFields):
    type: Literal[EventType.DELIVER]


class DropEvent(MessageFields):
    """A message lost on the wire; ``reason``: loss, cut, partition or down."""

    type: Literal[EventType.DROP]
    reason: str


# ------------------------------------------------------------------------------------------------ faults


class CrashEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.CRASH]
    node: str


class RestartEvent(TypedDict):
    """A node came back with what its storage kept: term, vote, and the terms of its log's entries; with a
    snapshot, its last included index and term (``snapshot``: ``[index, term]``), the log then holding the
    entries after it."""

    t_ms: float
    type: Literal[EventType.RESTART]
    node: str
    term: int
    voted_for: str | None
    log: list[int]
    snapshot: NotRequired[list[int]]


class PartitionEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.PARTITION]
    groups: list[list[str]]


class IsolateEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.ISOLATE]
    node: str


CutEvent = TypedDict("CutEvent", {"t_ms": float, "type": Literal[EventType.CUT], "from": str, "to": str})


class HealEvent(TypedDict):
    """Heal one ``link`` (both ways), every cut touching ``node``, or (neither key) every cut."""

    t_ms: float
    type: Literal[EventType.HEAL]
    link: NotRequired[list[str]]
    node: NotRequired[str]


class SkipEvent(TypedDict):
    """A scripted action that could not happen (crash a node already down, ...), and why."""

    t_ms: float
    type: Literal[EventType.SKIP]
    action: str
    target: str
    reason: str


# ------------------------------------------------------------------------------------------------ transfers

#: A leader began transferring leadership to ``node`` (thesis §3.10); ``from`` is the leader, ``term`` its term.
TransferEvent = TypedDict(
    "TransferEvent",
    {"t_ms": float, "type": Literal[EventType.TRANSFER], "node": str, "from": str, "term": int},
)

#: The transfer to ``node`` succeeded: it was elected in ``elected_term``, ``took_ms`` after the transfer began.
TransferDoneEvent = TypedDict(
    "TransferDoneEvent",
    {
        "t_ms": float,
        "type": Literal[EventType.TRANSFER_DONE],
        "node": str,
        "from": str,
        "term": int,
        "elected_term": int,
        "took_ms": float,
    },
)

#: The transfer to ``node`` failed; ``reason``: timed out, leader crashed, replaced by another transfer, or
#: another server won a later term.
TransferAbortEvent = TypedDict(
    "TransferAbortEvent",
    {
        "t_ms": float,
        "type": Literal[EventType.TRANSFER_ABORT],
        "node": str,
        "from": str,
        "term": int,
        "reason": str,
    },
)


# ------------------------------------------------------------------------------------------------ clients


class SubmitEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.SUBMIT]
    client: str
    seq: int
    command: str


class AckEvent(TypedDict):
    t_ms: float
    type: Literal[EventType.ACK]
    client: str
    seq: int
    command: str
    index: int
    value: str | None


class ReadEvent(TypedDict):
    """A leader answered a client's read without writing the log (thesis §6.4): ``index`` is its read index,
    ``mode`` how leadership was confirmed (``read_index``: a heartbeat round a majority acknowledged; ``lease``:
    the lease held), ``value`` what it read."""

    t_ms: float
    type: Literal[EventType.READ]
    node: str
    client: str
    seq: int
    command: str
    index: int
    mode: str
    value: str | None


#: Any event of the stream (and any line of a trace file).
Event = (
    MetaEvent
    | RoleEvent
    | TimeoutEvent
    | VoteEvent
    | PreVoteEvent
    | StepDownEvent
    | ConfigEvent
    | TickAdvanceEvent
    | SendEvent
    | DeliverEvent
    | DropEvent
    | AppendEvent
    | TruncateEvent
    | CommitEvent
    | ApplyEvent
    | SnapshotEvent
    | CrashEvent
    | RestartEvent
    | PartitionEvent
    | IsolateEvent
    | CutEvent
    | HealEvent
    | SkipEvent
    | TransferEvent
    | TransferDoneEvent
    | TransferAbortEvent
    | SubmitEvent
    | AckEvent
    | ReadEvent
    | ViolationEvent
    | EndEvent
)
#: The three events of a message on the wire.
MessageEvent = SendEvent | DeliverEvent | DropEvent
#: A consumer of events.
Handler = Callable[[Event], None]


#: The events of a message on the wire, which a consumer may ask for only for some kinds of message.
MESSAGE_TYPES = frozenset({EventType.SEND, EventType.DELIVER, EventType.DROP})


class EventBus:
    """Dispatches each emitted event to the handlers subscribed to its type, in subscription order."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}
        #: Per message event type with a subscriber: the message kinds wanted (``None``: every kind).
        self._message_kinds: dict[str, frozenset[str] | None] = {}
        #: Called after every subscription: producers that keep what is wanted look again.
        self._watchers: list[Callable[[], None]] = []

    def subscribe(
        self,
        handler: Handler,
        types: Iterable[EventType] | None = None,
        *,
        messages: Iterable[str] | None = None,
    ) -> None:
        """Call ``handler`` for every event of ``types`` (all types when ``None``); with ``messages``, the
        message events among them (``send``, ``deliver``, ``drop``) only for messages of those kinds (their
        ``msg``): the network then builds no event for the other kinds unless somebody else wants them."""
        kinds = None if messages is None else frozenset(messages)
        for t in ALL_TYPES if types is None else types:
            call = handler
            if t in MESSAGE_TYPES:
                wanted = self._message_kinds.get(t, frozenset())
                self._message_kinds[t] = None if kinds is None or wanted is None else wanted | kinds
                if kinds is not None:
                    call = _only_kinds(handler, kinds)
            self._handlers.setdefault(t, []).append(call)
        for watcher in self._watchers:
            watcher()

    def watch(self, changed: Callable[[], None]) -> None:
        """Call ``changed`` after every later subscription: a producer that asks :meth:`wants` (or
        :meth:`message_kinds`) once, rather than per event, asks again then, so a consumer subscribed after it was
        built (a run's ``setup``) gets its events too."""
        self._watchers.append(changed)

    def wants(self, event_type: EventType) -> bool:
        return event_type in self._handlers

    def message_kinds(self, event_type: EventType) -> frozenset[str] | None:
        """The message kinds somebody wants ``event_type`` events of (``None``: every kind; empty: none)."""
        return self._message_kinds.get(event_type, frozenset())

    def emit(self, event: Event) -> None:
        for handler in self._handlers.get(event["type"], ()):
            handler(event)


def _only_kinds(handler: Handler, kinds: frozenset[str]) -> Handler:
    """``handler``, called only with the message events of messages of ``kinds``."""

    def call(event: Event) -> None:
        if event["msg"] in kinds:  # type: ignore[typeddict-item]
            handler(event)

    return call
