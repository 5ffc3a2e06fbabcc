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


def _dies_at_three(run: Run) -> dict[str, object]:
    """A task whose worker dies (as one the kernel kills for lack of memory) on the run of seed 3."""
    import os

    if run.seed == 3:
        os._exit(1)
    return {"seed": run.seed}


def test_a_worker_that_dies_ends_the_run_with_an_error_instead_of_a_hang() -> None:
    import pytest

    from raft.batch.runners import ProcessRunner
    from raft.errors import RaftSimError

    rows = ProcessRunner(2, method="fork").rows(_dies_at_three, runs(8))  # type: ignore[arg-type]
    with pytest.raises(RaftSimError, match="worker process died"):
        for _ in rows:
            pass


def _seed_row(run: Run) -> dict[str, object]:
    return {"seed": run.seed}


def test_rows_come_back_in_order_and_closing_early_stops_the_workers() -> None:
    import multiprocessing

    from raft.batch.runners import ProcessRunner

    before = set(multiprocessing.active_children())
    rows = ProcessRunner(2, method="fork").rows(_seed_row, runs(200))  # type: ignore[arg-type]
    first = next(rows)
    assert [row["seed"] for row in first] == list(range(1, len(first) + 1))
    rows.close()
    left = set(multiprocessing.active_children()) - before
    assert not left, [(p.name, p.pid, p.exitcode, p.is_alive()) for p in left]
    everything = [
        row["seed"] for chunk in ProcessRunner(2, method="fork").rows(_seed_row, runs(50)) for row in chunk
    ]  # type: ignore[arg-type]
    assert everything == list(range(1, 51))
