"""The why-odd experiment from trial rows to one typed line per cluster size n:

- quorum arithmetic: majority = floor(n/2) + 1, failures tolerated = n - majority (computed), and shown by
  simulation: with k servers down from the start, can the cluster still take writes (a leader elected, writes
  committed, and writes unavailable for less than half the run)?
- two-way partitions: the fraction of splits that leave one side with a majority (computed over all splits),
  and simulated (one partition per split shape, weighted by how many splits have that shape): can the cluster
  take writes, in the same sense?
- availability when every server fails and recovers independently (exponential times to failure and to repair):
  the binomial formula sum_{k >= majority} C(n,k) a^k (1-a)^(n-k) beside the simulated fraction of time the cluster
  could take writes (a client writing all along; the time its writes were *not* unavailable, as
  :mod:`raft.analysis.availability` defines it), with a 95 % confidence interval over trials;
- the cost of size, from the runs with nobody down: messages per committed write, commit latency (the median over
  runs of each run's median; JSON ``commit_latency_ms``),
  time to the first leader, and the split-vote rate (terms that elected nobody).

The "during a change" view (:func:`run_during_change`) is a second result of the same experiment: a cluster
growing from n to n + 2 one server at a time, each newcomer joining as a learner or as a voter at once, with one
typed line per configuration in force (:class:`ChangeStep`: its quorum and the failures it tolerates, computed
from the configuration the runs used, and the write unavailability measured while it was in force) and one per
growth (:class:`ChangeLine`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from raft.analysis.membership import describe_config
from raft.analysis.quorum_math import (
    availability,
    failures_tolerated,
    joint_failures_tolerated,
    majority,
    majority_split_fraction,
    split_shapes,
)
from raft.analysis.summary import nearest_rank
from raft.batch.runners import Row
from raft.batch.sweep import Runner
from raft.experiments.why_odd.trials import (
    JOINS,
    ChangeTask,
    availability_trials,
    change_trials,
    crash_trials,
    partition_trials,
)

if TYPE_CHECKING:
    import pandas as pd

SIZES = tuple(range(1, 10))


def takes_writes(row: Row, duration_ms: float) -> bool:
    """Whether a crash or partition trial could take writes: safe, a leader elected, writes committed, and writes
    unavailable (:mod:`raft.analysis.availability`) for less than half the run."""
    return (
        row["outcome"] != "unsafe"
        and row["first_leader_ms"] is not None
        and row["writes_committed"] > 0
        and row["unavailable_ms"] < duration_ms / 2
    )


def mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and a 95 % confidence interval (normal approximation over trials; the half-width is 0 for one)."""
    if not values:
        return math.nan, math.nan, math.nan
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, mean, mean
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = 1.96 * sd / math.sqrt(len(values))
    return mean, mean - half, mean + half


def clip_to_unit(low: float, high: float) -> tuple[float, float]:
    """A normal-approximation interval of a fraction, clipped to [0, 1] (near 1 the approximation reaches past
    it: a fraction of time cannot exceed 1)."""
    return max(0.0, low), min(1.0, high)


@dataclass(frozen=True, slots=True)
class MeasuredAvailability:
    """The simulated availability of n servers failing independently, each as (mean, low, high) of a 95 %
    interval over trials (:func:`mean_ci`, not clipped): ``serving``, the fraction of time writes were not
    unavailable; ``majority_up``, the fraction of time a majority was up."""

    n: int
    serving: tuple[float, float, float]
    majority_up: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class SizeLine:
    """The result for one cluster size n: each computed value beside the simulated one (``None`` where there is
    nothing to measure: no split of one server, no committed write)."""

    n: int
    majority: int
    tolerated: int
    tolerated_simulated: int
    majority_split_fraction: float | None
    majority_split_fraction_simulated: float | None
    availability_formula: float
    availability_majority_up: float
    availability_simulated: float
    #: The 95 % interval of ``availability_simulated``, clipped to [0, 1].
    availability_ci95: tuple[float, float]
    formula_in_ci: bool
    messages_per_write: float | None
    commit_latency_ms: float | None
    first_leader_ms: float | None
    split_vote_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        """The line as in the JSON output (the interval as a two-element list)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["availability_ci95"] = list(self.availability_ci95)
        return out

    def flat(self) -> dict[str, Any]:
        """The line with its interval as two columns, ``ci95_low`` and ``ci95_high`` (last): a row of the CSV
        file and of :meth:`WhyOddResult.frame`."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "availability_ci95"}
        out["ci95_low"], out["ci95_high"] = self.availability_ci95
        return out


