"""Switchable bugs: each one removes a rule of the paper so that a lesson can show what the rule prevents.

They are off by default. A scenario switches one on with ``cluster.bugs: [NAME]``, the CLI with ``--bug NAME``,
and every output of such a run names it.

All of them live here. Seventeen break a rule of the node: each is a subclass of :class:`~raft.core.node.RaftNode`
that replaces exactly the rule methods it breaks (:data:`NODE_BUGS`), and :func:`node_class` composes the
subclasses of the bugs switched on. The other two break a rule outside the node: ``majority-off-by-one`` the
quorum arithmetic (:class:`~raft.core.quorum.MajorityConfig` ``off_by_one``), ``forget-vote-on-restart`` the
simulated disk (``raft.sim.storage.Storage.forget_vote``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import Enum

from raft.core.messages import AppendEntries, Entry, PreVote, RequestVote
from raft.core.node import NodeSettings, Proposal, RaftNode
from raft.core.notes import RoleChanged
from raft.core.progress import Progress
from raft.core.reads import PendingRead, ReadMode
from raft.core.snapshot import Snapshot
from raft.core.statemachine import ApplyResult, Command, OpKind
from raft.core.ticks import TickTimers
from raft.core.types import Role


class Bug(Enum):
    """A rule switched off. The value is the user-facing name; the docstring of each member is in ``BUG_HELP``."""

    COMMIT_OLD_TERM = "commit-old-term"
    VOTE_WITHOUT_LOG_CHECK = "vote-without-log-check"
    FORGET_VOTE_ON_RESTART = "forget-vote-on-restart"
    TRUNCATE_ON_STALE_APPEND = "truncate-on-stale-append"
    NO_STEP_DOWN = "no-step-down"
    COMMIT_WITHOUT_MIN = "commit-without-min"
    VOTE_TWICE = "vote-twice"
    ACCEPT_STALE_APPEND = "accept-stale-append"
    MAJORITY_OFF_BY_ONE = "majority-off-by-one"
    FIXED_ELECTION_TIMEOUT = "fixed-election-timeout"
    LOCAL_READ = "local-read"
    TRANSFER_BEFORE_CAUGHT_UP = "transfer-before-caught-up"
    PREVOTE_INCREMENTS_TERM = "prevote-increments-term"
    VOTE_DESPITE_LEADER = "vote-despite-leader"
    CONCURRENT_CHANGES = "concurrent-changes"
    CHANGE_BEFORE_OWN_TERM_COMMIT = "change-before-own-term-commit"
    SNAPSHOT_OVER_NEWER_ENTRIES = "snapshot-over-newer-entries"
    LEASE_WITHOUT_CHECK_QUORUM = "lease-without-check-quorum"
    READ_INDEX_WITHOUT_CONFIRMATION = "read-index-without-confirmation"


BUG_HELP: dict[Bug, str] = {
    Bug.COMMIT_OLD_TERM: "a leader commits an entry of an earlier term by counting replicas (Figure 8, §5.4.2)",
    Bug.VOTE_WITHOUT_LOG_CHECK: "votes are granted without the up-to-date log check (§5.4.1)",
    Bug.FORGET_VOTE_ON_RESTART: "votedFor is not persisted: a restarted server can vote twice in a term (Figure 2)",
    Bug.TRUNCATE_ON_STALE_APPEND: "a follower truncates its log after prevLogIndex even when the entries match (Figure 2, receiver rule 3)",
    Bug.NO_STEP_DOWN: "a leader that sees a higher term adopts it but keeps leading (§5.1)",
    Bug.COMMIT_WITHOUT_MIN: "a follower sets commitIndex from leaderCommit (up to its own last entry) without the min with the last new entry, even before the consistency check (Figure 2, receiver rule 5)",
    Bug.VOTE_TWICE: "a server grants more than one vote in a term (§5.2)",
    Bug.ACCEPT_STALE_APPEND: "a server accepts AppendEntries from a leader of an older term (Figure 2, receiver rule 1)",
    Bug.MAJORITY_OFF_BY_ONE: "a majority is computed as floor(n/2) instead of floor(n/2) + 1 (§5.2)",
    Bug.FIXED_ELECTION_TIMEOUT: "election timeouts are not randomized: every server waits the range's low end (§5.2)",
    Bug.LOCAL_READ: "a leader answers reads from its own state machine at once, not through the log: a deposed or "
    "newly elected leader returns stale data (§8)",
    Bug.TRANSFER_BEFORE_CAUGHT_UP: "a leader transferring leadership sends TimeoutNow at once, before the target's "
    "log is up to date: the target campaigns with a stale log, cannot win, and the cluster is left leaderless "
    "(thesis §3.10)",
    Bug.PREVOTE_INCREMENTS_TERM: "a server starting a pre-vote increments its term, as if it started an election: "
    "an isolated server's term still climbs, and on its return it deposes the leader (thesis §9.6; needs "
    "cluster.pre_vote)",
    Bug.VOTE_DESPITE_LEADER: "a server that heard from its leader within the minimum election timeout still adopts "
    "a candidate's higher term and votes: leader stickiness ignored (thesis §4.2.3; needs cluster.check_quorum)",
    Bug.CONCURRENT_CHANGES: "a leader appends a single-server membership change while the previous one is still "
    "uncommitted: two changes in flight at once, whose configurations' majorities need not overlap, so two "
    "leaders can be elected in one term (thesis §4.1)",
    Bug.CHANGE_BEFORE_OWN_TERM_COMMIT: "a new leader changes the configuration before an entry of its own term is "
    "committed: a change made by an earlier leader on top of an uncommitted configuration can then erase a "
    "committed entry (Ongaro's 2015 raft-dev correction, thesis §4.1)",
    Bug.SNAPSHOT_OVER_NEWER_ENTRIES: "a follower installing a snapshot discards its entire log, even the entries "
    "after the snapshot that match it, and installs a snapshot older than its commitIndex: committed entries are "
    "lost and its state machine rolls back (thesis §5.1, Figure 5.3 rules 6 and 7; needs storage.snapshot_every)",
    Bug.LEASE_WITHOUT_CHECK_QUORUM: "lease reads are served with CheckQuorum off, the lease taken to hold while "
    "the server leads (as etcd's lease-based reads rely on CheckQuorum to depose a cut-off leader): a leader cut "
    "off with a minority never steps down, and answers reads from stale state after a new leader took over "
    "(thesis §6.4.1; needs cluster.read_mode: lease)",
    Bug.READ_INDEX_WITHOUT_CONFIRMATION: "a leader answers a ReadIndex read at its commit index without the "
    "heartbeat round that confirms it still leads: a deposed leader returns stale data (thesis §6.4; needs "
    "cluster.read_mode: read_index)",
}

#: The scenario switch each bug of the thesis's extensions needs to show anything (``cluster.KEY: true``).
BUG_NEEDS: dict[Bug, str] = {Bug.PREVOTE_INCREMENTS_TERM: "pre_vote", Bug.VOTE_DESPITE_LEADER: "check_quorum"}
#: The bugs that show only when servers compact their logs (``storage.snapshot_every`` above 0).
BUG_NEEDS_SNAPSHOTS: frozenset[Bug] = frozenset({Bug.SNAPSHOT_OVER_NEWER_ENTRIES})
#: The read mode (``cluster.read_mode``) each bug of reads without the log needs to show anything.
BUG_READ_MODE: dict[Bug, ReadMode] = {
    Bug.LEASE_WITHOUT_CHECK_QUORUM: ReadMode.LEASE,
    Bug.READ_INDEX_WITHOUT_CONFIRMATION: ReadMode.READ_INDEX,
}


class CommitOldTerm(RaftNode):
    """``commit-old-term``: a leader commits an entry of an earlier term once a majority holds it (Figure 8)."""

    def may_commit_by_counting_replicas(self, index: int) -> bool:
        return True


class VoteWithoutLogCheck(RaftNode):
    """``vote-without-log-check``: a vote is granted whatever the candidate's log."""

    def log_is_at_least_as_up_to_date(self, m: RequestVote | PreVote) -> bool:
        return True


