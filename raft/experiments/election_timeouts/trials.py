"""The trials of the election-timeouts experiment: one run per trial, one typed row (:class:`Trial`) each.

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
- Under a timing profile (``Setup.timing``, ``lan``: :mod:`raft.scenario.timing`) the clocks drift, the timers
  jitter, and latency and disk writes are drawn from the profile's distributions instead; the cap of a range
  without randomization (150-150) is then lifted (:data:`SYMMETRIC_CAP_MS`) so that its median is measured.
- The time without a leader runs from the crash until every other survivor has received an AppendEntries of the
  new leader's term. A trial that has not got there after ``cap_ms`` of simulated time is censored.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from raft.api import simulate
from raft.batch.grid import Run
from raft.batch.runners import Row
from raft.batch.sink import Column
from raft.batch.sweep import Runner, columns_for, execute
from raft.experiments.election_timeouts.paper import RANGES, TimeoutRange
from raft.experiments.observe import stop
from raft.sim.events import Event, EventType

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


#: The timing of the paper's setup under exact time: one-way latency (uniform, ms) and disk write (ms).
EXACT_LATENCY_MS = (0.2, 0.6)
EXACT_WRITE_MS = 4.0
#: The cap of a range without randomization under a timing profile: beyond the paper's longest trial (528 s).
SYMMETRIC_CAP_MS = 600_000.0
#: The cap of every other range (and of 150-150 under exact time).
CAP_MS = 10_000.0


@dataclass(frozen=True, slots=True)
class Setup:
    """The timing model: the scenario's ``timing.profile`` (``exact`` or ``lan``), the one-way latency range and
    disk write time if given (``None``: under ``exact`` 0.2-0.6 ms and 4 ms, under a profile the profile's
    distributions), and the caps on simulated time per trial: ``cap_ms``, and ``symmetric_cap_ms`` for a range
    without randomization (150-150), whose elections, when anything breaks the symmetry at all, take tens of
    seconds (``None``: ``cap_ms``)."""

    latency_ms: tuple[float, float] | None = None
    write_ms: float | None = None
    cap_ms: float = CAP_MS
    timing: str = "exact"
    symmetric_cap_ms: float | None = None

    @classmethod
    def for_timing(
        cls,
        timing: str,
        *,
        latency_ms: tuple[float, float] | None = None,
        write_ms: float | None = None,
        cap_ms: float | None = None,
    ) -> Setup:
        """The setup of a run under ``timing``: exact time keeps every range's cap (150-150 never elects at
        any cap: nothing breaks the symmetry); a profile lifts the cap of 150-150 to :data:`SYMMETRIC_CAP_MS`
        so that its median is measured, not censored."""
        cap = CAP_MS if cap_ms is None else cap_ms
        symmetric = None if timing == "exact" else max(cap, SYMMETRIC_CAP_MS)
        return cls(latency_ms, write_ms, cap, timing, symmetric)

    @property
    def description(self) -> str:
        """The timing in words, for the table's title."""
        if self.election_path_ms is not None:
            latency = EXACT_LATENCY_MS if self.latency_ms is None else self.latency_ms
            write = EXACT_WRITE_MS if self.write_ms is None else self.write_ms
            model = (
                f"latency {latency[0]:g}-{latency[1]:g} ms one way, disk write {write:g} ms "
                f"(timeout to first heartbeat ~{self.election_path_ms:.1f} ms)"
            )
        else:
            model = "drawn from the profile's distributions"
            if self.latency_ms is not None:
                model += f", latency {self.latency_ms[0]:g}-{self.latency_ms[1]:g} ms one way"
            if self.write_ms is not None:
                model += f", disk write {self.write_ms:g} ms"
        caps = f"cap {self.cap_ms / 1000:g} s"
        if self.symmetric_cap_ms is not None:
            caps += f" ({self.symmetric_cap_ms / 1000:g} s for 150-150)"
        return f"timing {self.timing}: {model}; {caps} simulated per trial"

    def cap_for(self, low: float, high: float) -> float:
        """The cap of the range ``low``-``high``."""
        if low == high and self.symmetric_cap_ms is not None:
            return self.symmetric_cap_ms
        return self.cap_ms

    @property
    def election_path_ms(self) -> float | None:
        """The fixed cost of a won election from the winner's timeout to its first heartbeat's arrival: two
        disk writes in sequence (the candidate's term and vote, the voter's vote; the new leader's
        AppendEntries leave without waiting for its own write) and three one-way hops (mean latency). ``None``
        when it is drawn (a profile's distributions)."""
        if self.timing != "exact" and (self.latency_ms is None or self.write_ms is None):
            return None
        latency = EXACT_LATENCY_MS if self.latency_ms is None else self.latency_ms
        write = EXACT_WRITE_MS if self.write_ms is None else self.write_ms
        return 2 * write + 3 * sum(latency) / 2


