"""A live session: one scenario's real simulation, run in scaled real time, watched and poked from outside.

Life of a session: built around a scenario, it starts the simulation at once (paused or not); then, over and
over, :meth:`LiveSession.advance` runs the simulation on by the real time passed times :attr:`speed` (simulated ms
per real ms), and watchers :meth:`~LiveSession.subscribe` to its trace lines. Scenario events sent to it
(:meth:`~LiveSession.inject`, ``{"crash": "n1"}``) are validated as scenario events and happen at a simulated
time the session chooses; :meth:`~LiveSession.save` writes the scenario that replays the session. It ends at a
safety violation (streamed like in a trace: the ``violation`` line, then ``end``), or after one simulated year.

Reproducibility, the invariant this module keeps: every event sent happens exactly where a scripted event with
the same ``at_ms`` happens in a run of the saved scenario. An event is stamped with the next whole millisecond
after the simulated time reached, and handed to the simulation's script when the run stands at exactly that
instant with nothing else due then (:meth:`raft.sim.simulation.Simulation.advance_to`); if something is due, the
stamp moves on by a millisecond and the session tries again. Events sent within the same millisecond keep their
order, as events of the same time do in a scenario file. The session never calls into the simulation mid-step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from raft.errors import RaftSimError, ScenarioError
from raft.live.saving import live_scenario, scenario_yaml
from raft.scenario import Event as ScenarioEvent
from raft.scenario import Scenario, parse_scenario
from raft.scenario.schema import MAX_DURATION_MS
from raft.scenario.suggest import fmt_number, show
from raft.sim.events import Event, EventBus, EventType
from raft.sim.safety import SafetyChecker, SafetyViolationError, Violation
from raft.sim.simulation import Simulation
from raft.sim.trace import dumps

#: Simulated ms per real ms when a session starts: 20x slow motion, so that a message (5-10 ms) takes a tenth
#: of a second to cross and an election timeout (150-300 ms) several seconds.
DEFAULT_SPEED = 0.05
#: The fastest a session runs (simulated ms per real ms).
MAX_SPEED = 100.0
#: The most real time one :meth:`LiveSession.advance` makes up for: after a stall (a busy machine, a laptop
#: asleep) the simulation goes on from where it was rather than racing through the time missed.
MAX_STEP_S = 0.25
#: The most real time one :meth:`LiveSession.advance` spends simulating (so that the server stays responsive), in
#: at most this many slices: a cluster too large to simulate at the speed asked for runs as fast as it can.
MAX_WORK_S = 0.1
SLICES = 10
#: How long a session may run (simulated): the longest run a scenario may ask for.
SESSION_MS = MAX_DURATION_MS
#: How an event sent to a session is named in its error messages.
EVENT_SOURCE = "event"
#: The keys of a scenario event that set its time: a live session sets it.
_TIME_KEYS = ("at_ms", "when", "after_ms")


class LiveError(RaftSimError):
    """A request the session refuses; ``str()`` is one line for the page."""


class Subscription:
    """One watcher's place in a session's trace: :meth:`take` gives the lines it has not had yet (the meta line
    first)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._seen = 0

    def take(self) -> list[str]:
        new = self._lines[self._seen :]
        self._seen += len(new)
        return new


