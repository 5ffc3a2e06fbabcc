"""Durable storage of one server: what survives a crash (currentTerm, votedFor, the latest snapshot, the log).

Writes complete in the order they were issued. The simulated disk may take time (``storage.write_ms``, and
``storage.snapshot_write_ms`` more for a write that stores a snapshot); a write still in progress when the server
crashes is lost. With a snapshot, the stored log holds only the entries after its last included index, and a
restart recovers from the snapshot plus the log (thesis §5.1).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from raft.core.log import RaftLog
from raft.core.messages import Entry
from raft.core.node import Ready
from raft.core.snapshot import Snapshot


@dataclass(slots=True)
class Storage:
    """The persisted state, and the log writes issued but not yet durable.

    Invariant: ``entries[i]`` holds index ``offset + 1 + i``, where ``offset`` is the snapshot's last included
    index (0 without a snapshot).
    """

    term: int = 0
    voted_for: str | None = None
    entries: list[Entry] = field(default_factory=list)
    snapshot: Snapshot | None = None
    pending_log_from: deque[int] = field(default_factory=deque)
    #: The ``forget-vote-on-restart`` bug: votedFor is not durable, so a restart reads back none.
    forget_vote: bool = False

    def write(self, ready: Ready) -> None:
        """Make ``ready``'s persistent changes durable."""
        if ready.hard_state is not None:
            self.term, self.voted_for = ready.hard_state.term, ready.hard_state.voted_for
        if ready.snapshot is not None:
            self.store_snapshot(ready.snapshot)
        if ready.log_from is not None:
            del self.entries[ready.log_from - 1 - self.offset :]
            self.entries.extend(ready.entries)

    def store_snapshot(self, snapshot: Snapshot) -> None:
        """The snapshot replaces the stored one and the stored entries it covers; later entries stay."""
        covered = snapshot.index - self.offset
        self.entries = self.entries[covered:] if covered >= 0 else []
        self.snapshot = snapshot

    @property
    def offset(self) -> int:
        """The index before the first stored entry: the snapshot's last included index, or 0."""
        return self.snapshot.index if self.snapshot is not None else 0

    @property
    def log_end(self) -> tuple[int, int]:
        """The (index, term) the durable log ends at; (0, 0) when it is empty and there is no snapshot."""
        entries = self.entries
        if entries:
            return self.offset + len(entries), entries[-1].term
        snapshot = self.snapshot
        return (snapshot.index, snapshot.term) if snapshot is not None else (0, 0)

    @property
    def durable_index(self) -> int:
        """The last index whose entry is durable and still agrees with the in-memory log: writes in flight
        that rewrite the log from some index make everything from there on not yet durable. What the node
        counts as durable (:attr:`~raft.core.node.RaftNode.durable_index`) must never exceed it."""
        index = self.offset + len(self.entries)
        for log_from in self.pending_log_from:
            index = min(index, log_from - 1)
        return index

    @property
    def durable_vote(self) -> str | None:
        """The votedFor a restarting server reads back."""
        return None if self.forget_vote else self.voted_for

    def recover(self) -> tuple[int, str | None, RaftLog]:
        """What a restarting server reads back: (term, votedFor, log); the log starts after the stored
        :attr:`snapshot`, which the server restores too."""
        self.pending_log_from.clear()
        snapshot = self.snapshot
        if snapshot is None:
            return self.term, self.durable_vote, RaftLog(self.entries)
        return self.term, self.durable_vote, RaftLog(self.entries, snapshot.index, snapshot.term)
