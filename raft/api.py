"""The Python API: load a scenario, simulate it, read the result. The CLI, notebooks, experiments and tests
all go through here.

>>> from raft.api import load_scenario, simulate
>>> result = simulate(load_scenario("scenarios/leader-crash.yaml"), seed=1)
>>> result.ok, result.summary["leaders"][0]["node"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raft.analysis.availability import AVAILABILITY_MESSAGES, AVAILABILITY_TYPES, AvailabilityBuilder
from raft.analysis.expectations import AVAILABILITY_CHECKS, Facts, evaluate, expected_violations, run_ok
from raft.analysis.history import HISTORY_TYPES, LINEARIZABILITY, HistoryRecorder, linearizability_violation
from raft.analysis.records import ExpectationResult, Summary, ViolationRecord, violation_record
from raft.analysis.summary import SummaryBuilder, leaderless_periods
from raft.analysis.transcript import TranscriptOptions, parse_options, transcript
from raft.core.bugs import Bug
from raft.errors import RaftSimError
from raft.scenario import Scenario, load_scenario, parse_scenario
from raft.sim.events import Event, EventBus, EventType
from raft.sim.safety import SafetyChecker, stored_snapshots
from raft.sim.simulation import Pacer, RunOutcome, Simulation
from raft.sim.trace import TraceWriter

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from raft.player import PlayerView

__all__ = ["Consumer", "Result", "Scenario", "load_scenario", "parse_scenario", "simulate", "summarize"]

#: An extra event consumer for :func:`simulate`: a handler and the event types it wants (``None``: all).
Consumer = tuple[Callable[[Event], None], Iterable[EventType] | None]


@dataclass(frozen=True)
class Result:
    """A finished run: its summary (the JSON summary as a dict), its final state, and its events if recorded."""

    scenario: Scenario
    seed: int
    duration_ms: float
    summary: Summary
    outcome: RunOutcome
    events: tuple[Event, ...] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """The run showed what its scenario expects: every expectation held and every safety property held,
        except the violation a ``safety_violation`` expectation names, which then happened (a bug lesson that
        shows its bug is ok; one that does not, or shows another violation, is not)."""
        return bool(self.summary["ok"])

    @property
    def interrupted(self) -> bool:
        """The run was stopped (Ctrl-C) before its end; the summary covers the part that ran."""
        return self.outcome.interrupted

    @property
    def violations(self) -> list[ViolationRecord]:
        return list(self.summary["safety_violations"])

    @property
    def expectations(self) -> list[ExpectationResult]:
        return list(self.summary["expectations"])

    @property
    def leaderless_periods(self) -> list[tuple[float, float]]:
        """Periods (start, end) in ms during which no server was leader."""
        return leaderless_periods(self.summary["leaders"], self.outcome.end_ms)

    # ------------------------------------------------------------ pictures and tables (raft.plots, pandas)
    # Thin wrappers for notebooks: each imports matplotlib / pandas only when called, and needs record=True.

    def recorded_events(self) -> list[Event]:
        """The recorded events as a list; :class:`RaftSimError` if the run was simulated with ``record=False``."""
        if self.events is None:
            raise RaftSimError("this run was not recorded: simulate(..., record=True) to plot or tabulate it")
        return list(self.events)

    def transcript(self, options: TranscriptOptions | str = "", /, **changes: Any) -> str:
        """The run as readable lines, one per interesting event (:mod:`raft.analysis.transcript`). ``options``
        is a :class:`TranscriptOptions` or its text form (``"to_ms=100 delivers no-clients"``); keyword
        arguments change single options: ``print(result.transcript(to_ms=100, heartbeats=True))``."""
        chosen = parse_options(options) if isinstance(options, str) else options
        return transcript(self.recorded_events(), replace(chosen, **changes))

    def timeline(
        self, from_ms: float | None = None, to_ms: float | None = None, *, all_nodes: bool = False
    ) -> Figure:
        """The election timeline (roles, terms, crashes, partitions, commit index, write latency); a large
        cluster shows only the nodes that did something, unless ``all_nodes``."""
        from raft.plots.timeline import timeline

        return timeline(self.recorded_events(), from_ms=from_ms, to_ms=to_ms, all_nodes=all_nodes)

    def message_diagram(
        self, from_ms: float | None = None, to_ms: float | None = None, *, nodes: Sequence[str] | None = None
    ) -> Figure:
        """The message sequence diagram of a window (default: 100 ms around the first election); ``nodes``
        names the life lines (default: every node of a small cluster, the relevant ones of a large one)."""
        from raft.plots.messages import message_diagram

        return message_diagram(self.recorded_events(), from_ms, to_ms, nodes=nodes)

    def log_view(self, at_ms: float | None = None, *, nodes: Sequence[str] | None = None) -> Figure:
        """Every node's log at ``at_ms`` (default: the end), as in the paper's Figures 7 and 8; ``nodes`` names
        the rows (default: every node of a small cluster, the relevant ones of a large one)."""
        from raft.plots.logs import log_view

        return log_view(self.recorded_events(), at_ms, nodes=nodes)

    def topology(self, at_ms: float | None = None) -> Figure:
        """The cluster as a graph at ``at_ms`` (default: the end): cut links and the leader marked."""
        from raft.plots.topology import topology

        return topology(self.recorded_events(), at_ms)

    def player(self) -> PlayerView:
        """The run as an interactive player (:mod:`raft.player`): shown inline in a notebook, or
        ``result.player().save("run.html")`` for one self-contained HTML file to open in a browser."""
        from raft.player import PlayerView, player_html

        return PlayerView(player_html(self.recorded_events()))

    def elections_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import elections_frame

        return elections_frame(self.recorded_events())

    def leaders_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import leaders_frame

        return leaders_frame(self.recorded_events())

    def writes_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import writes_frame

        return writes_frame(self.recorded_events())

    def messages_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import messages_frame

        return messages_frame(self.recorded_events())

    def snapshots_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import snapshots_frame

        return snapshots_frame(self.recorded_events())

    def unavailable_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import unavailable_frame

        return unavailable_frame(self.recorded_events())

    def leader_without_majority_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import leader_without_majority_frame

        return leader_without_majority_frame(self.recorded_events())

    def configurations_frame(self) -> pd.DataFrame:
        from raft.analysis.frames import configurations_frame

        return configurations_frame(self.recorded_events())


def with_bugs(scenario: Scenario, bugs: tuple[str, ...]) -> Scenario:
    """``scenario`` with these switchable bugs added (each checked against the known names)."""
    if not bugs:
        return scenario
    names = tuple(dict.fromkeys([*scenario.cluster.bugs, *(Bug(b).value for b in bugs)]))
    data = scenario.model_dump(mode="json", exclude={"source"})
    data["cluster"]["bugs"] = list(names)
    return parse_scenario(data, scenario.source)


def wants_linearizability(scenario: Scenario) -> bool:
    """Whether a run checks the clients' history by default: when its workload issues reads (a read is what a
    stale leader gets wrong), or its expectations name the verdict."""
    return scenario.workload.reads_per_s > 0 or any(
        (e.check == "safety_violation" and e.value == LINEARIZABILITY) or e.check == "linearizable"
        for e in scenario.expect
    )


def needs_availability(scenario: Scenario) -> bool:
    """Whether a scenario's expectations judge the availability measures (and a run must take them)."""
    return any(e.check in AVAILABILITY_CHECKS for e in scenario.expect)


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    *,
    seed: int | None = None,
    duration_ms: float | None = None,
    record: bool | Collection[EventType] = True,
    trace: str | os.PathLike[str] | None = None,
    bugs: tuple[str, ...] = (),
    linearizability: bool | None = None,
    consumers: Sequence[Consumer] = (),
    pacer: Pacer | None = None,
    setup: Callable[[Simulation], None] | None = None,
    availability: bool = True,
) -> Result:
    """Run ``scenario`` (a Scenario or a path to a YAML file) once.

    ``seed`` and ``duration_ms`` override the scenario's; ``record`` keeps every event in ``Result.events``
    (needed for plots and tables), or only the events of the types it lists (cheaper: a per-message type
    listed costs an event per message); ``trace`` writes the JSON Lines trace to that path; ``bugs`` switches on
    named bugs for a lesson. Safety is always checked. ``linearizability`` checks the clients' history after
    the run (``None``: when the workload issues reads, or the scenario expects a Linearizability violation or
    states ``linearizable``); the summary's
    ``linearizable`` is then the verdict, and a non-linearizable history is listed among its violations.
    ``consumers`` are extra event consumers, each a handler and the event types it wants: how an experiment
    measures what the summary does not without recording every event (a handler may end the run early with
    :func:`raft.experiments.observe.stop`). ``pacer`` runs the simulation in slices (the CLI's progress and
    Ctrl-C, see :data:`raft.sim.simulation.Pacer`); it never changes the events, and when it stops the run early
    the result is ``interrupted``, its summary covers the part that ran and the trace ends there, valid.
    ``setup`` is called with the simulation before it runs: how a layer above it (:mod:`raft.kubernetes`)
    starts its own processes in the run's environment and drives the cluster through its public methods.
    ``availability=False`` leaves out the availability measures (the summary's ``unavailable`` and
    ``leader_without_majority`` are then empty, ``unavailable_ms`` 0) unless an expectation of the scenario judges
    them: cheaper, for a caller that reads neither (the fuzzer).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario))
    scenario = with_bugs(scenario, bugs)
    seed = scenario.seed if seed is None else seed
    duration = scenario.duration_ms if duration_ms is None else float(duration_ms)
    bus = EventBus()
    events: list[Event] = []
    if record:
        bus.subscribe(events.append, None if record is True else tuple(record))
    for handler, types in consumers:
        bus.subscribe(handler, None if types is None else tuple(types))
    writer = TraceWriter(trace) if trace is not None else None
    if writer is not None:
        bus.subscribe(writer)
    summary = SummaryBuilder(
        commit_windows=[e.value for e in scenario.expect if e.check == "no_commit_between_ms"]
    )
    summary.subscribe(bus)
    available = AvailabilityBuilder() if availability or needs_availability(scenario) else None
    if available is not None:
        bus.subscribe(available, AVAILABILITY_TYPES, messages=AVAILABILITY_MESSAGES)
    checker = SafetyChecker()
    checker.subscribe(bus, scenario.cluster.check_quorum)
    if linearizability is None:
        linearizability = wants_linearizability(scenario)
    history = HistoryRecorder() if linearizability else None
    if history is not None:
        bus.subscribe(history, HISTORY_TYPES)
    try:
        simulation = Simulation(scenario, seed=seed, duration_ms=duration, bus=bus)
        # what each server's storage keeps, so that the checker may forget what no restart can bring back
        checker.stored_snapshot = stored_snapshots({n: s.storage for n, s in simulation.servers.items()})
        if setup is not None:
            setup(simulation)
        outcome = simulation.run(pacer)
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
        summary=summarize(scenario, seed, duration, summary, outcome, history, available),
        outcome=outcome,
        events=tuple(events) if record else None,
    )


def summarize(
    scenario: Scenario,
    seed: int,
    duration_ms: float,
    builder: SummaryBuilder,
    outcome: RunOutcome,
    history: HistoryRecorder | None = None,
    available: AvailabilityBuilder | None = None,
) -> Summary:
    """The JSON summary of a run, in its documented key order (``history``: check linearizability too;
    ``available``: the availability measures, empty without it)."""
    parts = builder.finish()
    measured = available.finish(outcome.end_ms) if available is not None else None
    unavailable = [p.to_dict() for p in measured.unavailable] if measured is not None else []
    without = [p.to_dict() for p in measured.leader_without_majority] if measured is not None else []
    violations: list[ViolationRecord] = (
        [violation_record(outcome.violation)] if outcome.violation is not None else []
    )
    verdict: str | None = None
    if history is not None:
        checked = history.check()
        verdict = checked.verdict.value
        found = linearizability_violation(history.events, checked)
        if found is not None:
            violations.append(found)
    facts = Facts(
        parts["leaders"],
        builder.commit_times,
        outcome,
        tuple(v["property"] for v in violations),
        tuple((p["from_ms"], p["to_ms"]) for p in unavailable),
        tuple((p["node"], p["from_ms"], p["to_ms"]) for p in without),
        tuple(builder.installs),
        dict(builder.restarts),
        verdict,
    )
    expectations = evaluate(scenario.expect, facts)
    expected = expected_violations(scenario.expect, expectations)
    summary: Summary = {
        "scenario": scenario.name,
        "seed": seed,
        "duration_ms": duration_ms,
        "bugs": list(scenario.cluster.bugs),
        "nodes": list(scenario.cluster.node_ids),
        "leaders": parts["leaders"],
        "elections": parts["elections"],
        "final_leader": outcome.final_leader,
        "leaderless_ms": [[a, b] for a, b in leaderless_periods(parts["leaders"], outcome.end_ms)],
        "unavailable": unavailable,
        "unavailable_ms": sum(p["to_ms"] - p["from_ms"] for p in unavailable),
        "leader_without_majority": without,
        "commit_index": parts["commit_index"],
        "writes": parts["writes"],
        "reads": parts["reads"],
        "messages": {
            "sent": outcome.messages["sent"],
            "delivered": outcome.messages["delivered"],
            "dropped": outcome.messages["dropped"],
        },
        "faults": parts["faults"],
        "configurations": parts["configurations"],
        "snapshots": parts["snapshots"],
        "safety_violations": violations,
        "linearizable": verdict,
        "expectations": expectations,
        "expected_violations": expected,
        "ok": run_ok(expectations, (v["property"] for v in violations), expected),
        "interrupted": outcome.interrupted,
        "interrupted_at_ms": outcome.end_ms if outcome.interrupted else None,
    }
    return summary