@dataclass(frozen=True)
class WhyOddResult:
    sizes: tuple[int, ...]
    #: The availability of one server, MTBF / (MTBF + MTTR).
    availability: float
    lines: tuple[SizeLine, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": "why-odd",
            "node_availability": self.availability,
            "sizes": [line.to_dict() for line in self.lines],
        }

    def frame(self) -> pd.DataFrame:
        """One row per size, indexed by n, with the columns of the CSV file (:meth:`SizeLine.flat`)."""
        import pandas as pd

        return pd.DataFrame([line.flat() for line in self.lines]).set_index("n")


def measured_availability(
    rows: Sequence[dict[str, Any]], sizes: Sequence[int]
) -> dict[int, MeasuredAvailability]:
    """The availability part of the experiment, per size n, from the rows of
    :func:`~raft.experiments.why_odd.trials.availability_trials`: runs in which every server fails and recovers
    independently while a client writes (:class:`~raft.experiments.why_odd.trials.AvailabilityTask`)."""
    return {
        n: MeasuredAvailability(
            n, *(mean_ci([r[m] for r in rows if r["n"] == n]) for m in ("serving", "majority_up"))
        )
        for n in sizes
    }


def run_why_odd(
    *,
    sizes: Sequence[int] = SIZES,
    trials: int = 10,
    seed: int = 1,
    runner: Runner,
    mtbf_s: float = 90.0,
    mttr_s: float = 10.0,
    availability_s: float = 300.0,
    progress: bool = False,
) -> WhyOddResult:
    """Every part of the experiment, each a batch of trials on ``runner``; one line per size."""
    crash_task, crash = crash_trials(sizes, trials=trials, seed=seed, runner=runner, progress=progress)
    part_task, part = partition_trials(sizes, trials=trials, seed=seed, runner=runner, progress=progress)
    rows = availability_trials(
        sizes,
        trials=trials,
        seed=seed,
        runner=runner,
        mtbf_s=mtbf_s,
        mttr_s=mttr_s,
        availability_s=availability_s,
        progress=progress,
    )
    measured = measured_availability(rows, sizes)
    a = mtbf_s / (mtbf_s + mttr_s)
    lines = []
    for n in sizes:
        survives = {
            k: all(takes_writes(r, crash_task.duration_ms) for r in crash if r["n"] == n and r["k"] == k)
            for k in range(n + 1)
        }
        shown = max((k for k in range(n + 1) if all(survives[j] for j in range(k + 1))), default=-1)
        shapes = dict(split_shapes(n))
        total = sum(shapes.values())
        sim_split = None
        if total:
            weighted = 0.0
            for a_side, count in shapes.items():
                mine = [r for r in part if r["n"] == n and r["a"] == a_side]
                weighted += count * sum(takes_writes(r, part_task.duration_ms) for r in mine) / len(mine)
            sim_split = weighted / total
        serving, majority_up = measured[n].serving, measured[n].majority_up
        base = [r for r in crash if r["n"] == n and r["k"] == 0]
        committed = sum(r["writes_committed"] for r in base)
        elections = sum(r["elections"] for r in base)
        lat = sorted(r["latency_p50_ms"] for r in base if r["latency_p50_ms"] is not None)
        first = [r["first_leader_ms"] for r in base if r["first_leader_ms"] is not None]
        lines.append(
            SizeLine(
                n=n,
                majority=majority(n),
                tolerated=failures_tolerated(n),
                tolerated_simulated=shown,
                majority_split_fraction=majority_split_fraction(n),
                majority_split_fraction_simulated=sim_split,
                availability_formula=availability(n, a),
                availability_majority_up=majority_up[0],
                availability_simulated=serving[0],
                availability_ci95=clip_to_unit(serving[1], serving[2]),
                formula_in_ci=serving[1] <= availability(n, a) <= serving[2]
                or majority_up[1] <= availability(n, a) <= majority_up[2],
                messages_per_write=sum(r["messages_sent"] for r in base) / committed if committed else None,
                commit_latency_ms=nearest_rank(lat, 50),
                first_leader_ms=sum(first) / len(first) if first else None,
                split_vote_rate=sum(r["split_votes"] for r in base) / elections if elections else None,
            )
        )
    return WhyOddResult(tuple(sizes), a, tuple(lines))


