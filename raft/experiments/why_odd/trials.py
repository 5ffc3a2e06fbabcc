"""The trials of the why-odd experiment, each a batch of runs on the batch engine (:mod:`raft.batch`), one row
per run:

- crashes: n servers, k of them down from the start;
- two-way partitions: n servers split a | n-a from the start (one partition per split shape);
- independent failures: every server fails and recovers independently (exponential times to failure and to
  repair) while a client writes, measuring the fraction of time writes were not unavailable
  (:mod:`raft.analysis.availability`) and the fraction of time a majority was up.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from raft.analysis.quorum_math import majority, split_shapes
from raft.api import simulate
from raft.batch.grid import Run
from raft.batch.runners import Row
from raft.batch.sink import Column
from raft.batch.sweep import RESULT_COLUMNS, Runner, columns_for, execute, figures
from raft.sim.events import Event, EventType

BASE: dict[str, Any] = {
    "cluster": {"election_timeout_ms": [150, 300], "heartbeat_ms": 50},
    "network": {"latency_ms": [5, 10]},
    "workload": {"writes_per_s": 20},
}


def scenario(name: str, n: int, duration_ms: float, events: list[dict[str, Any]], **workload: Any) -> Any:
    """The scenario of one trial: n servers of :data:`BASE` with these events, workload keys overridden."""
    from raft.scenario import parse_scenario

    data = {
        "name": name,
        "duration_ms": duration_ms,
        "cluster": {**BASE["cluster"], "size": n},
        "network": BASE["network"],
        "workload": {**BASE["workload"], **workload},
        "events": events,
    }
    return parse_scenario(data, f"<why-odd {name}>")


#: The columns of a crash or partition trial: the sweep's figures and the time writes were unavailable.
TRIAL_COLUMNS = (*RESULT_COLUMNS, Column("unavailable_ms", "float"))


def _figures(
    name: str, n: int, duration_ms: float, events: list[dict[str, Any]], seed: int
) -> dict[str, Any]:
    """The summary figures of one run of ``n`` servers with these events and clients writing for 80 % of it,
    with ``unavailable_ms``, the total time writes were unavailable."""
    trial = scenario(name, n, duration_ms, events, stop_ms=duration_ms * 0.8)
    summary = simulate(trial, seed=seed, record=False).summary
    return {**figures(summary), "unavailable_ms": summary["unavailable_ms"]}


@dataclass(frozen=True)
class CrashTask:
    """n servers, k of them (n1..nk) down from the start, 3 s with writes: can the rest take writes?"""

    duration_ms: float = 3000.0

    def __call__(self, run: Run) -> dict[str, Any]:
        p = dict(run.params)
        events = [{"at_ms": 0, "crash": f"n{i}"} for i in range(1, p["k"] + 1)]
        return _figures("crash", p["n"], self.duration_ms, events, run.seed)


@dataclass(frozen=True)
class PartitionTask:
    """n servers split a | n-a from the start, 3 s with writes: can the cluster take writes?"""

    duration_ms: float = 3000.0

    def __call__(self, run: Run) -> dict[str, Any]:
        p = dict(run.params)
        nodes = [f"n{i}" for i in range(1, p["n"] + 1)]
        events = [{"at_ms": 0, "partition": [nodes[: p["a"]], nodes[p["a"] :]]}]
        return _figures("partition", p["n"], self.duration_ms, events, run.seed)


AVAILABILITY_COLUMNS = (Column("majority_up", "float"), Column("serving", "float"), Column("failures", "int"))


def failure_events(
    n: int, rng: random.Random, mtbf_ms: float, mttr_ms: float, duration_ms: float
) -> list[dict[str, Any]]:
    """Crash and restart events of n servers failing and recovering independently, in time order: each
    server starts up with probability a = MTBF / (MTBF + MTTR) (else it is crashed at 0), then stays up for
    exponential times of mean MTBF and down for exponential times of mean MTTR."""
    a = mtbf_ms / (mtbf_ms + mttr_ms)
    events: list[tuple[float, int, dict[str, Any]]] = []
    for i in range(1, n + 1):
        node = f"n{i}"
        up = rng.random() < a
        if not up:
            events.append((0.0, i, {"at_ms": 0.0, "crash": node}))
        t = 0.0
        while True:
            t += rng.expovariate(1.0 / (mtbf_ms if up else mttr_ms))
            if t >= duration_ms:
                break
            events.append((t, i, {"at_ms": t, "crash" if up else "restart": node}))
            up = not up
    return [event for _, _, event in sorted(events, key=lambda item: (item[0], item[1]))]


class _MajorityUp:
    """Event consumer: the time during which a majority of the servers is up (the formula's own event)."""

    def __init__(self, nodes: Sequence[str]) -> None:
        self.up = set(nodes)
        self.need = majority(len(nodes))
        self.last = 0.0
        self.majority_ms = 0.0
        self.failures = 0

    def advance(self, t: float) -> None:
        if len(self.up) >= self.need:
            self.majority_ms += t - self.last
        self.last = t

    def __call__(self, event: Event) -> None:
        self.advance(event["t_ms"])
        if event["type"] == EventType.CRASH:
            self.up.discard(event["node"])
            self.failures += 1
        elif event["type"] == EventType.RESTART:
            self.up.add(event["node"])


@dataclass(frozen=True)
class AvailabilityTask:
    """n servers failing and recovering independently for ``duration_ms`` while one client writes
    ``writes_per_s`` until the end: the fraction of time writes were not unavailable (``serving``), and the
    fraction of time a majority was up."""

    mtbf_ms: float = 90_000.0
    mttr_ms: float = 10_000.0
    duration_ms: float = 300_000.0
    writes_per_s: float = 10.0

    def __call__(self, run: Run) -> dict[str, Any]:
        n = dict(run.params)["n"]
        rng = random.Random(f"why-odd/failures/{n}/{run.seed}")
        events = failure_events(n, rng, self.mtbf_ms, self.mttr_ms, self.duration_ms)
        trial = scenario(
            "availability",
            n,
            self.duration_ms,
            events,
            clients=1,
            writes_per_s=self.writes_per_s,
            stop_ms=self.duration_ms,
        )
        probe = _MajorityUp([f"n{i}" for i in range(1, n + 1)])
        result = simulate(
            trial,
            seed=run.seed,
            duration_ms=self.duration_ms,
            record=False,
            consumers=[(probe, (EventType.CRASH, EventType.RESTART))],
        )
        probe.advance(self.duration_ms)
        return {
            "majority_up": probe.majority_ms / self.duration_ms,
            "serving": 1.0 - result.summary["unavailable_ms"] / self.duration_ms,
            "failures": probe.failures,
        }


# ------------------------------------------------------------------------------------------ batches


def runs(
    sizes: Sequence[int],
    extra: Callable[[int], Iterable[tuple[tuple[str, int], ...]]],
    trials: int,
    seed: int,
) -> list[Run]:
    """For each size n and each extra parameter tuple of n, ``trials`` runs at seeds ``seed``, ``seed`` + 1, …"""
    out: list[Run] = []
    for n in sizes:
        for values in extra(n):
            for t in range(trials):
                out.append(Run(len(out), (("n", n), *values), seed + t))
    return out


def crash_trials(
    sizes: Sequence[int], *, trials: int, seed: int, runner: Runner, progress: bool = False
) -> tuple[CrashTask, list[Row]]:
    """For each size n and each k = 0..n, ``trials`` runs with n1..nk down; the task and its rows."""
    task = CrashTask()
    cols = columns_for((Column("n", "int"), Column("k", "int")), TRIAL_COLUMNS)
    rows = (
        execute(
            task,
            runs(sizes, lambda n: [(("k", k),) for k in range(n + 1)], trials, seed),
            columns=cols,
            runner=runner,
            progress=progress,
            description="why-odd crashes",
        ).rows
        or []
    )
    return task, rows


def partition_trials(
    sizes: Sequence[int], *, trials: int, seed: int, runner: Runner, progress: bool = False
) -> tuple[PartitionTask, list[Row]]:
    """For each size n and each split shape a | n-a (:func:`raft.analysis.quorum_math.split_shapes`),
    ``trials`` runs; the task and its rows."""
    task = PartitionTask()
    cols = columns_for((Column("n", "int"), Column("a", "int")), TRIAL_COLUMNS)
    shapes = {n: dict(split_shapes(n)) for n in sizes}
    rows = (
        execute(
            task,
            runs(sizes, lambda n: [(("a", a),) for a in shapes[n]], trials, seed),
            columns=cols,
            runner=runner,
            progress=progress,
            description="why-odd partitions",
        ).rows
        or []
    )
    return task, rows


def availability_trials(
    sizes: Sequence[int],
    *,
    trials: int,
    seed: int,
    runner: Runner,
    mtbf_s: float,
    mttr_s: float,
    availability_s: float,
    progress: bool = False,
) -> list[Row]:
    """For each size n, ``trials`` runs of :class:`AvailabilityTask`; their rows."""
    task = AvailabilityTask(mtbf_s * 1000, mttr_s * 1000, availability_s * 1000)
    cols = columns_for((Column("n", "int"),), AVAILABILITY_COLUMNS)
    return (
        execute(
            task,
            runs(sizes, lambda n: [()], trials, seed),
            columns=cols,
            runner=runner,
            progress=progress,
            description="why-odd availability",
        ).rows
        or []
    )
