"""The runners' chunks: every run once, in order, shrinking towards the end of a batch."""

from __future__ import annotations

from raft.batch.grid import Run
from raft.batch.runners import chunked


def runs(count: int) -> list[Run]:
    return [Run(i, (), i + 1) for i in range(count)]


def test_chunks_hold_every_run_once_in_order() -> None:
    for count in (0, 1, 7, 100, 1000):
        for workers in (1, 2, 5):
            chunks = chunked(runs(count), workers)
            assert [run for chunk in chunks for run in chunk] == runs(count)
            assert all(chunks)


def test_chunks_shrink_towards_the_end_so_no_worker_is_left_with_a_long_one() -> None:
    sizes = [len(chunk) for chunk in chunked(runs(1000), 2)]
    assert sizes[0] == 32  # a 16th of a worker's share of the 1000
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-16:] == [1] * 16  # the last 16 runs: one at a time


def test_chunks_are_at_most_most() -> None:
    assert max(len(chunk) for chunk in chunked(runs(10_000), 1, most=16)) == 16


def test_workers_are_forked_only_from_a_process_running_one_thread() -> None:
    import subprocess
    import sys
    import threading

    from raft.batch.runners import start_method

    alone = subprocess.run(
        [sys.executable, "-c", "from raft.batch.runners import start_method; print(start_method())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert alone == ("fork" if sys.platform == "linux" else "spawn")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        release.set()
        other.join()
