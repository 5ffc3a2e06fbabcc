"""One simulated run of a scenario: builds the cluster, runs simpy to the end, reports the final state.

Randomness: every stream derives from the seed by name (one per server, one for the network, one per client,
one for the script's choice of ``follower``, and one per server's clock when the time model draws), seeded with strings, which Python hashes with SHA-512 whatever
PYTHONHASHSEED is. Same scenario, same seed: same events in the same order, in any process.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import simpy

from raft.core.bugs import Bug
from raft.core.membership import ChangeKind, ChangeRefused, ConfChange
from raft.core.messages import Entry, Message, TimeoutNow
from raft.core.node import NodeSettings, NotLeader
from raft.core.quorum import MajorityConfig
from raft.core.reads import ReadMode
from raft.core.types import Role
from raft.properties import Property
from raft.scenario.delays import Delay, distribution
from raft.scenario.events import MEMBERSHIP_ACTIONS
from raft.sim.clients import Client, open_loop
from raft.sim.clock import Clock
from raft.sim.delays import Sampler, sampler, with_stalls
from raft.sim.events import (
    TRACE_SCHEMA_VERSION,
    EndEvent,
    Event,
    EventBus,
    EventType,
    MetaEvent,
    RestartEvent,
)
from raft.sim.network import Network
from raft.sim.requests import Requests
from raft.sim.safety import SafetyViolationError, Violation
from raft.sim.script import Script
from raft.sim.server import SimServer
from raft.sim.storage import Storage
from raft.sim.ticker import TickPlan

if TYPE_CHECKING:
    from raft.scenario import Event as ScenarioEvent
    from raft.scenario import Scenario


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while simpy runs, and back as it was after.

    A run allocates millions of short-lived tuples, dicts and events, none of them in a reference cycle (they are
    freed by reference counting as soon as they are done), while its logs and registries grow: every young
    collection found nothing to free, and every old one walked the whole state (about 15 % of a ten-minute run
    at 100 writes/s). The cycles a run does make (the simulation's own objects) are left to the first collection
    after it. The pause is the whole process's: another thread's allocations are not collected meanwhile either.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def stream(seed: int, *names: str) -> random.Random:
    """The random stream called ``names`` of run ``seed``."""
    return random.Random("raft-sim/" + "/".join([str(seed), *names]))


@dataclass(frozen=True, slots=True)
class NodeState:
    """A server's state at the end of a run. ``log_terms`` are the terms of the log's entries after its
    snapshot, whose last included index is ``snapshot_index`` (0: no snapshot, the log starts at index 1)."""

    up: bool
    role: str
    term: int
    voted_for: str | None
    commit_index: int
    last_applied: int
    log_terms: tuple[int, ...]
    store: dict[str, str]
    snapshot_index: int = 0

    @property
    def last_index(self) -> int:
        return self.snapshot_index + len(self.log_terms)

    def term_at(self, index: int) -> int | None:
        """The term of the entry at ``index``; ``None`` if a snapshot replaced it or the log ends before it."""
        if index <= self.snapshot_index or index > self.last_index:
            return None
        return self.log_terms[index - self.snapshot_index - 1]


#: Paces a run from outside (the CLI's progress and Ctrl-C): called with the simulated time reached, it returns how
#: many simulated ms to run next, or ``None`` to stop the run there (it was interrupted). The run's events do not
#: depend on the slices: simpy orders its heap by (time, priority, sequence), and a slice's end only adds a stop
#: marker between two events; same seed, same trace, however it is sliced.
Pacer = Callable[[float], "float | None"]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a finished run leaves besides its events; ``interrupted`` when a pacer stopped it before its end."""

    end_ms: float
    violation: Violation | None
    nodes: dict[str, NodeState]
    final_leader: str | None
    groups: list[list[str]]
    messages: dict[str, int]
    interrupted: bool = False


