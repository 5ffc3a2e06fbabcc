"""The replicated state machine: a key-value store, like the one a Kubernetes control plane keeps in etcd.

Commands are short strings: ``x=1`` sets ``x`` to ``1``, ``-x`` deletes ``x``, ``?x`` reads ``x`` through the
log. A command carries its client's id and sequence number, so that a retried command that ends up in the log
twice is applied at most once (the thesis, §6.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class OpKind(Enum):
    """What a command does to the store."""

    SET = "set"
    DELETE = "delete"
    READ = "read"


@dataclass(frozen=True, slots=True)
class Command:
    """A client's command: ``op`` is ``k=v``, ``-k`` or ``?k``; ``(client, seq)`` identifies it for deduplication."""

    client: str
    seq: int
    op: str

    @property
    def kind(self) -> OpKind:
        if self.op.startswith("-"):
            return OpKind.DELETE
        if self.op.startswith("?"):
            return OpKind.READ
        return OpKind.SET

    @property
    def key(self) -> str:
        if self.kind is OpKind.SET:
            return self.op.split("=", 1)[0]
        return self.op[1:]


def is_valid_op(op: str) -> bool:
    """Whether ``op`` is a well-formed command string (``k=v``, ``-k`` or ``?k`` with a non-empty key)."""
    if op.startswith(("-", "?")):
        return len(op) > 1 and "=" not in op
    key, sep, _ = op.partition("=")
    return bool(sep) and bool(key) and not key.startswith(("-", "?"))


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying a command produced: the log index that took effect, the value read, and whether this
    application was a duplicate of an earlier one (and so changed nothing)."""

    index: int
    value: str | None
    duplicate: bool


class KeyValueStore:
    """The state machine of one server's life: empty at start and after a restart, rebuilt by re-applying.

    Invariant: every ``(client, seq)`` takes effect at most once; a duplicate returns the first result.
    """

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self._sessions: dict[str, dict[int, ApplyResult]] = {}

    def apply(self, index: int, command: Command) -> ApplyResult:
        session = self._sessions.setdefault(command.client, {})
        first = session.get(command.seq)
        if first is not None:
            return ApplyResult(first.index, first.value, duplicate=True)
        kind = command.kind
        if kind is OpKind.SET:
            key, _, value = command.op.partition("=")
            self.data[key] = value
            result = ApplyResult(index, value, duplicate=False)
        elif kind is OpKind.DELETE:
            self.data.pop(command.key, None)
            result = ApplyResult(index, None, duplicate=False)
        else:
            result = ApplyResult(index, self.data.get(command.key), duplicate=False)
        session[command.seq] = result
        return result
