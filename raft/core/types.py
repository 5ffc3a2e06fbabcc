"""The server roles of the paper (§5.1)."""

from enum import Enum


class Role(Enum):
    """A server is in exactly one of these states at any time. Reference: §5.1, Figure 4."""

    FOLLOWER = "follower"
    CANDIDATE = "candidate"
    LEADER = "leader"
