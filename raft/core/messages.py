"""The RPCs of Figure 2 and the log entry, as immutable values.

A message carries no sender or receiver: the caller of :meth:`raft.core.node.RaftNode.step` says who sent it,
and the node's outbox says where each message goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, get_args

from raft.core.membership import Configuration
from raft.core.snapshot import Snapshot
from raft.core.statemachine import Command


class MessageKind(Enum):
    """The four message kinds of Figure 2, the PreVote pair of the thesis, TimeoutNow and the InstallSnapshot
    pair. Values are the names used in traces."""

    REQUEST_VOTE = "RequestVote"
    REQUEST_VOTE_RESPONSE = "RequestVoteResponse"
    APPEND_ENTRIES = "AppendEntries"
    APPEND_ENTRIES_RESPONSE = "AppendEntriesResponse"
    #: Leadership transfer (thesis §3.10), not in Figure 2.
    TIMEOUT_NOW = "TimeoutNow"
    #: PreVote (thesis §9.6), sent only with ``cluster.pre_vote`` on.
    PRE_VOTE = "PreVote"
    PRE_VOTE_RESPONSE = "PreVoteResponse"
    #: InstallSnapshot (thesis §5.1, Figure 5.3), sent only once a leader has compacted its log.
    INSTALL_SNAPSHOT = "InstallSnapshot"
    INSTALL_SNAPSHOT_RESPONSE = "InstallSnapshotResponse"


class Refusal(Enum):
    """The rule of Figure 2 that refused a request. Values are the words used in traces and pictures.

    A RequestVote is refused for a stale term, a log that is not up to date, a vote already cast, or (only with a
    bug switched on, since a leader has voted for itself) because the receiver leads; an AppendEntries for a
    stale term or a log mismatch at prevLogIndex. With the thesis's extensions, a RequestVote (with CheckQuorum)
    or a PreVote is also refused by a server that has recently heard from its leader.
    """

    #: Reply false if term < currentTerm (both RPCs, rule 1). Reference: §5.1.
    STALE_TERM = "stale term"
    #: RequestVote: the candidate's log is not at least as up to date as the receiver's. Reference: §5.4.1.
    LOG_NOT_UP_TO_DATE = "log not up-to-date"
    #: RequestVote: votedFor is another candidate in this term. Reference: §5.2.
    ALREADY_VOTED = "already voted"
    #: RequestVote: the receiver leads this term (it voted for itself). Reference: §5.2.
    LEADER = "leader"
    #: AppendEntries: the log has no entry at prevLogIndex whose term is prevLogTerm (rule 2). Reference: §5.3.
    LOG_MISMATCH = "log mismatch"
    #: RequestVote (with CheckQuorum) or PreVote: the receiver heard from the leader of its term within the
    #: minimum election timeout (leader stickiness). Reference: thesis §4.2.3, §9.6.
    LEADER_RECENTLY_HEARD = "leader recently heard"


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry: the term in which a leader created it and its command (``None`` for a leader's no-op and for
    a configuration entry); ``config`` is set in a configuration entry: the configuration it installs (§4.1)."""

    term: int
    command: Command | None = None
    config: Configuration | None = None


@dataclass(frozen=True, slots=True)
class RequestVote:
    """Invoked by candidates to gather votes. Reference: Figure 2, RequestVote RPC."""

    kind: ClassVar[MessageKind] = MessageKind.REQUEST_VOTE
    is_response: ClassVar[bool] = False
    term: int
    candidate_id: str
    last_log_index: int
    last_log_term: int
    #: Set by a candidate that campaigns because a leader sent it TimeoutNow (thesis §3.10): voters grant it
    #: despite leader stickiness (thesis §4.2.3), as etcd's campaignTransfer does.
    transfer: bool = False


@dataclass(frozen=True, slots=True)
class RequestVoteResponse:
    """The answer to a RequestVote. Reference: Figure 2, RequestVote RPC results."""

    kind: ClassVar[MessageKind] = MessageKind.REQUEST_VOTE_RESPONSE
    is_response: ClassVar[bool] = True
    term: int
    vote_granted: bool
    #: Why the vote was refused (``None`` when granted): for observers only, so not compared.
    refused: Refusal | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class AppendEntries:
    """Invoked by the leader to replicate entries; also the heartbeat. Reference: Figure 2, AppendEntries RPC."""

    kind: ClassVar[MessageKind] = MessageKind.APPEND_ENTRIES
    is_response: ClassVar[bool] = False
    term: int
    leader_id: str
    prev_log_index: int
    prev_log_term: int
    entries: tuple[Entry, ...]
    leader_commit: int
    #: The leader's latest heartbeat round when it sent this, echoed by the answer, so that the leader knows
    #: which reads a follower's answer confirms (thesis §6.4); always 0 with ``read_mode: log``.
    heartbeat_round: int = 0


