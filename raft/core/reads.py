"""Linearizable reads without writing the log (thesis §6.4): what a leader keeps to answer them.

A read through the log (the paper's way, §8) costs a log entry, a disk write and a replication round. The thesis
describes two cheaper ways that stay linearizable; the node's rule methods (:mod:`raft.core.node`, section
"reads") follow them, and this module owns the leader's volatile state for them:

- **ReadIndex** (§6.4): once the leader has committed an entry of its current term, it records its commitIndex
  as the read's *read index*, confirms that it is still the leader with a round of heartbeats that a majority
  acknowledges, waits until lastApplied reaches the read index, and answers from its state machine.
- **Lease** (§6.4.1): a heartbeat round that a majority acknowledged proves that, from when it was *sent*, no
  other leader can be elected for the minimum election timeout, since each of those followers refuses votes that
  long (leader stickiness, §4.2.3, which CheckQuorum switches on). Shrunk by a bound on clock drift, that is a
  lease: while it holds, the leader answers at once, without a round. It needs CheckQuorum, and clocks that drift
  apart by no more than the bound.

Heartbeat rounds are numbered per term. Every AppendEntries a leader sends carries the number of the latest
round it began, and the follower's answer echoes it, so the leader knows which round each follower acknowledged
(an answer to a message sent before a read arrived confirms nothing about that read). With ``read_mode: log`` no
round is numbered and every message carries 0, as it always did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from raft.core.statemachine import Command


class ReadMode(Enum):
    """How a leader answers reads. Values are the scenario's ``cluster.read_mode`` words and the trace's."""

    #: Through the log, as the paper does (§8): the read is an entry, answered when applied.
    LOG = "log"
    #: ReadIndex: commitIndex, a heartbeat round acknowledged by a majority, then the state machine (§6.4).
    READ_INDEX = "read_index"
    #: Lease: at once while a lease holds, else as ReadIndex (§6.4.1); needs CheckQuorum.
    LEASE = "lease"


#: What a drift bound of one part per million is, as a fraction.
PPM = 1e-6


def lease_duration_ms(min_election_timeout_ms: float, drift_bound_ppm: float) -> float:
    """How long a lease lasts from when its heartbeat round was sent: the minimum election timeout (how long a
    follower that heard the round refuses to vote), shrunk by the clock-drift bound, so that a leader whose clock
    runs slow, or a follower whose clock runs fast, by up to the bound still cannot see the lease outlive the
    followers' refusals. Reference: §6.4.1 of the thesis."""
    return min_election_timeout_ms * (1.0 - drift_bound_ppm * PPM)


@dataclass(slots=True)
class PendingRead:
    """A read a leader accepted and has not answered: its ``index`` (``None`` until the leader has committed an
    entry of its term) and the heartbeat round that must be acknowledged by a majority before it may be
    answered, ``needs_round`` (``0``: none needed, since a lease held when the read index was recorded)."""

    command: Command
    index: int | None = None
    needs_round: int = 0


@dataclass(slots=True)
class ReadState:
    """A leader's volatile state for reads, fresh at each election and lost with leadership.

    Invariants: ``acked[peer] <= latest_round`` for every peer; ``sent_at`` holds the send time of every round after
    ``confirmed`` up to ``latest_round``; ``confirmed`` (the latest round a majority acknowledged) never decreases.
    """

    #: The latest heartbeat round begun in this term (0: none yet).
    latest_round: int = 0
    #: When each round not yet confirmed was begun (sent), on this node's clock.
    sent_at: dict[int, float] = field(default_factory=dict)
    #: The latest round each follower acknowledged.
    acked: dict[str, int] = field(default_factory=dict)
    #: The latest round a majority (this leader included) acknowledged.
    confirmed: int = 0
    #: Until when the lease holds, on this node's clock (``-inf``: no lease).
    lease_until: float = float("-inf")
    #: A transfer began in this term: the target's election skips leader stickiness, so no lease can be trusted
    #: for the rest of the term (thesis §3.10).
    lease_forbidden: bool = False
    pending: list[PendingRead] = field(default_factory=list)

    def begin_round(self, now: float) -> int:
        """A new heartbeat round is sent now; its number."""
        self.latest_round += 1
        self.sent_at[self.latest_round] = now
        return self.latest_round

    def acknowledge(self, peer: str, heartbeat_round: int) -> None:
        """``peer`` answered an AppendEntries of round ``heartbeat_round`` (a late answer to an older one
        changes nothing)."""
        if heartbeat_round > self.acked.get(peer, 0):
            self.acked[peer] = heartbeat_round

    def confirm(self, committed: int) -> float | None:
        """Record ``committed``, the latest round a majority acknowledged (from the quorum arithmetic), if later
        than the last; returns when that round was sent, or ``None`` if nothing new was confirmed."""
        if committed <= self.confirmed:
            return None
        sent = self.sent_at[committed]
        self.confirmed = committed
        for done in [r for r in self.sent_at if r < committed]:
            del self.sent_at[done]
        return sent

    def acknowledged_rounds(self, leader: str) -> Mapping[str, int]:
        """The latest round each voter acknowledged, the leader its own latest (it sent it)."""
        return {**self.acked, leader: self.latest_round}
