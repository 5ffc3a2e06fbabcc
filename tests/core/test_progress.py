"""A leader's view of one follower (raft/core/progress.py): nextIndex, matchIndex, probing (Figure 2, §5.3)."""

from __future__ import annotations

from raft.core.progress import Progress


def test_success_raises_match_and_next() -> None:
    p = Progress(next_index=6)
    assert p.on_success(5)
    assert (p.match_index, p.next_index, p.replicating) == (5, 6, True)
    assert p.on_success(8)
    assert (p.match_index, p.next_index) == (8, 9)


def test_match_index_never_decreases() -> None:
    p = Progress(next_index=11)
    p.on_success(10)
    assert not p.on_success(7)
    assert (p.match_index, p.next_index) == (10, 11)


def test_probe_rejection_moves_next_to_hint() -> None:
    p = Progress(next_index=11)
    assert p.on_reject(10, hint=7)
    assert p.next_index == 7 and not p.replicating


def test_hint_is_bounded_by_match_and_reject_index() -> None:
    p = Progress(next_index=11, match_index=4)
    assert p.on_reject(10, hint=1)
    assert p.next_index == 5  # never at or below matchIndex
    q = Progress(next_index=11)
    assert q.on_reject(10, hint=99)
    assert q.next_index == 10  # never past the rejected index


def test_stale_rejections_are_ignored() -> None:
    p = Progress(next_index=11, match_index=6)
    assert not p.on_reject(5, hint=1)  # already known to match there
    assert not p.on_reject(8, hint=1)  # not the index being probed
    assert p.next_index == 11


def test_sent_advances_next_only_while_replicating() -> None:
    p = Progress(next_index=3)
    p.sent(5)
    assert p.next_index == 3  # probing: one message at a time
    p.on_success(2)
    p.sent(5)
    assert p.next_index == 6
    p.sent(4)
    assert p.next_index == 6


def test_rejection_while_replicating_returns_to_probing() -> None:
    p = Progress(next_index=3)
    p.on_success(2)
    p.sent(6)
    assert p.on_reject(4, hint=3)
    assert (p.next_index, p.replicating) == (3, False)
