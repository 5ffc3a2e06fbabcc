"""One simulated server: a :class:`~raft.core.node.RaftNode` given a timer, a disk and a network card.

Its life: started (from its durable storage), then up, handling messages, timers and client requests, until a
crash loses everything volatile; a restart builds a new node from storage. Every Ready the node hands out is
carried out here: persisted first (messages leave only once the write is durable), then sent, and its notes
turned into events.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import simpy

from raft.core.bugs import node_class
from raft.core.membership import ConfChange
from raft.core.messages import Message, MessageKind
from raft.core.node import TIME_EPSILON, NodeSettings, NotLeader, RaftNode, Ready
from raft.core.notes import (
    Appended,
    Applied,
    Committed,
    ConfigNoted,
    PreVoted,
    ReadAnswered,
    RoleChanged,
    SnapshotTaken,
    SteppedDown,
    TimedOut,
    TransferAborted,
    TransferStarted,
    Truncated,
    Voted,
)
from raft.core.quorum import MajorityConfig
from raft.core.statemachine import ApplyResult, Command, OpKind
from raft.sim.clock import Clock
from raft.sim.delays import Sampler
from raft.sim.events import (
    AppendEvent,
    ApplyEvent,
    ConfigEvent,
    EventBus,
    EventType,
    PreVoteEvent,
    SnapshotEvent,
    VoteEvent,
)
from raft.sim.storage import Storage
from raft.sim.ticker import Ticker, TickPlan
from raft.sim.topology import Topology

if TYPE_CHECKING:
    from raft.core.notes import Note


class Link(Protocol):
    """What a server needs of the network (:class:`~raft.sim.network.Network`): to send, and to know who it can
    reach."""

    topology: Topology

    def is_up(self, node: str) -> bool: ...

    def send(self, src: str, dst: str, message: Message, reply_to: int | None) -> None: ...


#: The messages a leader sends without waiting for its own log write (thesis §10.2.1).
_LEADER_SENDS_AT_ONCE = frozenset({MessageKind.APPEND_ENTRIES, MessageKind.INSTALL_SNAPSHOT})

#: Called with the (client, seq) of an applied command and its result, at the server that accepted it.
AckHandler = Callable[[str, Command, ApplyResult], None]


class SimServer:
    """A server's identity, storage and random stream, which outlive any one node (life) of it."""

    def __init__(
        self,
        env: simpy.Environment,
        node_id: str,
        voters: MajorityConfig,
        settings: NodeSettings,
        rng: random.Random,
        network: Link,
        bus: EventBus,
        storage: Storage,
        *,
        write_time: Sampler | None = None,
        clock: Clock | None = None,
        tick_plan: TickPlan | None = None,
        snapshot_write_ms: float = 0.0,
    ) -> None:
        self.env = env
        self.id = node_id
        self.voters = voters
        self.settings = settings
        self.rng = rng
        self.network = network
        self.bus = bus
        self.storage = storage
        #: How long each disk write takes (a draw per write), or None: writes are durable at once.
        self.write_time = write_time
        #: The server's local clock: the core is handed its readings and sets its deadlines in local time.
        self.clock = Clock(env) if clock is None else clock
        #: etcd's timers (a ticker per life drives the node's timers, on the local clock), or ``None``: the
        #: paper's, woken at the node's next deadline.
        self.tick_plan = tick_plan
        #: How much longer a write that stores a snapshot takes (thesis §5.1: a snapshot is much larger).
        self.snapshot_write_ms = snapshot_write_ms
        self.node: RaftNode | None = None
        self.up = False
        self.incarnation = 0
        #: Whether a write is in progress, and what waits for the next one (with the reply context).
        self._writing = False
        self._queued: list[tuple[Ready, str | None, int | None]] = []
        self._wake_at = math.inf
        #: Client commands this server accepted as leader and must answer once applied (volatile).
        self.pending_acks: dict[tuple[str, int], AckHandler] = {}
        self._look_at_subscribers()
        bus.watch(self._look_at_subscribers)
        self._reporters: dict[type, Callable[[Any], None]] = {
            RoleChanged: self._report_role,
            TimedOut: self._report_timeout,
            Voted: self._report_vote,
            Appended: self._report_append,
            Truncated: self._report_truncate,
            Committed: self._report_commit,
            Applied: self._report_apply,
            PreVoted: self._report_pre_vote,
            SteppedDown: self._report_step_down,
            TransferStarted: self._report_transfer,
            TransferAborted: self._report_transfer_abort,
            ConfigNoted: self._report_config,
            SnapshotTaken: self._report_snapshot,
            ReadAnswered: self._report_read,
        }

    def _look_at_subscribers(self) -> None:
        """Which of the node's frequent events somebody wants (the others are always emitted)."""
        bus = self.bus
        self._emit_vote = bus.wants(EventType.VOTE)
        self._emit_pre_vote = bus.wants(EventType.PRE_VOTE)
        self._emit_timeout = bus.wants(EventType.TIMEOUT)
        self._emit_append = bus.wants(EventType.APPEND)
        self._emit_truncate = bus.wants(EventType.TRUNCATE)
        self._emit_apply = bus.wants(EventType.APPLY)

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start (or restart) as a follower with the durable term, vote and log."""
        term, voted_for, log = self.storage.recover()
        self.incarnation += 1
        self.up = True
        self._writing = False
        self._queued = []
        self._wake_at = math.inf
        self.node = node_class(self.settings.bugs, tick_timers=self.settings.tick_timers)(
            self.id,
            self.voters,
            self.settings,
            self.rng,
            term=term,
            voted_for=voted_for,
            log=log,
            snapshot=self.storage.snapshot,
            now=self.clock.now(),
        )
        self._process()
        if self.tick_plan is not None:
            self._start_ticker(self.tick_plan)

    def crash(self) -> None:
        """Lose everything volatile: timers, writes in progress, pending client answers, the node itself."""
        self.up = False
        self.incarnation += 1
        self.node = None
        self.pending_acks.clear()
        self.storage.pending_log_from.clear()

    # ---------------------------------------------------------------- inputs

    def receive(self, src: str, message: Message, msg_id: int) -> None:
        node = self.node
        assert node is not None
        node.step(self.clock.now(), src, message)
        self._process(src, msg_id)

    def force_timeout(self) -> None:
        """The election timer fires now (scenario action ``timeout``); a leader ignores it."""
        assert self.node is not None
        self.node.election_timeout(self.clock.now())
        self._process()

    def propose(self, command: Command, on_applied: AckHandler) -> int:
        """Hand a client command to the node (a read to :meth:`RaftNode.read`, which answers it the scenario's
        ``read_mode`` way); raises :class:`NotLeader` when it is not the leader."""
        node = self.node
        if node is None:
            raise NotLeader(None)
        is_read = command.kind is OpKind.READ
        proposal = node.read(self.clock.now(), command) if is_read else node.propose(command)
        if proposal.answer is not None:
            on_applied(self.id, command, proposal.answer)
            return proposal.index
        self.pending_acks[(command.client, command.seq)] = on_applied
        self._process()
        return proposal.index

    def transfer_leadership(self, target: str) -> None:
        """Hand leadership to ``target`` (scenario action ``transfer``); raises :class:`NotLeader` when this
        server does not lead."""
        node = self.node
        if node is None:
            raise NotLeader(None)
        node.transfer_leadership(self.clock.now(), target)
        self._process()

    def change_membership(self, change: ConfChange) -> int | None:
        """Ask this server, as leader, for a membership change (scenario actions ``add``, ``promote``,
        ``remove``, ``change``); returns the index of the configuration entry, or ``None`` for a promotion that
        waits for the learner to catch up. Raises :class:`NotLeader`, or
        :class:`~raft.core.membership.ChangeRefused` naming the rule that refused."""
        node = self.node
        if node is None:
            raise NotLeader(None)
        try:
            return node.propose_config_change(self.clock.now(), change)
        finally:
            self._process()

    def _start_ticker(self, plan: TickPlan) -> None:
        incarnation = self.incarnation
        Ticker(
            self.env,
            self.clock,
            plan,
            alive=lambda: self.incarnation == incarnation,
            tick=self._tick,
            advance=self._advance_ticks,
            reachable_peers=self._reachable_peers,
        ).start()

    def _tick(self) -> None:
        """etcd's timers: one tick of the node's timers."""
        assert self.node is not None
        self.node.tick(self.clock.now())
        self._process()

    def _advance_ticks(self, ticks: int) -> None:
        """etcd's initial election tick advance: the node ticked ``ticks`` times at once."""
        node = self.node
        assert node is not None
        self.bus.emit({"t_ms": self.env.now, "type": EventType.TICK_ADVANCE, "node": self.id, "ticks": ticks})
        now = self.clock.now()
        for _ in range(ticks):
            node.tick(now)
        self._process()

    def _reachable_peers(self) -> int:
        """The other members (of the configuration the node uses) that are up and reachable both ways (etcd:
        peers whose connection is active)."""
        network = self.network
        topology = network.topology
        peers = self.node.peers if self.node is not None else ()
        return sum(1 for peer in peers if network.is_up(peer) and topology.connected(self.id, peer))

    def _on_wake(self, event: Any) -> None:
        if event.value != self.incarnation:
            return
        now = self.clock.now()
        if now >= self._wake_at - TIME_EPSILON:
            self._wake_at = math.inf
        assert self.node is not None
        self.node.tick(now)
        self._process()

    # --------------------------------------------------------------- outputs

    def _process(self, src: str | None = None, msg_id: int | None = None) -> None:
        """Carry out whatever the node produced, then make sure the timer wakes at its next deadline (local
        time, converted by the clock)."""
        node = self.node
        assert node is not None
        ready = node.take_ready()
        if ready is not None and self._carry_out(ready, src, msg_id):
            ready = node.take_ready()  # what acknowledging a synchronous write produced (a commit)
            if ready is not None:
                self._carry_out(ready, None, None)
        if self.tick_plan is not None:
            return  # the ticker drives the timers
        deadline = node.next_deadline
        if deadline < self._wake_at:
            self._wake_at = deadline
            wake = self.env.timeout(self.clock.timer(deadline), self.incarnation)
            wake.callbacks.append(self._on_wake)

    def _carry_out(self, ready: Ready, src: str | None, msg_id: int | None) -> bool:
        """Persist, send and report ``ready``; returns whether the node was told of a durable log write.

        With a slow disk (``write_time``, or a snapshot to store with ``snapshot_write_ms`` > 0) writes are
        grouped: everything produced while a write is in progress is persisted together by the next one.
        Replies, votes and RequestVotes leave only once every write issued before them is durable; a leader's
        AppendEntries and InstallSnapshots leave at once, since the leader writes its own log in parallel with
        replicating it and counts itself only for durable entries (thesis §10.2.1).
        """
        if ready.notes:
            self._report(ready.notes)
        if self.write_time is None and not (
            self._writing or self._queued or (ready.snapshot is not None and self.snapshot_write_ms > 0.0)
        ):
            if ready.must_persist:
                self.storage.write(ready)
            self._send(ready.messages, src, msg_id)
            if ready.log_from is not None:
                self._persisted()
                return True
            return False
        if not (ready.must_persist or self._writing or self._queued):
            self._send(ready.messages, src, msg_id)
            return False
        urgent: list[tuple[str, Message]] = []
        held: list[tuple[str, Message]] = []
        for item in ready.messages:
            (urgent if item[1].kind in _LEADER_SENDS_AT_ONCE else held).append(item)
        if urgent:
            self._send(tuple(urgent), src, msg_id)
            ready = ready._replace(messages=tuple(held))
        if ready.log_from is not None:
            self.storage.pending_log_from.append(ready.log_from)
        self._queued.append((ready, src, msg_id))
        if not self._writing:
            self._start_write()
        return False

    def _start_write(self) -> None:
        """Write everything queued as one batch, taking one draw of ``write_time`` (and ``snapshot_write_ms``
        more if it stores a snapshot)."""
        batch, self._queued = self._queued, []
        self._writing = True
        took = self.write_time() if self.write_time is not None else 0.0
        if any(ready.snapshot is not None for ready, _, _ in batch):
            took += self.snapshot_write_ms
        done = self.env.timeout(took, (self.incarnation, batch))
        done.callbacks.append(self._write_done)

    def _write_done(self, event: Any) -> None:
        incarnation, batch = event.value
        if incarnation != self.incarnation:
            return
        self._writing = False
        wrote_log = False
        for ready, src, msg_id in batch:
            if ready.log_from is not None:
                self.storage.pending_log_from.popleft()
                wrote_log = True
            if ready.must_persist:
                self.storage.write(ready)
            self._send(ready.messages, src, msg_id)
        if self._queued:
            self._start_write()
        if wrote_log:
            self._persisted()
            self._process()

    def _persisted(self) -> None:
        """Tell the node where the stored log now ends; what it then counts as durable must be."""
        node, storage = self.node, self.storage
        assert node is not None
        node.on_persisted(*storage.log_end)
        assert node.durable_index <= storage.durable_index, (
            f"{self.id} counts index {node.durable_index} durable; storage keeps {storage.durable_index}"
        )

    def _send(self, messages: tuple[tuple[str, Message], ...], src: str | None, msg_id: int | None) -> None:
        send = self.network.send
        me = self.id
        for to, message in messages:
            send(me, to, message, msg_id if (message.is_response and to == src) else None)

    # ---------------------------------------------------------------- notes

    def _report(self, notes: tuple[Note, ...]) -> None:
        """Turn the node's notes into events (only those somebody subscribed to)."""
        reporters = self._reporters
        for note in notes:
            reporters[type(note)](note)

    def _report_role(self, note: RoleChanged) -> None:
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.ROLE,
                "node": self.id,
                "role": note.role.value,
                "term": note.term,
            }
        )

    def _report_timeout(self, note: TimedOut) -> None:
        if self._emit_timeout:
            self.bus.emit(
                {"t_ms": self.env.now, "type": EventType.TIMEOUT, "node": self.id, "term": note.term}
            )

    def _report_vote(self, note: Voted) -> None:
        if self._emit_vote:
            self._report_ballot(EventType.VOTE, note)

    def _report_pre_vote(self, note: PreVoted) -> None:
        if self._emit_pre_vote:
            self._report_ballot(EventType.PRE_VOTE, note)

    def _report_ballot(
        self, kind: Literal[EventType.VOTE, EventType.PRE_VOTE], note: Voted | PreVoted
    ) -> None:
        """Emits the node's answer to a RequestVote or a PreVote (their events have the same fields)."""
        event = cast(
            VoteEvent | PreVoteEvent,
            {
                "t_ms": self.env.now,
                "type": kind,
                "node": self.id,
                "candidate": note.candidate,
                "term": note.term,
                "granted": note.granted,
            },
        )
        if note.refused is not None:
            event["reason"] = note.refused.value
        self.bus.emit(event)

    def _report_step_down(self, note: SteppedDown) -> None:
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.STEP_DOWN,
                "node": self.id,
                "term": note.term,
                "reason": note.reason,
            }
        )

    def _report_append(self, note: Appended) -> None:
        if self._emit_append:
            command = note.command
            event: AppendEvent = {
                "t_ms": self.env.now,
                "type": EventType.APPEND,
                "node": self.id,
                "index": note.index,
                "term": note.term,
                "command": None,
            }
            if command is not None:
                event["command"] = command.op
                event["client"] = command.client
                event["seq"] = command.seq
            self.bus.emit(event)

    def _report_truncate(self, note: Truncated) -> None:
        if self._emit_truncate:
            self.bus.emit(
                {"t_ms": self.env.now, "type": EventType.TRUNCATE, "node": self.id, "index": note.index}
            )

    def _report_commit(self, note: Committed) -> None:
        self.bus.emit({"t_ms": self.env.now, "type": EventType.COMMIT, "node": self.id, "index": note.index})

    def _report_apply(self, note: Applied) -> None:
        command, result = note.command, note.result
        if self._emit_apply:
            event: ApplyEvent = {
                "t_ms": self.env.now,
                "type": EventType.APPLY,
                "node": self.id,
                "index": note.index,
                "term": note.term,
                "command": None,
            }
            if command is not None and result is not None:
                event["command"] = command.op
                event["client"] = command.client
                event["seq"] = command.seq
                event["value"] = result.value
                if result.duplicate:
                    event["duplicate"] = True
            self.bus.emit(event)
        if command is not None and result is not None:
            on_applied = self.pending_acks.pop((command.client, command.seq), None)
            if on_applied is not None:
                on_applied(self.id, command, result)

    def _report_transfer(self, note: TransferStarted) -> None:
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.TRANSFER,
                "node": note.target,
                "from": self.id,
                "term": note.term,
            }
        )

    def _report_transfer_abort(self, note: TransferAborted) -> None:
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.TRANSFER_ABORT,
                "node": note.target,
                "from": self.id,
                "term": note.term,
                "reason": "timed out",
            }
        )

    def _report_config(self, note: ConfigNoted) -> None:
        config = note.config
        event: ConfigEvent = {
            "t_ms": self.env.now,
            "type": EventType.CONFIG,
            "node": self.id,
            "phase": note.phase.value,
            "index": note.index,
            "voters": sorted(config.voters),
            "learners": sorted(config.learners),
        }
        if config.outgoing:
            event["outgoing"] = sorted(config.outgoing)
        self.bus.emit(event)

    def _report_snapshot(self, note: SnapshotTaken) -> None:
        event: SnapshotEvent = {
            "t_ms": self.env.now,
            "type": EventType.SNAPSHOT,
            "node": self.id,
            "index": note.index,
            "term": note.term,
        }
        if note.leader is not None:
            event["from"] = note.leader
            event["kept"] = note.kept
        self.bus.emit(event)

    def _report_read(self, note: ReadAnswered) -> None:
        command = note.command
        self.bus.emit(
            {
                "t_ms": self.env.now,
                "type": EventType.READ,
                "node": self.id,
                "client": command.client,
                "seq": command.seq,
                "command": command.op,
                "index": note.index,
                "mode": note.mode.value,
                "value": note.value,
            }
        )
        on_applied = self.pending_acks.pop((command.client, command.seq), None)
        if on_applied is not None:
            on_applied(self.id, command, ApplyResult(note.index, note.value, duplicate=False))