class TruncateOnStaleAppend(RaftNode):
    """``truncate-on-stale-append``: the follower deletes every entry after the new ones, conflicting or not, so
    a late AppendEntries cuts off entries a later one added (and may have let commit)."""

    def delete_conflicting_entries(self, prev: int, entries: tuple[Entry, ...]) -> int:
        first_new = super().delete_conflicting_entries(prev, entries)
        last_new = prev + len(entries)
        if self.log.last_index > last_new:
            self._truncate(last_new + 1)
        return first_new


class NoStepDown(RaftNode):
    """``no-step-down``: a leader that sees a higher term adopts it (forgetting its vote) but keeps leading."""

    def step_down_on_higher_term(self, now: float, term: int) -> None:
        if self.role is not Role.LEADER:
            super().step_down_on_higher_term(now, term)
            return
        self.current_term = term
        self.voted_for = None
        self._hard_state_dirty = True
        self._notes.append(RoleChanged(Role.LEADER, term))


class CommitWithoutMin(RaftNode):
    """``commit-without-min``: before the consistency check, commitIndex follows leaderCommit up to this log's
    end, whether or not the leader has vouched for the entries there (rule 5 without the min)."""

    def log_contains_prev_entry(self, m: AppendEntries) -> bool:
        if m.leader_commit > self.commit_index:
            self.advance_commit_index(min(m.leader_commit, self.log.last_index))
        return super().log_contains_prev_entry(m)


