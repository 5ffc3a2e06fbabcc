"""The server roles of the paper (§5.1), and the ways a leader answers reads (thesis §6.4)."""

from enum import Enum


class Role(Enum):
    """A server is in exactly one of these states at any time. Reference: §5.1, Figure 4."""

    FOLLOWER = "follower"
    CANDIDATE = "candidate"
    LEADER = "leader"


class ReadMode(Enum):
    """How a leader answers reads. Values are the scenario's ``cluster.read_mode`` words and the trace's."""

    #: Through the log, as the paper does (§8): the read is an entry, answered when applied.
    LOG = "log"
    #: ReadIndex: commitIndex, a heartbeat round acknowledged by a majority, then the state machine (§6.4).
    READ_INDEX = "read_index"
    #: Lease: at once while a lease holds, else as ReadIndex (§6.4.1); needs CheckQuorum.
    LEASE = "lease"
