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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from raft.analysis.quorum_math import (
    availability,
    failures_tolerated,
    majority,
    majority_split_fraction,
    split_shapes,
)
from raft.analysis.summary import nearest_rank
from raft.batch.runners import Row
from raft.batch.sweep import Runner
from raft.experiments.why_odd.trials import availability_trials, crash_trials, partition_trials

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
