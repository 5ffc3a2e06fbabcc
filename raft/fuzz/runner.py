"""Running fuzz seeds: one at a time (:func:`run_seed`), or a range of them in parallel (:func:`run_seeds`).

Seeds run in chunks on the sweep engine's runners (:mod:`raft.batch.runners`: in this process or on worker
processes), which hand the chunks back in seed order. After a chunk with a failing seed the runner stops, and
reports the first failing seed in the order given (the lowest, for a range): "found after N seeds" means the
first N seeds all ran. Results do not depend on the number of workers: each seed's run is determined by its seed
alone.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

from raft.api import parse_scenario
from raft.batch.grid import Run
from raft.batch.runners import make_runner
from raft.fuzz.generator import FuzzConfig, generate
from raft.fuzz.properties import run_checked
from raft.interrupts import stop_requests, until_stopped
from raft.sim.safety import Violation
from raft.sim.simulation import cycle_collection_paused


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    """What one seed's run showed: its first failure (if any) and the linearizability verdict."""

    seed: int
    failure: Violation | None
    linearizable: str | None


@dataclass(frozen=True, slots=True)
class FuzzReport:
    """A fuzz campaign: the seeds that ran, the first failing seed's outcome, and how long it took."""

    ran: tuple[SeedOutcome, ...]
    first_failure: SeedOutcome | None
    seconds: float
    #: Ctrl-C stopped the campaign: ``ran`` holds the seeds that finished.
    interrupted: bool = False

    @property
    def seeds_per_s(self) -> float:
        return len(self.ran) / self.seconds if self.seconds > 0 else float("inf")

    @property
    def unknown_linearizability(self) -> int:
        """Seeds whose history the checker could not decide within its budget."""
        return sum(1 for outcome in self.ran if outcome.linearizable == "unknown")


def run_seed(seed: int, config: FuzzConfig) -> SeedOutcome:
    """Generate and run seed ``seed``."""
    result, failure = run_checked(parse_scenario(generate(seed, config)))
    return SeedOutcome(seed, failure, result.summary["linearizable"])


@contextmanager
def collected_once() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a block, then run once over what it left (the youngest
    generation: everything allocated since). A fuzz seed's run is short and allocates a lot; left on, the collector
    would scan its live objects many times over. It never changes what a run does."""
    enabled = gc.isenabled()
    with cycle_collection_paused():
        yield
    if enabled:
        gc.collect(0)


@dataclass(frozen=True, slots=True)
class SeedTask:
    """The task a runner of :mod:`raft.batch.runners` runs for each seed: the seed's outcome, as row fields."""

    config: FuzzConfig

    def __call__(self, run: Run) -> dict[str, Any]:
        with collected_once():
            outcome = run_seed(run.seed, self.config)
        return {"failure": outcome.failure, "linearizable": outcome.linearizable}


def run_seeds(
    seeds: Sequence[int],
    config: FuzzConfig,
    *,
    jobs: int | None = 1,
    stop_on_failure: bool = True,
    progress: Callable[[int], None] | None = None,
) -> FuzzReport:
    """Run ``seeds`` (in order, on ``jobs`` worker processes, ``None`` for every core); ``progress(n)`` after every
    ``n`` seeds done. Ctrl-C stops it at once (the chunks in flight are dropped): the report is ``interrupted`` and holds the seeds
    that finished."""
    start = time.perf_counter()
    ran: list[SeedOutcome] = []
    runs = [Run(position, (), seed) for position, seed in enumerate(seeds)]
    with stop_requests() as stop, closing(make_runner(jobs).rows(SeedTask(config), runs)) as chunks:
        for rows in until_stopped(chunks, stop):
            ran.extend(SeedOutcome(row["seed"], row["failure"], row["linearizable"]) for row in rows)
            if progress is not None:
                progress(len(rows))
            if stop_on_failure and any(outcome.failure is not None for outcome in ran):
                break
    first = next((outcome for outcome in ran if outcome.failure is not None), None)
    return FuzzReport(tuple(ran), first, time.perf_counter() - start, interrupted=stop.requested)
