"""The replicated state machine: a key-value store, like the one a Kubernetes control plane keeps in etcd.

Commands are short strings: ``x=1`` sets ``x`` to ``1``, ``-x`` deletes ``x``, ``?x`` reads ``x`` through the
log. A command carries its client's id and sequence number, so that a retried command that ends up in the log
twice is applied at most once (the thesis, §6.3). It also carries the lowest sequence number its client was still
waiting on when it sent it, so that the store forgets the answers to the writes below it, as the thesis has it: a
client session holds the client's writes in flight, however long the run, and the answers of its reads through
the log (a read may be answered without the log, so its answer does not tell that it was applied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from heapq import heappop, heappush
from typing import NamedTuple


class OpKind(Enum):
    """What a command does to the store."""

    SET = "set"
    DELETE = "delete"
    READ = "read"


class ParsedOp(NamedTuple):
    """A command string taken apart: its kind, its key, and the value it sets (``None`` unless SET)."""

    kind: OpKind
    key: str
    value: str | None


#: A key starts with a letter, digit or underscore and holds no ``=`` and no whitespace.
_KEY = r"[A-Za-z0-9_][^=\s]*"
#: ``?key`` reads, ``-key`` deletes, ``key=value`` sets (the value on one line, possibly empty).
_OP = re.compile(rf"\?(?P<read>{_KEY})|-(?P<delete>{_KEY})|(?P<set>{_KEY})=(?P<value>.*)")


@lru_cache(maxsize=4096)  # a command is parsed where it is submitted, applied on every server, and answered
def parse_op(op: str) -> ParsedOp:
    """The one parser of command strings; ``ValueError`` if ``op`` is not ``key=value``, ``-key`` or ``?key``."""
    match = _OP.fullmatch(op)
    if match is None:
        raise ValueError(f"not a command (key=value, -key or ?key): {op!r}")
    if match["read"] is not None:
        return ParsedOp(OpKind.READ, match["read"], None)
    if match["delete"] is not None:
        return ParsedOp(OpKind.DELETE, match["delete"], None)
    return ParsedOp(OpKind.SET, match["set"], match["value"])


@dataclass(frozen=True, slots=True)
class Command:
    """A client's command: ``op`` is ``k=v``, ``-k`` or ``?k``; ``(client, seq)`` identifies it for deduplication."""

    client: str
    seq: int
    op: str
    #: The lowest sequence number of this client still waiting for an answer when it sent this command (0: not
    #: said). Every write of the client below it was answered, hence applied: the store may forget its result and
    #: knows any later copy of it for a duplicate (thesis §6.3).
    lowest_unanswered: int = 0

    @property
    def kind(self) -> OpKind:
        return parse_op(self.op).kind

    @property
    def key(self) -> str:
        return parse_op(self.op).key


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying a command produced: the log index that took effect, the value read, and whether this
    application was a duplicate of an earlier one (and so changed nothing)."""

    index: int
    value: str | None
    duplicate: bool
    #: The result of a read (through the log): kept for the session's whole life, unlike a write's.
    read: bool = False


@dataclass(frozen=True, slots=True)
class StoreImage:
    """A copy of a :class:`KeyValueStore` at one moment, for a snapshot (thesis §5.1): its data and its client
    sessions (so that a command retried after a snapshot is still applied at most once, §6.3), sorted, with each
    session's floor (the writes below it were applied and their answers forgotten)."""

    data: tuple[tuple[str, str], ...] = ()
    sessions: tuple[tuple[str, tuple[tuple[int, ApplyResult], ...]], ...] = ()
    floors: tuple[tuple[str, int], ...] = ()


class KeyValueStore:
    """The state machine of one server's life: empty at start and after a restart, rebuilt by re-applying.

    Invariant: every ``(client, seq)`` takes effect at most once; a duplicate returns the first result.
    """

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self._sessions: dict[str, dict[int, ApplyResult]] = {}
        #: Per client: every write below this sequence number was applied and its result forgotten.
        self._floors: dict[str, int] = {}
        #: Per client: the sequence numbers of the writes whose results the session holds (a min-heap).
        self._writes: dict[str, list[int]] = {}

    def apply(self, index: int, command: Command) -> ApplyResult:
        client = command.client
        session = self._sessions.setdefault(client, {})
        first = session.get(command.seq)
        if first is not None:
            return ApplyResult(first.index, first.value, duplicate=True)
        kind, key, value = parse_op(command.op)
        if kind is not OpKind.READ and command.seq < self._floors.get(client, 0):
            # a copy of a write answered long ago: what it set is in the command; where it took effect is forgotten
            return ApplyResult(0, value, duplicate=True)
        if command.lowest_unanswered > self._floors.get(client, 0):
            self._forget_answered(client, session, command.lowest_unanswered)
        if kind is OpKind.SET:
            assert value is not None
            self.data[key] = value
            result = ApplyResult(index, value, duplicate=False)
        elif kind is OpKind.DELETE:
            self.data.pop(key, None)
            result = ApplyResult(index, None, duplicate=False)
        else:
            result = ApplyResult(index, self.data.get(key), duplicate=False, read=True)
        session[command.seq] = result
        if kind is not OpKind.READ:
            heappush(self._writes.setdefault(client, []), command.seq)
        return result

    def _forget_answered(self, client: str, session: dict[int, ApplyResult], floor: int) -> None:
        """The client has its answers to every command below ``floor``: forget the results of the writes among
        them (a read's result stays: a read may be answered without the log, so an answer does not mean that it
        was applied). Reference: thesis §6.3."""
        self._floors[client] = floor
        writes = self._writes.get(client)
        while writes and writes[0] < floor:
            del session[heappop(writes)]

    def image(self) -> StoreImage:
        """The store as it stands, as an immutable value (what a snapshot keeps)."""
        return StoreImage(
            tuple(sorted(self.data.items())),
            tuple((client, tuple(sorted(s.items()))) for client, s in sorted(self._sessions.items())),
            tuple(sorted(self._floors.items())),
        )

    @classmethod
    def from_image(cls, image: StoreImage) -> KeyValueStore:
        """A store holding exactly what ``image`` kept (a server reset from a snapshot, thesis §5.1)."""
        store = cls()
        store.data = dict(image.data)
        store._sessions = {client: dict(session) for client, session in image.sessions}
        store._floors = dict(image.floors)
        store._writes = {  # in sequence order: a heap already
            client: [seq for seq, result in session if not result.read] for client, session in image.sessions
        }
        return store
