"""A run's client history, and whether it is linearizable.

This module owns the translation from events to the checker's operations: a ``submit`` event is an operation's
invoke, its ``ack`` (same client and sequence number) its OK completion; an operation never acknowledged has an
UNKNOWN outcome (it may or may not have taken effect). Commands ``k=v`` write, ``-k`` delete, ``?k`` read (the
acknowledged value is what the read returned). The check itself is :mod:`raft.analysis.linearizability`.

It reads only ``submit`` and ``ack`` events, a few per client command, so a run that records them for the check
pays almost nothing (see :data:`HISTORY_TYPES`).
"""

from __future__ import annotations

from collections.abc import Iterable

from raft.analysis.linearizability import CheckResult, Operation, Outcome, Verdict, check_history
from raft.analysis.records import ViolationRecord
from raft.core.statemachine import OpKind, parse_op
from raft.properties import Property
from raft.sim.events import AckEvent, Event, EventType, SubmitEvent

#: The event types a client history is built from.
HISTORY_TYPES: tuple[EventType, ...] = (EventType.SUBMIT, EventType.ACK)
#: The property a non-linearizable history violates (an alias of :attr:`Property.LINEARIZABILITY`).
LINEARIZABILITY = Property.LINEARIZABILITY
#: Default search budget per key (states, not seconds: the answer is deterministic).
DEFAULT_BUDGET = 200_000


def client_history(events: Iterable[Event]) -> tuple[list[Operation], dict[int, AckEvent]]:
    """The operations of a run's clients, in invoke order, and each acknowledged one's ``ack`` event by op id."""
    invoked: dict[tuple[str, int], tuple[int, float, str]] = {}
    acks: dict[tuple[str, int], AckEvent] = {}
    for event in events:
        if event["type"] == EventType.SUBMIT:
            invoked[(event["client"], event["seq"])] = (len(invoked), event["t_ms"], event["command"])
        elif event["type"] == EventType.ACK:
            acks.setdefault((event["client"], event["seq"]), event)
    ops: list[Operation] = []
    acked_by_id: dict[int, AckEvent] = {}
    for (client, seq), (op_id, invoke_ms, command) in invoked.items():
        kind, key, value = parse_op(command)
        ack = acks.get((client, seq))
        if ack is None:
            ops.append(Operation(client, kind, key, value, invoke_ms, None, Outcome.UNKNOWN, op_id))
            continue
        if kind is OpKind.READ:
            value = ack["value"]
        ops.append(Operation(client, kind, key, value, invoke_ms, ack["t_ms"], Outcome.OK, op_id))
        acked_by_id[op_id] = ack
    return ops, acked_by_id


def check_linearizable(events: Iterable[Event], *, budget_states: int = DEFAULT_BUDGET) -> CheckResult:
    """Whether the clients' history in ``events`` is linearizable (per key, within the search budget)."""
    ops, _ = client_history(events)
    return check_history(ops, budget_states=budget_states)


def linearizability_violation(events: Iterable[Event], result: CheckResult) -> ViolationRecord | None:
    """The summary's violation record for a non-linearizable history (``None`` otherwise): the first operation
    that cannot be linearized, when its answer arrived, and the log index it was answered from."""
    if result.verdict is not Verdict.NOT_LINEARIZABLE or result.first_bad is None:
        return None
    _, acks = client_history(events)
    bad = result.first_bad
    assert bad.complete_ms is not None, "the first operation that cannot be linearized is a completed one"
    ack = acks.get(bad.op_id)
    return {
        "property": Property.LINEARIZABILITY.value,
        "t_ms": bad.complete_ms,
        "nodes": [],
        "term": None,
        "index": None if ack is None else ack["index"],
        "detail": f"client {bad.client}: {result.detail}",
    }


class HistoryRecorder:
    """An event consumer keeping only what a client history needs (subscribe it to :data:`HISTORY_TYPES`)."""

    def __init__(self) -> None:
        self.events: list[SubmitEvent | AckEvent] = []

    def __call__(self, event: Event) -> None:
        assert event["type"] == EventType.SUBMIT or event["type"] == EventType.ACK, (
            "subscribe to HISTORY_TYPES"
        )
        self.events.append(event)

    def check(self, budget_states: int = DEFAULT_BUDGET) -> CheckResult:
        return check_linearizable(self.events, budget_states=budget_states)
