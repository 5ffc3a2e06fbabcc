"""Clients of the replicated key-value store.

A client session numbers its commands (client id, sequence number) so that a retry is applied at most once. It
sends each command to the leader it knows (at first, or when it knows none, to the servers in turn), follows a
follower's leader hint, and retries on timeout with a doubling, capped backoff. A client stops *submitting* new
commands at the workload's ``stop_ms`` (:func:`open_loop`), but retries what is outstanding until the end of the
run, as a real client would: near the end its wait before a retry is also capped at :data:`END_FRACTION` of the
time left (never below its first timeout), so a command whose backoff grew during an outage is still retried
after the cluster recovers. It records every submit and every acknowledgement as events. Client traffic does not cross the cluster's partitions (clients are outside the
control plane) and is not counted among the cluster's messages.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import simpy

from raft.core.node import NotLeader, TransferringLeadership
from raft.core.statemachine import ApplyResult, Command
from raft.sim.events import EventBus, EventType
from raft.sim.server import SimServer

#: A retry waits at most this fraction of the time left in the run (and at least the first timeout): with
#: a quarter, an outstanding command gets at least three more tries in the last stretch of the run, whatever
#: its backoff had grown to.
END_FRACTION = 0.25
#: After a leader refuses a command because it is handing leadership over (thesis §3.10), the client waits this
#: long before asking the server it hinted at: etcd's client waits 25 ms between retries
#: (``defaultBackoffWaitBetween`` in clientv3), and a transfer takes a round trip or two.
TRANSFER_PAUSE_MS = 25.0


@dataclass(slots=True)
class _Outstanding:
    command: Command
    attempt: int
    target: str = ""
    redirects: int = 0
    timeouts: int = 0
    #: The last server that let this command time out: a hint pointing back to it is not followed.
    suspect: str | None = None


class Client:
    """One client session; its commands are outstanding from submit until acknowledged."""

    def __init__(
        self,
        env: simpy.Environment,
        client_id: str,
        servers: Mapping[str, SimServer],
        bus: EventBus,
        latency: Callable[[], float],
        *,
        timeout_ms: float,
        max_backoff_ms: float,
        first_server: int = 0,
        end_ms: float = float("inf"),
    ) -> None:
        self.env = env
        self.id = client_id
        self.servers = servers
        self.order = tuple(servers)
        self.bus = bus
        self.latency = latency
        self.timeout_ms = timeout_ms
        self.max_backoff_ms = max_backoff_ms
        self.end_ms = end_ms
        self.known_leader: str | None = None
        self._turn = first_server
        self._next_seq = 1
        self.outstanding: dict[int, _Outstanding] = {}

    def submit(self, op: str, to: str | None = None) -> Command:
        """Invoke a new command now; ``to`` names the server to try first."""
        seq = self._next_seq
        # what it still waits on: the store may forget the answers below (thesis §6.3)
        command = Command(self.id, seq, op, min(self.outstanding, default=seq))
        self._next_seq += 1
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.SUBMIT,
                "client": self.id,
                "seq": command.seq,
                "command": op,
            }
        )
        self.outstanding[command.seq] = _Outstanding(command, 0)
        self._try(command.seq, to or self._target())
        return command

    def _target(self) -> str:
        if self.known_leader is not None:
            return self.known_leader
        target = self.order[self._turn % len(self.order)]
        self._turn += 1
        return target

    def _later(self, delay: float, callback: Callable[[Any], None], value: Any) -> None:
        event = self.env.timeout(delay, value)
        event.callbacks.append(callback)

    def _try(self, seq: int, target: str) -> None:
        pending = self.outstanding[seq]
        pending.target = target
        self._later(self.latency(), self._arrive, (seq, pending.attempt, target))
        self._later(self.backoff(pending.timeouts), self._timed_out, (seq, pending.attempt))

    def backoff(self, timeouts: int) -> float:
        """How long to wait for an answer after ``timeouts`` timeouts: doubling from ``timeout_ms``, capped at
        ``max_backoff_ms`` and at :data:`END_FRACTION` of the time left (but never below ``timeout_ms``)."""
        doubled: float = min(
            self.timeout_ms * 2 ** min(timeouts, 30), self.max_backoff_ms
        )  # int ** int is Any
        return min(doubled, max(self.timeout_ms, END_FRACTION * (self.end_ms - self.env.now)))

    def _arrive(self, event: Any) -> None:
        seq, attempt, target = event.value
        pending = self.outstanding.get(seq)
        server = self.servers[target]
        if pending is None or not server.up:
            return  # answered meanwhile, or the request is lost: the timeout retries
        try:
            server.propose(pending.command, self._applied)
        except TransferringLeadership as refusal:
            self._later(
                self.latency() + TRANSFER_PAUSE_MS,
                self._transfer_refused,
                (seq, attempt, refusal.leader_hint),
            )
        except NotLeader as refused:
            self._later(self.latency(), self._redirected, (seq, attempt, refused.leader_hint))

    def _redirected(self, event: Any) -> None:
        """A server refused: follow its leader hint, or without one try the next server; after as many
        refusals as there are servers, wait for the timeout (there may be no leader just now)."""
        seq, attempt, hint = event.value
        pending = self.outstanding.get(seq)
        if pending is None or pending.attempt != attempt:
            return
        if hint == pending.suspect:
            hint = None  # a stale leader, cut off from the majority, that the refusing server still follows
        self.known_leader = hint
        if pending.redirects < len(self.order):
            pending.redirects += 1
            self._try_again(seq, hint or self._after(pending.target))

    def _transfer_refused(self, event: Any) -> None:
        """The leader is handing leadership to the server it hinted at: after a pause, ask that server, with a
        fresh allowance of redirects (it may still be campaigning)."""
        seq, attempt, hint = event.value
        pending = self.outstanding.get(seq)
        if pending is None or pending.attempt != attempt:
            return
        self.known_leader = hint
        pending.redirects = 0
        self._try_again(seq, hint)

    def _timed_out(self, event: Any) -> None:
        seq, attempt = event.value
        pending = self.outstanding.get(seq)
        if pending is None or pending.attempt != attempt:
            return  # answered, or superseded by a retry after a refusal
        failed = pending.target
        pending.suspect = failed
        if self.known_leader == failed:
            self.known_leader = None
        pending.redirects = 0
        pending.timeouts += 1
        # The server that did not answer may be down or cut off: try the leader learned meanwhile, or the next.
        self._try_again(seq, self.known_leader or self._after(failed))

    def _after(self, server: str) -> str:
        return self.order[(self.order.index(server) + 1) % len(self.order)]

    def _try_again(self, seq: int, target: str) -> None:
        self.outstanding[seq].attempt += 1
        self._try(seq, target)

    def _applied(self, server: str, command: Command, result: ApplyResult) -> None:
        self._later(self.latency(), self._acknowledged, (server, command, result))

    def _acknowledged(self, event: Any) -> None:
        server, command, result = event.value
        if self.outstanding.pop(command.seq, None) is None:
            return
        self.known_leader = server
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.ACK,
                "client": self.id,
                "seq": command.seq,
                "command": command.op,
                "index": result.index,
                "value": result.value,
            }
        )


def open_loop(
    env: simpy.Environment,
    client: Client,
    rng: random.Random,
    rate_per_s: float,
    stop_ms: float,
    *,
    reads: bool = False,
    keys: int = 8,
) -> simpy.events.Process:
    """Submit commands at ``rate_per_s`` (Poisson arrivals) until ``stop_ms``: writes ``kN=<client>.<seq>``
    to one of ``keys`` keys, or reads ``?kN`` when ``reads``. Commands outstanding at ``stop_ms`` are still
    retried by ``client`` until the end of the run."""

    def run() -> Any:
        count = 0
        while True:
            yield env.timeout(rng.expovariate(rate_per_s / 1000.0))
            if env.now >= stop_ms:
                return
            count += 1
            key = f"k{rng.randrange(keys)}"
            client.submit(f"?{key}" if reads else f"{key}={client.id}.{count}")

    return env.process(run())
