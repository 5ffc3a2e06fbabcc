"""One Raft server as a deterministic state machine: Figure 2 of the paper, rule by rule.

Every input enters through one of a few doors: :meth:`RaftNode.step` (a message arrived),
:meth:`RaftNode.tick` (time passed), :meth:`RaftNode.election_timeout` (the election timer fired),
:meth:`RaftNode.propose` (a client command), :meth:`RaftNode.read` (a client read, thesis §6.4),
:meth:`RaftNode.transfer_leadership` (an operator hands leadership
to another server, thesis §3.10) and :meth:`RaftNode.on_persisted` (storage made the log durable). With
``snapshot_every`` set, a node compacts its log into snapshots and a leader sends InstallSnapshot to a follower
that needs entries it discarded (thesis chapter 5; the methods of the "snapshots" section).
Outputs accumulate until the caller takes them with :meth:`RaftNode.take_ready`. Time is a float of
milliseconds passed in by the caller; randomness comes from the ``random.Random`` the caller injects.

Each receiver rule of Figure 2 is a small method named after its sentence, with the section it comes from; a
refusal names the rule that refused (:class:`~raft.core.messages.Refusal`). This class follows every rule: the
switchable bugs of :mod:`raft.core.bugs` are subclasses that replace single rule methods.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from mypy_extensions import mypyc_attr

from raft.core.durability import Durability
from raft.core.log import RaftLog
from raft.core.membership import (
    CatchUp,
    ChangeKind,
    ChangeRefused,
    ConfChange,
    Configuration,
    apply_change,
    leave_joint,
)
from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    InstallSnapshot,
    InstallSnapshotResponse,
    Message,
    PreVote,
    PreVoteResponse,
    Refusal,
    RequestVote,
    RequestVoteResponse,
    TimeoutNow,
)
from raft.core.notes import (
    Appended,
    Applied,
    Committed,
    ConfigNoted,
    ConfigPhase,
    Note,
    PreVoted,
    RoleChanged,
    SnapshotTaken,
    SteppedDown,
    TimedOut,
    TransferAborted,
    TransferStarted,
    Truncated,
    Voted,
)
from raft.core.progress import Progress
from raft.core.quorum import JointConfig, MajorityConfig, VoteResult
from raft.core.reads import LinearizableReads, PendingRead, ReadState
from raft.core.snapshot import Snapshot, SnapshotMetadata, should_snapshot
from raft.core.statemachine import ApplyResult, Command, KeyValueStore, OpKind
from raft.core.types import ReadMode, Role
from raft.errors import RaftSimError

if TYPE_CHECKING:
    from raft.core.bugs import Bug

#: Timers compare times with this slack, since a deadline reached by adding a delay to a float clock may come
#: back a rounding error early.
TIME_EPSILON = 1e-9


class NotLeader(RaftSimError):
    """A proposal reached a server that is not the leader; ``leader_hint`` is the leader it knows, if any."""

    def __init__(self, leader_hint: str | None) -> None:
        super().__init__(f"not the leader (leader hint: {leader_hint})")
        self.leader_hint = leader_hint

    def __reduce__(self) -> tuple[type[NotLeader], tuple[str | None]]:
        return type(self), (self.leader_hint,)  # pickled by its hint, not its message


class TransferringLeadership(NotLeader):
    """A proposal reached a leader that is handing leadership to ``leader_hint`` (thesis §3.10): it accepts no
    proposals until the transfer completes or aborts, and hints at the server about to lead."""

    def __init__(self, target: str) -> None:
        RaftSimError.__init__(self, f"transferring leadership to {target}")
        self.leader_hint = target


@dataclass(frozen=True, slots=True)
class NodeSettings:
    """The timing and switches a node is configured with. A node with ``bugs`` is built by
    :func:`raft.core.bugs.node_class`; :class:`RaftNode` itself refuses them."""

    election_timeout_ms: tuple[float, float] = (150.0, 300.0)
    heartbeat_ms: float = 50.0
    leader_noop: bool = True
    max_entries_per_append: int = 64
    bugs: frozenset[Bug] = frozenset()
    #: PreVote (thesis §9.6): an election starts only after a pre-vote majority says it could be won.
    pre_vote: bool = False
    #: CheckQuorum (thesis §6.2) with leader stickiness (§4.2.3).
    check_quorum: bool = False
    #: Membership changes are used (thesis chapter 4): leader stickiness (§4.2.3) is on, so that removed servers
    #: that still time out do not disrupt the cluster.
    membership: bool = False
    #: etcd's timers (:mod:`raft.core.ticks`): time passes in ticks of ``heartbeat_ms``, and every timeout is a
    #: whole number of ticks. Off: the paper's timers, deadlines on the caller's clock.
    tick_timers: bool = False
    #: Log compaction (thesis §5.1): snapshot the state machine once the log holds more than this many applied
    #: entries since the last snapshot; 0: never.
    snapshot_every: int = 0
    #: How reads are answered (thesis §6.4): through the log, by ReadIndex, or under a lease (needs CheckQuorum).
    read_mode: ReadMode = ReadMode.LOG
    #: The bound on clock drift a lease allows for, in parts per million (thesis §6.4.1).
    lease_drift_bound_ppm: float = 10_000.0


@dataclass(frozen=True, slots=True)
class HardState:
    """What a server persists besides its log: currentTerm and votedFor. Reference: Figure 2, persistent state."""

    term: int = 0
    voted_for: str | None = None


class Ready(NamedTuple):
    """Everything one or more inputs produced, to be carried out by the caller in this order:

    1. persist ``hard_state`` (:class:`HardState`) if given, then ``snapshot`` if given (it replaces the stored
       snapshot and the stored log up to its last included index), then the log from index ``log_from`` on
       (truncate the stored log there, then store ``entries``), after every write of earlier Readies;
    2. only once that is durable, send ``messages`` (each a ``(to, message)`` pair);
    3. if the log was written, tell the node with :meth:`RaftNode.on_persisted` where the stored log now ends;
    4. read ``notes`` for what changed.

    An immutable tuple rather than a frozen dataclass: one is made per input, and a tuple is made faster.
    """

    messages: tuple[tuple[str, Message], ...]
    hard_state: HardState | None
    log_from: int | None
    entries: tuple[Entry, ...]
    notes: tuple[Note, ...]
    #: A snapshot to store (thesis §5.1): one this node took, or one it installed from its leader.
    snapshot: Snapshot | None = None

    @property
    def must_persist(self) -> bool:
        return self.hard_state is not None or self.log_from is not None or self.snapshot is not None


@dataclass(frozen=True, slots=True)
class Proposal:
    """What :meth:`RaftNode.propose` did with a command: the log index it was appended at, or, for a read the
    ``local-read`` bug answers at once, the index it was answered from and the ``answer`` (else ``None``)."""

    index: int
    answer: ApplyResult | None


# Compiled where the install can (raft/compiled.py); the switchable bugs (raft/core/bugs.py) subclass it in Python.
@mypyc_attr(allow_interpreted_subclasses=True)
class RaftNode(LinearizableReads):
    """A server's whole life between a start (or restart) and a crash.

    Persistent state (``current_term``, ``voted_for``, ``log``, ``snapshot``) is given at construction, as
    stored; volatile state (``commit_index``, ``last_applied``, the key-value ``store``, leader progress) starts
    empty, or from the snapshot if there is one (thesis §5.1).

    Invariants, kept by the methods that move these indexes (with every rule in force; a bug may break them,
    which the simulation's safety checker then reports):

    - ``last_applied <= commit_index <= log.last_index``: only committed entries are applied, in order
      (:meth:`advance_commit_index`), and a rule never truncates a committed entry (§5.4);
    - ``durable_index <= log.last_index``: see :class:`~raft.core.durability.Durability`;
    - ``current_term`` never decreases, and ``voted_for`` changes within a term only from ``None``
      (:meth:`enter_term`, :meth:`handle_request_vote`);
    - a leader's ``progress`` has ``match_index < next_index <= log.last_index + 1`` for every peer;
    - ``config`` is the configuration of the entry at ``config_index``, the last configuration entry in the log
      (committed or not), or, when the log holds none, the configuration of ``snapshot`` (index
      ``log.offset``), or else the configuration the node was built with (index 0); ``voters`` and ``peers``
      follow it (:meth:`use_config`);
    - ``log.offset`` is the last included index of ``snapshot`` (0 without one), and
      ``log.offset <= last_applied``: only applied entries are ever compacted.
    """

    #: The switchable bugs this class breaks the rules of: none (see :func:`raft.core.bugs.node_class`).
    bugs: ClassVar[frozenset[Bug]] = frozenset()

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
        self.id = node_id
        #: The quorum object of the configuration in use, and the other servers: ``peers`` are replicated to,
        #: ``voter_peers`` asked for votes (see :meth:`use_config`).
        self.voters: MajorityConfig | JointConfig = voters
        self.peers: tuple[str, ...] = tuple(sorted(v for v in voters.voters if v != node_id))
        self.voter_peers = self.peers
        #: The configuration the node was built with (used while its log holds no configuration entry).
        self.initial_config = Configuration(voters.voters)
        self.majority_off_by_one = voters.off_by_one
        self.config = self.initial_config
        self.config_index = 0
        #: Learners this leader was asked to promote, until they have caught up (§4.2.1).
        self.catch_up: dict[str, CatchUp] = {}
        #: The time of the latest input (for rules that act inside a commit, such as a removed leader's step-down).
        self.now = now
        if settings.bugs != self.bugs:
            raise ValueError(
                f"{type(self).__name__} is built for bugs {sorted(b.value for b in self.bugs)}, the settings switch "
                f"on {sorted(b.value for b in settings.bugs)}: build the node with raft.core.bugs.node_class"
            )
        self.check_read_settings(settings)
        self.settings = settings
        self.rng = rng
        #: The timers' units, read by every timer: the range election timeouts are drawn from (its low end is
        #: also the minimum election timeout of leader stickiness, CheckQuorum and transfers) and the heartbeat
        #: interval. In ms on the caller's clock; in ticks with etcd's timers (:mod:`raft.core.ticks`).
        self.election_range, self.heartbeat_interval = self.timer_units(settings)
        # Persistent state on all servers (Figure 2).
        self.current_term = term
        self.voted_for = voted_for
        self.log = log if log is not None else RaftLog()
        # Volatile state on all servers.
        self.role = Role.FOLLOWER
        #: The leader of ``current_term`` as far as this server knows (its proposals' hint): ``None`` from every
        #: change of term until an AppendEntries of the new term arrives (or this server wins it).
        self.leader_id: str | None = None
        #: The highest index known committed. Invariant: ``last_applied <= commit_index <= log.last_index``.
        self.commit_index = 0
        #: The highest index applied to ``store``; entries are applied in order, each once per life.
        self.last_applied = 0
        self.store = KeyValueStore()
        #: What of the log is on stable storage (the stored log, as given, is), and the writes in progress.
        #: Invariant: ``durable_index <= log.last_index``.
        self.durability = Durability(self.log.last_index)
        #: The latest snapshot (thesis §5.1); ``_snapshot_unsent``: it changed since the last Ready.
        self.snapshot: Snapshot | None = None
        self._snapshot_unsent = False
        if snapshot is not None:
            self.restore_snapshot(snapshot)
        # Volatile state on candidates and leaders.
        self.votes_granted: set[str] = set()
        self.votes_rejected: set[str] = set()
        self.progress: dict[str, Progress] = {}
        #: Whether the quorum changed (a new configuration or term) since :meth:`advance_leader_commit_index` last
        #: looked. Until it does, a follower's matchIndex rising to at most commitIndex cannot commit anything (the
        #: entries above commitIndex have as many replicas as before), so a reply that confirms no more is not
        #: counted again.
        self.quorum_changed = True
        #: The server this leader is handing leadership to, and when it gives up (thesis §3.10); ``None`` and
        #: infinity when no transfer is in progress. Only a leader has a transfer in progress.
        self.transfer_target: str | None = None
        self.transfer_deadline = math.inf
        # Timers, as absolute deadlines on the caller's clock.
        self.election_deadline = 0.0
        self.heartbeat_deadline = 0.0
        # PreVote and CheckQuorum (thesis §9.6, §6.2), used only when the settings switch them on.
        #: The term of the pre-vote in progress (currentTerm + 1 when it started), or ``None``.
        self.pre_vote_term: int | None = None
        self.pre_votes_granted: set[str] = set()
        self.pre_votes_rejected: set[str] = set()
        #: When an AppendEntries from ``leader_id`` last arrived (meaningful only while ``leader_id`` is set).
        self.leader_heard_at = 0.0
        #: Leaders with CheckQuorum: the peers heard from since the last check, and when the next check is due.
        self.recently_active: set[str] = set()
        self.quorum_check_deadline = 0.0
        self._sticky = settings.check_quorum or settings.membership
        self._tracks_contact = settings.pre_vote or self._sticky
        #: Leaders answering reads without the log (thesis §6.4): heartbeat rounds, pending reads, the lease.
        self._serves_reads = settings.read_mode is not ReadMode.LOG
        self.reads = ReadState()
        #: With lease reads, a server that starts votes for nobody until then (see :meth:`wait_out_leases`).
        self.votes_withheld_until = -math.inf
        if settings.read_mode is ReadMode.LEASE:
            self.wait_out_leases(now)
        # Outputs not yet taken.
        self._outbox: list[tuple[str, Message]] = []
        self._notes: list[Note] = [RoleChanged(Role.FOLLOWER, term)]
        self._hard_state_dirty = False
        #: The receiver rule of each message kind (what :meth:`step` calls after the rule for all servers).
        self._receivers: dict[type[Message], Callable[[float, str, Any], None]] = {
            RequestVote: self.handle_request_vote,
            RequestVoteResponse: self.handle_request_vote_response,
            AppendEntries: self.handle_append_entries,
            AppendEntriesResponse: self.handle_append_entries_response,
            PreVote: self.handle_pre_vote,
            PreVoteResponse: self.handle_pre_vote_response,
            TimeoutNow: self.handle_timeout_now,
            InstallSnapshot: self.handle_install_snapshot,
            InstallSnapshotResponse: self.handle_install_snapshot_response,
        }
        self.recover_config()
        self.reset_election_timer(now)

    # ----------------------------------------------------------------- outputs

    def take_ready(self) -> Ready | None:
        """Hand out (and forget) what the inputs since the last call produced; ``None`` if nothing."""
        log = self.log
        log_changed = self.durability.unsent_from is not None
        if not (
            self._outbox or self._notes or self._hard_state_dirty or log_changed or self._snapshot_unsent
        ):
            return None
        log_from = self.durability.hand_out(log.last_index, log.last_term) if log_changed else None
        if log_from is not None and log_from <= log.offset:  # the snapshot stored with it covers the rest
            log_from = log.offset + 1
        ready = Ready(
            messages=tuple(self._outbox),
            hard_state=self.hard_state if self._hard_state_dirty else None,
            log_from=log_from,
            entries=log.slice(log_from, log.last_index - log_from + 1) if log_from is not None else (),
            notes=tuple(self._notes),
            snapshot=self.snapshot if self._snapshot_unsent else None,
        )
        self._outbox.clear()
        self._notes.clear()
        self._hard_state_dirty = False
        self._snapshot_unsent = False
        return ready

    def _send(self, to: str, message: Message) -> None:
        self._outbox.append((to, message))

    @property
    def hard_state(self) -> HardState:
        """The persistent state besides the log, as it stands."""
        return HardState(self.current_term, self.voted_for)

    @property
    def durable_index(self) -> int:
        """The last log index on stable storage that no write in progress rewrites (never past the log's end)."""
        return self.durability.index

    # ------------------------------------------------------------------ timers

    @property
    def next_deadline(self) -> float:
        """When this node next wants :meth:`tick`: the heartbeat (or, with CheckQuorum, the quorum check, or
        during a transfer, its abort) for a leader, else the election timeout."""
        if self.role is Role.LEADER:
            deadline = self.heartbeat_deadline
            if self.settings.check_quorum:
                deadline = min(deadline, self.quorum_check_deadline)
            if self.transfer_target is not None:
                deadline = min(deadline, self.transfer_deadline)
            return deadline
        return self.election_deadline

    def timer_units(self, settings: NodeSettings) -> tuple[tuple[float, float], float]:
        """The election timeout range and the heartbeat interval, in the units of ``now``: ms."""
        return settings.election_timeout_ms, settings.heartbeat_ms

    def reset_election_timer(self, now: float) -> None:
        """The election timer restarts with a fresh timeout. Reference: §5.2."""
        self.election_deadline = now + self.random_election_timeout()

    def random_election_timeout(self) -> float:
        """Election timeouts are chosen randomly from a fixed interval (uniform over the configured range).
        Reference: §5.2."""
        low, high = self.election_range
        return self.rng.uniform(low, high)

    def tick(self, now: float) -> None:
        """Time has reached ``now``: fire whichever timer is due."""
        self.now = now
        if self.role is Role.LEADER:
            if self.settings.check_quorum and now >= self.quorum_check_deadline - TIME_EPSILON:
                self.check_quorum(now)
                if self.role is not Role.LEADER:
                    return
            if self.transfer_target is not None and now >= self.transfer_deadline - TIME_EPSILON:
                self.abort_transfer()
            if now >= self.heartbeat_deadline - TIME_EPSILON:
                if self._serves_reads:
                    self.reads.begin_round(now)
                self.broadcast_append_entries()
                self.heartbeat_deadline = now + self.heartbeat_interval
            if self._serves_reads:
                self.serve_reads(now)
        elif now >= self.election_deadline - TIME_EPSILON:
            self.election_timeout(now)

    def election_timeout(self, now: float) -> None:
        """Followers (§5.2): if the election timeout elapses, convert to candidate. A leader ignores it."""
        if self.role is Role.LEADER:
            return
        if not self.may_campaign():
            self.reset_election_timer(now)
            return
        if self.campaign_would_break_lease(now):
            return
        self._notes.append(TimedOut(self.current_term))
        if self.settings.pre_vote:
            self.start_pre_vote(now)
        else:
            self.become_candidate(now)

    # ------------------------------------------------------------ role changes

    def enter_term(self, term: int) -> None:
        """currentTerm moves up to ``term`` (§5.1): no vote cast in it yet, and no leader known in it yet
        (whoever led the old term does not lead this one)."""
        self.current_term = term
        self.voted_for = None
        self.leader_id = None
        self._hard_state_dirty = True

    def become_follower(self, term: int, now: float) -> None:
        """Step down to follower in ``term`` (clearing the vote if the term is new). Reference: §5.1.

        The election timer is not reset (a refused higher-term RequestVote must not delay this server's own
        candidacy), except for a leader, whose election timer was not running.
        """
        was_leader = self.role is Role.LEADER
        changed = self.role is not Role.FOLLOWER or term != self.current_term
        if term > self.current_term:
            self.enter_term(term)
        self.role = Role.FOLLOWER
        self.progress = {}
        self.forget_transfer()
        if was_leader:
            self.leader_id = None
            self.reset_election_timer(now)
        if changed:
            self._notes.append(RoleChanged(Role.FOLLOWER, self.current_term))

    def become_candidate(self, now: float, transfer: bool = False) -> None:
        """Candidates (§5.2): increment currentTerm, vote for self, reset the election timer, send RequestVote.
        ``transfer`` marks the RequestVotes of an election started by TimeoutNow (thesis §3.10)."""
        self.enter_term(self.current_term + 1)
        self.voted_for = self.id
        self.role = Role.CANDIDATE
        self.votes_granted = {self.id}
        self.votes_rejected = set()
        self._notes.append(RoleChanged(Role.CANDIDATE, self.current_term))
        self.reset_election_timer(now)
        if self.voters.vote_result(self.votes_granted, self.votes_rejected) is VoteResult.WON:
            self.become_leader(now)
            return
        request = RequestVote(self.current_term, self.id, self.log.last_index, self.log.last_term, transfer)
        for peer in self.voter_peers:
            self._send(peer, request)

    def become_leader(self, now: float) -> None:
        """Leaders (§5.3): reinitialize nextIndex and matchIndex, append a no-op (§8), send heartbeats."""
        self.role = Role.LEADER
        self.leader_id = self.id
        next_index = self.log.last_index + 1
        self.progress = {peer: Progress(next_index) for peer in self.peers}
        self.quorum_changed = True
        self.catch_up = {}
        self._notes.append(RoleChanged(Role.LEADER, self.current_term))
        if self.settings.leader_noop:
            self._append_local(Entry(self.current_term, None))
        self.reads = ReadState()
        if self._serves_reads:
            self.reads.begin_round(now)
        self.broadcast_append_entries()
        self.heartbeat_deadline = now + self.heartbeat_interval
        self.recently_active = set()
        self.quorum_check_deadline = now + self.election_range[0]

    # ---------------------------------------------------------------- messages

    def step(self, now: float, sender: str, message: Message) -> None:
        """A message from ``sender`` arrived: apply the rule for all servers, then the receiver's rules."""
        self.now = now
        if message.term > self.current_term and self.adopts_term_of(now, message):
            self.step_down_on_higher_term(now, message.term)
        self._receivers[type(message)](now, sender, message)
        if self._tracks_contact:
            self.record_contact(now, sender, message)
        if self._serves_reads and self.role is Role.LEADER:
            if type(message) is AppendEntriesResponse and message.term == self.current_term:
                self.reads.acknowledge(sender, message.heartbeat_round)
                self.confirm_leadership(now)
            self.serve_reads(now)

    def step_down_on_higher_term(self, now: float, term: int) -> None:
        """If an RPC request or response contains term T > currentTerm: set currentTerm = T, convert to
        follower. Reference: §5.1."""
        self.become_follower(term, now)

    # ------------------------------------------------------- RequestVote rules

    def handle_request_vote(self, now: float, sender: str, m: RequestVote) -> None:
        """RequestVote receiver (Figure 2): reply false if term < currentTerm; grant the vote if votedFor is null
        or candidateId and the candidate's log is at least as up to date as the receiver's. The first rule that
        refuses, in the order of :meth:`vote_refusal`, names the refusal. Reference: §5.2, §5.4.1."""
        refused = self.vote_refusal(m)
        granted = refused is None
        if granted:
            if self.voted_for != m.candidate_id:
                self.voted_for = m.candidate_id
                self._hard_state_dirty = True
            self.reset_election_timer(now)
        self._notes.append(Voted(m.candidate_id, self.current_term, granted, refused))
        self._send(sender, RequestVoteResponse(self.current_term, granted, refused))

    def vote_refusal(self, m: RequestVote) -> Refusal | None:
        """The rule that refuses this vote, or ``None`` to grant it."""
        if m.term < self.current_term:
            return Refusal.STALE_TERM
        if m.term > self.current_term:  # the term was not adopted: see adopts_term_of
            return Refusal.LEADER_RECENTLY_HEARD
        if not self.log_is_at_least_as_up_to_date(m):
            return Refusal.LOG_NOT_UP_TO_DATE
        if not self.not_yet_voted_for_another(m):
            return Refusal.ALREADY_VOTED
        if self.role is Role.LEADER:
            return Refusal.LEADER
        return None

    def log_is_at_least_as_up_to_date(self, m: RequestVote | PreVote) -> bool:
        """Grant only if the candidate's log is at least as up to date as the receiver's log: the later last
        term wins, with the same last term the longer log. Reference: §5.4.1."""
        return self.log.is_up_to_date(m.last_log_index, m.last_log_term)

    def not_yet_voted_for_another(self, m: RequestVote) -> bool:
        """Grant only if votedFor is null or candidateId: each server votes for at most one candidate in a
        given term, on a first-come-first-served basis. Reference: §5.2."""
        return self.voted_for is None or self.voted_for == m.candidate_id

    def handle_request_vote_response(self, now: float, sender: str, m: RequestVoteResponse) -> None:
        """Candidates (§5.2): count votes as a set of voters; a majority makes this server leader."""
        if self.role is not Role.CANDIDATE or m.term != self.current_term:
            return
        (self.votes_granted if m.vote_granted else self.votes_rejected).add(sender)
        if self.voters.vote_result(self.votes_granted, self.votes_rejected) is VoteResult.WON:
            self.become_leader(now)

    # ------------------------------------------- PreVote, CheckQuorum (thesis)

    def adopts_term_of(self, now: float, message: Message) -> bool:
        """Whether a message of a higher term makes this server adopt that term (the rule for all servers, §5.1).
        A PreVote never does, nor a granted PreVoteResponse (it carries the term the pre-candidate would use):
        a pre-vote changes no term (thesis §9.6). With CheckQuorum, a RequestVote does not either while this
        server has recently heard from its leader (leader stickiness, thesis §4.2.3): it is refused instead;
        except the RequestVote of a transfer campaign, which the leader itself asked for (thesis §3.10, etcd's
        campaignTransfer)."""
        match message:
            case PreVote():
                return False
            case PreVoteResponse():
                return not message.vote_granted
            case RequestVote():
                return message.transfer or not (self._sticky and self.heard_from_leader_recently(now))
        return True

    def heard_from_leader_recently(self, now: float) -> bool:
        """A leader knows itself current; a follower heard from the leader of its term within the minimum
        election timeout. Such a server neither grants a pre-vote nor, with CheckQuorum, a vote.
        Reference: §4.2.3, §9.6 of the thesis."""
        if self.role is Role.LEADER:
            return True
        return (
            self.leader_id is not None and now - self.leader_heard_at < self.election_range[0]
        ) or now < self.votes_withheld_until

    def record_contact(self, now: float, sender: str, message: Message) -> None:
        """Remember who was heard from: a follower, when the leader of its term last sent AppendEntries (or
        InstallSnapshot); a leader, which followers answered in its term (for CheckQuorum)."""
        if self.role is Role.LEADER:
            if (
                type(message) is AppendEntriesResponse or type(message) is InstallSnapshotResponse
            ) and message.term == self.current_term:
                self.recently_active.add(sender)
        elif (
            (type(message) is AppendEntries or type(message) is InstallSnapshot)
            and message.term == self.current_term
            and self.leader_id == sender
        ):
            self.leader_heard_at = now

    def start_pre_vote(self, now: float) -> None:
        """PreVote: instead of starting an election, ask the others whether they would vote in the next term.
        currentTerm and votedFor stay as they are; the election timer restarts, so a pre-vote that does not win
        is tried again after another timeout. Reference: §9.6 of the thesis."""
        self.leader_id = None
        self.pre_vote_term = self.current_term + 1
        self.pre_votes_granted = {self.id}
        self.pre_votes_rejected = set()
        self.reset_election_timer(now)
        if self.voters.vote_result(self.pre_votes_granted, self.pre_votes_rejected) is VoteResult.WON:
            self.win_pre_vote(now)
            return
        request = PreVote(self.pre_vote_term, self.id, self.log.last_index, self.log.last_term)
        for peer in self.voter_peers:
            self._send(peer, request)

    def handle_pre_vote(self, now: float, sender: str, m: PreVote) -> None:
        """PreVote receiver: grant if the pre-vote's term is not behind this server's, this server has not
        heard from a current leader within the minimum election timeout, and the candidate's log is at least
        as up to date. Nothing is recorded and no timer restarts. Reference: §9.6 of the thesis."""
        refused = self.pre_vote_refusal(now, m)
        granted = refused is None
        self._notes.append(PreVoted(m.candidate_id, m.term, granted, refused))
        self._send(sender, PreVoteResponse(m.term if granted else self.current_term, granted, refused))

    def pre_vote_refusal(self, now: float, m: PreVote) -> Refusal | None:
        """The rule that refuses this pre-vote, or ``None`` to grant it."""
        if m.term < self.current_term:
            return Refusal.STALE_TERM
        if self.heard_from_leader_recently(now):
            return Refusal.LEADER if self.role is Role.LEADER else Refusal.LEADER_RECENTLY_HEARD
        if not self.log_is_at_least_as_up_to_date(m):
            return Refusal.LOG_NOT_UP_TO_DATE
        return None

    def handle_pre_vote_response(self, now: float, sender: str, m: PreVoteResponse) -> None:
        """Pre-candidates: count answers to the pre-vote in progress; a majority of grants starts the real
        election, a majority of refusals ends the pre-vote (the next timeout tries again). A pre-vote is over
        once this server changed term, leads, or heard from a leader. Reference: §9.6 of the thesis."""
        term = self.pre_vote_term
        if (
            term is None
            or term != self.current_term + 1
            or self.leader_id is not None
            or self.role is Role.LEADER
        ):
            return
        if m.vote_granted:
            if m.term != term:
                return
            self.pre_votes_granted.add(sender)
        else:
            self.pre_votes_rejected.add(sender)
        result = self.voters.vote_result(self.pre_votes_granted, self.pre_votes_rejected)
        if result is VoteResult.WON:
            self.win_pre_vote(now)
        elif result is VoteResult.LOST:
            self.pre_vote_term = None

    def win_pre_vote(self, now: float) -> None:
        """Only a server that won a pre-vote majority becomes a candidate. Reference: §9.6 of the thesis."""
        self.pre_vote_term = None
        self.become_candidate(now)

    def check_quorum(self, now: float) -> None:
        """CheckQuorum, once per minimum election timeout: a leader that has not heard from a majority (itself
        included) since the last check steps down, so that clients look for the leader elsewhere.
        Reference: §6.2 of the thesis."""
        if self.quorum_is_active():
            self.recently_active = set()
            self.quorum_check_deadline = now + self.election_range[0]
            return
        self._notes.append(SteppedDown(self.current_term, "check_quorum"))
        self.become_follower(self.current_term, now)

    def quorum_is_active(self) -> bool:
        """A majority of voters, counting this leader, answered AppendEntries since the last check."""
        heard = self.recently_active | {self.id}
        return self.voters.vote_result(heard, ()) is VoteResult.WON

    # ----------------------------------------------------- AppendEntries rules

    def handle_append_entries(self, now: float, sender: str, m: AppendEntries) -> None:
        """AppendEntries receiver, Figure 2 rules 1 to 5. Reference: §5.1, §5.3."""
        term = self.current_term
        if self.term_is_stale(m):
            self._send(
                sender,
                AppendEntriesResponse(term, False, reject_index=m.prev_log_index, refused=Refusal.STALE_TERM),
            )
            return
        self.recognize_leader(now, m)
        if not self.log_contains_prev_entry(m):
            self._send(sender, self.log_mismatch(m))
            return
        first_new = self.delete_conflicting_entries(m.prev_log_index, m.entries)
        self.append_new_entries(m.entries[first_new:])
        last_new = m.prev_log_index + len(m.entries)
        self.commit_up_to_leader_commit(m.leader_commit, last_new)
        self._send(
            sender, AppendEntriesResponse(term, True, match_index=last_new, heartbeat_round=m.heartbeat_round)
        )

    def term_is_stale(self, m: AppendEntries) -> bool:
        """Rule 1: reply false if term < currentTerm. Reference: §5.1."""
        return m.term < self.current_term

    def recognize_leader(self, now: float, m: AppendEntries | InstallSnapshot) -> None:
        """An AppendEntries of this term comes from its leader: a candidate returns to follower (it lost), and
        the election timer restarts. Reference: §5.2."""
        if self.role is not Role.FOLLOWER:
            self.become_follower(self.current_term, now)
        self.leader_id = m.leader_id
        self.reset_election_timer(now)

    def log_contains_prev_entry(self, m: AppendEntries) -> bool:
        """Rule 2: reply false if the log does not contain an entry at prevLogIndex whose term matches
        prevLogTerm. Reference: §5.3."""
        return self.log.matches(m.prev_log_index, m.prev_log_term)

    def log_mismatch(self, m: AppendEntries) -> AppendEntriesResponse:
        """The refusal of rule 2, with the hint that lets the leader skip back a whole term (the first index of
        the conflicting term, or the end of a log too short). Reference: §5.3."""
        log, prev = self.log, m.prev_log_index
        if prev > log.last_index:
            conflict_term, conflict_index = 0, log.last_index + 1
        else:
            conflict_term, conflict_index = log.term_at(prev), log.first_index_of_term(prev)
        return AppendEntriesResponse(
            self.current_term,
            False,
            reject_index=prev,
            conflict_term=conflict_term,
            conflict_index=conflict_index,
            refused=Refusal.LOG_MISMATCH,
            heartbeat_round=m.heartbeat_round,
        )

    def delete_conflicting_entries(self, prev: int, entries: tuple[Entry, ...]) -> int:
        """Rule 3: if an existing entry conflicts with a new one (same index but different terms), delete the
        existing entry and all that follow it; entries that match stay. Returns the position in ``entries`` of
        the first one not already in the log. Reference: §5.3."""
        log = self.log
        for offset, entry in enumerate(entries):
            index = prev + 1 + offset
            if index <= log.offset:  # in this server's snapshot: applied, hence committed, hence matching
                continue
            if index > log.last_index:
                return offset
            if log.term_at(index) != entry.term:
                self._truncate(index)
                return offset
        return len(entries)

    def append_new_entries(self, entries: tuple[Entry, ...]) -> None:
        """Rule 4: append any new entries not already in the log. Reference: §5.3."""
        for entry in entries:
            self._append_local(entry)

    def commit_up_to_leader_commit(self, leader_commit: int, last_new: int) -> None:
        """Rule 5: if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry).
        Reference: §5.3."""
        if leader_commit > self.commit_index:
            new_commit = min(leader_commit, last_new)
            if new_commit > self.commit_index:
                self.advance_commit_index(new_commit)

    def _truncate(self, index: int) -> None:
        self.log.truncate_from(index)
        self.durability.changed_from(index)
        self._notes.append(Truncated(index))
        if self.config_index >= index:
            self.revert_config()

    def _append_local(self, entry: Entry) -> int:
        index = self.log.append(entry)
        self._notes.append(Appended(index, entry.term, entry.command))
        self.durability.changed_from(index)
        if entry.config is not None:
            self._notes.append(ConfigNoted(ConfigPhase.APPENDED, index, entry.config))
            self.use_config(entry.config, index)
        return index

    def handle_append_entries_response(self, now: float, sender: str, m: AppendEntriesResponse) -> None:
        """Leaders (§5.3): on success update matchIndex and nextIndex; on failure back up nextIndex (a whole
        term at a time, using the follower's conflict hint) and retry."""
        if self.role is not Role.LEADER or m.term != self.current_term:
            return
        progress = self.progress.get(sender)
        if progress is None:
            return
        if m.success:
            if progress.on_success(m.match_index):
                if sender in self.catch_up:
                    self.track_catch_up(now, sender, progress.match_index)
                if progress.match_index > self.commit_index or self.quorum_changed:
                    self.advance_leader_commit_index()
                if self.progress.get(sender) is not progress:
                    return  # the commit removed the sender from the configuration, or this leader stepped down
            if progress.next_index <= self.log.last_index:
                self.send_append_entries(sender)
            if sender == self.transfer_target:
                self.send_timeout_now_if_caught_up(sender)
            return
        hint = m.conflict_index
        if m.conflict_term:
            last_of_term = self.log.last_index_of_term(m.conflict_term)
            if last_of_term:
                hint = last_of_term + 1
        if progress.on_reject(m.reject_index, hint):
            self.send_append_entries(sender)

    def send_append_entries(self, peer: str) -> None:
        """Send ``peer`` the entries from its nextIndex on (at most ``max_entries_per_append``), or the snapshot
        if this leader has discarded the entry before them (thesis §5.1)."""
        progress = self.progress[peer]
        log = self.log
        if progress.next_index <= log.offset:
            self.send_install_snapshot(peer)
            return
        prev = progress.next_index - 1
        entries = log.slice(prev + 1, self.settings.max_entries_per_append) if prev < log.last_index else ()
        self._send(
            peer,
            AppendEntries(
                self.current_term,
                self.id,
                prev,
                log.term_at(prev),
                entries,
                self.commit_index,
                self.reads.latest_round,
            ),
        )
        progress.sent(prev + len(entries))

    def broadcast_append_entries(self) -> None:
        """Leaders: heartbeat (and replicate) to every follower (§5.2, §5.3)."""
        for peer in self.peers:
            self.send_append_entries(peer)

    # ------------------------------------------------------------------ commit

    def advance_leader_commit_index(self) -> None:
        """Leaders: if there exists an N > commitIndex such that a majority of matchIndex[i] >= N, and
        log[N].term == currentTerm, set commitIndex = N; earlier entries commit with it. The leader counts
        itself only for durable entries. Reference: §5.3, §5.4."""
        self.quorum_changed = False
        match = {peer: p.match_index for peer, p in self.progress.items()}
        match[self.id] = self.durable_index
        candidate = self.voters.committed_index(match)
        if candidate <= self.commit_index:
            return
        if self.may_commit_by_counting_replicas(candidate):
            self.advance_commit_index(candidate)

    def may_commit_by_counting_replicas(self, index: int) -> bool:
        """Only log entries from the leader's current term are committed by counting replicas.
        Reference: §5.4.2."""
        return self.log.term_at(index) == self.current_term

    def advance_commit_index(self, index: int) -> None:
        """commitIndex moves forward to ``index``; apply every newly committed entry in order (§5.3)."""
        self.commit_index = index
        self._notes.append(Committed(index))
        log = self.log
        configs = False
        while self.last_applied < index:
            self.last_applied += 1
            entry = log.entry_at(self.last_applied)
            command = entry.command
            result = self.store.apply(self.last_applied, command) if command is not None else None
            self._notes.append(Applied(self.last_applied, entry.term, command, result))
            if entry.config is not None:
                self._notes.append(ConfigNoted(ConfigPhase.COMMITTED, self.last_applied, entry.config))
                configs = True
        if self.role is Role.LEADER and (configs or self.catch_up):
            self.after_config_commit()
        if should_snapshot(self.last_applied, log.offset, self.settings.snapshot_every):
            self.take_snapshot()

    # ------------------------------------------------------------ client, disk

    def propose(self, command: Command) -> Proposal:
        """A client command, read or write: the leader appends it to its log and replicates it at once; its
        index is in the proposal, and it is answered once applied. Reference: §5.3, §8.

        Raises :class:`NotLeader` with the leader this server knows, if it is not the leader, and
        :class:`TransferringLeadership` while it hands leadership to another server (thesis §3.10).
        """
        if self.role is not Role.LEADER:
            raise NotLeader(self.leader_id)
        if self.transfer_target is not None:
            raise TransferringLeadership(self.transfer_target)
        index = self._append_local(Entry(self.current_term, command))
        for peer, progress in self.progress.items():
            if progress.replicating and progress.next_index == index:
                self.send_append_entries(peer)
        return Proposal(index, None)

    def on_persisted(self, index: int, term: int) -> None:
        """Storage reports that the log it stores now ends, durably, at ``index`` whose entry has ``term``:
        every log write handed out up to one that left the log ending there is done. A leader may now count
        itself for those entries.

        Call it after carrying out a Ready's log write (``log_from`` given), with the end of the stored log
        (``(0, 0)`` when it is empty); writes must be carried out in the order they were handed out. An
        acknowledgement for entries truncated or replaced since (same index, another term), or for an index the
        log never reached, counts nothing that is not durable: see :class:`~raft.core.durability.Durability`.
        """
        if self.durability.acknowledge(index, term) and self.role is Role.LEADER:
            self.advance_leader_commit_index()

    # ----------------------------------------------------- leadership transfer

    def transfer_leadership(self, now: float, target: str) -> None:
        """An operator asks this leader to hand leadership to ``target`` (thesis §3.10): stop accepting
        proposals, bring the target's log up to date, then send it TimeoutNow; give up after an election timeout
        (the low end of the range, as etcd's ``electionTimeout``). A transfer to the server already being
        transferred to changes nothing; one to another server replaces it (as etcd does).

        Raises :class:`NotLeader` if this server is not the leader, ``ValueError`` for a target that is not
        another voter.
        """
        if self.role is not Role.LEADER:
            raise NotLeader(self.leader_id)
        if target not in self.voter_peers:
            raise ValueError(f"{target!r} is not another voter of {self.id}'s cluster")
        if target == self.transfer_target:
            return
        self.transfer_target = target
        self.transfer_deadline = now + self.election_range[0]
        self.end_lease()
        self._notes.append(TransferStarted(target, self.current_term))
        self.send_timeout_now_if_caught_up(target)

    def send_timeout_now_if_caught_up(self, target: str) -> None:
        """Leaders transferring leadership: once the target's log matches the leader's whole log, send it
        TimeoutNow; until then, replicate to it. Reference: §3.10 of the thesis."""
        progress = self.progress[target]
        if self.target_is_caught_up(progress):
            log = self.log
            self._send(target, TimeoutNow(self.current_term, log.last_index, log.last_term))
        elif progress.next_index <= self.log.last_index:
            self.send_append_entries(target)

    def target_is_caught_up(self, progress: Progress) -> bool:
        """The transfer target's matchIndex is the leader's last index: it holds every entry, so it can win
        the election TimeoutNow starts. Reference: §3.10 of the thesis."""
        return progress.match_index == self.log.last_index

    def abort_transfer(self) -> None:
        """If the transfer does not complete within an election timeout, the leader aborts it and resumes
        accepting client requests. Reference: §3.10 of the thesis."""
        target = self.transfer_target
        assert target is not None
        self.forget_transfer()
        self._notes.append(TransferAborted(target, self.current_term))

    def forget_transfer(self) -> None:
        """No transfer in progress (the leader aborted it, or is no longer the leader)."""
        self.transfer_target = None
        self.transfer_deadline = math.inf

    def handle_timeout_now(self, now: float, sender: str, m: TimeoutNow) -> None:
        """TimeoutNow receiver: start an election at once, as if the election timer had fired; a stale
        TimeoutNow (from a deposed leader) and one reaching a leader are ignored. Reference: §3.10 of the thesis."""
        if m.term < self.current_term or self.role is Role.LEADER:
            return
        # An election started by TimeoutNow skips PreVote (etcd's campaignTransfer), and its RequestVotes are
        # marked so that leader stickiness does not refuse them (thesis §4.2.3, §3.10).
        self.pre_vote_term = None
        self.become_candidate(now, transfer=True)

    # ============================================ membership changes (thesis chapter 4)

    # ------------------------------------------------- the configuration in use

    def recover_config(self) -> None:
        """At a start: use the latest configuration in the log, or else the one of the snapshot the node
        restarted from, if it has either. Reference: §4.1, thesis §5.1."""
        index, config = self.latest_config_in_log(self.log.last_index)
        if index:
            self.adopt_config(config, index)

    def adopt_config(self, config: Configuration, index: int) -> None:
        """Use the configuration found at ``index`` (a start, an install): a snapshot's configuration that is the
        one already in use only moves ``config_index`` (nothing changed, so nothing is noted: a run without
        membership changes traces no configuration)."""
        if index <= self.log.offset and config == self.config:
            self.config_index = index
        else:
            self.use_config(config, index)

    def latest_config_in_log(self, upto: int) -> tuple[int, Configuration]:
        """The last configuration entry at or before ``upto`` (index and configuration); when the log holds
        none there (the entries before ``log.offset`` were compacted), the snapshot's configuration at its last
        included index; else ``(0, initial)``. Reference: §4.1, thesis §5.1 (a snapshot keeps the latest
        configuration as of its last included index)."""
        log = self.log
        for index in range(upto, log.offset, -1):
            config = log.entry_at(index).config
            if config is not None:
                return index, config
        if self.snapshot is not None:
            return self.snapshot.index, self.snapshot.metadata.configuration
        return 0, self.initial_config

    def revert_config(self) -> None:
        """The entry holding the configuration in use was truncated: go back to the one before. Reference:
        §4.1 (a server always uses the latest configuration in its log)."""
        index, config = self.latest_config_in_log(self.log.last_index)
        self.use_config(config, index)
        if not index:  # use_config notes a configuration from the log, not the initial one
            self._notes.append(ConfigNoted(ConfigPhase.IN_FORCE, index, config))

    def use_config(self, config: Configuration, index: int) -> None:
        """Use ``config`` (from the entry at ``index``) from now on, whether or not it is committed: its quorum
        counts votes and commits, its members are replicated to. A leader starts tracking new members (and a
        learner being added) and forgets removed ones. Reference: §4.1."""
        if index:
            self._notes.append(ConfigNoted(ConfigPhase.IN_FORCE, index, config))
        self.config = config
        self.config_index = index
        self.voters = config.quorum(self.majority_off_by_one)
        self.quorum_changed = True
        me = self.id
        self.peers = tuple(sorted(m for m in config.members if m != me))
        self.voter_peers = tuple(sorted(v for v in config.all_voters if v != me))
        if self.role is not Role.LEADER:
            return
        progress = self.progress
        for gone in [peer for peer in progress if peer not in config.members]:
            del progress[gone]
            self.catch_up.pop(gone, None)
        for peer in self.peers:
            if peer not in progress:
                progress[peer] = Progress(self.log.last_index)
        if self.transfer_target is not None and self.transfer_target not in self.voter_peers:
            self.abort_transfer()

    def may_campaign(self) -> bool:
        """A learner does not campaign, nor a server that knows no voters yet (a new server before the leader's
        log reached it). A server removed from its latest configuration still does: it may be needed until the
        change commits, though its own vote does not count (§4.2.2); the others' leader stickiness keeps it from
        disrupting them (§4.2.3)."""
        config = self.config
        return self.id not in config.learners and bool(config.voters)

    # --------------------------------------------------------- changes (leader)

    def propose_config_change(self, now: float, change: ConfChange) -> int | None:
        """An operator asks this leader for a membership change; returns the index of the configuration entry
        appended, or ``None`` for a promotion that waits until the learner has caught up (§4.2.1: it is
        appended once the learner's last round of replication took less than an election timeout).

        Raises :class:`~raft.core.node.NotLeader` if this server does not lead, and :class:`ChangeRefused` when
        a rule refuses: a change is still uncommitted (one at a time, §4.1), no entry of this leader's term is
        committed yet (§4.1, the correction of 2015), the configuration is joint, or the change does not fit
        the configuration (adding a member, promoting a voter, removing a stranger, leaving no voter).
        """
        self.now = now
        if self.role is not Role.LEADER:
            raise NotLeader(self.leader_id)
        new = apply_change(self.config, change)  # refuses a change that does not fit
        if change.kind is ChangeKind.PROMOTE:
            (learner,) = change.add
            catch_up = CatchUp(self.log.last_index, now)
            catch_up.on_match(now, self.progress[learner].match_index, self.log.last_index, 0.0)
            if not catch_up.caught_up:
                self.catch_up[learner] = catch_up
                return None
        self.check_change_allowed()
        return self.append_config(new)

    def check_change_allowed(self) -> None:
        """The guards before a configuration entry is appended, each raising :class:`ChangeRefused`."""
        if self.change_in_progress():
            raise ChangeRefused(
                f"a change is in progress: the configuration entry at index {self.config_index} is not "
                "committed yet (one change at a time, §4.1)"
            )
        if not self.own_term_committed():
            raise ChangeRefused(
                f"no entry of term {self.current_term} is committed yet: a new leader commits one before it "
                "changes the configuration (§4.1)"
            )

    def change_in_progress(self) -> bool:
        """One change at a time: the latest configuration entry is not committed yet. Reference: §4.1."""
        return self.config_index > self.commit_index

    def own_term_committed(self) -> bool:
        """A leader may change the configuration only once an entry of its own term is committed (the
        correction of 2015 to single-server changes). Reference: §4.1, Ongaro's raft-dev post of July 2015."""
        return self.commit_index > 0 and self.log.term_at(self.commit_index) == self.current_term

    def append_config(self, config: Configuration) -> int:
        """Append a configuration entry and replicate it at once; it is used from now on (§4.1)."""
        index = self._append_local(Entry(self.current_term, None, config))
        self.broadcast_append_entries()
        return index

    def track_catch_up(self, now: float, learner: str, match_index: int) -> None:
        """A learner to promote matched up to ``match_index``: count its rounds of replication, and promote it
        once caught up and no rule holds the change back (§4.2.1)."""
        catch_up = self.catch_up[learner]
        catch_up.on_match(now, match_index, self.log.last_index, self.election_range[0])
        if catch_up.caught_up:
            self.promote_caught_up()

    def promote_caught_up(self) -> None:
        """Append the promotion of the first learner that has caught up, if the rules allow a change now."""
        for learner, catch_up in sorted(self.catch_up.items()):
            if not catch_up.caught_up:
                continue
            if self.change_in_progress() or not self.own_term_committed():
                return
            del self.catch_up[learner]
            if learner in self.config.learners and not self.config.is_joint:
                promote = ConfChange(ChangeKind.PROMOTE, add=frozenset({learner}))
                self.append_config(apply_change(self.config, promote))
            return

    def after_config_commit(self) -> None:
        """Leaders, once commitIndex moved: a leader not in the committed configuration steps down (§4.2.2); a
        committed joint configuration is left by appending C_new (§4.3); a caught-up learner waiting for the
        change before it is promoted."""
        if self.config_index > self.commit_index:
            return
        config = self.config
        if self.id not in config.all_voters:
            self._notes.append(SteppedDown(self.current_term, "removed"))
            self.become_follower(self.current_term, self.now)
            return
        if config.is_joint:
            if self.own_term_committed():
                self.append_config(leave_joint(config))
            return
        if self.catch_up:
            self.promote_caught_up()

    # --------------------------------------------------------------- snapshots

    def take_snapshot(self) -> None:
        """Snapshot the state machine as of lastApplied, with the index and term of the last entry it covers and
        the configuration in force there, and discard the log up to it. Reference: thesis §5.1, Figure 5.1."""
        index = self.last_applied
        term = self.log.term_at(index)
        metadata = SnapshotMetadata(index, term, self.latest_config_in_log(index)[1])
        self.snapshot = Snapshot(metadata, self.store.image())
        self._snapshot_unsent = True
        self.log.compact_to(index, term)
        self._notes.append(SnapshotTaken(index, term))

    def restore_snapshot(self, snapshot: Snapshot) -> None:
        """Reset the state machine using the snapshot's contents; everything it covers is applied, hence
        committed. Its configuration is the one in use unless the log holds a later configuration entry
        (:meth:`recover_config` at a start, :meth:`handle_install_snapshot` on an install). Reference: thesis
        §5.1 (Figure 5.3, receiver rule 8)."""
        self.snapshot = snapshot
        self.store = KeyValueStore.from_image(snapshot.state)
        self.last_applied = snapshot.index
        self.commit_index = snapshot.index

    def send_install_snapshot(self, peer: str) -> None:
        """Leaders: send ``peer`` the snapshot, when it needs entries this leader has discarded; probe from the
        entry after it. Reference: thesis §5.1."""
        snapshot = self.snapshot
        assert snapshot is not None, "a compacted log always has a snapshot"
        self._send(peer, InstallSnapshot(self.current_term, self.id, snapshot))
        self.progress[peer].snapshot_sent(snapshot.index)

    def handle_install_snapshot(self, now: float, sender: str, m: InstallSnapshot) -> None:
        """InstallSnapshot receiver, Figure 5.3 (one chunk, so rules 2 to 4 do not arise): reply immediately if
        term < currentTerm (rule 1); save the snapshot (5); if an existing entry has the same index and term as
        its last included entry, retain the entries following it (6), else discard the entire log (7); reset the
        state machine using the snapshot (8). A snapshot that covers no more than this server has committed is
        ignored (etcd's rule): it would roll the state machine back. Reference: thesis §5.1."""
        if m.term < self.current_term:
            self._send(sender, InstallSnapshotResponse(self.current_term, refused=Refusal.STALE_TERM))
            return
        self.recognize_leader(now, m)
        snapshot = m.snapshot
        if self.snapshot_is_stale(snapshot):
            self._send(sender, InstallSnapshotResponse(self.current_term, self.commit_index))
            return
        committed_configs = self.configs_committed_by(snapshot)
        kept = self.retain_entries_following(snapshot)
        self.restore_snapshot(snapshot)
        self.load_config_after_install()
        self._snapshot_unsent = True
        self._notes.append(SnapshotTaken(snapshot.index, snapshot.term, sender, kept))
        self._notes.append(Committed(snapshot.index))
        for index, config in committed_configs:
            self._notes.append(ConfigNoted(ConfigPhase.COMMITTED, index, config))
        self._send(sender, InstallSnapshotResponse(self.current_term, snapshot.index))

    def configs_committed_by(self, snapshot: Snapshot) -> list[tuple[int, Configuration]]:
        """The configuration entries of this log that installing ``snapshot`` commits: those after commitIndex up
        to its last included index, when the log holds that entry (then the log agrees with the leader's up to it,
        Log Matching; otherwise those entries are discarded, not committed)."""
        log = self.log
        if not log.matches(snapshot.index, snapshot.term):
            return []
        first = max(self.commit_index, log.offset) + 1
        return [
            (index, config)
            for index in range(first, snapshot.index + 1)
            if (config := log.entry_at(index).config) is not None
        ]

    def snapshot_is_stale(self, snapshot: Snapshot) -> bool:
        """A snapshot that ends at or before commitIndex adds nothing: every entry it covers is already here, and
        installing it would roll the state machine back (etcd's rule). Reference: §5.1 of the thesis."""
        return snapshot.index <= self.commit_index

    def retain_entries_following(self, snapshot: Snapshot) -> int:
        """Rules 6 and 7: if the log holds the snapshot's last included entry, keep the entries that follow it
        (they may be newer than the snapshot); otherwise discard the entire log. Returns how many were kept.
        Reference: §5.1 of the thesis, Figure 5.3."""
        log = self.log
        if log.matches(snapshot.index, snapshot.term):
            kept = log.last_index - snapshot.index
            log.compact_to(snapshot.index, snapshot.term)
            return kept
        self.discard_log(snapshot)
        return 0

    def load_config_after_install(self) -> None:
        """After an install: use the latest configuration in the log kept after the snapshot, else the
        snapshot's (thesis §5.1: the configuration is part of the snapshot), if it differs from the one in use."""
        index, config = self.latest_config_in_log(self.log.last_index)
        if (index, config) != (self.config_index, self.config):
            self.adopt_config(config, index)

    def discard_log(self, snapshot: Snapshot) -> None:
        """Rule 7: the log becomes empty, starting after the snapshot's last included entry."""
        self.log.reset_to(snapshot.index, snapshot.term)
        self.durability.changed_from(snapshot.index + 1)

    def handle_install_snapshot_response(self, now: float, sender: str, m: InstallSnapshotResponse) -> None:
        """Leaders: the follower's log now agrees up to ``match_index``: update matchIndex and nextIndex as
        after a successful AppendEntries, and go on replicating. Reference: thesis §5.1."""
        if self.role is not Role.LEADER or m.term != self.current_term:
            return
        progress = self.progress.get(sender)
        if progress is None:
            return
        if progress.on_success(m.match_index):
            self.advance_leader_commit_index()
        if progress.next_index <= self.log.last_index:
            self.send_append_entries(sender)

    # ------------------------------------------------------- reads (thesis §6.4)
    # The rules are in raft.core.reads.LinearizableReads; here the door and the guard on elections.

    def read(self, now: float, command: Command) -> Proposal:
        """A client's read. With ``read_mode: log`` it goes through the log like any command (:meth:`propose`,
        §8). Otherwise the leader accepts it without writing the log and answers it later with a
        :class:`~raft.core.notes.ReadAnswered` note, by ReadIndex or under its lease (:meth:`serve_reads`);
        the proposal's index is 0 (no log entry). Reference: §6.4 of the thesis.

        Raises :class:`NotLeader` if this server is not the leader (a follower does not forward reads: the
        client follows the hint, as it does for writes), ``ValueError`` for a command that is not a read.
        """
        if command.kind is not OpKind.READ:
            raise ValueError(f"not a read: {command.op!r}")
        if not self._serves_reads:
            return self.propose(command)
        if self.role is not Role.LEADER:
            raise NotLeader(self.leader_id)
        self.reads.pending.append(PendingRead(command))
        self.serve_reads(now)
        return Proposal(0, None)

    def campaign_would_break_lease(self, now: float) -> bool:
        """With lease reads, an election forced before the timer is due (the scenario action ``timeout``) is
        ignored while this follower has heard from its leader within the minimum election timeout: its own
        vote would count against the leader's lease, which this follower helped confirm. A timer that is due
        always fires. Reference: §6.4.1 of the thesis."""
        return (
            self.settings.read_mode is ReadMode.LEASE
            and now < self.election_deadline - TIME_EPSILON
            and self.leader_id is not None
            and now - self.leader_heard_at < self.election_range[0]
        )
