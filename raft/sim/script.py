"""The scenario's scripted events: crashes, restarts, partitions, cuts, forced timeouts and single writes.

Timed events are scheduled up front in file order, so events at the same time run in file order. Conditional
events (``when: {leader: NODE}``) fire once, ``after_ms`` after the first time that node becomes leader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raft.core.types import Role

if TYPE_CHECKING:
    from raft.scenario import Event as ScenarioEvent
    from raft.sim.simulation import Simulation


class Script:
    """Carries out a scenario's ``events`` list inside one simulation."""

    def __init__(self, sim: Simulation, events: tuple[ScenarioEvent, ...]) -> None:
        self.sim = sim
        self.waiting: list[ScenarioEvent] = []
        for event in events:
            if event.at_ms is not None:
                self._at(event.at_ms, event)
            else:
                self.waiting.append(event)
        if self.waiting:
            sim.bus.subscribe(self._on_role, ["role"])

    def _at(self, t_ms: float, event: ScenarioEvent) -> None:
        env = self.sim.env
        timer = env.timeout(max(0.0, t_ms - env.now), event)
        timer.callbacks.append(self._fire)

    def _on_role(self, record: dict[str, Any]) -> None:
        if record["role"] != Role.LEADER.value:
            return
        for event in [e for e in self.waiting if e.when is not None and e.when.leader == record["node"]]:
            self.waiting.remove(event)
            self._at(self.sim.env.now + event.after_ms, event)

    def _fire(self, timer: Any) -> None:
        event: ScenarioEvent = timer.value
        sim = self.sim
        action = event.action.value
        if action == "partition":
            sim.partition(event.groups)
        elif action == "heal":
            sim.heal()
        elif action == "cut":
            assert event.link is not None
            sim.cut(*event.link)
        elif action == "write":
            assert event.command is not None
            sim.scripted_write(event.command, event.to)
        else:
            target = event.target
            assert target is not None
            node = sim.live_leader() if target == "leader" else target
            if node is None:
                sim.skip(action, target, "no live leader")
            elif action == "crash":
                sim.crash(node)
            elif action == "restart":
                sim.restart(node)
            elif action == "isolate":
                sim.isolate(node)
            elif action == "timeout":
                sim.force_timeout(node)
            else:  # pragma: no cover - the schema admits no other action
                raise AssertionError(f"unknown action {action}")
