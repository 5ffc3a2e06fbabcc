"""Durable storage of one server: what survives a crash (currentTerm, votedFor, the log).

Writes complete in the order they were issued. The simulated disk may take time (``storage.write_ms``); a write
still in progress when the server crashes is lost.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from raft.core.log import RaftLog
from raft.core.messages import Entry
from raft.core.node import Ready


@dataclass(slots=True)
class Storage:
    """The persisted state, and the log writes issued but not yet durable."""

    term: int = 0
    voted_for: str | None = None
    entries: list[Entry] = field(default_factory=list)
    pending_log_from: deque[int] = field(default_factory=deque)
    #: The ``forget-vote-on-restart`` bug: votedFor is not durable, so a restart reads back none.
    forget_vote: bool = False

    def write(self, ready: Ready) -> None:
        """Make ``ready``'s persistent changes durable."""
        if ready.hard_state is not None:
            self.term, self.voted_for = ready.hard_state.term, ready.hard_state.voted_for
        if ready.log_from is not None:
            del self.entries[ready.log_from - 1 :]
            self.entries.extend(ready.entries)

    @property
    def log_end(self) -> tuple[int, int]:
        """The (index, term) the durable log ends at; (0, 0) when it is empty."""
        entries = self.entries
        return (len(entries), entries[-1].term) if entries else (0, 0)

    @property
    def durable_index(self) -> int:
        """The last index whose entry is durable and still agrees with the in-memory log: writes in flight
        that rewrite the log from some index make everything from there on not yet durable. What the node
        counts as durable (:attr:`~raft.core.node.RaftNode.durable_index`) must never exceed it."""
        index = len(self.entries)
        for log_from in self.pending_log_from:
            index = min(index, log_from - 1)
        return index

    @property
    def durable_vote(self) -> str | None:
        """The votedFor a restarting server reads back."""
        return None if self.forget_vote else self.voted_for

    def recover(self) -> tuple[int, str | None, RaftLog]:
        """What a restarting server reads back: (term, votedFor, log)."""
        self.pending_log_from.clear()
        return self.term, self.durable_vote, RaftLog(self.entries)