# ------------------------------------------------------------------------------------------ during a change

#: The starting sizes of the during-a-change view: 3 → 5 and 5 → 7.
CHANGE_SIZES = (3, 5)


def step_label(voters: Sequence[str], learners: Sequence[str], outgoing: Sequence[str]) -> str:
    """``3 voters``, ``3 voters + learner n4``, or, during joint consensus, ``joint 3 → 4 voters``."""
    if outgoing:
        return f"joint {len(outgoing)} → {len(voters)} voters"
    label = f"{len(voters)} voter{'s' if len(voters) != 1 else ''}"
    return f"{label} + learner {', '.join(learners)}" if learners else label


@dataclass(frozen=True, slots=True)
class ChangeStep:
    """One configuration in force while n servers grow to n + 2 (``step`` 0 to 4, in order), the newcomers
    joining as ``join`` (``learner`` or ``voter``): its voters, learners and, during joint consensus, outgoing
    voters (counts; ``label`` and ``configuration`` name them); ``quorum`` (a majority of the voters) and
    ``outgoing_quorum`` (of the outgoing voters, ``None`` outside joint consensus), and ``tolerated``, the
    failures it tolerates (:func:`~raft.analysis.quorum_math.joint_failures_tolerated`), computed; measured over
    the trials: the mean time it was in force (``in_force_ms``), the mean and largest write unavailability
    while it was (``unavailable_ms``, ``max_unavailable_ms``), ``availability`` (1 - the sum of unavailable time
    over the sum of time in force), ``unavailable_by_trial`` (each trial's, in seed order), and
    ``commit_wait_ms``, the mean time its entry took to commit (``None`` for the initial configuration)."""

    n: int
    join: str
    step: int
    label: str
    configuration: str
    voters: int
    learners: int
    outgoing: int
    quorum: int
    outgoing_quorum: int | None
    tolerated: int
    in_force_ms: float
    unavailable_ms: float
    max_unavailable_ms: float
    availability: float
    unavailable_by_trial: tuple[float, ...]
    commit_wait_ms: float | None
    trials: int

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["unavailable_by_trial"] = list(self.unavailable_by_trial)
        return out


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """A whole growth from n to n + 2, the newcomers joining as ``join``: the fewest failures tolerated by any
    configuration on the way, and over the trials the mean and largest write unavailability during the change
    (from the crash to the end of the run, ``change_ms``) and the availability (1 - unavailable / change)."""

    n: int
    join: str
    tolerated_least: int
    change_ms: float
    unavailable_ms: float
    max_unavailable_ms: float
    availability: float
    trials: int

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class DuringChangeResult:
    """The during-a-change view: one :class:`ChangeStep` per (n, join, step), one :class:`ChangeLine` per
    (n, join), and the task that ran (its times and settings)."""

    sizes: tuple[int, ...]
    task: ChangeTask
    steps: tuple[ChangeStep, ...]
    lines: tuple[ChangeLine, ...]

    def to_dict(self) -> dict[str, Any]:
        task = self.task
        return {
            "experiment": "why-odd",
            "view": "during-change",
            "sizes": list(self.sizes),
            "fail_ms": task.fail_ms,
            "join_ms": [task.join_ms, task.join_ms + task.step_ms],
            "entries_per_append": task.entries_per_append,
            "stall_ms": task.stall_ms,
            "steps": [step.to_dict() for step in self.steps],
            "changes": [line.to_dict() for line in self.lines],
        }

    def frame(self) -> pd.DataFrame:
        """One row per configuration in force, indexed by (n, join, step): the rows of the CSV file."""
        import pandas as pd

        return pd.DataFrame([step.to_dict() for step in self.steps]).set_index(["n", "join", "step"])

    def changes_frame(self) -> pd.DataFrame:
        """One row per growth, indexed by (n, join)."""
        import pandas as pd

        return pd.DataFrame([line.to_dict() for line in self.lines]).set_index(["n", "join"])


