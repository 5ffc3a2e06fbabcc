"""How much of one server's log is on stable storage: the durable index, and the log writes not yet acknowledged.

The node hands out its log changes in Readies, each a write "rewrite the stored log from ``log_from`` on". Storage
carries them out in the order they were handed out and acknowledges with the ``(index, term)`` its stored log
ends at. An acknowledgement can arrive late: by then later writes, already handed out, may truncate the entries
it covers and even put back entries of the same index and term (a follower that follows one leader, then another,
then the first again). A crash at that moment would keep only what precedes the earliest of those later writes,
so that is all an acknowledgement may count as durable.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple


class LogWrite(NamedTuple):
    """One log write handed out: the stored log is rewritten from ``log_from`` on, and then ends at
    (``last_index``, ``last_term``)."""

    log_from: int
    last_index: int
    last_term: int


class Durability:
    """The durable prefix of one node's log, from a (re)start, when all of the stored log is durable, to a crash.

    Invariant: ``index`` never exceeds the log's last index, and every entry up to ``index`` is on stable
    storage and stays there whatever the writes in progress do: ``index < log_from`` of every write handed out
    and not yet acknowledged, and of the change not yet handed out (``unsent_from``). It relies on storage
    completing writes in the order they were handed out and acknowledging them in that order: late, or one
    acknowledgement for several writes, but never an earlier write's after a later one's.
    """

    __slots__ = ("index", "unsent_from", "_writes")

    def __init__(self, index: int) -> None:
        #: The last index known durable (see the class invariant).
        self.index = index
        #: The lowest index the log changed from since the last write was handed out (``None``: no change).
        self.unsent_from: int | None = None
        #: Writes handed out and not yet acknowledged, oldest first.
        self._writes: deque[LogWrite] = deque()

    def changed_from(self, index: int) -> None:
        """The log was appended to or truncated from ``index`` on: nothing from there on is durable yet."""
        if self.unsent_from is None or index < self.unsent_from:
            self.unsent_from = index
        if self.index >= index:
            self.index = index - 1

    def hand_out(self, last_index: int, last_term: int) -> int | None:
        """The changes since the last write leave as one write, after which the log ends at (``last_index``,
        ``last_term``); returns its ``log_from``, or ``None`` if the log did not change."""
        log_from = self.unsent_from
        if log_from is not None:
            self._writes.append(LogWrite(log_from, last_index, last_term))
            self.unsent_from = None
        return log_from

    def acknowledge(self, index: int, term: int) -> bool:
        """Storage reports that its log now ends at (``index``, ``term``): the earliest write handed out that
        left the log ending there, and every write before it, are durable. Returns whether ``index`` moved.

        An acknowledgement that matches no write in progress (one already counted, one from before a restart,
        an index the log never reached) is ignored. When two writes in progress left the log ending at the same
        place, the earliest is taken: that may count less than is durable (until the next acknowledgement),
        never more.
        """
        writes = self._writes
        done = next((i for i, w in enumerate(writes) if w.last_index == index and w.last_term == term), None)
        if done is None:
            return False
        for _ in range(done + 1):
            writes.popleft()
        durable = index
        for write in writes:  # later writes in progress rewrite the stored log from their log_from on
            durable = min(durable, write.log_from - 1)
        if self.unsent_from is not None:
            durable = min(durable, self.unsent_from - 1)
        if durable <= self.index:
            return False
        self.index = durable
        return True

    @property
    def writes_in_progress(self) -> tuple[LogWrite, ...]:
        """The writes handed out and not yet acknowledged, oldest first."""
        return tuple(self._writes)
