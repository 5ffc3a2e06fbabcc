"""``raft-sim experiment election-timeouts``: Figure 16 of the extended paper, time without a leader after the
leader crashes, for ten election-timeout ranges.

The model of one trial (the paper's setup, made explicit):

- 5 servers. The last round of heartbeats reached the followers at t = 0, so their election timers start together
  (each server starts at 0 with a fresh draw from the range). The leader n1 crashes at a uniformly random time
  ``u`` within its heartbeat interval, which is half the minimum election timeout.
- Logs differ so that two of the four survivors cannot win: n1, n2, n3 hold two entries, n4 and n5 one; all are
  in term 1. n4 and n5 can vote, but no server votes for them.
- Timing: one-way latency uniform over ``latency_ms``, and a disk write (``write_ms``) that persists a term, a
  vote or an entry before any reply, vote or RequestVote that depends on it leaves (a leader's AppendEntries
  leave at once). A won election thus costs two writes and three hops between the winner's timeout and its
  first heartbeat's arrival (candidate, voter, then the new leader's heartbeat): with the defaults (0.2-0.6 ms,
  4 ms) about 9 ms, the part of the paper's ~15 ms broadcast time that lies on that path. Writing 12 ms per
  write (15 ms per RPC) triples it: see docs/experiments.md.
- The time without a leader runs from the crash until every other survivor has received an AppendEntries of the
  new leader's term. A trial that has not got there after ``cap_ms`` of simulated time is censored.
"""

from __future__ import annotations

import functools
import math
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raft.analysis.summary import nearest_rank
from raft.api import simulate
from raft.batch.grid import Run
from raft.batch.sink import Column
from raft.batch.sweep import Runner, columns_for, execute
from raft.experiments.figure16 import PAPER, RANGES, STATS, TimeoutRange
from raft.experiments.observe import stop
from raft.sim.events import Event

CRASHED = "n1"
SURVIVORS = ("n2", "n3", "n4", "n5")

#: The figures of one trial.
TRIAL_COLUMNS = (
    Column("crash_ms", "float"),
    Column("downtime_ms", "float"),
    Column("censored", "bool"),
    Column("leader", "str"),
    Column("terms", "int"),
)


@dataclass(frozen=True, slots=True)
class Setup:
    """The timing model: one-way latency range, disk write time, and the cap on simulated time per trial."""

    latency_ms: tuple[float, float] = (0.2, 0.6)
    write_ms: float = 4.0
    cap_ms: float = 10_000.0

    @property
    def election_path_ms(self) -> float:
        """The fixed cost of a won election from the winner's timeout to its first heartbeat's arrival: two
        disk writes in sequence (the candidate's term and vote, the voter's vote; the new leader's
        AppendEntries leave without waiting for its own write) and three one-way hops (mean latency)."""
        return 2 * self.write_ms + 3 * sum(self.latency_ms) / 2


@functools.lru_cache(maxsize=32)
def trial_scenario(low: float, high: float, setup: Setup) -> Any:
    """The scenario of a range (its crash event at 0; each trial moves it)."""
    from raft.scenario import parse_scenario

    log2, log1 = [1, 1], [1]
    data = {
        "name": f"figure16-{low:g}-{high:g}",
        "duration_ms": setup.cap_ms + low,
        "cluster": {
            "size": 5,
            "election_timeout_ms": [low, high],
            "heartbeat_ms": low / 2,
            "initial_state": {
                "n1": {"term": 1, "voted_for": "n1", "log": log2},
                "n2": {"term": 1, "voted_for": "n1", "log": log2},
                "n3": {"term": 1, "voted_for": "n1", "log": log2},
                "n4": {"term": 1, "voted_for": "n1", "log": log1},
                "n5": {"term": 1, "voted_for": "n1", "log": log1},
            },
        },
        "network": {"latency_ms": list(setup.latency_ms)},
        "storage": {"write_ms": setup.write_ms},
        "workload": {"clients": 0},
        "events": [{"at_ms": 0, "crash": CRASHED}],
    }
    return parse_scenario(data, "<election-timeouts>")