def change_step(n: int, join: str, position: int, trial_steps: Sequence[dict[str, Any]]) -> ChangeStep:
    """The line of one configuration in force from its record in every trial (:func:`trials.change_steps`);
    the trials must agree on the configuration: they run the same events."""
    names = [(tuple(s["voters"]), tuple(s["learners"]), tuple(s["outgoing"])) for s in trial_steps]
    if len(set(names)) != 1:
        raise AssertionError(
            f"n={n} {join}: the trials used different configurations at step {position}: {names}"
        )
    voters, learners, outgoing = names[0]
    in_force = [s["in_force_ms"] for s in trial_steps]
    unavailable = [s["unavailable_ms"] for s in trial_steps]
    waits = [s["commit_wait_ms"] for s in trial_steps if s["commit_wait_ms"] is not None]
    return ChangeStep(
        n=n,
        join=join,
        step=position,
        label=step_label(voters, learners, outgoing),
        configuration=describe_config(voters, learners, outgoing),
        voters=len(voters),
        learners=len(learners),
        outgoing=len(outgoing),
        quorum=majority(len(voters)),
        outgoing_quorum=majority(len(outgoing)) if outgoing else None,
        tolerated=joint_failures_tolerated(len(voters), len(outgoing)),
        in_force_ms=sum(in_force) / len(in_force),
        unavailable_ms=sum(unavailable) / len(unavailable),
        max_unavailable_ms=max(unavailable),
        availability=1.0 - sum(unavailable) / sum(in_force) if sum(in_force) else math.nan,
        unavailable_by_trial=tuple(unavailable),
        commit_wait_ms=sum(waits) / len(waits) if waits else None,
        trials=len(trial_steps),
    )


def run_during_change(
    *,
    sizes: Sequence[int] = CHANGE_SIZES,
    trials: int = 10,
    seed: int = 1,
    runner: Runner,
    progress: bool = False,
) -> DuringChangeResult:
    """The during-a-change view: for each n, ``trials`` growths to n + 2 per way of joining
    (:class:`~raft.experiments.why_odd.trials.ChangeTask`); one line per configuration in force and per growth."""
    task, rows = change_trials(sizes, trials=trials, seed=seed, runner=runner, progress=progress)
    rows = sorted(rows, key=lambda row: row["run"])
    unsafe = [row for row in rows if row["outcome"] == "unsafe"]
    if unsafe:
        raise AssertionError(
            f"a during-a-change trial broke safety: {unsafe[0]['key']}: {unsafe[0]['message']}"
        )
    steps: list[ChangeStep] = []
    lines: list[ChangeLine] = []
    for n in sizes:
        for join in JOINS:
            mine = [row for row in rows if row["n"] == n and row["join"] == join]
            runs = [json.loads(row["steps"]) for row in mine]
            count = min(len(run) for run in runs)
            if any(len(run) != count for run in runs):
                raise AssertionError(
                    f"n={n} {join}: the trials went through different numbers of configurations"
                )
            mine_steps = [change_step(n, join, i, [run[i] for run in runs]) for i in range(count)]
            steps.extend(mine_steps)
            unavailable = [row["unavailable_ms"] for row in mine]
            change = sum(row["change_ms"] for row in mine)
            lines.append(
                ChangeLine(
                    n=n,
                    join=join,
                    tolerated_least=min(step.tolerated for step in mine_steps),
                    change_ms=change / len(mine),
                    unavailable_ms=sum(unavailable) / len(mine),
                    max_unavailable_ms=max(unavailable),
                    availability=1.0 - sum(unavailable) / change,
                    trials=len(mine),
                )
            )
    return DuringChangeResult(tuple(sizes), task, tuple(steps), tuple(lines))
