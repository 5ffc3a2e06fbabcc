"""Where the runs of a sweep execute: in this process, on every core (a pool of worker processes), or on a Dask
distributed cluster. Each backend takes the same chunks of runs and yields their rows chunk by chunk, in chunk
order, so that the rows (and the file they stream to) are the same whichever way they ran.

A task is any picklable callable ``task(run) -> dict`` (the figures of one run); runs are sent in chunks so that
a short run does not pay a round trip of its own.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

from raft.batch.grid import Run
from raft.errors import RaftSimError

Task = Callable[[Run], dict[str, Any]]
Row = dict[str, Any]


def run_chunk(task: Task, chunk: Sequence[Run]) -> list[Row]:
    """The rows of ``chunk``: each run's number, key, parameters and seed, then what ``task`` measured."""
    rows = []
    for run in chunk:
        row: Row = {"run": run.index, "key": run.key, **dict(run.params), "seed": run.seed}
        row.update(task(run))
        rows.append(row)
    return rows


def chunked(runs: Sequence[Run], workers: int, most: int = 64) -> list[Sequence[Run]]:
    """Consecutive chunks of ``runs``, each about a 16th of a worker's share of the runs not yet chunked (at most
    ``most``, at least one): big enough to be cheap to send, and shrinking towards the end, so that no worker is
    left with a long chunk while the others wait."""
    chunks: list[Sequence[Run]] = []
    start = 0
    while start < len(runs):
        size = max(1, min(most, math.ceil((len(runs) - start) / max(1, workers * 16))))
        chunks.append(runs[start : start + size])
        start += size
    return chunks


@dataclass(frozen=True, slots=True)
class SerialRunner:
    """Every run in this process, one after the other."""

    workers: int = 1

    def rows(self, task: Task, runs: Sequence[Run]) -> Generator[list[Row], None, None]:
        for chunk in chunked(runs, 1, most=16):
            yield run_chunk(task, chunk)


def ignore_interrupts() -> None:
    """A worker process ignores Ctrl-C (the terminal sends it to every process of the group): the main process
    stops taking results and shuts the workers down (:mod:`raft.interrupts`), a worker never dies mid-run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_method() -> str:
    """How local workers start: forked from this process on Linux when it runs no other thread (at once, with
    every module it already imported: a spawned worker imports the simulator anew, about a second of a campaign
    on two cores); spawned otherwise (forking a process that runs threads can deadlock the child, and is unsafe
    on macOS)."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


@dataclass(frozen=True, slots=True)
class ProcessRunner:
    """Runs spread over ``jobs`` local worker processes (a :class:`~concurrent.futures.ProcessPoolExecutor`,
    started as :func:`start_method` says, or as ``method`` if given). Two chunks per worker are in flight, so
    that a worker that is done finds the next one waiting; the rows come back in chunk order. Closing early (Ctrl-C, a fuzz failure) drops the
    chunks not started and stops the workers; a worker that dies (killed for lack of memory, say) ends the run
    with a :class:`~raft.errors.RaftSimError` rather than leaving it waiting for ever."""

    jobs: int
    method: str | None = None

    @property
    def workers(self) -> int:
        return self.jobs

    def rows(self, task: Task, runs: Sequence[Run]) -> Generator[list[Row], None, None]:
        executor = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context(self.method or start_method()),
            initializer=ignore_interrupts,
        )
        work = partial(run_chunk, task)
        chunks = iter(chunked(runs, self.jobs))
        in_flight: deque[Future[list[Row]]] = deque()
        try:
            while True:
                try:  # a dead worker breaks the pool: taking a result or handing out a chunk then raises
                    for chunk in islice(chunks, 2 * self.jobs - len(in_flight)):
                        in_flight.append(executor.submit(work, chunk))
                    if not in_flight:
                        return
                    rows = in_flight.popleft().result()
                except BrokenProcessPool as broken:
                    raise RaftSimError(
                        "a worker process died before finishing its runs (out of memory?); "
                        "try fewer --jobs, or --jobs 1 to see the error"
                    ) from broken
                yield rows
        finally:
            # the workers, to stop the chunks in flight too (the executor's own handles, taken before shutdown
            # forgets them: Python 3.14 has this as terminate_workers)
            workers = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.join()
            executor.shutdown(wait=True)


@dataclass(frozen=True, slots=True)
class DaskRunner:
    """Runs on an existing Dask distributed cluster, given its scheduler's address (``tcp://host:8786``).

    At most a few chunks per worker thread are in flight; results are taken in submission order.
    """

    address: str

    def rows(self, task: Task, runs: Sequence[Run]) -> Generator[list[Row], None, None]:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - an optional dependency
            raise RaftSimError(
                "--dask needs the 'distributed' package (pip install 'dask[distributed]')"
            ) from None
        try:
            client = Client(self.address, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise RaftSimError(f"--dask {self.address}: cannot reach the scheduler ({error})") from None
        try:
            threads = max(1, sum(client.nthreads().values()))
            shared = client.scatter(task, broadcast=True)
            pending: deque[Any] = deque()
            chunks = iter(chunked(runs, threads))
            window = 4 * threads
            for chunk in chunks:
                pending.append(client.submit(run_chunk, shared, list(chunk), pure=False))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            client.close()


def make_runner(
    jobs: int | None = None, dask: str | None = None
) -> SerialRunner | ProcessRunner | DaskRunner:
    """The runner for ``--jobs`` / ``--dask``: Dask if given an address, else every core (or ``jobs`` of them);
    ``jobs=1`` runs in this process. Giving both is an error."""
    if jobs is not None and dask:
        raise RaftSimError("--jobs and --dask: give one or the other")
    if dask:
        return DaskRunner(dask)
    if jobs is not None and jobs < 1:
        raise RaftSimError(f"--jobs: must be at least 1, got {jobs}")
    count = jobs if jobs is not None else (os.cpu_count() or 1)
    return SerialRunner() if count == 1 else ProcessRunner(count)