class VoteTwice(RaftNode):
    """``vote-twice``: a server grants a vote even after voting for another candidate in the term."""

    def not_yet_voted_for_another(self, m: RequestVote) -> bool:
        return True


class AcceptStaleAppend(RaftNode):
    """``accept-stale-append``: a server follows an AppendEntries from a leader of an older term."""

    def term_is_stale(self, m: AppendEntries) -> bool:
        return False


class FixedElectionTimeout(RaftNode):
    """``fixed-election-timeout``: every election timeout is the range's low end, with no random draw."""

    def random_election_timeout(self) -> float:
        return self.election_range[0]


class LocalRead(RaftNode):
    """``local-read``: the leader answers a read from its own state machine at once, not through the log (the
    proposal's ``answer``). Wrong on purpose (§8): a leader must not answer a read before it knows it is still
    the leader and has applied everything committed; a deposed leader, or a new one whose no-op is not yet
    committed, returns stale data."""

    def propose(self, command: Command) -> Proposal:
        if self.role is Role.LEADER and command.kind is OpKind.READ:
            answer = ApplyResult(self.last_applied, self.store.data.get(command.key), duplicate=False)
            return Proposal(answer.index, answer)
        return super().propose(command)

    def read(self, now: float, command: Command) -> Proposal:
        return self.propose(command)  # whatever the read mode


class TransferBeforeCaughtUp(RaftNode):
    """``transfer-before-caught-up``: a leader transferring leadership takes the target to be caught up at
    once, so TimeoutNow may reach a target whose log lacks entries a majority holds: its election is refused
    (log not up to date), its higher term deposes the leader, and nobody leads until an election timeout."""

    def target_is_caught_up(self, progress: Progress) -> bool:
        return True


class PreVoteIncrementsTerm(RaftNode):
    """``prevote-increments-term``: starting a pre-vote, the server moves to the next term (persisting it), as a
    real election would; the pre-vote then asks for the term after that."""

    def start_pre_vote(self, now: float) -> None:
        self.enter_term(self.current_term + 1)
        self._notes.append(RoleChanged(self.role, self.current_term))
        super().start_pre_vote(now)


class VoteDespiteLeader(RaftNode):
    """``vote-despite-leader``: a server never considers that it heard from a leader recently, so a candidate's
    higher term deposes a working leader (and pre-votes are granted while it is alive)."""

    def heard_from_leader_recently(self, now: float) -> bool:
        return False


class ConcurrentChanges(RaftNode):
    """``concurrent-changes``: a leader never sees a membership change in progress, so it appends the next
    change before the previous one is committed."""

    def change_in_progress(self) -> bool:
        return False


class ChangeBeforeOwnTermCommit(RaftNode):
    """``change-before-own-term-commit``: a new leader changes the configuration at once, without first
    committing an entry of its own term."""

    def own_term_committed(self) -> bool:
        return True


