"""The scenario's scripted events: crashes, restarts, partitions, cuts, heals, forced timeouts, leadership
transfers and single writes.

Timed events are scheduled up front in file order, so events at the same time run in file order. Conditional
events (``when: {leader: NODE}``) fire once, ``after_ms`` after the first time that node becomes leader.

A node named by its role is resolved when the event fires: ``leader`` is the live leader of the highest term,
``follower`` one of the live followers, drawn from the run's ``script/follower`` random stream (so the same seed
picks the same one), and ``crashed`` the node that crashed most recently and is still down. When there is no
such node the action is skipped and a ``skip`` event says why.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Protocol

from raft.core.types import Role
from raft.scenario import Action
from raft.scenario.base import CRASHED, FOLLOWER, LEADER
from raft.sim.events import EventType

if TYPE_CHECKING:
    import simpy

    from raft.scenario import Event as ScenarioEvent
    from raft.sim.events import Event, EventBus

#: Why an action naming a role was skipped, by role word.
_NOBODY = {LEADER: "no live leader", FOLLOWER: "no live follower", CRASHED: "no crashed node"}


class World(Protocol):
    """What a script acts on (a :class:`raft.sim.simulation.Simulation`): its clock and event stream, who is
    leader, follower or last crashed now, and one method per scripted action."""

    @property
    def env(self) -> simpy.Environment: ...

    @property
    def bus(self) -> EventBus: ...

    def live_leader(self) -> str | None: ...

    def live_followers(self) -> list[str]: ...

    def last_crashed(self) -> str | None: ...

    def skip(self, action: str, target: str, reason: str) -> None:
        """Record that an action was skipped, and why."""

    def crash(self, node: str) -> None: ...

    def restart(self, node: str) -> None: ...

    def force_timeout(self, node: str) -> None: ...

    def partition(self, groups: tuple[tuple[str, ...], ...]) -> None: ...

    def heal(self, node: str | None = None, link: tuple[str, str] | None = None) -> None: ...

    def isolate(self, node: str) -> None: ...

    def cut(self, src: str, dst: str) -> None: ...

    def scripted_write(self, op: str, to: str | None) -> None: ...

    def transfer(self, node: str) -> None:
        """The live leader hands leadership to ``node`` (or the action is skipped: no live leader)."""


class Script:
    """Carries out a scenario's ``events`` list inside one simulation (any :class:`World`)."""

    def __init__(self, sim: World, events: tuple[ScenarioEvent, ...], follower_rng: random.Random) -> None:
        self.sim = sim
        self.follower_rng = follower_rng  # draws the node each ``follower`` stands for
        self.waiting: list[ScenarioEvent] = []
        self._watching_roles = False
        for event in events:
            self.schedule(event)

    def schedule(self, event: ScenarioEvent) -> None:
        """Carry out ``event`` at its time (``at_ms``, not before now) or on its trigger. The scenario's events
        are scheduled this way when the script is built; a live session schedules the events it is sent the same
        way, each at a time it has run to (:meth:`raft.sim.simulation.Simulation.advance_to`)."""
        if event.at_ms is not None:
            self._at(event.at_ms, event)
            return
        if not self._watching_roles:
            self._watching_roles = True
            self.sim.bus.subscribe(self._on_role, [EventType.ROLE])
        self.waiting.append(event)

    def _at(self, t_ms: float, event: ScenarioEvent) -> None:
        env = self.sim.env
        timer = env.timeout(max(0.0, t_ms - env.now), event)
        timer.callbacks.append(self._fire)

    def _on_role(self, record: Event) -> None:
        if record["type"] != EventType.ROLE or record["role"] != Role.LEADER.value:
            return
        for event in [e for e in self.waiting if e.when is not None and e.when.leader == record["node"]]:
            self.waiting.remove(event)
            self._at(self.sim.env.now + event.after_ms, event)

    def resolve(self, name: str, other_end: str | None = None) -> str | None:
        """The node ``name`` stands for now: itself, or the node a role word names (``None``: nobody).

        A ``follower`` is never ``other_end`` (the node at the other end of a cut).
        """
        sim = self.sim
        if name == LEADER:
            return sim.live_leader()
        if name == CRASHED:
            return sim.last_crashed()
        if name == FOLLOWER:
            followers = [node for node in sim.live_followers() if node != other_end]
            return self.follower_rng.choice(followers) if followers else None
        return name

    def _fire(self, timer: Any) -> None:
        event: ScenarioEvent = timer.value
        sim = self.sim
        action = event.action
        if action is Action.PARTITION:
            sim.partition(event.groups)
        elif action is Action.HEAL:
            sim.heal(event.target, event.link)
        elif action is Action.CUT:
            assert event.link is not None
            self._cut(*event.link)
        elif action is Action.WRITE:
            assert event.command is not None
            to = None if event.to is None else self.resolve(event.to)
            if event.to is not None and to is None:
                sim.skip(action.value, event.to, _NOBODY[event.to])
            else:
                sim.scripted_write(event.command, to)
        else:
            target = event.target
            assert target is not None
            node = self.resolve(target)
            if node is None:
                sim.skip(action.value, target, _NOBODY[target])
            elif action is Action.CRASH:
                sim.crash(node)
            elif action is Action.RESTART:
                sim.restart(node)
            elif action is Action.ISOLATE:
                sim.isolate(node)
            elif action is Action.TIMEOUT:
                sim.force_timeout(node)
            elif action is Action.TRANSFER:
                sim.transfer(node)
            else:  # pragma: no cover - the schema admits no other action
                raise AssertionError(f"unknown action {action}")

    def _cut(self, src: str, dst: str) -> None:
        """Cut ``src`` -> ``dst``, either of which may be ``leader`` or ``follower``. A follower is resolved last,
        among the followers other than the node at the other end."""
        first, second = (dst, src) if src == FOLLOWER else (src, dst)
        node_of: dict[str, str] = {}
        for name in (first, second):
            node = self.resolve(name, other_end=node_of.get(first))
            if node is None:
                self.sim.skip(Action.CUT.value, name, _NOBODY[name])
                return
            node_of[name] = node
        if node_of[src] == node_of[dst]:  # ``leader`` and the node it names
            word = LEADER
            self.sim.skip(Action.CUT.value, word, f"{word} is {node_of[word]}, the other end of the cut")
            return
        self.sim.cut(node_of[src], node_of[dst])
