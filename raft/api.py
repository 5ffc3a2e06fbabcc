"""The Python API: load a scenario, simulate it, read the result. The CLI, notebooks, experiments and tests
all go through here.

>>> from raft.api import load_scenario, simulate
>>> result = simulate(load_scenario("scenarios/leader-crash.yaml"), seed=1)
>>> result.ok, result.summary["leaders"][0]["node"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raft.analysis.expectations import Facts, evaluate
from raft.analysis.summary import SUMMARY_TYPES, SummaryBuilder, leaderless_periods
from raft.core.bugs import Bug
from raft.scenario import Scenario, load_scenario, parse_scenario
from raft.sim.events import Event, EventBus
from raft.sim.safety import CHECKED_TYPES, SafetyChecker
from raft.sim.simulation import RunOutcome, Simulation
from raft.sim.trace import TraceWriter

__all__ = ["Result", "Scenario", "load_scenario", "parse_scenario", "simulate", "summarize"]


@dataclass(frozen=True)
class Result:
    """A finished run: its summary (the JSON summary as a dict), its final state, and its events if recorded."""

    scenario: Scenario
    seed: int
    duration_ms: float
    summary: dict[str, Any]
    outcome: RunOutcome
    events: tuple[Event, ...] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return bool(self.summary["ok"])

    @property
    def violations(self) -> list[dict[str, Any]]:
        return list(self.summary["safety_violations"])

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return list(self.summary["expectations"])

    @property
    def leaderless_periods(self) -> list[tuple[float, float]]:
        """Periods (start, end) in ms during which no server was leader."""
        return leaderless_periods(self.summary["leaders"], self.outcome.end_ms)


def with_bugs(scenario: Scenario, bugs: tuple[str, ...]) -> Scenario:
    """``scenario`` with these switchable bugs added (each checked against the known names)."""
    if not bugs:
        return scenario
    names = tuple(dict.fromkeys([*scenario.cluster.bugs, *(Bug(b).value for b in bugs)]))
    data = scenario.model_dump(mode="json", exclude={"source"})
    data["cluster"]["bugs"] = list(names)
    return parse_scenario(data, scenario.source)


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    *,
    seed: int | None = None,
    duration_ms: float | None = None,
    record: bool = True,
    trace: str | os.PathLike[str] | None = None,
    bugs: tuple[str, ...] = (),
) -> Result:
    """Run ``scenario`` (a Scenario or a path to a YAML file) once.

    ``seed`` and ``duration_ms`` override the scenario's; ``record`` keeps every event in ``Result.events``
    (needed for plots and tables); ``trace`` writes the JSON Lines trace to that path; ``bugs`` switches on
    named bugs for a lesson. Safety is always checked.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario))
    scenario = with_bugs(scenario, bugs)
    seed = scenario.seed if seed is None else seed
    duration = scenario.duration_ms if duration_ms is None else float(duration_ms)
    bus = EventBus()
    events: list[Event] = []
    if record:
        bus.subscribe(events.append)
    writer = TraceWriter(trace) if trace is not None else None
    if writer is not None:
        bus.subscribe(writer)
    summary = SummaryBuilder()
    bus.subscribe(summary, SUMMARY_TYPES)
    bus.subscribe(SafetyChecker(), CHECKED_TYPES)
    try:
        outcome = Simulation(scenario, seed=seed, duration_ms=duration, bus=bus).run()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.close()
    return Result(
        scenario=scenario,
        seed=seed,
        duration_ms=duration,
        summary=summarize(scenario, seed, duration, summary, outcome),
        outcome=outcome,
        events=tuple(events) if record else None,
    )


def summarize(
    scenario: Scenario, seed: int, duration_ms: float, builder: SummaryBuilder, outcome: RunOutcome
) -> dict[str, Any]:
    """The JSON summary of a run, in its documented key order."""
    parts = builder.finish()
    facts = Facts(parts["leaders"], builder.commit_times, outcome)
    expectations = evaluate(scenario.expect, facts)
    violations = [outcome.violation.to_dict()] if outcome.violation is not None else []
    return {
        "scenario": scenario.name,
        "seed": seed,
        "duration_ms": duration_ms,
        "bugs": list(scenario.cluster.bugs),
        "nodes": list(scenario.cluster.node_ids),
        "leaders": parts["leaders"],
        "elections": parts["elections"],
        "final_leader": outcome.final_leader,
        "leaderless_ms": [[a, b] for a, b in leaderless_periods(parts["leaders"], outcome.end_ms)],
        "commit_index": parts["commit_index"],
        "writes": parts["writes"],
        "reads": parts["reads"],
        "messages": dict(outcome.messages),
        "faults": parts["faults"],
        "safety_violations": violations,
        "expectations": expectations,
        "ok": not violations and all(e["ok"] for e in expectations),
    }