class LiveSession:
    """The simulation of one scenario, paced by a clock, with the events sent to it and its trace so far.

    ``data`` is the scenario as written (its YAML mapping), kept for :meth:`save` (default: the scenario's model
    form); ``clock`` gives real seconds (injected so that tests need no waiting).
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        data: Mapping[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        speed: float = DEFAULT_SPEED,
        paused: bool = False,
    ) -> None:
        self.scenario = scenario
        self.data: Mapping[str, Any] = (
            data if data is not None else scenario.model_dump(mode="json", exclude={"source"})
        )
        self.clock = clock
        self.speed = check_speed(speed)
        self.paused = paused
        #: Every trace line so far (JSON, exactly as in a trace file), the meta line first.
        self.lines: list[str] = []
        #: The events sent to the session that have been handed to the simulation, each with its ``at_ms``.
        self.injected: list[ScenarioEvent] = []
        self.violation: Violation | None = None
        self.over = False
        #: Whether a client has submitted a command (a client's retries depend on the run's end: see saving).
        self.clients_active = False
        self._pending: list[ScenarioEvent] = []
        self._pending_ms = 0.0
        self._last_clock = clock()
        bus = EventBus()
        bus.subscribe(self._record)
        SafetyChecker().subscribe(bus, scenario.cluster.check_quorum)
        self.sim = Simulation(scenario, seed=scenario.seed, duration_ms=SESSION_MS, bus=bus)
        try:
            self.sim.start()
        except SafetyViolationError as error:  # pragma: no cover - no rule can break before time passes
            self._end(error.violation)

    def _record(self, event: Event) -> None:
        if event["type"] == EventType.SUBMIT:
            self.clients_active = True
        self.lines.append(dumps(event))

    # ------------------------------------------------------------------ watching

    @property
    def now_ms(self) -> float:
        """The simulated time reached."""
        return self.sim.now_ms

    def subscribe(self) -> Subscription:
        """A new watcher: its first :meth:`Subscription.take` gives every line so far."""
        return Subscription(self.lines)

    def status(self) -> dict[str, Any]:
        """Where the session stands: simulated time, paused (always once the run is over), speed."""
        return {"now_ms": self.now_ms, "paused": self.paused or self.over, "speed": self.speed}

    # ------------------------------------------------------------------ pacing

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        if self.over:
            raise LiveError(f"the run is over ({self._why_over()}): it cannot resume")
        self.paused = False
        self._last_clock = self.clock()

    def set_speed(self, value: Any) -> None:
        self.speed = check_speed(value)

    def advance(self) -> None:
        """Run the simulation on by the real time passed since the last call times :attr:`speed` (at most
        :data:`MAX_STEP_S` of it, and for at most :data:`MAX_WORK_S` of real time); nothing while paused."""
        now = self.clock()
        elapsed = min(now - self._last_clock, MAX_STEP_S)
        self._last_clock = now
        if self.paused or self.over or elapsed <= 0:
            return
        target = min(self.now_ms + elapsed * 1000.0 * self.speed, SESSION_MS)
        slice_ms = (target - self.now_ms) / SLICES
        while self.now_ms < target and not self.over:
            self.run_to(min(target, self.now_ms + slice_ms))
            if self.clock() - now >= MAX_WORK_S:  # a simulation slower than asked for goes at its own pace
                return

    def run_to(self, t_ms: float) -> None:
        """Run the simulation to the simulated time ``t_ms``, carrying out the events sent meanwhile at their
        times, paused or not; stop at a safety violation."""
        if self.over or t_ms <= self.now_ms:
            return
        try:
            while self._pending and self._pending_ms <= t_ms:
                self._hand_over_pending()
            if t_ms > self.now_ms:
                self.sim.advance_to(t_ms)
        except SafetyViolationError as error:
            self._end(error.violation)
            return
        if self.now_ms >= SESSION_MS:
            self._end(None)

    def _hand_over_pending(self) -> None:
        """Run to the pending events' time; schedule them there if nothing else is due then, else try a
        millisecond later (see the module's docstring)."""
        at = self._pending_ms
        if not self.sim.advance_to(at):
            self._pending_ms = at + 1.0
            return
        for event in self._pending:
            placed = event.model_copy(update={"at_ms": at})
            self.sim.schedule(placed)
            self.injected.append(placed)
        self._pending = []

    def _end(self, violation: Violation | None) -> None:
        self.violation = violation
        self.over = True
        self._pending = []
        self.sim.finish(violation)

    def _why_over(self) -> str:
        if self.violation is not None:
            return f"{self.violation.property} violated at {fmt_number(self.violation.t_ms)} ms"
        return f"it reached {fmt_number(SESSION_MS)} ms"

    # ------------------------------------------------------------------ events

    def inject(self, item: Any) -> float:
        """Take one scenario event in its YAML form without a time (``{"crash": "n1"}``, ``{"partition":
        [["n1", "n2"]]}``, ``{"write": "x=1"}``): validate it as a scenario event of this cluster and stamp it
        with the next whole millisecond after the simulated time reached (or with the time of the events still
        waiting, so that they keep their order). Returns the stamp; it may still move on (see the module's
        docstring). :class:`LiveError` (one line, with did-you-mean hints) when the event is invalid."""
        if self.over:
            raise LiveError(f"the run is over ({self._why_over()}): no more events")
        if not isinstance(item, Mapping):
            raise LiveError(f"{EVENT_SOURCE}: expected a mapping such as {{crash: n1}}, got {show(item)}")
        for key in _TIME_KEYS:
            if key in item:
                raise LiveError(
                    f"{EVENT_SOURCE}: {key}: not in a live session (an event happens when it is sent, and the "
                    "session records its time)"
                )
        at = self._pending_ms if self._pending else math.floor(self.now_ms) + 1.0
        self._pending.append(self._validate(item, at))
        self._pending_ms = at
        return at

    def _validate(self, item: Mapping[str, Any], at_ms: float) -> ScenarioEvent:
        base = self.scenario.model_dump(mode="json", exclude={"source", "events", "expect"})
        data = {
            **base,
            "duration_ms": max(self.scenario.duration_ms, at_ms),
            "events": [{**item, "at_ms": at_ms}],
        }
        try:
            return parse_scenario(data, EVENT_SOURCE).events[0]
        except ScenarioError as error:
            raise LiveError(_event_message(str(error))) from None

    # ------------------------------------------------------------------ saving

    def save(self) -> str:
        """The scenario that replays this session, as YAML: the scenario as written, plus every event sent so
        far at its simulated time, running to the time reached (see :func:`raft.live.saving.live_scenario`)."""
        data = live_scenario(
            self.data,
            self.scenario,
            self.injected,
            reached_ms=self.now_ms,
            clients_stop_ms=self.sim.stop_ms,
            clients_active=self.clients_active,
            violated=self.violation is not None,
        )
        return scenario_yaml(data)


def check_speed(value: Any) -> float:
    """A speed (simulated ms per real ms): a number above 0 and at most :data:`MAX_SPEED`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LiveError(f"speed: expected a number of simulated ms per real ms, got {show(value)}")
    if not 0 < value <= MAX_SPEED:
        raise LiveError(f"speed: must be above 0 and at most {fmt_number(MAX_SPEED)}, got {show(value)}")
    return float(value)


def _event_message(text: str) -> str:
    """A scenario error about the one event validated, said about the event (``event: crash: unknown node``)
    rather than about the scenario built around it (``event: events[0].crash: ...``)."""
    prefix = f"{EVENT_SOURCE}: events[0]"
    if text.startswith(prefix + "."):
        return f"{EVENT_SOURCE}: " + text[len(prefix) + 1 :]
    if text.startswith(prefix + ": "):
        return f"{EVENT_SOURCE}: " + text[len(prefix) + 2 :]
    return text