class _Downtime:
    """Event consumer: the crash, the new leader, and its first AppendEntries reaching each other survivor."""

    def __init__(self) -> None:
        self.crash_ms: float | None = None
        self.leader: str | None = None
        self.term = 0
        self.max_term = 1
        self.reached: set[str] = set()
        self.end_ms: float | None = None

    def __call__(self, event: Event) -> None:
        kind = event["type"]
        if kind == "deliver":
            if event["from"] == self.leader and event["term"] == self.term and event["msg"] == "AppendEntries":
                self.reached.add(event["to"])
                if len(self.reached) == len(SURVIVORS) - 1:
                    self.end_ms = event["t_ms"]
                    stop()
        elif kind == "role":
            self.max_term = max(self.max_term, event["term"])
            if event["role"] == "leader" and event["term"] > self.term:
                self.leader, self.term = event["node"], event["term"]
                self.reached = set()
        elif kind == "crash":
            self.crash_ms = event["t_ms"]


@dataclass(frozen=True)
class TrialTask:
    """One trial of a range (the run's ``range`` parameter, ``LOW-HIGH``) at the run's seed."""

    setup: Setup = field(default_factory=Setup)

    def __call__(self, run: Run) -> dict[str, Any]:
        low, high = (float(x) for x in dict(run.params)["range"].split("-"))
        scenario = trial_scenario(low, high, self.setup)
        crash_at = random.Random(f"figure16/crash/{run.seed}").uniform(0.0, low / 2)
        event = scenario.events[0].model_copy(update={"at_ms": crash_at})
        scenario = scenario.model_copy(update={"events": (event,)})
        probe = _Downtime()
        simulate(scenario, seed=run.seed, duration_ms=crash_at + self.setup.cap_ms, record=False,
                 consumers=[(probe, ("crash", "role", "deliver"))])  # fmt: skip
        censored = probe.end_ms is None
        return {
            "crash_ms": crash_at,
            "downtime_ms": None if censored else probe.end_ms - crash_at,  # type: ignore[operator]
            "censored": censored,
            "leader": probe.leader,
            "terms": probe.max_term - 1,
        }


# ------------------------------------------------------------------------------------------ statistics


def statistics(downtimes: Sequence[float | None], cap_ms: float | None = None) -> dict[str, float | None]:
    """min, p10 … p99, max (nearest rank; a censored trial counts as longer than any other), the mean and a
    lower bound of it. A quantile that falls on a censored trial is ``None`` (beyond the cap).

    The mean is over every trial, so it is ``None`` as soon as one trial is censored: a mean of the uncensored
    trials alone would understate the downtime without saying so. ``mean_at_least`` counts each censored trial
    at ``cap_ms`` (the least it can have lasted): the mean when nothing is censored, else a lower bound of it
    (``None`` without ``cap_ms``)."""
    finite = sorted(d for d in downtimes if d is not None)
    ordered: list[float] = [*finite, *([math.inf] * (len(downtimes) - len(finite)))]
    out: dict[str, float | None] = {}
    if not ordered:
        return dict.fromkeys((*STATS, "mean_at_least"))
    points = {"min": 0.0, "p10": 10, "p25": 25, "p50": 50, "p75": 75, "p90": 90, "p99": 99, "max": 100}
    for name, percent in points.items():
        value = ordered[0] if name == "min" else nearest_rank(ordered, percent)
        assert value is not None  # ordered is not empty
        out[name] = None if math.isinf(value) else value
    censored = len(ordered) - len(finite)
    out["mean"] = sum(finite) / len(finite) if not censored else None
    out["mean_at_least"] = (sum(finite) + censored * cap_ms) / len(ordered) if cap_ms is not None else None
    if not censored:
        out["mean_at_least"] = out["mean"]
    return out


@dataclass(frozen=True)
class RangeResult:
    """The simulated downtimes of one range, with the paper's statistics beside them."""

    label: str
    trials: int
    censored: int
    downtimes: tuple[float | None, ...]
    #: The simulated time after which a trial was censored.
    cap_ms: float | None = None

    @property
    def stats(self) -> dict[str, float | None]:
        return statistics(self.downtimes, self.cap_ms)

    @property
    def never_elected(self) -> bool:
        """Every trial was censored: this range never got a leader within the cap."""
        return self.trials > 0 and self.censored == self.trials

    @property
    def paper(self) -> dict[str, float]:
        return dict(zip(STATS, PAPER[self.label], strict=True))


@dataclass(frozen=True)
class ElectionTimeoutsResult:
    setup: Setup
    seed: int
    ranges: tuple[RangeResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": "election-timeouts",
            "seed": self.seed,
            "setup": {"servers": 5, "latency_ms": list(self.setup.latency_ms), "write_ms": self.setup.write_ms,
                      "election_path_ms": self.setup.election_path_ms, "cap_ms": self.setup.cap_ms,
                      "heartbeat": "half the minimum election timeout"},  # fmt: skip
            "ranges": [
                {"range": r.label, "trials": r.trials, "censored": r.censored, "never_elected": r.never_elected,
                 "simulated": r.stats, "paper": r.paper}
                for r in self.ranges
            ],
        }


