"""Scenario events: the faults and client commands a run applies, at a time or on a trigger.

This module owns the model form of an event (one :class:`Action` and the payload it needs) and the rules that
need no knowledge of the cluster. Rules that do (known nodes, times inside the run, completing partition groups)
live with :class:`raft.scenario.schema.Scenario`.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from raft.core.statemachine import OpKind, parse_op
from raft.scenario.base import RESERVED_NODE, Frozen, Names
from raft.scenario.suggest import KeyPath, problem, show, show_name

#: What a scripted ``write`` may do: set or delete a key (a read goes through the workload's clients).
_WRITE_KINDS = frozenset({OpKind.SET, OpKind.DELETE})
#: What to say when an action's value is missing (``crash: null``, ``partition: []``).
_MISSING = {
    "target": "expected a node name",
    "groups": "expected a list of groups, such as [[n1, n2], [n3]]",
    "link": "expected [from, to]",
    "command": 'expected "key=value" (set) or "-key" (delete)',
}


def _is_write(command: str) -> bool:
    """Whether ``command`` is one line that sets (``key=value``) or deletes (``-key``) a key."""
    try:
        return parse_op(command).kind in _WRITE_KINDS
    except ValueError:
        return False


class Action(Enum):
    """What an event does to the cluster."""

    CRASH = "crash"
    RESTART = "restart"
    PARTITION = "partition"
    HEAL = "heal"
    ISOLATE = "isolate"
    CUT = "cut"
    TIMEOUT = "timeout"
    WRITE = "write"


#: Actions aimed at one node (``target``), and those of them that accept ``leader``.
TARGET_ACTIONS = frozenset({Action.CRASH, Action.RESTART, Action.ISOLATE, Action.TIMEOUT})
LEADER_ACTIONS = frozenset({Action.CRASH, Action.ISOLATE, Action.TIMEOUT})


class When(Frozen):
    """A trigger: fires once, the first time node ``leader`` becomes leader."""

    leader: str


class Event(Frozen):
    """One fault or client command, at a fixed time (``at_ms``) or on a trigger (``when`` + ``after_ms``).

    Exactly one payload field is set, the one the action needs: ``target`` (crash, restart, isolate, timeout),
    ``groups`` (partition; after parsing they cover every node), ``link`` (cut, one-way ``(from, to)``) or
    ``command`` (write, with the optional node ``to``). ``index`` is the position in the file: events at the
    same time run in that order.
    """

    index: int = Field(ge=0)
    action: Annotated[Action, Strict(False)]
    at_ms: float | None = None
    when: When | None = None
    after_ms: float = Field(default=0.0, ge=0)
    target: str | None = None
    groups: Annotated[tuple[Names, ...], Strict(False)] = ()
    link: Annotated[tuple[str, str], Strict(False)] | None = None
    command: str | None = None
    to: str | None = None

    @field_validator("link", mode="before")
    @classmethod
    def _link_shape(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) != 2:
            raise problem(f"expected [from, to], got {show(value)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if (self.at_ms is None) == (self.when is None):
            if self.at_ms is None:
                raise problem("no time: give 'at_ms' or 'when'")
            raise problem("give either 'at_ms' or 'when', not both", "when")
        if self.when is None and self.after_ms:
            raise problem("only goes with 'when'", "after_ms")
        action = self.action
        expected = {
            "target": action in TARGET_ACTIONS,
            "groups": action is Action.PARTITION,
            "link": action is Action.CUT,
            "command": action is Action.WRITE,
        }
        for name, wanted in expected.items():
            if wanted != (getattr(self, name) not in (None, ())):
                message = _MISSING[name] if wanted else f"{action.value} takes no {name}"
                raise problem(message, name)
        if self.to is not None and action is not Action.WRITE:
            raise problem("only goes with write", "to")
        if self.target == RESERVED_NODE and action not in LEADER_ACTIONS:
            raise problem(f"'{RESERVED_NODE}' is allowed for crash, isolate and timeout only", "target")
        self._check_payload()
        return self

    def _check_payload(self) -> None:
        seen: dict[str, int] = {}
        for number, group in enumerate(self.groups):
            if not group:
                raise problem("empty group", "groups", number)
            for name in group:
                if name in seen:
                    where = "twice in this group" if seen[name] == number else f"also in group {seen[name]}"
                    raise problem(f"overlapping groups: {show_name(name)} is {where}", "groups", number)
                seen[name] = number
        if self.link is not None and self.link[0] == self.link[1]:
            raise problem(f"cannot cut {show_name(self.link[0])} from itself", "link")
        if self.command is not None and not _is_write(self.command):
            raise problem(
                f'expected "key=value" (set) or "-key" (delete), got {show(self.command)}', "command"
            )

    def nodes_named(self) -> list[tuple[KeyPath, str]]:
        """Every node name in this event with its key path (model field names), for reference checks."""
        named: list[tuple[KeyPath, str]] = []
        if self.target is not None and self.target != RESERVED_NODE:
            named.append((("target",), self.target))
        for number, group in enumerate(self.groups):
            named += [(("groups", number), name) for name in group]
        if self.link is not None:
            named += [(("link",), name) for name in self.link]
        if self.to is not None:
            named.append((("to",), self.to))
        if self.when is not None:
            named.append((("when", "leader"), self.when.leader))
        return named
