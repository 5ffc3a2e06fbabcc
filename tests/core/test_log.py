"""The log (raft/core/log.py): indexes from 1, the consistency check, the up-to-date rule (§5.3, §5.4.1)."""

from __future__ import annotations

import pytest

from raft.core.log import RaftLog
from raft.core.messages import Entry


def test_empty_log() -> None:
    log = RaftLog()
    assert (log.last_index, log.last_term) == (0, 0)
    assert log.term_at(0) == 0
    assert log.matches(0, 0)
    assert not log.matches(1, 1)
    with pytest.raises(IndexError):
        log.term_at(1)


def test_indexes_start_at_one() -> None:
    log = RaftLog.from_terms([1, 1, 2])
    assert (log.last_index, log.last_term) == (3, 2)
    assert [log.term_at(i) for i in range(4)] == [0, 1, 1, 2]
    assert log.append(Entry(3)) == 4
    assert log.entry_at(4) == Entry(3)
    with pytest.raises(IndexError):
        log.term_at(5)


def test_matches_is_the_consistency_check() -> None:
    """Reference: §5.3: an entry at prevLogIndex with term prevLogTerm."""
    log = RaftLog.from_terms([1, 1, 2])
    assert log.matches(3, 2) and log.matches(1, 1)
    assert not log.matches(3, 1)
    assert not log.matches(4, 2)


def test_slice_and_truncate() -> None:
    log = RaftLog.from_terms([1, 2, 3, 4, 5])
    assert [e.term for e in log.slice(2, 2)] == [2, 3]
    assert [e.term for e in log.slice(4, 10)] == [4, 5]
    assert log.slice(6, 3) == ()
    log.truncate_from(3)
    assert log.terms() == [1, 2]


def test_runs_of_terms() -> None:
    log = RaftLog.from_terms([1, 1, 1, 4, 4, 5, 5, 6, 6, 6])
    assert log.first_index_of_term(10) == 8
    assert log.first_index_of_term(5) == 4
    assert log.first_index_of_term(2) == 1
    assert log.last_index_of_term(4) == 5
    assert log.last_index_of_term(6) == 10
    assert log.last_index_of_term(2) == 0
    assert log.last_index_of_term(7) == 0


@pytest.mark.parametrize(
    ("mine", "their_index", "their_term", "expected"),
    [
        ([1, 2], 1, 3, True),  # higher last term wins, shorter or not
        ([1, 3], 9, 2, False),  # lower last term loses, longer or not
        ([1, 2], 3, 2, True),  # same term, longer wins
        ([1, 2], 2, 2, True),  # same term, as long: at least as up to date
        ([1, 2, 2], 2, 2, False),  # same term, shorter loses
        ([], 0, 0, True),
    ],
)
def test_is_up_to_date(mine: list[int], their_index: int, their_term: int, expected: bool) -> None:
    """Reference: §5.4.1."""
    assert RaftLog.from_terms(mine).is_up_to_date(their_index, their_term) is expected


def test_offset_survives_compaction() -> None:
    """Indexes are absolute: a log that starts after a snapshot keeps them."""
    log = RaftLog([Entry(3), Entry(4)], offset=5, offset_term=3)
    assert (log.last_index, log.last_term) == (7, 4)
    assert log.term_at(5) == 3 and log.term_at(6) == 3 and log.term_at(7) == 4
    assert log.matches(5, 3) and log.matches(2, 1)  # inside the snapshot: known to match
    assert log.append(Entry(4)) == 8
    log.truncate_from(7)
    assert log.last_index == 6
    empty = RaftLog(offset=5, offset_term=3)
    assert (empty.last_index, empty.last_term) == (5, 3)
