"""Running a scenario with extra event consumers: how an experiment measures what the summary does not, without
recording every event. Safety is checked as always; a consumer may end the run early by calling :func:`stop`
(the clock stops once the measurement is taken).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from simpy.core import StopSimulation

from raft.sim.events import Event, EventBus
from raft.sim.safety import CHECKED_TYPES, SafetyChecker
from raft.sim.simulation import RunOutcome, Simulation

if TYPE_CHECKING:
    from raft.scenario import Scenario

Consumer = tuple[Callable[[Event], None], Iterable[str]]


def stop() -> None:
    """End the run now (call it from a consumer); the run's outcome is its state at this moment."""
    raise StopSimulation(None)


def run_observed(
    scenario: Scenario, *, seed: int, duration_ms: float, consumers: Sequence[Consumer]
) -> RunOutcome:
    """Run ``scenario`` at ``seed`` with safety checking and ``consumers`` (each a handler and its event types)."""
    bus = EventBus()
    for handler, types in consumers:
        bus.subscribe(handler, types)
    bus.subscribe(SafetyChecker(), CHECKED_TYPES)
    return Simulation(scenario, seed=seed, duration_ms=duration_ms, bus=bus).run()
