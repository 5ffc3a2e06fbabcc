"""Requests from outside the cluster to one given member, each a simpy event: the public hook through which a
layer above the simulation (an API server, a controller) uses the replicated store.

A request names the member it is sent to. The member hands it to the leader it knows, as etcd's followers
forward proposals: on the member itself when it leads, else one network hop away (lost when that link is cut).
The request's event succeeds with the command's :class:`~raft.core.statemachine.ApplyResult` once the leader has
applied it, and fails with :class:`RequestFailed` when the member is down, knows no leader, or nothing answers
within the timeout. A server that refuses the proposal with a leader hint (it is handing leadership over) has it
tried again at the hinted leader; one that refuses without a hint drops it, and the timeout answers. Reads
(``?key``) take the server's read path, like the clients' reads: through the log with ``read_mode: log``, else
answered by the leader by ReadIndex or under its lease (:meth:`RaftNode.read`, thesis §6.4) and acknowledged
when answered; linearizable either way.

Nothing here is traced: the layer that asks keeps its own record. A run that sends no request draws nothing from
the network's random stream on its behalf, so its trace is what it was.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import simpy

from raft.core.node import NotLeader
from raft.core.statemachine import ApplyResult, Command
from raft.core.types import Role
from raft.errors import RaftSimError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from raft.sim.network import Network
    from raft.sim.server import SimServer


#: The pause before a proposal refused with a leader hint is tried at that leader: etcd's client waits 25 ms
#: between retries (``defaultBackoffWaitBetween`` in clientv3), as :data:`raft.sim.clients.TRANSFER_PAUSE_MS`.
RETRY_PAUSE_MS = 25.0


class Refusal(StrEnum):
    """Why a request failed."""

    DOWN = "down"  #: the member it was sent to is down
    NO_LEADER = "no leader"  #: the member knows no leader (an election is under way, or it has no quorum)
    TIMED_OUT = "timed out"  #: nothing was applied within the timeout (no quorum, or the leader changed)


class RequestFailed(RaftSimError):
    """A request's event failed: ``refusal`` says why."""

    def __init__(self, refusal: Refusal, member: str) -> None:
        super().__init__(refusal, member)  # simpy rebuilds a failure from its args
        self.refusal = refusal
        self.member = member

    def __str__(self) -> str:
        return f"request to {self.member}: {self.refusal.value}"


class Requests:
    """Every session's command numbering, and the requests in flight. One per simulation (made on first use)."""

    def __init__(self, env: simpy.Environment, servers: Mapping[str, SimServer], network: Network) -> None:
        self.env = env
        self.servers = servers
        self.network = network
        self._next_seq: dict[str, int] = {}

    def submit(self, member: str, op: str, *, session: str, timeout_ms: float) -> simpy.Event:
        """Send ``op`` (``k=v``, ``-k`` or ``?k``) for ``session`` to ``member`` now; the event succeeds with the
        :class:`ApplyResult` or fails with :class:`RequestFailed`."""
        seq = self._next_seq.get(session, 1)
        self._next_seq[session] = seq + 1
        command = Command(session, seq, op)
        done = self.env.event()
        server = self.servers[member]
        node = server.node
        if node is None:
            return self._fail_now(done, Refusal.DOWN, member)
        leader = member if node.role is Role.LEADER else node.leader_id
        if leader is None:
            return self._fail_now(done, Refusal.NO_LEADER, member)
        timer = self.env.timeout(timeout_ms, (done, member))
        timer.callbacks.append(self._timed_out)
        if leader == member:
            self._propose(member, command, done, hops=0)
        elif self.network.topology.connected(member, leader):
            forward = self.env.timeout(self.network.latency(), (leader, command, done))
            forward.callbacks.append(self._forwarded)
        return done

    def _fail_now(self, done: simpy.Event, refusal: Refusal, member: str) -> simpy.Event:
        done.fail(RequestFailed(refusal, member))
        return done

    def _forwarded(self, event: Any) -> None:
        leader, command, done = event.value
        if not done.triggered:
            self._propose(leader, command, done, hops=1)

    def _propose(self, leader: str, command: Command, done: simpy.Event, *, hops: int) -> None:
        """Hand ``command`` to ``leader``; a server that does not lead (any more) drops it, as etcd drops a
        proposal that reaches a non-leader, and the timeout answers."""
        server = self.servers[leader]
        if server.node is None:
            return

        def applied(_server: str, _command: Command, result: ApplyResult) -> None:
            if hops == 0:
                self._answer(done, result)
            else:
                back = self.env.timeout(self.network.latency(), (done, result))
                back.callbacks.append(lambda e: self._answer(*e.value))

        try:
            server.propose(command, applied)
        except NotLeader as refusal:
            hint = refusal.leader_hint
            if hint is not None and hint != leader and self.network.topology.connected(leader, hint):
                # a leader handing over (or a follower that knows better) points at the next leader: after
                # etcd's client pause between retries, the proposal goes there
                again = self.env.timeout(self.network.latency() + RETRY_PAUSE_MS, (hint, command, done))
                again.callbacks.append(self._forwarded)

    def _answer(self, done: simpy.Event, result: ApplyResult) -> None:
        if not done.triggered:
            done.succeed(result)

    def _timed_out(self, event: Any) -> None:
        done, member = event.value
        if not done.triggered:
            done.fail(RequestFailed(Refusal.TIMED_OUT, member))
