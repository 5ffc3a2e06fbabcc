"""Helpers for simulation tests: a scenario from a few keys, and a Simulation driven step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from raft.scenario import Scenario, parse_scenario
from raft.sim.events import EventBus
from raft.sim.safety import CHECKED_TYPES, SafetyChecker
from raft.sim.simulation import Simulation


def scenario(size: int = 3, duration_ms: float = 3000, **sections: Any) -> Scenario:
    data: dict[str, Any] = {"name": "t", "seed": 1, "duration_ms": duration_ms, "cluster": {"size": size}}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return parse_scenario(data)


class Driven:
    """A Simulation whose servers are started by hand; actions are scheduled with :meth:`at`. Every event is
    recorded and checked for safety."""

    def __init__(self, sc: Scenario) -> None:
        self.bus = EventBus()
        self.events: list[dict[str, Any]] = []
        self.bus.subscribe(self.events.append)
        self.bus.subscribe(SafetyChecker(), CHECKED_TYPES)
        self.sim = Simulation(sc, seed=sc.seed, duration_ms=sc.duration_ms, bus=self.bus)
        self.env = self.sim.env
        self.bus.emit(self.sim.meta())
        for server in self.sim.servers.values():
            server.start()

    def at(self, t: float, action: Callable[[], Any]) -> None:
        self.env.timeout(t - self.env.now).callbacks.append(lambda _: action())

    def run(self, until: float) -> None:
        self.env.run(until=until)

    def of(self, kind: str, **match: Any) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind and all(e.get(k) == v for k, v in match.items())]
