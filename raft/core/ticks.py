"""etcd's timers: time passes in ticks, and every timeout is a whole number of them.

etcd's Raft has no clock. The server calls ``Tick()`` once per heartbeat interval (HeartbeatTick = 1), and the
node counts: a follower or candidate counts ticks since it last heard from a leader, granted a vote or started
campaigning (``electionElapsed``), and campaigns once the count reaches a randomized timeout, a whole number of
ticks drawn in [ElectionTick, 2·ElectionTick) (``resetRandomizedElectionTimeout``); a leader sends a heartbeat
every tick and checks its quorum every ElectionTick ticks (``tickHeartbeat``). Messages are handled as they
arrive, between ticks: only timers wait for a tick.

:class:`TickTimers` is a :class:`~raft.core.node.RaftNode` whose timers run on that count. Its doors take
``now`` like any node's (the caller's clock, in ms) but its timers ignore it: each call of :meth:`tick` is one
tick, and every deadline, the election timeout drawn, the heartbeat interval and the minimum election timeout
of leader stickiness, CheckQuorum and transfers are counted in ticks (``election_timeout_ms`` and
``heartbeat_ms`` of the settings, divided by ``heartbeat_ms``: etcd's defaults, 1000 ms and 100 ms, make
ElectionTick 10). The rules of Figure 2 and the thesis say *when* a timer restarts; this class changes only how
the time until it fires is counted. Each restart draws a fresh timeout (etcd draws one when the term or role
changes and keeps it across heartbeats; either way every timeout is uniform over the same whole numbers of
ticks, independent of the others).

Reference: etcd-io/raft ``raft.go`` (``tickElection``, ``tickHeartbeat``, ``pastElectionTimeout``,
``resetRandomizedElectionTimeout``).
"""

from __future__ import annotations

import random

from mypy_extensions import mypyc_attr

from raft.core.log import RaftLog
from raft.core.membership import ConfChange
from raft.core.messages import Message
from raft.core.node import NodeSettings, RaftNode
from raft.core.quorum import MajorityConfig
from raft.core.snapshot import Snapshot


def ticks_of(ms: float, tick_ms: float) -> int:
    """``ms`` as a whole number of ticks of ``tick_ms``; ``ValueError`` when it is not one."""
    ticks = round(ms / tick_ms)
    if ticks < 1 or abs(ticks * tick_ms - ms) > 1e-6 * max(1.0, ms):
        raise ValueError(f"{ms:g} ms is not a whole number of {tick_ms:g} ms ticks")
    return ticks


# Compiled where the install can (raft/compiled.py); the switchable bugs (raft/core/bugs.py) subclass it in Python.
@mypyc_attr(allow_interpreted_subclasses=True)
class TickTimers(RaftNode):
    """A node whose timers count ticks, as etcd's do. Its life is a node's; ``ticks`` counts the calls of
    :meth:`tick` since it started (a restart starts again from 0), and is the ``now`` of every timer."""

    def __init__(
        self,
        node_id: str,
        voters: MajorityConfig,
        settings: NodeSettings,
        rng: random.Random,
        *,
        term: int = 0,
        voted_for: str | None = None,
        log: RaftLog | None = None,
        snapshot: Snapshot | None = None,
        now: float = 0.0,
    ) -> None:
        #: Ticks since this node started. Invariant: every deadline and ``leader_heard_at`` is a tick count.
        self.ticks = 0
        super().__init__(
            node_id, voters, settings, rng, term=term, voted_for=voted_for, log=log, snapshot=snapshot, now=0
        )

    def timer_units(self, settings: NodeSettings) -> tuple[tuple[float, float], float]:
        """ElectionTick and the high end of the range (2·ElectionTick in etcd), and HeartbeatTick = 1: the
        settings' times in ticks of ``heartbeat_ms``."""
        tick_ms = settings.heartbeat_ms
        low, high = settings.election_timeout_ms
        return (ticks_of(low, tick_ms), ticks_of(high, tick_ms)), 1

    def random_election_timeout(self) -> float:
        """A randomized whole number of ticks in [ElectionTick, high) (etcd: [ElectionTick, 2·ElectionTick));
        ElectionTick itself when the range is one value. Reference: §5.2; etcd's
        ``resetRandomizedElectionTimeout``."""
        low, high = int(self.election_range[0]), int(self.election_range[1])
        return low + self.rng.randrange(high - low) if high > low else low

    # The doors: the caller's clock in, the tick count to every timer.

    def tick(self, now: float) -> None:
        """One tick has passed: count it, then fire whichever timer is due (etcd's ``Tick``)."""
        self.ticks += 1
        super().tick(self.ticks)

    def step(self, now: float, sender: str, message: Message) -> None:
        super().step(self.ticks, sender, message)

    def election_timeout(self, now: float) -> None:
        super().election_timeout(self.ticks)

    def transfer_leadership(self, now: float, target: str) -> None:
        super().transfer_leadership(self.ticks, target)

    def propose_config_change(self, now: float, change: ConfChange) -> int | None:
        """A membership change; a learner's rounds of catching up (§4.2.1) are timed in ticks too."""
        return super().propose_config_change(self.ticks, change)