@dataclass(frozen=True, slots=True)
class AppendEntriesResponse:
    """The answer to an AppendEntries.

    On success ``match_index`` is the index the follower confirms (prevLogIndex + len(entries)). On failure
    ``reject_index`` is the prevLogIndex that did not match and ``conflict_term`` / ``conflict_index`` let the
    leader skip back a whole term per round trip (§5.3, the optimisation the paper sketches); ``refused`` names
    the rule that refused, for observers only (no server reads it, and it takes no part in equality).
    """

    kind: ClassVar[MessageKind] = MessageKind.APPEND_ENTRIES_RESPONSE
    is_response: ClassVar[bool] = True
    term: int
    success: bool
    match_index: int = 0
    reject_index: int = 0
    conflict_term: int = 0
    conflict_index: int = 0
    refused: Refusal | None = field(default=None, compare=False)
    #: The ``heartbeat_round`` of the AppendEntries this answers (thesis §6.4).
    heartbeat_round: int = 0


@dataclass(frozen=True, slots=True)
class TimeoutNow:
    """Sent by a leader transferring leadership to a server whose log it found up to date: start an election at
    once, without waiting for the election timeout. Reference: thesis §3.10.

    ``last_log_index`` / ``last_log_term`` are the end of the leader's log when it sent this, the log the target
    was found to hold: for observers only (the simulation checks the transfer's precondition with them); the
    target does not read them.
    """

    kind: ClassVar[MessageKind] = MessageKind.TIMEOUT_NOW
    is_response: ClassVar[bool] = False
    term: int
    last_log_index: int = 0
    last_log_term: int = 0


@dataclass(frozen=True, slots=True)
class PreVote:
    """Asks whether the sender could win an election, before it starts one: ``term`` is the term it *would* use
    (its currentTerm + 1), though neither side changes its term or records a vote. Reference: thesis §9.6."""

    kind: ClassVar[MessageKind] = MessageKind.PRE_VOTE
    is_response: ClassVar[bool] = False
    term: int
    candidate_id: str
    last_log_index: int
    last_log_term: int


@dataclass(frozen=True, slots=True)
class PreVoteResponse:
    """The answer to a PreVote: granted, it carries the PreVote's term; refused, the receiver's own term (a
    pre-candidate behind it then adopts it). Reference: thesis §9.6."""

    kind: ClassVar[MessageKind] = MessageKind.PRE_VOTE_RESPONSE
    is_response: ClassVar[bool] = True
    term: int
    vote_granted: bool
    refused: Refusal | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class InstallSnapshot:
    """Invoked by the leader to send a follower the snapshot that replaces the entries it needs and the leader
    has discarded, in one chunk (offset 0, done). Reference: thesis §5.1, Figure 5.3."""

    kind: ClassVar[MessageKind] = MessageKind.INSTALL_SNAPSHOT
    is_response: ClassVar[bool] = False
    term: int
    leader_id: str
    snapshot: Snapshot

    @property
    def last_included_index(self) -> int:
        return self.snapshot.index

    @property
    def last_included_term(self) -> int:
        return self.snapshot.term


@dataclass(frozen=True, slots=True)
class InstallSnapshotResponse:
    """The answer to an InstallSnapshot: the receiver's term (Figure 5.3), and ``match_index``, the index up to
    which the receiver's log now agrees with the leader's (the snapshot's last included index, or the receiver's
    commitIndex if that is later), so that the leader updates matchIndex and nextIndex as after AppendEntries."""

    kind: ClassVar[MessageKind] = MessageKind.INSTALL_SNAPSHOT_RESPONSE
    is_response: ClassVar[bool] = True
    term: int
    match_index: int = 0
    refused: Refusal | None = field(default=None, compare=False)


Message = (
    RequestVote
    | RequestVoteResponse
    | AppendEntries
    | AppendEntriesResponse
    | PreVote
    | PreVoteResponse
    | TimeoutNow
    | InstallSnapshot
    | InstallSnapshotResponse
)
#: Every message class, in the order of :data:`Message`.
MESSAGE_CLASSES: tuple[type[Message], ...] = get_args(Message)
