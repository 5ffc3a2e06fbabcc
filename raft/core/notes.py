"""Notes: what changed inside a node during one input, handed out in its Ready for tracing and checking.

Each note is a small immutable value. The simulation turns them into trace events; nothing in the core reads
them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from raft.core.messages import Refusal
from raft.core.statemachine import ApplyResult, Command
from raft.core.types import ReadMode, Role


@dataclass(frozen=True, slots=True)
class RoleChanged:
    """The node's role or term changed (or the node just started)."""

    role: Role
    term: int


@dataclass(frozen=True, slots=True)
class TimedOut:
    """The election timer fired in ``term`` (before the node starts an election)."""

    term: int


@dataclass(frozen=True, slots=True)
class Voted:
    """The node answered a RequestVote from ``candidate`` in ``term``; ``refused`` names the rule that refused."""

    candidate: str
    term: int
    granted: bool
    refused: Refusal | None = None


@dataclass(frozen=True, slots=True)
class PreVoted:
    """The node answered a PreVote from ``candidate`` for ``term`` (the term the candidate would use); nothing
    was recorded. Reference: thesis §9.6."""

    candidate: str
    term: int
    granted: bool
    refused: Refusal | None = None


@dataclass(frozen=True, slots=True)
class SteppedDown:
    """A leader of ``term`` stepped down for ``reason`` (``"check_quorum"``: it had not heard from a majority
    within an election timeout). Reference: thesis §6.2."""

    term: int
    reason: str


@dataclass(frozen=True, slots=True)
class Appended:
    """An entry was added to the log at ``index`` (never for an entry the node already had)."""

    index: int
    term: int
    command: Command | None


@dataclass(frozen=True, slots=True)
class Truncated:
    """Entries from ``index`` on were removed."""

    index: int


@dataclass(frozen=True, slots=True)
class Committed:
    """commitIndex advanced to ``index``."""

    index: int


@dataclass(frozen=True, slots=True)
class Applied:
    """The entry at ``index`` was applied to the state machine (``command`` None for a no-op)."""

    index: int
    term: int
    command: Command | None
    result: ApplyResult | None


@dataclass(frozen=True, slots=True)
class TransferStarted:
    """The leader of ``term`` began transferring leadership to ``target`` (thesis §3.10)."""

    target: str
    term: int


@dataclass(frozen=True, slots=True)
class TransferAborted:
    """The leader of ``term`` gave up its transfer to ``target`` after an election timeout, and accepts
    proposals again (thesis §3.10)."""

    target: str
    term: int


@dataclass(frozen=True, slots=True)
class SnapshotTaken:
    """The node replaced its log up to ``index`` (term ``term``) by a snapshot: one it took of its own state
    machine (``leader`` None), or one it installed from ``leader``, keeping the ``kept`` entries that followed
    it in its log (thesis §5.1, Figure 5.3)."""

    index: int
    term: int
    leader: str | None = None
    kept: int = 0


@dataclass(frozen=True, slots=True)
class ReadAnswered:
    """The leader answered a read without writing the log (thesis §6.4): ``command`` read ``value`` as of
    ``index`` (its read index), confirmed by ``mode`` (a heartbeat round for READ_INDEX, the lease for LEASE)."""

    command: Command
    index: int
    mode: ReadMode
    value: str | None


Note = (
    RoleChanged
    | TimedOut
    | Voted
    | Appended
    | Truncated
    | Committed
    | Applied
    | PreVoted
    | SteppedDown
    | TransferStarted
    | TransferAborted
    | SnapshotTaken
    | ReadAnswered
)
