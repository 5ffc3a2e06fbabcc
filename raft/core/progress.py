"""What a leader knows about each follower: nextIndex and matchIndex (Figure 2), and how it probes.

A follower is either being *probed* (the leader does not know where their logs agree and sends one
AppendEntries at a time, backing up on each rejection) or being *replicated to* (the logs agree up to
``match_index`` and the leader streams new entries without waiting for each reply).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Progress:
    """Volatile leader state for one follower, reset at each election. Invariant: match_index < next_index."""

    next_index: int
    match_index: int = 0
    replicating: bool = False

    def on_success(self, match_index: int) -> bool:
        """A successful reply confirmed ``match_index``. Returns whether matchIndex advanced.

        matchIndex never decreases: a late reply that confirms less changes nothing.
        """
        self.replicating = True
        if match_index <= self.match_index:
            return False
        self.match_index = match_index
        if self.next_index <= match_index:
            self.next_index = match_index + 1
        return True

    def on_reject(self, reject_index: int, hint: int) -> bool:
        """A reply rejected the entry at ``reject_index``; ``hint`` is where the leader should try next.

        Returns whether nextIndex moved; stale rejections (of an index already known to match, or not the one
        being probed) are ignored.
        """
        if reject_index <= self.match_index:
            return False
        if not self.replicating and reject_index != self.next_index - 1:
            return False
        self.replicating = False
        self.next_index = max(self.match_index + 1, min(hint, reject_index))
        return True

    def sent(self, last_index: int) -> None:
        """Entries up to ``last_index`` were sent: while replicating, the next message starts after them."""
        if self.replicating and last_index >= self.next_index:
            self.next_index = last_index + 1

    def snapshot_sent(self, index: int) -> None:
        """A snapshot up to ``index`` was sent: probe from the entry after it (its reply or the next heartbeat
        tells whether it arrived; a rejection backs nextIndex up again). Reference: thesis §5.1."""
        self.replicating = False
        self.next_index = max(self.match_index, index) + 1
