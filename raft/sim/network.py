"""The network between servers: latency, loss, duplication, reordering, and partitions.

Connectivity is a :class:`~raft.sim.topology.Topology` (a directed networkx graph whose cut links are kept as a
set, so the per-message path is a set lookup). Whether a message gets through is decided when it arrives: a message whose
link is cut at arrival, or whose receiver is down, is dropped with that reason.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Protocol

import simpy

from raft.core.messages import MESSAGE_CLASSES, Message
from raft.sim.delays import Sampler
from raft.sim.events import DeliverEvent, DropEvent, EventBus, EventType, SendEvent
from raft.sim.topology import Topology

#: Looks at a message as it is delivered, before its receiver does (how a run checks a TimeoutNow on arrival).
Inspect = Callable[[str, str, Message], None]


class Endpoint(Protocol):
    """A server as the network sees it: up or down, and the receiver of what arrives while it is up."""

    @property
    def up(self) -> bool: ...

    def receive(self, src: str, message: Message, msg_id: int) -> None: ...


#: Reasons a message is dropped, as written in ``drop`` events: lost at random, its link cut by a partition or
#: an isolation, its link cut one way by a ``cut`` event, or its receiver down.
LOSS, PARTITION, CUT, DOWN = "loss", "partition", "cut", "down"


#: The message events, looked up once (they are built for every message of a traced run).
_SEND: Final = EventType.SEND
_DELIVER: Final = EventType.DELIVER
_DROP: Final = EventType.DROP
#: Each message class's kind, by name (what the trace's ``msg`` says), looked up once per message.
_KIND_NAME: Final = {cls: cls.kind.value for cls in MESSAGE_CLASSES}


class Network:
    """Carries messages between servers, one simpy event per message.

    Latency: a uniform [low, high] range or a drawn distribution (``latency_ms``), plus a link's base latency
    (``link_latency_ms``, the same both ways); every draw comes from the network's stream.

    Counters ``sent``, ``delivered`` and ``dropped`` count node-to-node RPCs and replies (a duplicated message
    counts once as sent and once per copy delivered or dropped).
    """

    def __init__(
        self,
        env: simpy.Environment,
        nodes: Sequence[str],
        rng: random.Random,
        bus: EventBus,
        *,
        latency_ms: tuple[float, float] | Sampler,
        link_latency_ms: Mapping[str, Mapping[str, float]] | None = None,
        drop_rate: float = 0.0,
        duplicate_rate: float = 0.0,
        reorder_ms: float = 0.0,
    ) -> None:
        self.env = env
        self.nodes = tuple(nodes)
        self.rng = rng
        self.bus = bus
        #: A drawn latency (a distribution), or None: uniform over [latency_low, latency_high].
        self.draw_latency: Sampler | None = None
        if callable(latency_ms):
            self.draw_latency = latency_ms
            self.latency_low = self.latency_high = 0.0
        else:
            self.latency_low, self.latency_high = latency_ms
        #: The base one-way latency of each link that has one (both directions), added to every draw.
        self.link_ms: dict[tuple[str, str], float] = {}
        for a, row in (link_latency_ms or {}).items():
            for b, ms in row.items():
                self.link_ms[(a, b)] = self.link_ms[(b, a)] = ms
        self.drop_rate = drop_rate
        self.duplicate_rate = duplicate_rate
        self.reorder_ms = reorder_ms
        self.topology = Topology(self.nodes)
        #: The servers messages go to, by name (set by the simulation that owns them).
        self.endpoints: Mapping[str, Endpoint] = {}
        #: Called with each delivered message before its receiver gets it, if set.
        self.inspect: Inspect | None = None
        self.sent = 0
        self.delivered = 0
        self.dropped = 0
        self._look_at_subscribers()
        bus.watch(self._look_at_subscribers)

    def _look_at_subscribers(self) -> None:
        """Which message classes somebody wants each message event of (by the kinds subscribed to)."""
        self._trace_send = self._traced(EventType.SEND)
        self._trace_deliver = self._traced(EventType.DELIVER)
        self._trace_drop = self._traced(EventType.DROP)

    def _traced(self, event_type: EventType) -> frozenset[type[Message]]:
        kinds = self.bus.message_kinds(event_type)
        return frozenset(c for c, name in _KIND_NAME.items() if kinds is None or name in kinds)

    # -------------------------------------------------------------- messages

    def is_up(self, node: str) -> bool:
        return self.endpoints[node].up

    def latency(self) -> float:
        """One draw of the one-way latency (uniform over the configured range, or the configured distribution),
        without any link's base latency."""
        if self.draw_latency is not None:
            delay = self.draw_latency()
        else:
            low, high = self.latency_low, self.latency_high
            delay = low if low == high else low + (high - low) * self.rng.random()  # random.uniform's formula
        if self.reorder_ms and self.rng.random() < 0.5:
            delay += self.rng.uniform(0.0, self.reorder_ms)
        return delay

    def send(self, src: str, dst: str, message: Message, reply_to: int | None) -> None:
        """Put ``message`` on the wire from ``src`` to ``dst``; it arrives after one latency draw. Its id is its
        number among the messages sent (a duplicate shares it)."""
        self.sent += 1
        msg_id = self.sent
        fields = None  # the message's trace fields, described once for its send and its deliver/drop events
        if type(message) in self._trace_send:
            fields = describe_message(message)
            event: SendEvent = self._describe(_SEND, src, dst, message, msg_id, reply_to, fields)
            self.bus.emit(event)
        copies = 2 if self.duplicate_rate and self.rng.random() < self.duplicate_rate else 1
        for _ in range(copies):
            lost = self.drop_rate > 0.0 and self.rng.random() < self.drop_rate
            latency = self.latency() + self.link_ms.get((src, dst), 0.0) if self.link_ms else self.latency()
            arrival = self.env.timeout(latency, (src, dst, message, msg_id, reply_to, lost, fields))
            arrival.callbacks.append(self._arrive)

    def _arrive(self, arrival: Any) -> None:
        src, dst, message, msg_id, reply_to, lost, fields = arrival.value
        receiver = self.endpoints[dst]
        if lost:
            reason = LOSS
        elif (src, dst) in self.topology.cut:
            reason = CUT if (src, dst) in self.topology.cut_one_way else PARTITION
        elif not receiver.up:
            reason = DOWN
        else:
            self.delivered += 1
            if type(message) in self._trace_deliver:
                delivered: DeliverEvent = self._describe(
                    _DELIVER, src, dst, message, msg_id, reply_to, fields
                )
                self.bus.emit(delivered)
            if self.inspect is not None:
                self.inspect(src, dst, message)
            receiver.receive(src, message, msg_id)
            return
        self.dropped += 1
        if type(message) in self._trace_drop:
            dropped: DropEvent = self._describe(_DROP, src, dst, message, msg_id, reply_to, fields)
            dropped["reason"] = reason
            self.bus.emit(dropped)

    def _describe(
        self,
        kind: EventType,
        src: str,
        dst: str,
        message: Message,
        msg_id: int,
        reply_to: int | None,
        fields: dict[str, Any] | None = None,
    ) -> Any:
        """The event of ``message`` on the wire: a :class:`SendEvent`, :class:`DeliverEvent` or :class:`DropEvent`
        by ``kind`` (built once as a plain dict: this is the hot path); ``fields`` are the message's
        :func:`describe_message`, if already described."""
        event: dict[str, Any] = {
            "t_ms": self.env.now,
            "type": kind,
            "from": src,
            "to": dst,
            "msg": _KIND_NAME[type(message)],
            "term": message.term,
            "id": msg_id,
        }
        if reply_to is not None:
            event["reply_to"] = reply_to
        event.update(describe_message(message) if fields is None else fields)
        return event