class Simulation:
    """A cluster, its network, its clients and its script, in one simpy environment."""

    def __init__(self, scenario: Scenario, *, seed: int, duration_ms: float, bus: EventBus) -> None:
        self.scenario = scenario
        self.seed = seed
        self.duration_ms = duration_ms
        self.bus = bus
        self.env = simpy.Environment(initial_time=0.0)
        cluster = scenario.cluster
        self.nodes: tuple[str, ...] = tuple(cluster.node_ids)
        #: Servers that join only when an event adds them (thesis chapter 4); started once, by that event.
        self.spares: tuple[str, ...] = cluster.spare_ids
        self.started: set[str] = set(self.nodes)
        self.bugs = frozenset(Bug(name) for name in cluster.bugs)
        off_by_one = Bug.MAJORITY_OFF_BY_ONE in self.bugs
        voters = MajorityConfig(frozenset(self.nodes), off_by_one=off_by_one)
        #: Whether membership changes are used: leader stickiness (thesis §4.2.3) is then on.
        self.membership = bool(self.spares) or any(e.action in MEMBERSHIP_ACTIONS for e in scenario.events)
        settings = NodeSettings(
            election_timeout_ms=cluster.election_timeout_ms,
            heartbeat_ms=cluster.heartbeat_ms,
            leader_noop=cluster.leader_noop,
            max_entries_per_append=cluster.max_entries_per_append,
            bugs=self.bugs,
            pre_vote=cluster.pre_vote,
            check_quorum=cluster.check_quorum,
            membership=self.membership,
            tick_timers=cluster.timers == "ticks",
            snapshot_every=scenario.storage.snapshot_every,
            read_mode=ReadMode(cluster.read_mode),
            lease_drift_bound_ppm=cluster.lease_drift_bound_ppm,
        )
        tick_plan = (
            TickPlan(
                tick_ms=cluster.heartbeat_ms,
                election_ticks=round(cluster.election_timeout_ms[0] / cluster.heartbeat_ms),
                initial_advance=cluster.initial_election_tick_advance,
                cluster_size=len(self.nodes),
            )
            if settings.tick_timers
            else None
        )
        net = scenario.network
        net_rng = stream(seed, "network")
        net_latency = net.latency_ms
        self.network = Network(
            self.env,
            self.nodes + self.spares,
            net_rng,
            bus,
            latency_ms=sampler(net_latency, net_rng) if isinstance(net_latency, Delay) else net_latency,
            link_latency_ms=net.link_latency_ms,
            drop_rate=net.drop_rate,
            duplicate_rate=net.duplicate_rate,
            reorder_ms=net.reorder_ms,
        )
        self.servers: dict[str, SimServer] = {}
        newcomer = MajorityConfig(frozenset(), off_by_one=off_by_one)  # a spare knows no configuration yet
        for node in self.nodes + self.spares:
            initial = cluster.initial_state.get(node)
            storage = Storage(forget_vote=Bug.FORGET_VOTE_ON_RESTART in self.bugs)
            if initial is not None:
                storage.term = initial.term
                storage.voted_for = initial.voted_for
                storage.entries = [Entry(term) for term in initial.log]
            self.servers[node] = SimServer(
                self.env,
                node,
                voters if node in self.started else newcomer,
                settings,
                stream(seed, "node", node),
                self.network,
                bus,
                storage,
                write_time=self.write_time(node),
                clock=self.clock(node),
                tick_plan=tick_plan,
                snapshot_write_ms=scenario.storage.snapshot_write_ms,
            )
        self.network.endpoints = self.servers
        workload = scenario.workload
        latency = self.network.latency
        self.stop_ms = min(workload.effective_stop_ms(duration_ms), duration_ms)
        client_settings: dict[str, Any] = {
            "timeout_ms": workload.timeout_ms,
            "max_backoff_ms": workload.max_backoff_ms,
            "end_ms": duration_ms,
        }
        self.clients = [
            Client(self.env, f"c{i}", self.servers, bus, latency, first_server=i - 1, **client_settings)
            for i in range(1, workload.clients + 1)
        ]
        self.script_client = Client(self.env, "script", self.servers, bus, latency, **client_settings)
        #: The nodes that are down, in the order they crashed (for ``restart: crashed``).
        self.crash_order: list[str] = []
        #: The leadership transfer under way: (target, leader, term, start time), until its outcome is traced.
        self.transfer_pending: tuple[str, str, int, float] | None = None
        self._watching_transfers = False
        #: The scenario's events being carried out (built by :meth:`start`).
        self.script: Script
        self._requests: Requests | None = None

    def clock(self, node: str) -> Clock:
        """The local clock of ``node``: its drift, and its timer jitter drawn from its own stream."""
        jitter = self.scenario.timing.jitter
        draw = None if jitter is None else sampler(jitter, stream(self.seed, "jitter", node))
        return Clock(self.env, self.drift_ppm(node), jitter=draw)

    def write_time(self, node: str) -> Sampler | None:
        """How long each of ``node``'s disk writes takes (``storage``), drawn from its own stream; ``None``
        when writes are durable at once."""
        disk = self.scenario.storage
        write, stall = distribution(disk.write_ms), distribution(disk.fsync_stall_ms)
        if write is None and (stall is None or not disk.fsync_stall_rate):
            return None
        if write is not None and write.dist == "constant" and stall is None:
            ms = float(write.ms)  # type: ignore[arg-type]
            return lambda: ms
        rng = stream(self.seed, "disk", node)
        base = sampler(write or Delay(dist="constant", ms=0), rng)
        return base if stall is None else with_stalls(base, disk.fsync_stall_rate, sampler(stall, rng), rng)

    def drift_ppm(self, node: str) -> float:
        """The clock-rate error of ``node`` (``timing.drift_ppm``): given, or drawn in ±the bound from the
        node's clock stream (no draw when the bound is 0)."""
        drift = self.scenario.timing.drift_ppm
        if isinstance(drift, dict):
            return drift.get(node, 0.0)
        return stream(self.seed, "clock", node).uniform(-drift, drift) if drift else 0.0

    def _inspect_timeout_now(self, src: str, dst: str, message: Message) -> None:
        """Once a transfer has begun, every delivered TimeoutNow is checked on arrival (runs without transfers
        send none, and pay nothing for the check)."""
        if isinstance(message, TimeoutNow):
            self._check_timeout_now(src, dst, message)

    # ------------------------------------------------------------------ run

    def meta(self) -> MetaEvent:
        """The trace's first line: schema version, nodes, configuration and initial state."""
        scenario = self.scenario
        config = scenario.model_dump(mode="json", exclude={"events", "expect", "source"})
        cluster = config["cluster"]
        for key in ("pre_vote", "check_quorum", "spares"):  # the thesis's switches appear only when on: a
            if not cluster[key]:  # paper-Raft trace is what it always was
                del cluster[key]
        if cluster["profile"] == "paper":  # likewise the profile, and etcd's timers only when in use
            del cluster["profile"]
        if cluster["timers"] == "continuous":
            del cluster["timers"], cluster["initial_election_tick_advance"]
        if cluster["read_mode"] == ReadMode.LOG.value:  # likewise reads through the log
            del cluster["read_mode"], cluster["lease_drift_bound_ppm"]
        meta: MetaEvent = {
            "t_ms": 0.0,
            "type": EventType.META,
            "schema": TRACE_SCHEMA_VERSION,
            "scenario": scenario.name,
            "seed": self.seed,
            "duration_ms": self.duration_ms,
            "nodes": list(self.nodes),
            "bugs": sorted(bug.value for bug in self.bugs),
            "config": config,
            "events": [
                e.model_dump(mode="json", exclude=None if e.change else {"change"}) for e in scenario.events
            ],
            "initial_state": {
                node: {"term": s.term, "voted_for": s.voted_for, "log": list(s.log)}
                for node, s in scenario.cluster.initial_state.items()
            },
        }
        if self.spares:
            meta["spares"] = list(self.spares)
        return meta

    def run(self, pacer: Pacer | None = None) -> RunOutcome:
        """Run to ``duration_ms`` or to the first safety violation; with a ``pacer``, in the slices it asks for,
        stopping early (interrupted) when it returns ``None``."""
        violation: Violation | None = None
        interrupted = False
        try:
            self.start()
            interrupted = not self._run_paced(pacer)
        except SafetyViolationError as error:
            violation = error.violation
        return self.finish(violation, interrupted)

    def start(self) -> None:
        """Begin the run at time 0: the meta line, the servers, the script and the clients' arrivals.

        :meth:`run` does this, runs, and calls :meth:`finish`. A caller that paces the run itself (a live
        session) calls the three steps in turn: :meth:`start`, :meth:`advance_to` as often as it likes (with
        :meth:`schedule` in between), and :meth:`finish`. :meth:`advance_to` raises
        :class:`~raft.sim.safety.SafetyViolationError` as a run stops on a violation; ``finish`` records it.
        """
        self.bus.emit(self.meta())
        for node in self.nodes:  # spares start only when a membership change adds them
            self.servers[node].start()
        self.script = Script(self, self.scenario.events, stream(self.seed, "script", "follower"))
        workload = self.scenario.workload
        if workload.clients:
            for kind, rate in (("writes", workload.writes_per_s), ("reads", workload.reads_per_s)):
                if rate > 0:
                    for client in self.clients:
                        rng = stream(self.seed, "client", client.id, kind)
                        open_loop(
                            self.env,
                            client,
                            rng,
                            rate / len(self.clients),
                            self.stop_ms,
                            reads=kind == "reads",
                        )

    def finish(self, violation: Violation | None = None, interrupted: bool = False) -> RunOutcome:
        """End the run where it stands: the violation that stopped it (if any), then the ``end`` line."""
        if violation is not None:
            self.bus.emit(violation.event())
        outcome = self.outcome(violation, interrupted)
        end: EndEvent = {
            "t_ms": self.env.now,
            "type": EventType.END,
            "final_leader": outcome.final_leader,
            "commit_index": {n: s.commit_index for n, s in outcome.nodes.items()},
        }
        if interrupted:
            end["interrupted"] = True
        self.bus.emit(end)
        return outcome

    @property
    def now_ms(self) -> float:
        """The simulated time reached."""
        return float(self.env.now)

    def advance_to(self, t_ms: float) -> bool:
        """Carry out every event due before ``t_ms`` and stop with the clock at exactly ``t_ms``; return whether
        no event is due at ``t_ms`` itself.

        When none is, an event given to :meth:`schedule` now for ``t_ms`` happens first at that instant, as a scripted
        event of the same time does in a run that has it in its scenario from the start (scheduled then, ahead of
        everything due at that instant later). This is how a live session makes its events reproducible.
        """
        env = self.env
        if t_ms <= env.now:
            raise ValueError(f"advance_to({t_ms}): the run is at {env.now} ms already")
        if env.now < t_ms / 2:  # from half-way on, t_ms - now is exact (Sterbenz), and so is the stop below
            env.run(until=0.75 * t_ms)
        env.run(until=t_ms)
        # simpy stops a run with a marker event that it puts back at t_ms (with no callbacks left), ahead of
        # everything else due then: one step takes it off, and the next event's time tells whether any is due.
        env.step()
        assert env.now == t_ms, f"the run stopped at {env.now} ms, not {t_ms}"
        return bool(env.peek() > t_ms)

    def schedule(self, event: ScenarioEvent) -> None:
        """Carry out the scenario event ``event`` at its time (``at_ms``, not before now), as the script does the
        scenario's own events (after :meth:`start`)."""
        self.script.schedule(event)

    def _run_paced(self, pacer: Pacer | None) -> bool:
        """Run simpy to ``duration_ms`` (in the pacer's slices); ``False`` if the pacer stopped it first."""
        with cycle_collection_paused():
            return self._run_slices(pacer)

    def _run_slices(self, pacer: Pacer | None) -> bool:
        if pacer is None:
            self.env.run(until=self.duration_ms)
            return True
        while self.env.now < self.duration_ms:
            step = pacer(self.env.now)
            if step is None:
                return False
            until = min(self.duration_ms, self.env.now + max(step, 1e-3))
            self.env.run(until=until)
            if self.env.now < until:  # a consumer ended the run (raft.experiments.observe.stop)
                break
        pacer(self.env.now)
        return True

    def outcome(self, violation: Violation | None, interrupted: bool = False) -> RunOutcome:
        states: dict[str, NodeState] = {}
        for name, server in self.servers.items():
            node = server.node
            if node is None:
                storage = server.storage
                states[name] = NodeState(
                    False,
                    "down",
                    storage.term,
                    storage.voted_for,
                    0,
                    0,
                    tuple(e.term for e in storage.entries),
                    {},
                    storage.offset,
                )
            else:
                states[name] = NodeState(
                    True,
                    node.role.value,
                    node.current_term,
                    node.voted_for,
                    node.commit_index,
                    node.last_applied,
                    tuple(node.log.terms()),
                    dict(node.store.data),
                    node.log.offset,
                )
        net = self.network
        return RunOutcome(
            end_ms=self.env.now,
            violation=violation,
            nodes=states,
            final_leader=self.live_leader(),
            groups=net.topology.groups(),
            messages={"sent": net.sent, "delivered": net.delivered, "dropped": net.dropped},
            interrupted=interrupted,
        )

    # -------------------------------------------------------------- actions

    def live_leader(self) -> str | None:
        """The live leader of the highest term, if any."""
        best: tuple[int, str] | None = None
        for name, server in self.servers.items():
            node = server.node
            if (
                node is not None
                and node.role is Role.LEADER
                and (best is None or node.current_term > best[0])
            ):
                best = (node.current_term, name)
        return None if best is None else best[1]

    def live_followers(self) -> list[str]:
        """The live nodes whose role is follower right now, in the cluster's order."""
        return [
            name
            for name, server in self.servers.items()
            if server.node is not None and server.node.role is Role.FOLLOWER
        ]

    def last_crashed(self) -> str | None:
        """The node that crashed most recently and is still down, if any."""
        return self.crash_order[-1] if self.crash_order else None

    def skip(self, action: str, target: str, reason: str) -> None:
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.SKIP,
                "action": action,
                "target": target,
                "reason": reason,
            }
        )

    def crash(self, node: str) -> None:
        server = self.servers[node]
        if not server.up:
            self.skip("crash", node, "already down")
            return
        server.crash()
        self.crash_order.append(node)
        self.bus.emit({"t_ms": self.env.now, "type": EventType.CRASH, "node": node})
        pending = self.transfer_pending
        if pending is not None and pending[1] == node:
            self._abort_transfer("leader crashed")

    def restart(self, node: str) -> None:
        server = self.servers[node]
        if node not in self.started:
            self.skip("restart", node, "a spare not added yet")
            return
        if server.up:
            self.skip("restart", node, "already up")
            return
        if node in self.crash_order:
            self.crash_order.remove(node)
        storage = server.storage
        event: RestartEvent = {
            "t_ms": self.env.now,
            "type": EventType.RESTART,
            "node": node,
            "term": storage.term,
            "voted_for": storage.durable_vote,
            "log": [e.term for e in storage.entries],
        }
        if storage.snapshot is not None:
            event["snapshot"] = [storage.snapshot.index, storage.snapshot.term]
        self.bus.emit(event)
        server.start()

    def force_timeout(self, node: str) -> None:
        server = self.servers[node]
        if not server.up:
            self.skip("timeout", node, "down")
            return
        server.force_timeout()

    def partition(self, groups: tuple[tuple[str, ...], ...]) -> None:
        self.network.topology.partition(groups)
        self.bus.emit(
            {"t_ms": self.env.now, "type": EventType.PARTITION, "groups": [list(g) for g in groups]}
        )

    def heal(self, node: str | None = None, link: tuple[str, str] | None = None) -> None:
        """Heal the link ``link`` (both ways), or every cut touching ``node``, or (neither) every cut."""
        topology = self.network.topology
        if link is not None:
            topology.heal_link(*link)
            self.bus.emit({"t_ms": self.env.now, "type": EventType.HEAL, "link": list(link)})
        elif node is not None:
            topology.heal_node(node)
            self.bus.emit({"t_ms": self.env.now, "type": EventType.HEAL, "node": node})
        else:
            topology.heal()
            self.bus.emit({"t_ms": self.env.now, "type": EventType.HEAL})

    def isolate(self, node: str) -> None:
        self.network.topology.isolate(node)
        self.bus.emit({"t_ms": self.env.now, "type": EventType.ISOLATE, "node": node})

    def cut(self, src: str, dst: str) -> None:
        self.network.topology.cut_link(src, dst)
        self.bus.emit({"t_ms": self.env.now, "type": EventType.CUT, "from": src, "to": dst})

    # ------------------------------------------------------ membership changes

    def change_membership(self, change: ConfChange, target: str) -> None:
        """Ask the live leader for a membership change (thesis chapter 4); ``add`` first starts the server, empty,
        if it never ran. A change the leader refuses (one is in progress, its term has no committed entry yet,
        the change does not fit) is skipped with the leader's reason, as is one with no live leader."""
        action = change.kind.value
        leader = self.live_leader()
        if leader is None:
            self.skip(action, target, "no live leader")
            return
        if change.kind is ChangeKind.ADD or change.kind is ChangeKind.CHANGE:
            for node in sorted(change.add - self.started):
                self.started.add(node)
                self.servers[node].start()
        try:
            self.servers[leader].change_membership(change)
        except (ChangeRefused, NotLeader) as refused:
            self.skip(action, target, f"{leader} refused: {refused}")

    def scripted_write(self, op: str, to: str | None) -> None:
        self.script_client.submit(op, to)

    def request(self, member: str, op: str, *, session: str, timeout_ms: float) -> simpy.Event:
        """Send ``op`` for ``session`` to ``member`` now (see :mod:`raft.sim.requests`): the event succeeds with
        the command's result once applied, or fails with :class:`raft.sim.requests.RequestFailed` (member down,
        no leader, timed out). The hook a layer above the simulation drives the store through."""
        if self._requests is None:
            self._requests = Requests(self.env, self.servers, self.network)
        return self._requests.submit(member, op, session=session, timeout_ms=timeout_ms)

    def connected(self, a: str, b: str) -> bool:
        """Can members ``a`` and ``b`` exchange messages both ways right now?"""
        return self.network.topology.connected(a, b)

    def is_up(self, member: str) -> bool:
        return self.servers[member].up

    # ------------------------------------------------------ leadership transfer

    def transfer(self, node: str) -> None:
        """The live leader hands leadership to ``node`` (thesis §3.10). The outcome is traced: ``transfer_done``
        when ``node`` becomes leader, ``transfer_abort`` when the leader gives up (timed out), crashes, or
        another server wins a later term first; ``skip`` when there is no live leader or ``node`` is it."""
        leader = self.live_leader()
        if leader is None:
            self.skip("transfer", node, "no live leader")
            return
        if leader == node:
            self.skip("transfer", node, f"{node} is the leader")
            return
        if not self._watching_transfers:
            self._watching_transfers = True
            self.network.inspect = self._inspect_timeout_now
            self.bus.subscribe(
                self._watch_transfer, [EventType.TRANSFER, EventType.TRANSFER_ABORT, EventType.ROLE]
            )
        try:
            self.servers[leader].transfer_leadership(node)
        except (
            ValueError
        ):  # with membership changes, the target may be no voter of the leader's configuration
            self.skip("transfer", node, f"{node} is not a voter of {leader}'s configuration")

    def _watch_transfer(self, event: Event) -> None:
        match event["type"]:
            case EventType.TRANSFER:
                if self.transfer_pending is not None:
                    self._abort_transfer(f"replaced by a transfer to {event['node']}")
                self.transfer_pending = (event["node"], event["from"], event["term"], event["t_ms"])
            case EventType.TRANSFER_ABORT:
                pending = self.transfer_pending
                if pending is not None and event["term"] == pending[2] and event["node"] == pending[0]:
                    self.transfer_pending = None  # the leader gave up: already traced
            case EventType.ROLE:
                pending = self.transfer_pending
                if pending is None or event["role"] != Role.LEADER.value or event["term"] <= pending[2]:
                    return
                if event["node"] == pending[0]:
                    self._finish_transfer(event["term"])
                else:
                    self._abort_transfer(f"{event['node']} won term {event['term']}")

    def _take_pending_transfer(self) -> tuple[str, str, int, float]:
        pending = self.transfer_pending
        assert pending is not None
        self.transfer_pending = None
        return pending

    def _finish_transfer(self, elected_term: int) -> None:
        target, leader, term, start = self._take_pending_transfer()
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.TRANSFER_DONE,
                "node": target,
                "from": leader,
                "term": term,
                "elected_term": elected_term,
                "took_ms": round(self.env.now - start, 3),
            }
        )

    def _abort_transfer(self, reason: str) -> None:
        target, leader, term, _ = self._take_pending_transfer()
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.TRANSFER_ABORT,
                "node": target,
                "from": leader,
                "term": term,
                "reason": reason,
            }
        )

    def _check_timeout_now(self, src: str, dst: str, message: TimeoutNow) -> None:
        """Leadership Transfer: a TimeoutNow reaches a server of its term only once that server holds the
        leader's whole log (thesis §3.10); a target that lacks entries campaigns with a log a majority refuses."""
        node = self.servers[dst].node
        if node is None or node.current_term != message.term:
            return
        if node.log.matches(message.last_log_index, message.last_log_term):
            return
        violation = Violation(
            Property.LEADERSHIP_TRANSFER,
            self.env.now,
            (src, dst),
            message.term,
            message.last_log_index,
            f"{src} sent TimeoutNow to {dst} while {dst}'s log ends at index {node.log.last_index} (term "
            f"{node.log.last_term}), before {src}'s last entry {message.last_log_index} (term "
            f"{message.last_log_term}): it campaigns with a log the servers that hold those entries refuse (thesis §3.10)",
        )
        raise SafetyViolationError(violation)
