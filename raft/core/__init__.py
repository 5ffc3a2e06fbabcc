"""The pure Raft core: no simpy, no clock, no I/O, no module-level randomness.

A :class:`~raft.core.node.RaftNode` takes inputs (a message, the passing of time, a client proposal, a
storage acknowledgement) and hands back its outputs as values in a :class:`~raft.core.node.Ready`: messages to
send, state to persist, and notes of what changed (role, votes, log, commit, applied entries). Everything the
simulation layer does is built on that one door.
"""

from raft.core.bugs import Bug
from raft.core.log import RaftLog
from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Message,
    MessageKind,
    Refusal,
    RequestVote,
    RequestVoteResponse,
    TimeoutNow,
)
from raft.core.node import (
    HardState,
    NodeSettings,
    NotLeader,
    Proposal,
    RaftNode,
    Ready,
    TransferringLeadership,
)
from raft.core.quorum import MajorityConfig, VoteResult
from raft.core.statemachine import ApplyResult, Command, KeyValueStore
from raft.core.types import ReadMode, Role

__all__ = [
    "AppendEntries",
    "AppendEntriesResponse",
    "ApplyResult",
    "Bug",
    "Command",
    "Entry",
    "HardState",
    "KeyValueStore",
    "MajorityConfig",
    "Message",
    "MessageKind",
    "NodeSettings",
    "NotLeader",
    "RaftLog",
    "Proposal",
    "RaftNode",
    "ReadMode",
    "Ready",
    "Refusal",
    "RequestVote",
    "RequestVoteResponse",
    "Role",
    "TimeoutNow",
    "TransferringLeadership",
    "VoteResult",
]
