"""The replicated log of one server (§5.3).

Indexes start at 1. The log keeps the index and term of the entry just before its first stored entry
(``offset`` / ``offset_term``: 0 and 0 for a log that was never compacted), so that indexes survive a future
snapshot that discards a prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from raft.core.messages import Entry


class RaftLog:
    """An append-only sequence of entries that only the consistency check may cut short.

    Invariant: ``entries[i]`` holds index ``offset + 1 + i``.
    """

    __slots__ = ("entries", "last_index", "offset", "offset_term")

    def __init__(self, entries: Iterable[Entry] = (), offset: int = 0, offset_term: int = 0) -> None:
        self.entries: list[Entry] = list(entries)
        self.offset = offset
        self.offset_term = offset_term
        #: The index of the last entry (``offset`` when empty); kept up to date by append and truncate.
        self.last_index = offset + len(self.entries)

    @classmethod
    def from_terms(cls, terms: Sequence[int]) -> RaftLog:
        """A log whose entries have these terms and no commands (for hand-made states like Figure 7)."""
        return cls(Entry(term) for term in terms)

    @property
    def last_term(self) -> int:
        return self.entries[-1].term if self.entries else self.offset_term

    def term_at(self, index: int) -> int:
        """The term of the entry at ``index``; 0 before the first entry. ``IndexError`` past the end."""
        if index == self.offset:
            return self.offset_term
        if index < self.offset or index > self.last_index:
            raise IndexError(f"no entry at index {index}")
        return self.entries[index - self.offset - 1].term

    def entry_at(self, index: int) -> Entry:
        return self.entries[index - self.offset - 1]

    def matches(self, index: int, term: int) -> bool:
        """The AppendEntries consistency check: does the log hold an entry at ``index`` with ``term``?"""
        return index <= self.last_index and (index <= self.offset or self.term_at(index) == term)

    def slice(self, start: int, limit: int) -> tuple[Entry, ...]:
        """At most ``limit`` entries from index ``start`` on."""
        lo = start - self.offset - 1
        return tuple(self.entries[lo : lo + limit])

    def append(self, entry: Entry) -> int:
        """Add ``entry`` at the end and return its index."""
        self.entries.append(entry)
        self.last_index += 1
        return self.last_index

    def truncate_from(self, index: int) -> None:
        """Delete the entry at ``index`` and all that follow it."""
        del self.entries[index - self.offset - 1 :]
        self.last_index = self.offset + len(self.entries)

    def first_index_of_term(self, index: int) -> int:
        """The first index of the run of entries that share the term of the entry at ``index``."""
        term = self.term_at(index)
        while index - 1 > self.offset and self.term_at(index - 1) == term:
            index -= 1
        return index

    def last_index_of_term(self, term: int) -> int:
        """The last index holding an entry of ``term``; 0 if there is none."""
        for i in range(len(self.entries) - 1, -1, -1):
            t = self.entries[i].term
            if t == term:
                return self.offset + 1 + i
            if t < term:
                break
        return 0

    def is_up_to_date(self, last_log_index: int, last_log_term: int) -> bool:
        """Is a log ending at (``last_log_index``, ``last_log_term``) at least as up to date as this one?

        Reference: §5.4.1: the later last term wins; with the same last term, the longer log wins.
        """
        if last_log_term != self.last_term:
            return last_log_term > self.last_term
        return last_log_index >= self.last_index

    def compact_to(self, index: int, term: int) -> None:
        """Discard the entries up to ``index`` (whose term is ``term``), which a snapshot now replaces; later
        entries keep their indexes. A log that does not reach ``index`` ends up empty, starting after it.
        Reference: thesis §5.1."""
        if index <= self.offset:
            return
        del self.entries[: index - self.offset]
        self.offset, self.offset_term = index, term
        self.last_index = max(self.last_index, index)

    def reset_to(self, index: int, term: int) -> None:
        """Discard every entry: the log is empty and starts after ``index`` (term ``term``), as after installing
        a snapshot that the log does not match (thesis §5.1, Figure 5.3 rule 7)."""
        self.entries.clear()
        self.offset, self.offset_term = index, term
        self.last_index = index

    def terms(self) -> list[int]:
        return [e.term for e in self.entries]