class SnapshotOverNewerEntries(RaftNode):
    """``snapshot-over-newer-entries``: a follower installs every snapshot of a current leader, even one that
    ends before its commitIndex, and always discards its entire log (rule 7), never keeping the entries that
    follow a matching last included entry (rule 6). A duplicated or late InstallSnapshot then wipes out entries
    the follower already holds, committed ones included."""

    def snapshot_is_stale(self, snapshot: Snapshot) -> bool:
        return False

    def retain_entries_following(self, snapshot: Snapshot) -> int:
        self.discard_log(snapshot)
        return 0


class LeaseWithoutCheckQuorum(RaftNode):
    """``lease-without-check-quorum``: lease reads are allowed with CheckQuorum off, and the lease is taken to
    hold for as long as the server leads, as etcd's lease-based reads do (they trust CheckQuorum to make a leader
    cut off from its majority step down). Without CheckQuorum nothing does: a deposed leader that has not heard
    of the new term still believes its lease."""

    def check_read_settings(self, settings: NodeSettings) -> None:
        if settings.read_mode is not ReadMode.LEASE or settings.check_quorum:
            super().check_read_settings(settings)

    def lease_holds(self, now: float) -> bool:
        return self.role is Role.LEADER


class ReadIndexWithoutConfirmation(RaftNode):
    """``read-index-without-confirmation``: a ReadIndex read is answered at the leader's commit index without
    waiting for a heartbeat round acknowledged by a majority, so a leader cut off from its majority (deposed
    without knowing it) answers from stale state."""

    def leadership_confirmed(self, read: PendingRead) -> bool:
        return True


#: The bugs that break a rule of the node, each with the subclass that breaks it.
NODE_BUGS: dict[Bug, type[RaftNode]] = {
    Bug.COMMIT_OLD_TERM: CommitOldTerm,
    Bug.VOTE_WITHOUT_LOG_CHECK: VoteWithoutLogCheck,
    Bug.TRUNCATE_ON_STALE_APPEND: TruncateOnStaleAppend,
    Bug.NO_STEP_DOWN: NoStepDown,
    Bug.COMMIT_WITHOUT_MIN: CommitWithoutMin,
    Bug.VOTE_TWICE: VoteTwice,
    Bug.ACCEPT_STALE_APPEND: AcceptStaleAppend,
    Bug.FIXED_ELECTION_TIMEOUT: FixedElectionTimeout,
    Bug.LOCAL_READ: LocalRead,
    Bug.TRANSFER_BEFORE_CAUGHT_UP: TransferBeforeCaughtUp,
    Bug.PREVOTE_INCREMENTS_TERM: PreVoteIncrementsTerm,
    Bug.VOTE_DESPITE_LEADER: VoteDespiteLeader,
    Bug.CONCURRENT_CHANGES: ConcurrentChanges,
    Bug.CHANGE_BEFORE_OWN_TERM_COMMIT: ChangeBeforeOwnTermCommit,
    Bug.SNAPSHOT_OVER_NEWER_ENTRIES: SnapshotOverNewerEntries,
    Bug.LEASE_WITHOUT_CHECK_QUORUM: LeaseWithoutCheckQuorum,
    Bug.READ_INDEX_WITHOUT_CONFIRMATION: ReadIndexWithoutConfirmation,
}


def node_class(bugs: Iterable[Bug] = (), *, tick_timers: bool = False) -> type[RaftNode]:
    """The node class for these switchable bugs: :class:`RaftNode` for none, else a subclass of the classes of
    :data:`NODE_BUGS` switched on (in the order of :class:`Bug`), whose ``bugs`` are all of them. With
    ``tick_timers``, the class is built on :class:`~raft.core.ticks.TickTimers` (etcd's timers) instead."""
    return _node_class(frozenset(bugs), tick_timers)


@functools.cache
def _node_class(bugs: frozenset[Bug], tick_timers: bool) -> type[RaftNode]:
    bases: tuple[type[RaftNode], ...] = tuple(
        NODE_BUGS[bug] for bug in Bug if bug in bugs and bug in NODE_BUGS
    )
    if tick_timers:
        bases = (*bases, TickTimers)
    if not bugs:
        return bases[0] if bases else RaftNode
    names = [bug.value for bug in Bug if bug in bugs] + (["tick-timers"] if tick_timers else [])
    return type(f"RaftNode[{','.join(names)}]", bases or (RaftNode,), {"bugs": bugs, "__module__": __name__})
