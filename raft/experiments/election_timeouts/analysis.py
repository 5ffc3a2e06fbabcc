"""The election-timeouts experiment from trials to statistics per range, beside the paper's: nearest-rank
quantiles with censored trials counted as longer than any other, and a mean that never silently drops them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from raft.analysis.summary import nearest_rank
from raft.batch.sweep import Runner
from raft.experiments.election_timeouts.paper import PAPER, RANGES, STATS, TimeoutRange
from raft.experiments.election_timeouts.trials import EXACT_LATENCY_MS, EXACT_WRITE_MS, Setup, run_trials

if TYPE_CHECKING:
    import pandas as pd


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
        """The result as JSON data. ``latency_ms`` and ``write_ms`` are ``null`` where a timing profile draws
        them (its values: ``raft.scenario.timing.PROFILES``), as is ``election_path_ms``."""
        exact = self.setup.election_path_ms is not None
        latency = self.setup.latency_ms or (EXACT_LATENCY_MS if exact else None)
        write = (
            self.setup.write_ms if self.setup.write_ms is not None else (EXACT_WRITE_MS if exact else None)
        )
        return {
            "experiment": "election-timeouts",
            "seed": self.seed,
            "setup": {
                "servers": 5,
                "timing": self.setup.timing,
                "latency_ms": None if latency is None else list(latency),
                "write_ms": write,
                "election_path_ms": self.setup.election_path_ms,
                "cap_ms": self.setup.cap_ms,
                "symmetric_cap_ms": self.setup.symmetric_cap_ms,
                "heartbeat": "half the minimum election timeout",
            },
            "ranges": [
                {
                    "range": r.label,
                    "trials": r.trials,
                    "censored": r.censored,
                    "never_elected": r.never_elected,
                    "simulated": r.stats,
                    "paper": r.paper,
                }
                for r in self.ranges
            ],
        }

    def frame(self) -> pd.DataFrame:
        """One row per range, indexed by ``range``: ``trials``, ``censored``, ``never_elected``, the simulated
        statistics (``min`` … ``mean``, ``mean_at_least``; NaN where beyond the cap) and the paper's (``paper
        min`` … ``paper mean``)."""
        import pandas as pd

        rows = []
        for r in self.ranges:
            stats = {name: math.nan if value is None else value for name, value in r.stats.items()}
            paper = {f"paper {name}": value for name, value in r.paper.items()}
            rows.append(
                {
                    "range": r.label,
                    "trials": r.trials,
                    "censored": r.censored,
                    "never_elected": r.never_elected,
                    **stats,
                    **paper,
                }
            )
        return pd.DataFrame(rows).set_index("range")


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
    done = run_trials(
        trials=trials, seed=seed, runner=runner, setup=setup, ranges=ranges, csv=csv, progress=progress
    )
    results = []
    for r in ranges:
        mine = [trial for trial in done if trial.range == r.label]
        downtimes = tuple(trial.downtime_ms for trial in mine)
        results.append(
            RangeResult(
                r.label,
                len(mine),
                sum(1 for trial in mine if trial.censored),
                downtimes,
                setup.cap_for(r.low, r.high),
            )
        )
    return ElectionTimeoutsResult(setup, seed, tuple(results))
