"""Running fuzz seeds: one at a time (:func:`run_seed`), or a range of them in parallel (:func:`run_seeds`).

Seeds run in batches across worker processes (joblib; the sweep engine in raft.experiments was still being
written when this was, so the fuzzer uses joblib directly). After each batch the runner stops if a seed failed,
and reports the lowest failing seed: "found after N seeds" means seeds ``first..first+N-1`` all ran. Results do not
depend on the number of workers: each seed's run is determined by its seed alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from raft.api import parse_scenario
from raft.fuzz.generator import FuzzConfig, generate
from raft.fuzz.properties import Failure, run_checked


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    """What one seed's run showed: its first failure (if any) and the linearizability verdict."""

    seed: int
    failure: Failure | None
    linearizable: str | None


@dataclass(frozen=True, slots=True)
class FuzzReport:
    """A fuzz campaign: the seeds that ran, the lowest failing seed's outcome, and how long it took."""

    ran: tuple[SeedOutcome, ...]
    first_failure: SeedOutcome | None
    seconds: float

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


def _run_batch(seeds: Sequence[int], config: FuzzConfig) -> list[SeedOutcome]:
    return [run_seed(seed, config) for seed in seeds]


def run_seeds(
    seeds: Sequence[int],
    config: FuzzConfig,
    *,
    jobs: int = 1,
    stop_on_failure: bool = True,
    progress: Callable[[int], None] | None = None,
) -> FuzzReport:
    """Run ``seeds`` (in order, ``jobs`` worker processes); ``progress(n)`` after every ``n`` seeds done."""
    start = time.perf_counter()
    ran: list[SeedOutcome] = []
    per_task = max(1, min(25, len(seeds) // (jobs * 8) or 1))
    tasks = [seeds[i : i + per_task] for i in range(0, len(seeds), per_task)]
    batch = max(1, jobs * 4)
    parallel = None
    if jobs > 1:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=jobs, backend="loky")
    with parallel if parallel is not None else _Nothing():
        for first in range(0, len(tasks), batch):
            group = tasks[first : first + batch]
            if parallel is not None:
                chunks = parallel(delayed(_run_batch)(chunk, config) for chunk in group)
            else:
                chunks = [_run_batch(chunk, config) for chunk in group]
            for chunk in chunks:
                ran.extend(chunk)
                if progress is not None:
                    progress(len(chunk))
            if stop_on_failure and any(outcome.failure is not None for outcome in ran):
                break
    failures = [outcome for outcome in ran if outcome.failure is not None]
    lowest = min(failures, key=lambda outcome: outcome.seed) if failures else None
    return FuzzReport(tuple(ran), lowest, time.perf_counter() - start)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
