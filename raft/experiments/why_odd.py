"""``raft-sim experiment why-odd``: why Raft clusters have an odd number of servers, computed and simulated.

For each cluster size n:

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
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raft.analysis.quorum_math import availability, failures_tolerated, majority
from raft.analysis.summary import nearest_rank
from raft.api import simulate
from raft.batch.grid import Run
from raft.batch.sink import Column
from raft.batch.sweep import RESULT_COLUMNS, Runner, columns_for, execute, figures
from raft.files import atomic_write

SIZES = tuple(range(1, 10))


def split_shapes(n: int) -> list[tuple[int, int]]:
    """(size of the smaller side, number of two-way splits of that shape) for every shape of split of n."""
    shapes = []
    for a in range(1, n // 2 + 1):
        count = math.comb(n, a) // (2 if 2 * a == n else 1)
        shapes.append((a, count))
    return shapes


def majority_split_fraction(n: int) -> float | None:
    """The fraction of two-way splits that leave one side with a majority (``None`` for n = 1: no split)."""
    shapes = split_shapes(n)
    total = sum(count for _, count in shapes)
    if not total:
        return None
    return sum(count for a, count in shapes if n - a >= majority(n)) / total


# ------------------------------------------------------------------------------------------ trial tasks

BASE: dict[str, Any] = {
    "cluster": {"election_timeout_ms": [150, 300], "heartbeat_ms": 50},
    "network": {"latency_ms": [5, 10]},
    "workload": {"writes_per_s": 20},
}


def _scenario(name: str, n: int, duration_ms: float, events: list[dict[str, Any]], **workload: Any) -> Any:
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


def _figures(name: str, n: int, duration_ms: float, events: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    """The summary figures of one run of ``n`` servers with these events and clients writing for 80 % of it,
    with ``unavailable_ms``, the total time writes were unavailable."""
    from raft.api import simulate

    scenario = _scenario(name, n, duration_ms, events, stop_ms=duration_ms * 0.8)
    summary = simulate(scenario, seed=seed, record=False).summary
    return {**figures(summary), "unavailable_ms": summary["unavailable_ms"]}


def takes_writes(row: dict[str, Any], duration_ms: float) -> bool:
    """Whether a crash or partition trial could take writes: safe, a leader elected, writes committed, and writes
    unavailable (:mod:`raft.analysis.availability`) for less than half the run."""
    return (row["outcome"] != "unsafe" and row["first_leader_ms"] is not None and row["writes_committed"] > 0
            and row["unavailable_ms"] < duration_ms / 2)  # fmt: skip


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

    def __call__(self, event: dict[str, Any]) -> None:
        self.advance(event["t_ms"])
        if event["type"] == "crash":
            self.up.discard(event["node"])
            self.failures += 1
        elif event["type"] == "restart":
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
        scenario = _scenario("availability", n, self.duration_ms, events, clients=1,
                             writes_per_s=self.writes_per_s, stop_ms=self.duration_ms)  # fmt: skip
        probe = _MajorityUp([f"n{i}" for i in range(1, n + 1)])
        result = simulate(scenario, seed=run.seed, duration_ms=self.duration_ms, record=False,
                          consumers=[(probe, ("crash", "restart"))])  # fmt: skip
        probe.advance(self.duration_ms)
        return {
            "majority_up": probe.majority_ms / self.duration_ms,
            "serving": 1.0 - result.summary["unavailable_ms"] / self.duration_ms,
            "failures": probe.failures,
        }


# ------------------------------------------------------------------------------------------ the experiment


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


@dataclass(frozen=True)
class WhyOddResult:
    sizes: tuple[int, ...]
    availability: float
    lines: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"experiment": "why-odd", "node_availability": self.availability, "sizes": list(self.lines)}


def _runs(sizes: Sequence[int], extra: Any, trials: int, seed: int) -> list[Run]:
    runs: list[Run] = []
    for n in sizes:
        for values in extra(n):
            for t in range(trials):
                runs.append(Run(len(runs), (("n", n), *values), seed + t))
    return runs


def simulate_availability(
    *,
    sizes: Sequence[int],
    trials: int,
    seed: int = 1,
    runner: Runner,
    mtbf_s: float = 90.0,
    mttr_s: float = 10.0,
    availability_s: float = 300.0,
    progress: bool = False,
) -> dict[int, dict[str, tuple[float, float, float]]]:
    """The availability part of the experiment alone: for each size n, ``trials`` runs of ``availability_s``
    simulated seconds in which every server fails and recovers independently (exponential times, means
    ``mtbf_s`` and ``mttr_s``) while a client writes. Per n: ``serving`` (fraction of time writes were not
    unavailable, :mod:`raft.analysis.availability`) and
    ``majority_up`` (fraction of time a majority was up), each as (mean, low, high) of a 95 % interval over
    trials (:func:`mean_ci`, not clipped)."""
    task = AvailabilityTask(mtbf_s * 1000, mttr_s * 1000, availability_s * 1000)
    cols = columns_for((Column("n", "int"),), AVAILABILITY_COLUMNS)
    rows = execute(task, _runs(sizes, lambda n: [()], trials, seed), columns=cols, runner=runner,
                   progress=progress, description="why-odd availability").rows or []  # fmt: skip
    return {
        n: {measure: mean_ci([r[measure] for r in rows if r["n"] == n]) for measure in ("serving", "majority_up")}
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
    """Every part of the experiment, each a batch of trials on ``runner``; one summary line per size."""
    cols = columns_for((Column("n", "int"), Column("k", "int")), TRIAL_COLUMNS)
    crash_task, part_task = CrashTask(), PartitionTask()
    crash = execute(crash_task, _runs(sizes, lambda n: [(("k", k),) for k in range(n + 1)], trials, seed),
                    columns=cols, runner=runner, progress=progress, description="why-odd crashes").rows or []  # fmt: skip
    cols = columns_for((Column("n", "int"), Column("a", "int")), TRIAL_COLUMNS)
    shapes = {n: dict(split_shapes(n)) for n in sizes}
    part = execute(part_task, _runs(sizes, lambda n: [(("a", a),) for a in shapes[n]], trials, seed),
                   columns=cols, runner=runner, progress=progress, description="why-odd partitions").rows or []  # fmt: skip
    measured = simulate_availability(sizes=sizes, trials=trials, seed=seed, runner=runner, mtbf_s=mtbf_s,
                                     mttr_s=mttr_s, availability_s=availability_s, progress=progress)  # fmt: skip
    a = mtbf_s / (mtbf_s + mttr_s)
    lines = []
    for n in sizes:
        survives = {k: all(takes_writes(r, crash_task.duration_ms) for r in crash if r["n"] == n and r["k"] == k) for k in range(n + 1)}
        shown = max((k for k in range(n + 1) if all(survives[j] for j in range(k + 1))), default=-1)
        total = sum(shapes[n].values())
        sim_split = None
        if total:
            weighted = 0.0
            for a_side, count in shapes[n].items():
                mine = [r for r in part if r["n"] == n and r["a"] == a_side]
                weighted += count * sum(takes_writes(r, part_task.duration_ms) for r in mine) / len(mine)
            sim_split = weighted / total
        serving, majority_up = measured[n]["serving"], measured[n]["majority_up"]
        base = [r for r in crash if r["n"] == n and r["k"] == 0]
        committed = sum(r["writes_committed"] for r in base)
        elections = sum(r["elections"] for r in base)
        lat = sorted(r["latency_p50_ms"] for r in base if r["latency_p50_ms"] is not None)
        first = [r["first_leader_ms"] for r in base if r["first_leader_ms"] is not None]
        lines.append({
            "n": n,
            "majority": majority(n),
            "tolerated": failures_tolerated(n),
            "tolerated_simulated": shown,
            "majority_split_fraction": majority_split_fraction(n),
            "majority_split_fraction_simulated": sim_split,
            "availability_formula": availability(n, a),
            "availability_majority_up": majority_up[0],
            "availability_simulated": serving[0],
            "availability_ci95": list(clip_to_unit(serving[1], serving[2])),
            "formula_in_ci": serving[1] <= availability(n, a) <= serving[2] or
            majority_up[1] <= availability(n, a) <= majority_up[2],
            "messages_per_write": sum(r["messages_sent"] for r in base) / committed if committed else None,
            "commit_latency_ms": nearest_rank(lat, 50),
            "first_leader_ms": sum(first) / len(first) if first else None,
            "split_vote_rate": sum(r["split_votes"] for r in base) / elections if elections else None,
        })  # fmt: skip
    return WhyOddResult(tuple(sizes), a, tuple(lines))


def render(result: WhyOddResult) -> str:
    def f(value: Any, digits: int = 3) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value)

    head = ("n  majority  tolerates (sim)  majority-side splits (sim)   available: formula  sim [95% CI]"
            "            msgs/write  commit p50 ms  1st leader ms  split votes")
    out = [f"Why odd? node availability a = {result.availability:.3f}", head]
    notes = ["95% CI: normal approximation over trials, clipped to [0, 1]. "
             "commit p50 ms: the median over runs of each run's median commit latency."]  # fmt: skip
    for line in result.lines:
        ci = line["availability_ci95"]
        out.append(
            f"{line['n']:<2} {line['majority']:>8}  {line['tolerated']:>5} ({line['tolerated_simulated']:>2})       "
            f"{f(line['majority_split_fraction'], 2):>6} ({f(line['majority_split_fraction_simulated'], 2):>5})"
            f"                 {line['availability_formula']:.3f}  {line['availability_simulated']:.3f} "
            f"[{ci[0]:.3f}, {ci[1]:.3f}]   {f(line['messages_per_write'], 1):>10}  "
            f"{f(line['commit_latency_ms'], 1):>13}  {f(line['first_leader_ms'], 0):>13}  {f(line['split_vote_rate'], 2):>11}"
        )
    return "\n".join(out + notes) + "\n"


def write_csv(result: WhyOddResult, path: str | os.PathLike[str]) -> None:
    """One row per size (the CI as two columns), written atomically (:func:`raft.files.atomic_write`)."""
    import csv

    with atomic_write(path) as file:
        names = [k for k in result.lines[0] if k != "availability_ci95"] + ["ci95_low", "ci95_high"]
        writer = csv.DictWriter(file, fieldnames=names)
        writer.writeheader()
        for line in result.lines:
            row = {k: v for k, v in line.items() if k != "availability_ci95"}
            row["ci95_low"], row["ci95_high"] = line["availability_ci95"]
            writer.writerow(row)


def plot(result: WhyOddResult, path: str | os.PathLike[str]) -> Path:
    """Save the four-panel figure (:func:`raft.plots.why_odd.why_odd_figure`) to ``path``."""
    from raft.plots.files import save_figure
    from raft.plots.why_odd import why_odd_figure

    return save_figure(why_odd_figure(result), path, dpi=80)
