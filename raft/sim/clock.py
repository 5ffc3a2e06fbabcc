"""The time model of one server: its local clock, which may run fast or slow, and when its timers fire.

Simulation time (simpy's ``env.now``, the time of every trace event) is the one true time. A server reads its own
local clock: ``local = (1 + drift) · sim``, where ``drift`` is its clock-rate error (``timing.drift_ppm``, parts per
million: +50 ppm gains 50 µs every second). The pure core only ever sees local readings (the ``now`` it is handed)
and sets its deadlines in local time; :meth:`Clock.delay_until` turns such a deadline back into a simulation delay
when the server schedules its timer. A timer fires a little after its deadline when the scenario has timer jitter
(``timing.timer_jitter_ms``: the scheduling delay of a real process, drawn from the server's own stream); the core
is then handed the later reading, as a real server would read its clock on waking. Every local clock reads 0 at simulation time 0: Raft's timers measure
durations, so a constant offset between clocks would change nothing they do.

With no drift (the default, ``exact``) local and simulation time are the same float, bit for bit: ``1.0 · t`` is
``t`` and ``d / 1.0`` is ``d``, so runs without the model are what they always were.
"""

from __future__ import annotations

import math

import simpy

from raft.core.node import TIME_EPSILON
from raft.sim.delays import Sampler

#: One part per million, as a fraction.
PPM = 1e-6


class Clock:
    """A server's local clock, for its whole life (its rate survives crashes: it is the hardware's)."""

    __slots__ = ("env", "jitter", "rate")

    def __init__(
        self, env: simpy.Environment, drift_ppm: float = 0.0, *, jitter: Sampler | None = None
    ) -> None:
        self.env = env
        #: Local milliseconds per simulated millisecond (exactly 1.0 without drift).
        self.rate = 1.0 + drift_ppm * PPM
        #: How late a timer fires after its deadline (simulation ms, one draw per armed timer), or None: on time.
        self.jitter = jitter

    @property
    def drift_ppm(self) -> float:
        return (self.rate - 1.0) / PPM

    def now(self) -> float:
        """The local clock's reading at the current simulation time."""
        return self.rate * self.env.now

    def timer(self, deadline: float) -> float:
        """The simulation delay after which a timer armed now for local time ``deadline`` fires: when the clock
        reads ``deadline``, plus one draw of the jitter (the process is scheduled a little late)."""
        delay = self.delay_until(deadline)
        return delay if self.jitter is None else delay + self.jitter()

    def delay_until(self, deadline: float) -> float:
        """The simulation delay until the local clock reads ``deadline`` (0 if it already does).

        With drift, the delay is rounded up by as many ulps as needed so that the local reading at the wake-up
        really is at the deadline (within the core's :data:`TIME_EPSILON`), or the timer would wake too early,
        find nothing due and never be rescheduled. (simpy wakes at ``now + delay``, summed as here.)
        """
        env, rate = self.env, self.rate
        start = env.now
        if rate == 1.0:
            return max(0.0, deadline - start)
        delay = max(0.0, (deadline - rate * start) / rate)
        while rate * (start + delay) < deadline - TIME_EPSILON:
            delay += math.ulp(start + delay)
        return delay
