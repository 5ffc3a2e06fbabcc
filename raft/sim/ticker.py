"""A member's ticker, for etcd's timers: it ticks the node once per heartbeat interval, from when it started.

etcd's server calls ``Tick()`` on its Raft node from a ``time.Ticker`` of the heartbeat interval started with the
process; messages are stepped into the node as they arrive, between ticks. Each life of a simulated server
(a start or a restart) gets a ticker of its own: its first tick comes one interval after the start, so members
that start at different times tick with different phases. A crash stops it (the node it ticked is gone). The
ticker keeps time by the server's local clock (:class:`~raft.sim.clock.Clock`): tick ``k`` is due when that clock
reads the start plus ``k`` intervals, so a clock that drifts ticks a little fast or slow, and a tick that timer
jitter makes late does not delay the ones after it (as Go's ``time.Ticker`` keeps its cadence).

It also carries out etcd's *initial election tick advance* (``--initial-election-tick-advance``, on by
default; etcd-io/etcd ``server/etcdserver/server.go``, ``adjustTicks``): a member that is alone in its cluster
fast-forwards ElectionTick - 1 ticks as it starts; any other member checks every 50 ms, for up to 5 s
(rafthttp's ConnReadTimeout), whether more than one of its peers is reachable, and the first time it is
fast-forwards ElectionTick - 2 ticks (etcd leaves two ticks "in case slow leader message receive"); if that
never happens, it advances nothing. A fast-forward is the node ticked that many times at once, traced as a
``tick_advance`` event. A peer counts as reachable here when it is up and the link to it is open both ways (etcd:
its stream connection is active).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simpy

from raft.sim.clock import Clock

#: etcd's advance: how often a starting member checks for active peers, and for how long (rafthttp's
#: ConnReadTimeout, 5 s).
POLL_MS = 50.0
POLL_FOR_MS = 5000.0


@dataclass(frozen=True, slots=True)
class TickPlan:
    """How a cluster with etcd's timers ticks: the interval, ElectionTick, and whether members advance."""

    tick_ms: float
    election_ticks: int
    initial_advance: bool
    cluster_size: int


class Ticker:
    """One life's ticker: ``tick`` is called every ``tick_ms`` from the start, and ``advance(ticks)`` at most once,
    until the life ends (``alive()`` false)."""

    def __init__(
        self,
        env: simpy.Environment,
        clock: Clock,
        plan: TickPlan,
        *,
        alive: Callable[[], bool],
        tick: Callable[[], None],
        advance: Callable[[int], None],
        reachable_peers: Callable[[], int],
    ) -> None:
        self.env = env
        self.clock = clock
        self.plan = plan
        self._alive = alive
        self._tick = tick
        self._advance = advance
        self._reachable_peers = reachable_peers
        self._polls_left = int(POLL_FOR_MS / POLL_MS)
        #: When, on the local clock, the next tick and the next check for peers are due.
        self._next_tick = self._next_poll = 0.0

    def start(self) -> None:
        """The member has started: schedule its first tick, and carry out (or start checking for) the advance."""
        plan = self.plan
        start = self.clock.now()
        self._next_tick = start + plan.tick_ms
        self._schedule(self._next_tick, self._on_tick)
        if not plan.initial_advance:
            return
        if plan.cluster_size == 1:
            self._advance(max(0, plan.election_ticks - 1))
        else:
            self._next_poll = start + POLL_MS
            self._schedule(self._next_poll, self._on_poll)

    def _schedule(self, local_deadline: float, callback: Callable[[Any], None]) -> None:
        event = self.env.timeout(self.clock.timer(local_deadline))
        event.callbacks.append(callback)

    def _on_tick(self, _: Any) -> None:
        if not self._alive():
            return
        self._tick()
        self._next_tick += self.plan.tick_ms
        self._schedule(self._next_tick, self._on_tick)

    def _on_poll(self, _: Any) -> None:
        if not self._alive():
            return
        if self._reachable_peers() > 1:
            self._advance(max(0, self.plan.election_ticks - 2))
            return
        self._polls_left -= 1
        if self._polls_left > 0:
            self._next_poll += POLL_MS
            self._schedule(self._next_poll, self._on_poll)