@functools.lru_cache(maxsize=32)
def trial_scenario(low: float, high: float, setup: Setup) -> Any:
    """The scenario of a range (its crash event at 0; each trial moves it)."""
    from raft.scenario import parse_scenario

    log2, log1 = [1, 1], [1]
    data = {
        "name": f"figure16-{low:g}-{high:g}",
        "duration_ms": setup.cap_for(low, high) + low,
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
        "workload": {"clients": 0},
        "timing": {"profile": setup.timing},
        "events": [{"at_ms": 0, "crash": CRASHED}],
    }
    if setup.timing == "exact" or setup.latency_ms is not None:
        data["network"] = {"latency_ms": list(setup.latency_ms or EXACT_LATENCY_MS)}
    if setup.timing == "exact" or setup.write_ms is not None:
        data["storage"] = {"write_ms": EXACT_WRITE_MS if setup.write_ms is None else setup.write_ms}
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
        if event["type"] == EventType.DELIVER:
            if (
                event["from"] == self.leader
                and event["term"] == self.term
                and event["msg"] == "AppendEntries"
            ):
                self.reached.add(event["to"])
                if len(self.reached) == len(SURVIVORS) - 1:
                    self.end_ms = event["t_ms"]
                    stop()
        elif event["type"] == EventType.ROLE:
            self.max_term = max(self.max_term, event["term"])
            if event["role"] == "leader" and event["term"] > self.term:
                self.leader, self.term = event["node"], event["term"]
                self.reached = set()
        elif event["type"] == EventType.CRASH:
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
        simulate(
            scenario,
            seed=run.seed,
            duration_ms=crash_at + self.setup.cap_for(low, high),
            record=False,
            consumers=[(probe, (EventType.CRASH, EventType.ROLE, EventType.DELIVER))],
        )
        censored = probe.end_ms is None
        return {
            "crash_ms": crash_at,
            "downtime_ms": None if censored else probe.end_ms - crash_at,  # type: ignore[operator]
            "censored": censored,
            "leader": probe.leader,
            "terms": probe.max_term - 1,
        }


@dataclass(frozen=True, slots=True)
class Trial:
    """One trial's row: its range and seed, when the leader crashed, the time without a leader (``None`` when
    censored), the new leader and the number of terms after the crashed leader's."""

    range: str
    seed: int
    crash_ms: float
    downtime_ms: float | None
    censored: bool
    leader: str | None
    terms: int

    @classmethod
    def from_row(cls, row: Row) -> Trial:
        return cls(
            row["range"],
            row["seed"],
            row["crash_ms"],
            row["downtime_ms"],
            row["censored"],
            row["leader"],
            row["terms"],
        )


def trial_counts(scale: int | None) -> dict[str, int]:
    """Trials per range: the paper's (100 for 150-150, 1000 for the others) or ``scale`` for each of the
    others and a tenth of it (at least 1) for 150-150."""
    if scale is None:
        return {r.label: r.trials for r in RANGES}
    return {r.label: max(1, math.ceil(scale * r.trials / 1000)) for r in RANGES}


def run_trials(
    *,
    trials: int | None,
    seed: int,
    runner: Runner,
    setup: Setup,
    ranges: Sequence[TimeoutRange] = RANGES,
    csv: str | None = None,
    progress: bool = False,
) -> list[Trial]:
    """Every trial of every range (seeds ``seed`` …, :func:`trial_counts` per range), run on ``runner``; the rows
    also to ``csv`` if given (and the trials already in it are not run again)."""
    counts = trial_counts(trials)
    runs: list[Run] = []
    for r in ranges:
        for k in range(counts[r.label]):
            runs.append(Run(len(runs), (("range", r.label),), seed + k))
    # The slowest trials (little randomization) first, so that no worker is left with them at the end.
    order = sorted(runs, key=lambda run: 0 if dict(run.params)["range"] in ("150-150", "150-151") else 1)
    columns = columns_for((Column("range", "str"),), TRIAL_COLUMNS)
    report = execute(
        TrialTask(setup),
        order,
        columns=columns,
        runner=runner,
        out=csv,
        progress=progress,
        description="election-timeouts",
    )
    if csv is None:
        rows = report.rows or []
    else:  # resumed trials are in the file too
        from raft.batch.sink import read_rows

        wanted = {run.key for run in runs}
        rows = [row for block in read_rows(csv, columns) for row in block if row["key"] in wanted]
    return [Trial.from_row(row) for row in rows]
