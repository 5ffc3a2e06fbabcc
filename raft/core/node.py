"""One Raft server as a deterministic state machine: Figure 2 of the paper, rule by rule.

Every input enters through one of a few doors: :meth:`RaftNode.step` (a message arrived),
:meth:`RaftNode.tick` (time passed), :meth:`RaftNode.election_timeout` (the election timer fired),
:meth:`RaftNode.propose` (a client command) and :meth:`RaftNode.on_persisted` (storage made the log durable).
Outputs accumulate until the caller takes them with :meth:`RaftNode.take_ready`. Time is a float of
milliseconds passed in by the caller; randomness comes from the ``random.Random`` the caller injects.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from raft.core.bugs import Bug
from raft.core.durability import Durability
from raft.core.log import RaftLog
from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Message,
    RequestVote,
    RequestVoteResponse,
)
from raft.core.notes import Appended, Applied, Committed, Note, RoleChanged, TimedOut, Truncated, Voted
from raft.core.progress import Progress
from raft.core.quorum import MajorityConfig, VoteResult
from raft.core.statemachine import ApplyResult, Command, KeyValueStore, OpKind
from raft.core.types import Role
from raft.errors import RaftSimError

#: Timers compare times with this slack, since a deadline reached by adding a delay to a float clock may come
#: back a rounding error early.
TIME_EPSILON = 1e-9


class NotLeader(RaftSimError):
    """A proposal reached a server that is not the leader; ``leader_hint`` is the leader it knows, if any."""

    def __init__(self, leader_hint: str | None) -> None:
        super().__init__(f"not the leader (leader hint: {leader_hint})")
        self.leader_hint = leader_hint


@dataclass(frozen=True, slots=True)
class NodeSettings:
    """The timing and switches a node is configured with."""

    election_timeout_ms: tuple[float, float] = (150.0, 300.0)
    heartbeat_ms: float = 50.0
    leader_noop: bool = True
    max_entries_per_append: int = 64
    bugs: frozenset[Bug] = frozenset()


class Ready(NamedTuple):
    """Everything one or more inputs produced, to be carried out by the caller in this order:

    1. persist ``hard_state`` (term, votedFor) if given, and the log from index ``log_from`` on (truncate the
       stored log there, then store ``entries``), after every write of earlier Readies;
    2. only once that is durable, send ``messages`` (each a ``(to, message)`` pair);
    3. if the log was written, tell the node with :meth:`RaftNode.on_persisted` where the stored log now ends;
    4. read ``notes`` for what changed.

    An immutable tuple rather than a frozen dataclass: one is made per input, and a tuple is made faster.
    """

    messages: tuple[tuple[str, Message], ...]
    hard_state: tuple[int, str | None] | None
    log_from: int | None
    entries: tuple[Entry, ...]
    notes: tuple[Note, ...]

    @property
    def must_persist(self) -> bool:
        return self.hard_state is not None or self.log_from is not None


@dataclass(frozen=True, slots=True)
class Proposal:
    """What :meth:`RaftNode.propose` did with a command: the log index it was appended at, or, for a read the
    ``local-read`` bug answers at once, the index it was answered from and the ``answer`` (else ``None``)."""

    index: int
    answer: ApplyResult | None


class RaftNode:
    """A server's whole life between a start (or restart) and a crash.

    Persistent state (``current_term``, ``voted_for``, ``log``) is given at construction, as stored; volatile
    state (``commit_index``, ``last_applied``, the key-value ``store``, leader progress) starts empty.
    """

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
        now: float = 0.0,
    ) -> None:
        self.id = node_id
        self.voters = voters
        self.peers: tuple[str, ...] = tuple(sorted(v for v in voters.voters if v != node_id))
        self.settings = settings
        self.rng = rng
        bugs = settings.bugs
        self._bug_commit_old_term = Bug.COMMIT_OLD_TERM in bugs
        self._bug_vote_without_log_check = Bug.VOTE_WITHOUT_LOG_CHECK in bugs
        self._bug_truncate_on_stale = Bug.TRUNCATE_ON_STALE_APPEND in bugs
        self._bug_no_step_down = Bug.NO_STEP_DOWN in bugs
        self._bug_commit_without_min = Bug.COMMIT_WITHOUT_MIN in bugs
        self._bug_vote_twice = Bug.VOTE_TWICE in bugs
        self._bug_accept_stale_append = Bug.ACCEPT_STALE_APPEND in bugs
        self._bug_fixed_timeout = Bug.FIXED_ELECTION_TIMEOUT in bugs
        self._bug_local_read = Bug.LOCAL_READ in bugs
        # Persistent state on all servers (Figure 2).
        self.current_term = term
        self.voted_for = voted_for
        self.log = log if log is not None else RaftLog()
        # Volatile state on all servers.
        self.role = Role.FOLLOWER
        #: The leader of ``current_term`` as far as this server knows (its proposals' hint): ``None`` from every
        #: change of term until an AppendEntries of the new term arrives (or this server wins it).
        self.leader_id: str | None = None
        self.commit_index = 0
        self.last_applied = 0
        self.store = KeyValueStore()
        #: What of the log is on stable storage (the stored log, as given, is), and the writes in progress.
        self.durability = Durability(self.log.last_index)
        # Volatile state on candidates and leaders.
        self.votes_granted: set[str] = set()
        self.votes_rejected: set[str] = set()
        self.progress: dict[str, Progress] = {}
        # Timers, as absolute deadlines on the caller's clock.
        self.election_deadline = 0.0
        self.heartbeat_deadline = 0.0
        # Outputs not yet taken.
        self._outbox: list[tuple[str, Message]] = []
        self._notes: list[Note] = [RoleChanged(Role.FOLLOWER, term)]
        self._hard_state_dirty = False
        self.reset_election_timer(now)
        self._handlers: dict[type, Callable[[float, str, Any], None]] = {
            RequestVote: self.handle_request_vote,
            RequestVoteResponse: self.handle_request_vote_response,
            AppendEntries: self.handle_append_entries,
            AppendEntriesResponse: self.handle_append_entries_response,
        }

    # ----------------------------------------------------------------- outputs

    def take_ready(self) -> Ready | None:
        """Hand out (and forget) what the inputs since the last call produced; ``None`` if nothing."""
        log = self.log
        log_changed = self.durability.unsent_from is not None
        if not (self._outbox or self._notes or self._hard_state_dirty or log_changed):
            return None
        log_from = self.durability.hand_out(log.last_index, log.last_term) if log_changed else None
        ready = Ready(
            messages=tuple(self._outbox),
            hard_state=(self.current_term, self.voted_for) if self._hard_state_dirty else None,
            log_from=log_from,
            entries=log.slice(log_from, log.last_index - log_from + 1) if log_from is not None else (),
            notes=tuple(self._notes),
        )
        self._outbox.clear()
        self._notes.clear()
        self._hard_state_dirty = False
        return ready

    def _send(self, to: str, message: Message) -> None:
        self._outbox.append((to, message))

    @property
    def durable_index(self) -> int:
        """The last log index on stable storage that no write in progress rewrites (never past the log's end)."""
        return self.durability.index

    # ------------------------------------------------------------------ timers

    @property
    def next_deadline(self) -> float:
        """When this node next wants :meth:`tick`: the heartbeat for a leader, else the election timeout."""
        return self.heartbeat_deadline if self.role is Role.LEADER else self.election_deadline

    def reset_election_timer(self, now: float) -> None:
        """Draw a fresh election timeout, uniform over the configured range. Reference: §5.2."""
        low, high = self.settings.election_timeout_ms
        delay = low if self._bug_fixed_timeout else self.rng.uniform(low, high)
        self.election_deadline = now + delay

    def tick(self, now: float) -> None:
        """Time has reached ``now``: fire whichever timer is due."""
        if self.role is Role.LEADER:
            if now >= self.heartbeat_deadline - TIME_EPSILON:
                self.broadcast_append_entries()
                self.heartbeat_deadline = now + self.settings.heartbeat_ms
        elif now >= self.election_deadline - TIME_EPSILON:
            self.election_timeout(now)

    def election_timeout(self, now: float) -> None:
        """Followers (§5.2): if the election timeout elapses, convert to candidate. A leader ignores it."""
        if self.role is Role.LEADER:
            return
        self._notes.append(TimedOut(self.current_term))
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
        if was_leader:
            self.leader_id = None
            self.reset_election_timer(now)
        if changed:
            self._notes.append(RoleChanged(Role.FOLLOWER, self.current_term))

    def become_candidate(self, now: float) -> None:
        """Candidates (§5.2): increment currentTerm, vote for self, reset the election timer, send RequestVote."""
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
        request = RequestVote(self.current_term, self.id, self.log.last_index, self.log.last_term)
        for peer in self.peers:
            self._send(peer, request)

    def become_leader(self, now: float) -> None:
        """Leaders (§5.3): reinitialize nextIndex and matchIndex, append a no-op (§8), send heartbeats."""
        self.role = Role.LEADER
        self.leader_id = self.id
        next_index = self.log.last_index + 1
        self.progress = {peer: Progress(next_index) for peer in self.peers}
        self._notes.append(RoleChanged(Role.LEADER, self.current_term))
        if self.settings.leader_noop:
            self._append_local(Entry(self.current_term, None))
        self.broadcast_append_entries()
        self.heartbeat_deadline = now + self.settings.heartbeat_ms

    # ---------------------------------------------------------------- messages

    def step(self, now: float, sender: str, message: Message) -> None:
        """A message from ``sender`` arrived. Rules for all servers (§5.1): a higher term makes us a follower."""
        if message.term > self.current_term:
            if self._bug_no_step_down and self.role is Role.LEADER:
                self.current_term = message.term
                self.voted_for = None
                self._hard_state_dirty = True
                self._notes.append(RoleChanged(Role.LEADER, message.term))
            else:
                self.become_follower(message.term, now)
        self._handlers[type(message)](now, sender, message)

    def handle_request_vote(self, now: float, sender: str, m: RequestVote) -> None:
        """RequestVote receiver (Figure 2): refuse a stale term; grant if not yet voted for another candidate
        this term and the candidate's log is at least as up to date (§5.2, §5.4.1)."""
        granted = False
        if m.term == self.current_term:
            free = self.voted_for is None or self.voted_for == m.candidate_id or self._bug_vote_twice
            up_to_date = self._bug_vote_without_log_check or self.log.is_up_to_date(
                m.last_log_index, m.last_log_term
            )
            granted = free and up_to_date and self.role is not Role.LEADER
        if granted:
            if self.voted_for != m.candidate_id:
                self.voted_for = m.candidate_id
                self._hard_state_dirty = True
            self.reset_election_timer(now)
        self._notes.append(Voted(m.candidate_id, self.current_term, granted))
        self._send(sender, RequestVoteResponse(self.current_term, granted))

    def handle_request_vote_response(self, now: float, sender: str, m: RequestVoteResponse) -> None:
        """Candidates (§5.2): count votes as a set of voters; a majority makes this server leader."""
        if self.role is not Role.CANDIDATE or m.term != self.current_term:
            return
        (self.votes_granted if m.vote_granted else self.votes_rejected).add(sender)
        if self.voters.vote_result(self.votes_granted, self.votes_rejected) is VoteResult.WON:
            self.become_leader(now)

    def handle_append_entries(self, now: float, sender: str, m: AppendEntries) -> None:
        """AppendEntries receiver, Figure 2 rules 1 to 5."""
        term = self.current_term
        if m.term < term and not self._bug_accept_stale_append:
            # Rule 1: reply false if term < currentTerm.
            self._send(sender, AppendEntriesResponse(term, False, reject_index=m.prev_log_index))
            return
        if self.role is not Role.FOLLOWER:
            # Candidates (§5.2): an AppendEntries from the leader of this term means it already won.
            self.become_follower(term, now)
        self.leader_id = m.leader_id
        self.reset_election_timer(now)
        log = self.log
        if self._bug_commit_without_min and m.leader_commit > self.commit_index:
            # The bug: commitIndex follows leaderCommit up to this log's end, whether or not the leader has
            # vouched for the entries there (not even the consistency check has been made).
            self.advance_commit_index(min(m.leader_commit, log.last_index))
        prev = m.prev_log_index
        if not log.matches(prev, m.prev_log_term):
            # Rule 2: reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm.
            if prev > log.last_index:
                conflict_term, conflict_index = 0, log.last_index + 1
            else:
                conflict_term, conflict_index = log.term_at(prev), log.first_index_of_term(prev)
            self._send(
                sender,
                AppendEntriesResponse(
                    term, False, reject_index=prev, conflict_term=conflict_term, conflict_index=conflict_index
                ),
            )
            return
        last_new = prev + len(m.entries)
        self._store_entries(prev, m.entries)
        if self._bug_truncate_on_stale and log.last_index > last_new:
            self._truncate(last_new + 1)
        # Rule 5: if leaderCommit > commitIndex, commitIndex = min(leaderCommit, index of last new entry).
        if m.leader_commit > self.commit_index:
            new_commit = min(m.leader_commit, last_new)
            if new_commit > self.commit_index:
                self.advance_commit_index(new_commit)
        self._send(sender, AppendEntriesResponse(term, True, match_index=last_new))

    def _store_entries(self, prev: int, entries: tuple[Entry, ...]) -> None:
        """Rules 3 and 4: delete an existing entry that conflicts with a new one (same index, different term)
        and all that follow it; append any new entries not already in the log. Matching entries stay."""
        log = self.log
        for offset, entry in enumerate(entries):
            index = prev + 1 + offset
            if index <= log.last_index:
                if log.term_at(index) == entry.term:
                    continue
                self._truncate(index)
            for later in entries[offset:]:
                self._append_local(later)
            return

    def _truncate(self, index: int) -> None:
        self.log.truncate_from(index)
        self.durability.changed_from(index)
        self._notes.append(Truncated(index))

    def _append_local(self, entry: Entry) -> int:
        index = self.log.append(entry)
        self._notes.append(Appended(index, entry.term, entry.command))
        self.durability.changed_from(index)
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
                self.advance_leader_commit_index()
            if progress.next_index <= self.log.last_index:
                self.send_append_entries(sender)
            return
        hint = m.conflict_index
        if m.conflict_term:
            last_of_term = self.log.last_index_of_term(m.conflict_term)
            if last_of_term:
                hint = last_of_term + 1
        if progress.on_reject(m.reject_index, hint):
            self.send_append_entries(sender)

    def send_append_entries(self, peer: str) -> None:
        """Send ``peer`` the entries from its nextIndex on (at most ``max_entries_per_append``)."""
        progress = self.progress[peer]
        log = self.log
        prev = progress.next_index - 1
        entries = log.slice(prev + 1, self.settings.max_entries_per_append) if prev < log.last_index else ()
        self._send(
            peer,
            AppendEntries(self.current_term, self.id, prev, log.term_at(prev), entries, self.commit_index),
        )
        progress.sent(prev + len(entries))

    def broadcast_append_entries(self) -> None:
        """Leaders: heartbeat (and replicate) to every follower (§5.2, §5.3)."""
        for peer in self.peers:
            self.send_append_entries(peer)

    # ------------------------------------------------------------------ commit

    def advance_leader_commit_index(self) -> None:
        """Leaders (§5.3, §5.4.2): commit the highest index a majority holds, if its entry is of the
        current term; earlier entries commit with it. The leader counts itself only for durable entries."""
        match = {peer: p.match_index for peer, p in self.progress.items()}
        match[self.id] = self.durable_index
        candidate = self.voters.committed_index(match)
        if candidate <= self.commit_index:
            return
        if self.log.term_at(candidate) == self.current_term or self._bug_commit_old_term:
            self.advance_commit_index(candidate)

    def advance_commit_index(self, index: int) -> None:
        """commitIndex moves forward to ``index``; apply every newly committed entry in order (§5.3)."""
        self.commit_index = index
        self._notes.append(Committed(index))
        log = self.log
        while self.last_applied < index:
            self.last_applied += 1
            entry = log.entry_at(self.last_applied)
            command = entry.command
            result = self.store.apply(self.last_applied, command) if command is not None else None
            self._notes.append(Applied(self.last_applied, entry.term, command, result))

    # ------------------------------------------------------------ client, disk

    def propose(self, command: Command) -> Proposal:
        """A client command: the leader appends it and replicates it at once; its index is in the proposal.

        Raises :class:`NotLeader` with the leader this server knows, if it is not the leader. With the
        ``local-read`` bug a read is not appended: the leader answers it from its own state machine at once
        (the proposal's ``answer``). Wrong on purpose (§8): a leader must not answer a read before it knows it
        is still the leader and has applied everything committed; a deposed leader, or a new one whose no-op is
        not yet committed, returns stale data.
        """
        if self.role is not Role.LEADER:
            raise NotLeader(self.leader_id)
        if self._bug_local_read and command.kind is OpKind.READ:
            answer = ApplyResult(self.last_applied, self.store.data.get(command.key), duplicate=False)
            return Proposal(answer.index, answer)
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
