"""raft.words: counts in words."""

from __future__ import annotations

from raft.words import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "run") == "1 run"
    assert counted(0, "run") == "0 runs"
    assert counted(2, "seed") == "2 seeds"
    assert counted(1, "history", "histories") == "1 history"
    assert counted(3, "history", "histories") == "3 histories"