def trial_counts(scale: int | None) -> dict[str, int]:
    """Trials per range: the paper's (100 for 150-150, 1000 for the others) or ``scale`` for each of the
    others and a tenth of it (at least 1) for 150-150."""
    if scale is None:
        return {r.label: r.trials for r in RANGES}
    return {r.label: max(1, math.ceil(scale * r.trials / 1000)) for r in RANGES}


def run_election_timeouts(
    *,
    trials: int | None = None,
    seed: int = 1,
    runner: Runner,
    setup: Setup | None = None,
    ranges: Sequence[TimeoutRange] = RANGES,
    csv: str | None = None,
    progress: bool = False,
) -> ElectionTimeoutsResult:
    """Every trial of every range (seeds ``seed`` …), run on ``runner``; the rows also to ``csv`` if given."""
    setup = setup or Setup()
    counts = trial_counts(trials)
    runs: list[Run] = []
    for r in ranges:
        for k in range(counts[r.label]):
            runs.append(Run(len(runs), (("range", r.label),), seed + k))
    # The slowest trials (little randomization) first, so that no worker is left with them at the end.
    order = sorted(runs, key=lambda run: 0 if dict(run.params)["range"] in ("150-150", "150-151") else 1)
    columns = columns_for((Column("range", "str"),), TRIAL_COLUMNS)
    report = execute(TrialTask(setup), order, columns=columns, runner=runner, out=csv,
                     progress=progress, description="election-timeouts")  # fmt: skip
    if csv is None:
        rows = report.rows or []
    else:  # resumed trials are in the file too
        from raft.batch.sink import read_rows

        wanted = {run.key for run in runs}
        rows = [row for block in read_rows(csv, columns) for row in block if row["key"] in wanted]
    results = []
    for r in ranges:
        mine = [row for row in rows if row["range"] == r.label]
        downtimes = tuple(row["downtime_ms"] for row in mine)
        results.append(RangeResult(r.label, len(mine), sum(1 for row in mine if row["censored"]), downtimes,
                                   setup.cap_ms))  # fmt: skip
    return ElectionTimeoutsResult(setup, seed, tuple(results))


# ------------------------------------------------------------------------------------------ output


def render(result: ElectionTimeoutsResult) -> str:
    """The table: per range, the simulated statistics and the paper's below them."""
    setup = result.setup
    lines = [
        f"Time without a leader after the leader crashes (ms), 5 servers; latency {setup.latency_ms[0]:g}-"
        f"{setup.latency_ms[1]:g} ms one way, disk write {setup.write_ms:g} ms "
        f"(timeout to first heartbeat ~{setup.election_path_ms:.1f} ms); "
        f"cap {setup.cap_ms / 1000:g} s simulated per trial ('>cap': censored).",
        "'>cap': the quantile falls on a censored trial. mean: over all trials; '>=N' where trials were censored:",
        "a lower bound (censored trials counted at the cap), not a mean of the uncensored trials alone.",
        "range     source  trials  cens  " + "  ".join(f"{s:>7}" for s in STATS),
    ]
    for r in result.ranges:
        stats = r.stats
        cells = [">cap" if stats[s] is None else format(stats[s], ".0f") for s in STATS]
        if stats["mean"] is None and stats["mean_at_least"] is not None:
            cells[-1] = f">={stats['mean_at_least']:.0f}"
        sim = "  ".join(f"{cell:>7}" for cell in cells) + ("  never elected" if r.never_elected else "")
        paper = "  ".join(f"{v:>7.0f}" for v in PAPER[r.label])
        lines.append(f"{r.label:<9} sim     {r.trials:>6}  {r.censored:>4}  {sim}")
        lines.append(f"{'':<9} paper   {'':>6}  {'':>4}  {paper}")
    return "\n".join(lines) + "\n"


def plot(result: ElectionTimeoutsResult, path: str | os.PathLike[str]) -> Path:
    """Save the two-panel CDF figure (:func:`raft.plots.election_timeouts.election_timeouts_figure`) to ``path``."""
    from raft.plots.election_timeouts import election_timeouts_figure
    from raft.plots.files import save_figure

    return save_figure(election_timeouts_figure(result), path, dpi=90)
