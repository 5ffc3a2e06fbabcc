"""Linearizable reads without writing the log (thesis §6.4): what a leader keeps to answer them.

A read through the log (the paper's way, §8) costs a log entry, a disk write and a replication round. The thesis
describes two cheaper ways that stay linearizable. This module owns their rules (:class:`LinearizableReads`, a
part of :class:`~raft.core.node.RaftNode`, whose ``read`` door takes the reads) and the leader's volatile state
for them (:class:`ReadState`):

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
from typing import TYPE_CHECKING

from mypy_extensions import mypyc_attr

from raft.core.notes import Note, ReadAnswered
from raft.core.statemachine import Command, KeyValueStore
from raft.core.types import ReadMode, Role

if TYPE_CHECKING:
    from raft.core.log import RaftLog
    from raft.core.node import NodeSettings
    from raft.core.quorum import JointConfig, MajorityConfig

__all__ = ["PPM", "LinearizableReads", "PendingRead", "ReadMode", "ReadState", "lease_duration_ms"]


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


# Compiled where the install can (raft/compiled.py); the switchable bugs (raft/core/bugs.py) subclass it in Python.
@mypyc_attr(allow_interpreted_subclasses=True)
class LinearizableReads:
    """The rules of reads without the log, as a part of :class:`~raft.core.node.RaftNode` (which inherits
    them, and whose :meth:`~raft.core.node.RaftNode.read` door and message handling call them): kept here so
    that the node's module stays the paper's Figure 2. The attributes below are the node's."""

    id: str
    voters: MajorityConfig | JointConfig
    settings: NodeSettings
    role: Role
    current_term: int
    commit_index: int
    last_applied: int
    log: RaftLog
    store: KeyValueStore
    reads: ReadState
    votes_withheld_until: float
    election_range: tuple[float, float]
    _notes: list[Note]

    def broadcast_append_entries(self) -> None:
        raise NotImplementedError  # the node's (Figure 2)

    def check_read_settings(self, settings: NodeSettings) -> None:
        """Lease reads need CheckQuorum: only its leader stickiness makes followers refuse to elect another
        leader while the lease holds. A node configured for them without it is refused (``ValueError``); the
        scenario schema refuses such a scenario first. Reference: §6.4.1 of the thesis."""
        if settings.read_mode is ReadMode.LEASE and not settings.check_quorum:
            raise ValueError("lease reads need check_quorum (leader stickiness is what makes a lease hold)")
        if not 0.0 <= settings.lease_drift_bound_ppm < 1e6:
            raise ValueError(
                f"lease_drift_bound_ppm must be in [0, 1e6), got {settings.lease_drift_bound_ppm}"
            )

    def serve_reads(self, now: float) -> None:
        """Leaders: move the pending reads on. Once an entry of this term is committed, each new read gets
        the commitIndex as its read index and, unless the lease holds, waits for a heartbeat round begun after
        it (begun now, one for all of them); every read whose leadership is confirmed and whose read index is
        applied is answered. Reference: §6.4 of the thesis."""
        reads = self.reads
        if not reads.pending or self.role is not Role.LEADER:
            return
        self.confirm_leadership(now)
        if not self.committed_in_current_term():
            return
        fresh = [read for read in reads.pending if read.index is None]
        if fresh:
            leased = self.settings.read_mode is ReadMode.LEASE and self.lease_holds(now)
            needs_round = 0 if leased else reads.latest_round + 1
            for read in fresh:
                read.index = self.commit_index
                read.needs_round = needs_round
            if needs_round:
                reads.begin_round(now)
                self.broadcast_append_entries()
                self.confirm_leadership(now)  # a cluster of one confirms its round at once
        waiting: list[PendingRead] = []
        for read in reads.pending:
            assert read.index is not None
            if self.leadership_confirmed(read) and self.applied_up_to(read.index):
                self.answer_read(read)
            else:
                waiting.append(read)
        reads.pending = waiting

    def committed_in_current_term(self) -> bool:
        """The leader answers no read before it has committed an entry of its term (its no-op, §8): until
        then its commitIndex may lag behind entries earlier leaders committed. Reference: §6.4 of the thesis."""
        return self.log.term_at(self.commit_index) == self.current_term

    def confirm_leadership(self, now: float) -> None:
        """The latest heartbeat round a majority acknowledged (counting this leader) confirms that this server
        was the leader when the round was sent; with read_mode lease, it extends the lease from that send time.
        Reference: §6.4, §6.4.1 of the thesis."""
        reads = self.reads
        sent = reads.confirm(self.voters.committed_index(reads.acknowledged_rounds(self.id)))
        if sent is not None and self.settings.read_mode is ReadMode.LEASE and not reads.lease_forbidden:
            settings = self.settings
            until = sent + lease_duration_ms(self.election_range[0], settings.lease_drift_bound_ppm)
            reads.lease_until = max(reads.lease_until, until)

    def leadership_confirmed(self, read: PendingRead) -> bool:
        """A read is answered only once a heartbeat round begun after it arrived was acknowledged by a majority
        (or a lease held when its read index was recorded). Reference: §6.4 of the thesis."""
        return self.reads.confirmed >= read.needs_round

    def lease_holds(self, now: float) -> bool:
        """The lease holds: ``now`` is before the send time of the last round a majority acknowledged plus the
        lease's duration (:func:`~raft.core.reads.lease_duration_ms`). Reference: §6.4.1 of the thesis."""
        return now < self.reads.lease_until

    def applied_up_to(self, index: int) -> bool:
        """The leader waits until lastApplied reaches the read index before it answers from its state
        machine. Reference: §6.4 of the thesis."""
        return self.last_applied >= index

    def answer_read(self, read: PendingRead) -> None:
        """Answer ``read`` from the state machine, as of its read index."""
        assert read.index is not None
        mode = ReadMode.READ_INDEX if read.needs_round else ReadMode.LEASE
        value = self.store.data.get(read.command.key)
        self._notes.append(ReadAnswered(read.command, read.index, mode, value))

    def end_lease(self) -> None:
        """A leader that begins a leadership transfer trusts no lease for the rest of its term: the target's
        election skips leader stickiness (thesis §3.10), even after the transfer aborts, if its TimeoutNow
        arrives late. Its reads go through ReadIndex rounds instead."""
        self.reads.lease_until = float("-inf")
        self.reads.lease_forbidden = True

    def wait_out_leases(self, now: float) -> None:
        """With lease reads, a server that (re)starts may have acknowledged a leader's heartbeat just before it
        crashed, and has forgotten when: it refuses votes and pre-votes, as if it had heard from a leader, for
        the minimum election timeout after its start, so that no lease it helped confirm is outlived by its
        vote. Reference: §6.4.1 of the thesis (a lease rests on leader stickiness, §4.2.3)."""
        self.votes_withheld_until = now + self.election_range[0]