def describe_message(message: Message) -> dict[str, Any]:
    """The fields of a message worth showing in a trace (besides its kind and term)."""
    fields: dict[str, Any] = {}
    kind = _KIND_NAME[type(message)]
    if kind == "AppendEntries":
        fields["prev_index"] = message.prev_log_index  # type: ignore[union-attr]
        fields["prev_term"] = message.prev_log_term  # type: ignore[union-attr]
        fields["entries"] = len(message.entries)  # type: ignore[union-attr]
        fields["commit"] = message.leader_commit  # type: ignore[union-attr]
        if message.heartbeat_round:  # type: ignore[union-attr]  # only when reads are served without the log
            fields["round"] = message.heartbeat_round  # type: ignore[union-attr]
    elif kind == "AppendEntriesResponse":
        fields["success"] = message.success  # type: ignore[union-attr]
        fields["match_index"] = message.match_index  # type: ignore[union-attr]
        if message.refused is not None:  # type: ignore[union-attr]
            fields["refused"] = message.refused.value  # type: ignore[union-attr]
        if message.heartbeat_round:  # type: ignore[union-attr]
            fields["round"] = message.heartbeat_round  # type: ignore[union-attr]
    elif kind == "InstallSnapshot":
        fields["last_index"] = message.last_included_index  # type: ignore[union-attr]
        fields["last_term"] = message.last_included_term  # type: ignore[union-attr]
    elif kind == "InstallSnapshotResponse":
        fields["match_index"] = message.match_index  # type: ignore[union-attr]
        if message.refused is not None:  # type: ignore[union-attr]
            fields["refused"] = message.refused.value  # type: ignore[union-attr]
    elif kind in ("RequestVote", "PreVote", "TimeoutNow"):
        fields["last_index"] = message.last_log_index  # type: ignore[union-attr]
        fields["last_term"] = message.last_log_term  # type: ignore[union-attr]
        if kind == "RequestVote" and message.transfer:  # type: ignore[union-attr]
            fields["transfer"] = True
    else:
        fields["granted"] = message.vote_granted  # type: ignore[union-attr]
        if message.refused is not None:  # type: ignore[union-attr]
            fields["refused"] = message.refused.value  # type: ignore[union-attr]
    return fields
