"""The trials of the why-odd experiment, each a batch of runs on the batch engine (:mod:`raft.batch`), one row
per run:

- crashes: n servers, k of them down from the start;
- two-way partitions: n servers split a | n-a from the start (one partition per split shape);
- independent failures: every server fails and recovers independently (exponential times to failure and to
  repair) while a client writes, measuring the fraction of time writes were not unavailable
  (:mod:`raft.analysis.availability`) and the fraction of time a majority was up;
- during a change (``--during-change``): n servers grow to n + 2 one server at a time, each newcomer joining
  as a learner or as a voter at once, with as many servers down as n tolerates; one row per run, with the
  configuration in force at each step and the write unavailability while it was (:func:`change_steps`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from raft.analysis.quorum_math import failures_tolerated, majority, split_shapes
from raft.analysis.records import Summary
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


def scenario(
    name: str,
    n: int,
    duration_ms: float,
    events: list[dict[str, Any]],
    *,
    cluster: dict[str, Any] | None = None,
    analysis: dict[str, Any] | None = None,
    **workload: Any,
) -> Any:
    """The scenario of one trial: n servers of :data:`BASE` with these events, workload keys overridden (and
    cluster keys, and the ``analysis`` section, when given)."""
    from raft.scenario import parse_scenario

    data = {
        "name": name,
        "duration_ms": duration_ms,
        "cluster": {**BASE["cluster"], "size": n, **(cluster or {})},
        "network": BASE["network"],
        "workload": {**BASE["workload"], **workload},
        "events": events,
    }
    if analysis:
        data["analysis"] = analysis
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


#: How a newcomer joins in the during-a-change view: as a ``learner`` (``add``, then ``promote``, which waits
#: until it has caught up; thesis §4.2.1), or as a ``voter`` at once (a joint ``change`` adding it, as in
#: scenarios/membership/add-voter-without-learner.yaml: ``add`` always starts a learner).
JOINS = ("learner", "voter")

#: The columns of a during-a-change trial: ``steps`` (JSON, :func:`change_steps`), and over the whole change
#: (from the crash to the end) its length and the write unavailability in it.
CHANGE_COLUMNS = (
    Column("outcome", "str"),
    Column("steps", "str"),
    Column("change_ms", "float"),
    Column("unavailable_ms", "float"),
)


def overlap_ms(periods: Iterable[tuple[float, float]], start: float, end: float) -> float:
    """How much of [start, end) the periods cover (the periods do not overlap one another)."""
    return sum(max(0.0, min(to, end) - max(frm, start)) for frm, to in periods)


def change_steps(
    summary: Summary, nodes: Sequence[str], start_ms: float, end_ms: float
) -> list[dict[str, Any]]:
    """The configurations in force from ``start_ms`` to ``end_ms``, in order: the initial one (the voters
    ``nodes``) and each configuration entry of the run (the summary's ``configurations``). A configuration is in
    force, at the leader that appended it, from its ``appended_ms`` until the next one is appended (a server
    uses the latest configuration in its log, committed or not: thesis §4.1). For each: its voters, learners
    and outgoing voters (joint), ``in_force_ms``, ``unavailable_ms`` (the run's write unavailability within that
    time) and ``commit_wait_ms``, how long its entry took to commit (``None`` for the initial one, or when it
    never committed)."""
    periods = [(p["from_ms"], p["to_ms"]) for p in summary["unavailable"]]
    configs = sorted(summary["configurations"], key=lambda c: (c["appended_ms"], c["index"]))
    steps: list[dict[str, Any]] = [
        {"voters": list(nodes), "learners": [], "outgoing": [], "from_ms": start_ms, "commit_wait_ms": None}
    ]
    for config in configs:
        committed = config["committed_ms"]
        steps.append(
            {
                "voters": config["voters"],
                "learners": config["learners"],
                "outgoing": config.get("outgoing", []),
                "from_ms": max(start_ms, config["appended_ms"]),
                "commit_wait_ms": None if committed is None else committed - config["appended_ms"],
            }
        )
    for step, after in zip(steps, [*steps[1:], None], strict=True):
        to = end_ms if after is None else after["from_ms"]
        step["in_force_ms"] = to - step["from_ms"]
        step["unavailable_ms"] = overlap_ms(periods, step["from_ms"], to)
    return steps


@dataclass(frozen=True)
class ChangeTask:
    """n servers grow to n + 2 one server at a time while two clients write: at ``fail_ms`` as many followers
    crash as n servers tolerate (failures_tolerated(n), which is also what n + 1 tolerate) and stay down; the
    first newcomer joins at ``join_ms``, the second ``step_ms`` later, each as a learner promoted
    ``promote_after_ms`` later (the promotion waits until it has caught up) or as a voter at once (param
    ``join``, :data:`JOINS`). Each AppendEntries carries ``entries_per_append`` entries, so that a newcomer needs
    many round trips to catch up, as a real one that must fetch a long log or a large snapshot does; write
    unavailability counts stalls longer than ``stall_ms`` (the scenario's ``analysis.stall_ms``)."""

    fail_ms: float = 1800.0
    join_ms: float = 2000.0
    step_ms: float = 2500.0
    promote_after_ms: float = 300.0
    entries_per_append: int = 1
    stall_ms: float = 100.0
    writes_per_s: float = 20.0

    @property
    def duration_ms(self) -> float:
        return self.join_ms + 2 * self.step_ms

    def events(self, n: int, join: str) -> list[dict[str, Any]]:
        """The crashes and the two joins of a growth from n, newcomers n(n+1) and n(n+2)."""
        events: list[dict[str, Any]] = [
            {"at_ms": self.fail_ms, "crash": "follower"} for _ in range(failures_tolerated(n))
        ]
        for i, newcomer in enumerate((f"n{n + 1}", f"n{n + 2}")):
            at = self.join_ms + i * self.step_ms
            if join == "learner":
                events.append({"at_ms": at, "add": newcomer})
                events.append({"at_ms": at + self.promote_after_ms, "promote": newcomer})
            else:
                events.append({"at_ms": at, "change": {"add": [newcomer]}})
        return events

    def __call__(self, run: Run) -> dict[str, Any]:
        p = dict(run.params)
        n, join = p["n"], p["join"]
        trial = scenario(
            f"grow-{n}-to-{n + 2}-{join}",
            n,
            self.duration_ms,
            self.events(n, join),
            cluster={"spares": 2, "max_entries_per_append": self.entries_per_append},
            analysis={"stall_ms": self.stall_ms},
            clients=2,
            writes_per_s=self.writes_per_s,
            stop_ms=self.duration_ms,
        )
        summary = simulate(trial, seed=run.seed, record=False).summary
        nodes = [f"n{i}" for i in range(1, n + 1)]
        steps = change_steps(summary, nodes, self.fail_ms, self.duration_ms)
        return {
            "outcome": figures(summary)["outcome"],
            "steps": json.dumps(steps),
            "change_ms": self.duration_ms - self.fail_ms,
            "unavailable_ms": sum(step["unavailable_ms"] for step in steps),
        }


# ------------------------------------------------------------------------------------------ batches


def runs(
    sizes: Sequence[int],
    extra: Callable[[int], Iterable[tuple[tuple[str, Any], ...]]],
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


def change_trials(
    sizes: Sequence[int], *, trials: int, seed: int, runner: Runner, progress: bool = False
) -> tuple[ChangeTask, list[Row]]:
    """For each starting size n and each way of joining (:data:`JOINS`), ``trials`` runs of :class:`ChangeTask`;
    the task and its rows."""
    task = ChangeTask()
    cols = columns_for((Column("n", "int"), Column("join", "str")), CHANGE_COLUMNS)
    rows = (
        execute(
            task,
            runs(sizes, lambda n: [(("join", join),) for join in JOINS], trials, seed),
            columns=cols,
            runner=runner,
            progress=progress,
            description="why-odd during a change",
        ).rows
        or []
    )
    return task, rows
