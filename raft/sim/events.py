"""The one in-process event stream.

An event is a plain dict whose first two keys are ``t_ms`` and ``type``: exactly one line of the JSON Lines
trace. Consumers (the trace writer, the safety checker, the summary, in-memory recording) subscribe to the types
they need; a producer asks :meth:`EventBus.wants` before building an event nobody reads, so an untraced run pays
nothing for per-message events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

Event = dict[str, Any]
Handler = Callable[[Event], None]

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
    SEND = "send"
    DELIVER = "deliver"
    DROP = "drop"
    APPEND = "append"
    TRUNCATE = "truncate"
    COMMIT = "commit"
    APPLY = "apply"
    CRASH = "crash"
    RESTART = "restart"
    PARTITION = "partition"
    ISOLATE = "isolate"
    CUT = "cut"
    HEAL = "heal"
    SKIP = "skip"
    SUBMIT = "submit"
    ACK = "ack"
    VIOLATION = "violation"
    END = "end"


ALL_TYPES: frozenset[str] = frozenset(t.value for t in EventType)


class EventBus:
    """Dispatches each emitted event to the handlers subscribed to its type, in subscription order."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, handler: Handler, types: Iterable[str] | None = None) -> None:
        """Call ``handler`` for every event of ``types`` (all types when ``None``)."""
        for t in ALL_TYPES if types is None else types:
            self._handlers.setdefault(str(t), []).append(handler)

    def wants(self, event_type: str) -> bool:
        return event_type in self._handlers

    def emit(self, event: Event) -> None:
        for handler in self._handlers.get(event["type"], ()):
            handler(event)
