"""Scenario events: the faults and client commands a run applies, at a time or on a trigger.

This module owns the model form of an event (one :class:`Action` and the payload it needs) and the rules that
need no knowledge of the cluster. Rules that do (known nodes, times inside the run, completing partition groups)
live with :class:`raft.scenario.schema.Scenario`.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import Field, Strict, ValidationInfo, field_validator, model_validator

from raft.core.statemachine import OpKind, parse_op
from raft.scenario.base import CRASHED, FOLLOWER, LEADER, ROLE_WORDS, Frozen, Names, misplaced_role
from raft.scenario.suggest import KeyPath, problem, show, show_name

#: What a scripted ``write`` may do: set or delete a key (a read goes through the workload's clients).
_WRITE_KINDS = frozenset({OpKind.SET, OpKind.DELETE})
#: The shapes of the values that are lists, each with an example (said when a value has another shape).
GROUPS_EXPECTED = "expected a list of groups, such as [[n1, n2], [n3]]"
CUT_EXPECTED = "expected [from, to], such as [n1, n2] (cuts n1 -> n2)"
CHANGE_EXPECTED = "expected {add: [nodes], remove: [nodes]}, such as {add: [n4], remove: [n1]}"
HEAL_EXPECTED = (
    "expected true (heal everything), a node such as n1 (every cut touching it) "
    "or a link such as [n1, n2] (both directions)"
)
#: What to say when an action's value is missing (``crash: null``, ``partition: []``).
_MISSING = {
    "target": "expected a node name",
    "groups": GROUPS_EXPECTED,
    "link": CUT_EXPECTED,
    "command": 'expected "key=value" (set) or "-key" (delete)',
    "change": CHANGE_EXPECTED,
}


#: What to say when a transfer names a role word other than ``follower``.
_TRANSFER_ROLES = (
    f"transfer takes the node to hand leadership to, or '{FOLLOWER}' (a live follower), not '{{name}}' (the "
    "leader transfers leadership to another server)"
)


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
    TRANSFER = "transfer"
    #: Membership changes (thesis chapter 4), asked of the live leader.
    ADD = "add"
    PROMOTE = "promote"
    REMOVE = "remove"
    CHANGE = "change"


#: Membership changes: single-server ones aim at a node (``target``), ``change`` (joint consensus) has ``change``.
MEMBERSHIP_ACTIONS = frozenset({Action.ADD, Action.PROMOTE, Action.REMOVE, Action.CHANGE})
#: Actions aimed at one node (``target``), and those of them that accept ``leader`` and ``follower``.
TARGET_ACTIONS = frozenset(
    {
        Action.CRASH,
        Action.RESTART,
        Action.ISOLATE,
        Action.TIMEOUT,
        Action.TRANSFER,
        Action.ADD,
        Action.PROMOTE,
        Action.REMOVE,
    }
)
LEADER_ACTIONS = frozenset({Action.CRASH, Action.ISOLATE, Action.TIMEOUT, Action.REMOVE})


def roles_for(action: Action, field: str) -> tuple[str, ...]:
    """The role words that may stand for a node in ``field`` of an ``action`` event, resolved when it fires.

    ``leader`` and ``follower`` wherever an action aims at a node as it is now: the target of crash, isolate
    and timeout, either end of a cut, and a write's ``to``; ``follower`` only in transfer (the leader hands
    leadership to another server). ``crashed`` in restart only. Never in a partition
    (its groups must cover every node), a heal (the node to heal is the one that was cut, whatever its role
    now) or a ``when`` trigger.
    """
    if field == "target" and action is Action.RESTART:
        return (CRASHED,)
    if field == "target" and action is Action.TRANSFER:
        return (FOLLOWER,)
    if (field == "target" and action in LEADER_ACTIONS) or (field == "link" and action is Action.CUT):
        return (LEADER, FOLLOWER)
    if field == "to" and action is Action.WRITE:
        return (LEADER, FOLLOWER)
    return ()


class Change(Frozen):
    """A joint-consensus change (thesis §4.3): the servers in ``add`` become voters, those in ``remove``
    leave, in one step through C_old,new."""

    add: Names = ()
    remove: Names = ()

    @model_validator(mode="after")
    def _some(self) -> Change:
        if not self.add and not self.remove:
            raise problem(f"empty change: {CHANGE_EXPECTED}")
        both = sorted(set(self.add) & set(self.remove))
        if both:
            raise problem(f"{show_name(both[0])} is both added and removed", "remove")
        for field, names in (("add", self.add), ("remove", self.remove)):
            for position, name in enumerate(names):
                if name in names[:position]:
                    raise problem(f"{show_name(name)} is listed twice", field, position)
        return self


class When(Frozen):
    """A trigger: fires once, the first time node ``leader`` becomes leader."""

    leader: str


class Event(Frozen):
    """One fault or client command, at a fixed time (``at_ms``) or on a trigger (``when`` + ``after_ms``).

    Exactly one payload field is set, the one the action needs: ``target`` (crash, restart, isolate, timeout,
    transfer: the node the live leader hands leadership to),
    ``groups`` (partition; after parsing they cover every node), ``link`` (cut, one-way ``(from, to)``) or
    ``command`` (write, with the optional node ``to``), ``change`` (change: joint consensus); add, promote and
    remove have ``target`` (remove also takes ``leader`` or ``follower``); a heal has ``target`` (every cut touching that node),
    ``link`` (that link, both ways) or neither (everything). A node may be named by a role word where
    :func:`roles_for` allows it. ``index`` is the position in the file: events at the same time run in that
    order.
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
    change: Change | None = None

    @field_validator("groups", mode="before")
    @classmethod
    def _groups_shape(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple) or not all(isinstance(group, list | tuple) for group in value):
            raise problem(f"{GROUPS_EXPECTED}, got {show(value)}")
        return value

    @field_validator("link", mode="before")
    @classmethod
    def _link_shape(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return value
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or not all(isinstance(n, str) for n in value)
        ):
            expected = HEAL_EXPECTED if info.data.get("action") is Action.HEAL else CUT_EXPECTED
            raise problem(f"{expected}, got {show(value)}")
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
            "change": action is Action.CHANGE,
        }
        for name, wanted in expected.items():
            if action is Action.HEAL and name in ("target", "link"):
                continue  # either one, or neither: heal everything
            if wanted != (getattr(self, name) not in (None, ())):
                message = _MISSING[name] if wanted else f"{action.value} takes no {name}"
                raise problem(message, name)
        if action is Action.HEAL and self.target is not None and self.link is not None:
            raise problem("heal takes a node or a link, not both", "link")
        if self.to is not None and action is not Action.WRITE:
            raise problem("only goes with write", "to")
        for path, name in self._references():
            if name in ROLE_WORDS and name not in roles_for(action, str(path[0])):
                if action is Action.RESTART and path == ("target",):
                    raise problem(
                        f"restart takes a node or '{CRASHED}' (the node crashed most recently), "
                        f"not '{name}' (a live node)",
                        *path,
                    )
                if action is Action.TRANSFER and path == ("target",):
                    raise problem(_TRANSFER_ROLES.format(name=name), *path)
                raise problem(misplaced_role(name), *path)
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
            name = self.link[0]
            if name in ROLE_WORDS:
                raise problem(f"at most one end of a link may be '{name}'", "link")
            if self.action is Action.HEAL:
                raise problem(f"cannot heal a link from {show_name(name)} to itself", "link")
            raise problem(f"cannot cut {show_name(name)} from itself", "link")
        if self.command is not None and not _is_write(self.command):
            raise problem(
                f'expected "key=value" (set) or "-key" (delete), got {show(self.command)}', "command"
            )

    def nodes_named(self) -> list[tuple[KeyPath, str]]:
        """Every node name in this event with its key path (model field names), for reference checks; role
        words (which the event's own checks allow only where :func:`roles_for` says) are left out."""
        return [(path, name) for path, name in self._references() if name not in ROLE_WORDS]

    def _references(self) -> list[tuple[KeyPath, str]]:
        """Every node name or role word in this event with its key path (model field names)."""
        named: list[tuple[KeyPath, str]] = []
        if self.target is not None:
            named.append((("target",), self.target))
        for number, group in enumerate(self.groups):
            named += [(("groups", number), name) for name in group]
        if self.link is not None:
            named += [(("link",), name) for name in self.link]
        if self.to is not None:
            named.append((("to",), self.to))
        if self.change is not None:
            named += [(("change", "add", n), name) for n, name in enumerate(self.change.add)]
            named += [(("change", "remove", n), name) for n, name in enumerate(self.change.remove)]
        if self.when is not None:
            named.append((("when", "leader"), self.when.leader))
        return named
